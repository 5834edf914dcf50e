#pragma once
// Private to src/pg: turning libpqxx exceptions into core::Error (the edge catches, callers branch
// on the kind).
#include <string>

#include <pqxx/except>

#include "core/error.hpp"
#include "pg/failure.hpp"

namespace pg::detail {

// The server's first message line without libpq's "ERROR:  " prefix; query echoes and caret lines
// dropped.
inline std::string firstLine(const std::string& what) {
  std::string line = what.substr(0, what.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "})
    if (line.rfind(prefix, 0) == 0) line = line.substr(std::string(prefix).size());
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

// Why the server refused a statement: its first line and its SQLSTATE ("42P01": a relation that
// does not exist). An empty SQLSTATE: it took the statement, but it made more than was asked.
struct Refusal {
  std::string message;
  std::string sqlstate;
};
inline Refusal refusalOf(const pqxx::sql_error& e) { return {firstLine(e.what()), e.sqlstate()}; }

// See pg::failureOf: the one mapping of libpqxx exceptions to messages.
inline core::Error fromException(const std::exception& e, const std::string& context) { return failureOf(e, context); }

}  // namespace pg::detail
