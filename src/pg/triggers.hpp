#pragma once
// pg::askTriggers: Postgres says how it prints declared trigger conditions (`when`), by making
// each trigger on a temporary copy of its table in a transaction that is always rolled back.
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/trigger.hpp"

namespace pg {

// The answers, or an input error naming the `when` Postgres refused (or that turned out to
// define more than a condition). `planned` is made first, as pg::canonicalize makes it (the
// types the plan creates).
core::Result<schema::TriggerAnswers> askTriggers(pqxx::connection& conn, const std::string& schemaName,
                                                 const schema::CanonQuestions& planned,
                                                 const std::vector<schema::TriggerQuestion>& questions);

}  // namespace pg
