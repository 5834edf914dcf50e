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

// One key of CREATE INDEX: the column (quoted) or the expression (parenthesised), then COLLATE,
// the operator class with its parameters, and the order where they are not the defaults.
std::string indexKeySql(const IndexKey& key);

// "("fillfactor" = '90', ...)": storage or operator class parameters, names quoted, values literals.
std::string parameterListSql(const Parameters& parameters);

}  // namespace schema
