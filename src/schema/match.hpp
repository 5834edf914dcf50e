#pragma once
// Pairing declared objects with live ones (by name, or by an old name from renamedFrom), and
// the type comparisons diff() and canonQuestions() share.
#include <set>
#include <string>
#include <vector>

#include "schema/canon.hpp"
#include "schema/model.hpp"

namespace schema {

struct TableMatch {
  const Table* want = nullptr;
  const Table* have = nullptr;  // nullptr: the table is missing
  bool renamed = false;         // `have` carries an old name from want->renamedFrom
};

// One entry per declared table, in declared order.
std::vector<TableMatch> matchTables(const Model& have, const Model& want);

// The live column a declared column stands for: same name, else an old name from renamedFrom
// when the new name is not live. `renamed` tells which.
const Column* matchColumn(const Table& have, const Table& want, const Column& column, bool* renamed = nullptr);

// The type as SQL for DDL: a declared enum is schema-qualified and quoted; anything else is the
// author's type text.
std::string typeSql(const Column& column, const Model& want);

// The declared enums a question transaction stands in for with temporary enums of the same name
// (pg::detail::createPlannedObjects): those the plan creates or changes.
std::set<std::string> shadowedEnums(const Model& have, const Model& want);

// A declared column's type as a question's scratch table takes it: a shadowed enum unqualified,
// so that the temporary one is found first (pg_temp comes first for types); anything else as
// typeSql gives it.
std::string scratchTypeSql(const Column& column, const Model& want, const std::set<std::string>& shadowed);
// A declared table's columns as a question's scratch copy of it takes them: (name, scratchTypeSql).
std::vector<std::pair<std::string, std::string>> scratchColumns(const Table& table, const Model& want,
                                                                const std::set<std::string>& shadowed);

// Does the live column already have the declared type? Uses the server's answer when it was asked.
bool sameType(const Column& live, const Column& declared, const Model& want, const Canon& canon);

// The declared type in format_type's spelling, as well as it is known (server answer, else cheap).
std::string canonicalType(const Column& declared, const Model& want, const Canon& canon);

}  // namespace schema
