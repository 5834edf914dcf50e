#pragma once
// One change to the SQL steps that make it, in the lock-safe forms: CONCURRENTLY for indexes on
// live tables, NOT VALID then VALIDATE for checks and foreign keys, unique and primary keys from
// a concurrently built index, SET NOT NULL behind a validated check.
#include <string>
#include <vector>

#include "schema/change.hpp"
#include "schema/plan.hpp"

namespace schema {

std::vector<Step> render(const Change& change, const std::string& schemaName);

}  // namespace schema
