#pragma once
// Reading one schema's catalog into a schema::Model, in a fixed number of queries however many
// tables there are. Objects of other schemas are never read.
#include <functional>
#include <memory>
#include <string>

#include <pqxx/connection>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/facts.hpp"
#include "schema/model.hpp"
#include "schema/view.hpp"

namespace pg {

// Sets the session's search_path to the managed schema (then public) so that type names and
// expressions print and resolve as they would for the application. Call once per connection
// before inspect/canonicalize/apply; cheap to repeat.
core::Result<void> useSchema(pqxx::connection& conn, const std::string& schemaName);

// Tables (with comments), columns (format_type, pg_get_expr defaults, nullability, identity,
// comments), constraints, indexes not owned by constraints, enums with ordered values, sequences
// no identity column owns (options and OWNED BY column), views (pg_get_viewdef, options, columns,
// what they read, a materialized view's indexes), the database's extensions, and the schema's
// objects of kinds the resource does not manage (Model::unmanaged). A schema that does not exist
// reads as an empty model.
// `indexDefinitions` false leaves Index::definition empty: pg_get_indexdef is the costliest thing
// the read asks for, and nothing the engine decides depends on it.
// `openHelper`, when set, opens a second connection to the same database: the read is then split
// over both, in one exported snapshot, so that the server works on a large catalog with two cores.
// When it returns null or the helper fails, this connection reads everything as usual.
using ConnectionFactory = std::function<std::unique_ptr<pqxx::connection>()>;
core::Result<schema::Model> inspect(pqxx::connection& conn, const std::string& schemaName,
                                    bool indexDefinitions = true,
                                    const ConnectionFactory& openHelper = {});

// Puts the questions to the server on scratch temporary tables inside a transaction that is
// rolled back. A declared type or expression Postgres rejects is an Invalid error naming its field.
core::Result<schema::Canon> canonicalize(pqxx::connection& conn, const std::string& schemaName,
                                         const schema::CanonQuestions& questions);

// Puts every declared view query to the server as a temporary view, over temporary stand-ins for
// the tables the plan changes and the types it creates (`planned`, made as pg::canonicalize makes
// them), in a transaction that is rolled back. A query Postgres refuses, or that is not one
// query, is an Invalid error naming its field.
core::Result<schema::ViewAnswers> canonicalizeViews(pqxx::connection& conn, const std::string& schemaName,
                                                    const schema::CanonQuestions& planned,
                                                    const schema::ViewQuestions& questions);

// Answers the fact questions in one query (and one more for each rebuilt enum, one for every
// dropped sequence together).
core::Result<schema::Facts> probe(pqxx::connection& conn, const std::string& schemaName,
                                  const schema::FactQuestions& questions);

// "15.8"
std::string serverVersion(const pqxx::connection& conn);

}  // namespace pg
