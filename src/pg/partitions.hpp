#pragma once
// pg::askPartitions: Postgres says how it prints declared partition keys and bounds, by creating
// them on scratch temporary tables in a transaction that is always rolled back.
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/partition.hpp"

namespace pg {

// The answers, or an input error naming the field whose text Postgres refused (or that turned
// out to be more than a key or a bound). `planned` names what the plan creates that the scratch
// tables' columns may use (enums, domains, composite types, sequences, extensions): it is made
// first in the same transaction, as pg::canonicalize makes it, and rolled back with it.
core::Result<schema::PartitionAnswers> askPartitions(pqxx::connection& conn, const std::string& schemaName,
                                                     const schema::CanonQuestions& planned,
                                                     const std::vector<schema::PartitionQuestion>& questions);

}  // namespace pg
