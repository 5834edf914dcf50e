#pragma once
// What `schema-operator export` reads beside pg::inspect: the objects of the schema that a
// resource cannot express (by catalog query, never by guessing from text), the facts that tell a
// name Postgres generated, and the rows of the tables given to --seed.
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "export/catalog.hpp"
#include "schema/model.hpp"

namespace pg {

// In one read-only transaction. `live` is what pg::inspect read of the same schema; a --seed
// table that is not one of its tables is an Invalid error naming it.
core::Result<exporting::CatalogExtras> readExportFacts(pqxx::connection& conn, const schema::Model& live,
                                                       const std::vector<std::string>& seedTables);

// How many tables pg::inspect would read in the schema (to decide whether to read over two
// connections, as plan decides from the tables a document declares).
core::Result<size_t> countTables(pqxx::connection& conn, const std::string& schemaName);

}  // namespace pg
