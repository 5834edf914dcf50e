#pragma once
// pg::askPolicies: Postgres says how it prints declared policy expressions, by making each policy
// on a temporary copy of its table in a transaction that is always rolled back.
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/row_policy.hpp"

namespace pg {

// The answers, or an input error naming the policy whose text Postgres refused (or that turned
// out to be more than the expressions declared). `planned` is made first, as pg::canonicalize
// makes it (the types the plan creates).
core::Result<schema::PolicyAnswers> askPolicies(pqxx::connection& conn, const std::string& schemaName,
                                                const schema::CanonQuestions& planned,
                                                const std::vector<schema::PolicyQuestion>& questions);

}  // namespace pg
