#pragma once
// Functions and procedures on the server: the catalog query pg::inspect adds to its batch, and the
// questions put about declared ones (pg::askFunctions).
#include <string>

#include <pqxx/connection>
#include <pqxx/result>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/function.hpp"

namespace pg {

// Makes each asked function (under its own name in the schema when nothing there has that name,
// else as pg_temp.so_fn_<i>) in a transaction that is always rolled back, after the objects the
// plan creates (`planned`) and the shadow tables, and reads back what Postgres made of it. A declaration Postgres refuses is an input error naming it;
// one whose text turns out to define more than its field (a result that adds SECURITY DEFINER) is
// refused too. Languages the database lacks are answered, not asked.
core::Result<schema::FunctionAnswers> askFunctions(pqxx::connection& conn, const std::string& schemaName,
                                                   const schema::CanonQuestions& planned,
                                                   const schema::FunctionQuestions& questions);

namespace detail {

// (13) The schema's functions and procedures the resource can declare: in a language other than C
// or internal, with a body given as text (not BEGIN ATOMIC), not an extension's; each with what
// depends on it (pg_depend). $1 is the schema's name.
extern const std::string kFunctionsQuery;

// Fills model.functions from the rows of kFunctionsQuery.
void decodeFunctions(const pqxx::result& rows, schema::Model& model);

}  // namespace detail

}  // namespace pg
