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

// Everything but the seed rows, in one read-only transaction and one round trip; it needs no
// model, so export reads it on a connection of its own while pg::inspect reads the rest.
core::Result<exporting::CatalogExtras> readExportFacts(pqxx::connection& conn, const std::string& schemaName);

// The rows of each --seed table. `live` is what pg::inspect read of the same schema; a table that
// is not one of its tables is an Invalid error naming it.
core::Result<std::vector<exporting::SeedTable>> readSeedRows(pqxx::connection& conn, const schema::Model& live,
                                                             const std::vector<std::string>& seedTables);

}  // namespace pg
