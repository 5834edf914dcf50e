#pragma once
// Sequence options as CREATE SEQUENCE settles them: the defaults an unset option takes for the
// type and direction, the checks Postgres makes on them, and what an ALTER SEQUENCE must change.
// Pure: shared by the spec reader (errors), diff (drift) and classify (ranges).
#include <optional>
#include <string>

#include "schema/model.hpp"

namespace schema {

// The values a sequence of this type can hold; nullopt for anything but smallint, integer, bigint.
struct SequenceRange {
  long long min = 0;
  long long max = 0;
};
std::optional<SequenceRange> rangeOfType(const std::string& type);

// `declared` with every option set as CREATE SEQUENCE would set it: increment 1; minValue 1
// ascending, the type's least descending; maxValue the type's greatest ascending, -1 descending;
// start at minValue ascending, maxValue descending; cache 1. An unknown type counts as bigint.
Sequence withDefaults(const Sequence& declared);

// The first option Postgres would refuse, as (option, reason), e.g. ("start", "1 is below
// minValue 10"); nullopt when CREATE SEQUENCE accepts them all. `option` is the API field name.
struct SequenceProblem {
  std::string option;
  std::string reason;
};
std::optional<SequenceProblem> optionsProblem(const Sequence& declared);

// Whether two sequences with every option set differ in an option (type, start, increment,
// minValue, maxValue, cache, cycle); the owner is compared by the caller, which knows renames.
bool sameOptions(const Sequence& live, const Sequence& wanted);

// `ownedBy` ("table.column") as the table and column of `model` it names. Names may hold dots:
// the split is the one whose table `model` declares with that column; nullopt when none is.
std::optional<std::pair<std::string, std::string>> splitOwner(const std::string& ownedBy, const Model& model);

}  // namespace schema
