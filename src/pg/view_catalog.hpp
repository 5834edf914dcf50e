#pragma once
// What pg::inspect and pg::canonicalizeViews both read of a view, in the same words: its query as
// Postgres prints it, its columns, and what it reads (pg_depend of its rewrite rule). Private to
// src/pg.
#include <string>

#include <pqxx/result>

#include "schema/model.hpp"

namespace pg::detail {

// SQL for the columns of view `c` (a pg_class alias) as a JSON array of [name, format_type].
std::string viewColumnsJson();
// SQL for what view `c` reads as a JSON array of [relation, column or ""], counting only relations
// for which `relationFilter` (an SQL condition on alias r) holds.
std::string viewReadsJson(const std::string& relationFilter);

// pg_get_viewdef's text without the semicolon and newline it ends with.
std::string viewQueryText(const pqxx::field& f);
void decodeViewColumns(const pqxx::field& f, schema::View& v);
void decodeViewReads(const pqxx::field& f, schema::View& v);

}  // namespace pg::detail
