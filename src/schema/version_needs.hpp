#pragma once
// Declarations that only newer PostgreSQL majors can carry out (NULLS NOT DISTINCT needs 15). The
// engine asks before it plans, so that such a declaration is an input error naming the field and
// both versions, never a statement the server refuses half-way through an apply. Pure: no server.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/model.hpp"

namespace schema {

// One declared feature and the first major that has it.
struct VersionNeed {
  std::string field;  // "spec.tables[0].indexes[1].nullsNotDistinct"
  int sinceMajor = 0;
  bool operator==(const VersionNeed&) const = default;
};

// Every declared feature newer than the oldest supported major, in declaration order.
std::vector<VersionNeed> versionNeeds(const Model& want);

// The first declared feature a server of `serverMajor` lacks, as an Invalid error:
// "spec.tables[0].indexes[1].nullsNotDistinct: needs PostgreSQL 15 or later; the server is 14".
std::optional<core::Error> unsupportedOn(const Model& want, int serverMajor);

}  // namespace schema
