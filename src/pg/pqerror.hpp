#pragma once
// Private to src/pg: turning libpqxx exceptions into core::Error (the edge catches, callers branch
// on the kind).
#include <string>

#include <pqxx/except>

#include "core/error.hpp"

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

// Lost connections, serialisation failures, deadlocks, lock and statement timeouts may go away on
// a retry; anything else the server refused stays refused.
inline core::Error fromException(const std::exception& e, const std::string& context) {
  const std::string message = context + ": " + firstLine(e.what());
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::transaction_rollback*>(&e) ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return core::transient(message);
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    // 55P03 lock_not_available, 57014 query_canceled (statement_timeout), 57P01 admin_shutdown,
    // 53xxx insufficient resources.
    if (state == "55P03" || state == "57014" || state == "57P01" || state.rfind("53", 0) == 0)
      return core::transient(message);
  }
  return core::terminal(message);
}

}  // namespace pg::detail
