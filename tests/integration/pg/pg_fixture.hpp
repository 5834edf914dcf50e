#pragma once
// Shared by the pg integration suites: a fresh database on the process's PostgreSQL and a
// connection to it made the way the operator makes one.
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "pg/connection.hpp"
#include "pg/inspect.hpp"
#include "support/postgres.hpp"
#include "support/round_trips.hpp"

namespace pgtest {

inline testsupport::PostgresServer& server() { return testsupport::PostgresServer::shared(); }

// Over the unix socket (trust), as pg::connect builds it.
inline std::unique_ptr<pqxx::connection> connectTo(const std::string& db) {
  pg::ConnectionOptions options;
  options.url = server().socketUrl(db);
  auto conn = pg::connect(options);
  if (!conn) throw std::runtime_error(conn.error().describe());
  return std::move(*conn);
}

}  // namespace pgtest
