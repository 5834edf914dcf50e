#pragma once
// Domains and composite types on the server: the catalog query pg::inspect adds to its batch,
// and the questions pg::canonicalize puts about them. Internal to src/pg.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/model.hpp"
#include "schema/view.hpp"

namespace pg::detail {

// (7) The schema's domains (base type, NOT NULL, default, collation, each check) and composite
// types (each attribute), one row per check or attribute; extension members left out. $1 is the
// schema's name.
extern const char* const kUserTypesQuery;

// Fills model.domains and model.compositeTypes from the rows of kUserTypesQuery.
void decodeUserTypes(const pqxx::result& rows, schema::Model& model);

// What the plan creates that a declaration may name, made first in a question transaction (and
// rolled back with it): the extensions and sequences the plan creates, each changed or new enum as
// a temporary enum of the same name (found first, unqualified), then the domains and composite
// types. Used by every question transaction (pg::canonicalize, pg::askPartitions). The refusal,
// naming the declaration, or nullopt.
std::optional<schema::CanonFailure> createPlannedObjects(pqxx::transaction_base& tx, const std::string& schemaName,
                                                         const schema::CanonQuestions& questions);

// CREATE TEMPORARY TABLE name (columns) ON COMMIT DROP: a question's scratch copy of a declared
// table, its columns (name, type as SQL) as schema::scratchColumns gives them.
std::string scratchTableSql(const std::string& name, const std::vector<std::pair<std::string, std::string>>& columns);

// A question transaction's scratch work: createPlannedObjects, then `statements` in one round
// trip (execPipelined). The refusal as an input error naming the declaration (fields[i] for
// statements[i]); nullopt when Postgres took everything. On a refusal the caller rolls back.
std::optional<core::Error> makeScratch(pqxx::transaction_base& tx, const std::string& schemaName,
                                       const schema::CanonQuestions& planned, const std::vector<std::string>& statements,
                                       const std::vector<std::string>& fields);

// CREATE TEMPORARY TABLE for each shadow table (schema/view.hpp): while a question is asked, the
// declarations see the declared tables (found first, unqualified) rather than the live ones.
std::vector<std::string> shadowTableStatements(const std::vector<schema::ShadowTable>& tables);

// Creates the domains and composite types the plan creates, in the schema and in order, inside
// the question transaction (rolled back with it). The refusal, naming the declaration, or nullopt.
std::optional<schema::CanonFailure> createNewUserTypes(pqxx::transaction_base& tx, const std::string& schemaName,
                                                       const schema::CanonQuestions& questions);

// Asks every domain question on temporary domains and files the answers in `canon`. Throws the
// server's refusal; returns the error text when a question turned out not to be one thing.
std::optional<std::string> askDomains(pqxx::transaction_base& tx, const schema::CanonQuestions& questions,
                                      schema::Canon& canon);

// After a batch failed: each domain default and check alone, under a savepoint, to name every
// one the server refuses.
std::vector<schema::CanonFailure> diagnoseDomains(pqxx::transaction_base& tx, const schema::CanonQuestions& questions);

}  // namespace pg::detail
