#pragma once
// Two databases compared by what a DatabaseSchema manages, read with plain catalog queries of
// their own (never through src/pg/inspect, so that an inspect bug cannot hide itself): tables and
// their comments, columns (type, NOT NULL, default, identity, collation, generation, comment),
// constraints and indexes by name with Postgres's own definition text, enums with their values in
// order, sequences with every option and owner, extensions, and the rows of the tables named.
#include <string>
#include <vector>

namespace testsupport {

// One line per object, sorted; equal schemas give equal lists. Tables in `ignoredTables` (a
// resource's spec.ignore: not managed) are left out with their columns, constraints and indexes.
std::vector<std::string> catalogSnapshot(const std::string& conninfo, const std::string& schema,
                                         const std::vector<std::string>& rowsOfTables = {},
                                         const std::vector<std::string>& ignoredTables = {});

// The lines only one side has, "- " for `a`'s and "+ " for `b`'s: empty when they are equal.
std::string catalogDifference(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace testsupport
