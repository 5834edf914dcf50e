// A connection the server closes under the engine (pg_terminate_backend from another session) is
// reported in the user's terms: what was being done and that the database closed the connection,
// never libpqxx's wording, never the password.
#include <pqxx/pqxx>

#include "engine_fixture.hpp"

namespace {

TEST_F(EngineTest, AConnectionClosedByTheServerIsSaidInTheUsersTerms) {
  pg::ConnectionOptions options;
  options.url = pgServer().tcpUrl(db_) + "?sslmode=require";
  auto conn = pg::connect(options);
  ASSERT_TRUE(conn) << conn.error().describe();
  pgServer().exec("postgres", "SELECT pg_terminate_backend(" + std::to_string((*conn)->backendpid()) + ")");

  engine::Options run;
  run.apply = true;
  auto report = engine::run(**conn, resource("  tables:\n    - name: t\n      columns:\n        - {name: id, type: bigint}\n"), run);
  ASSERT_FALSE(report);
  const std::string& m = report.error().message;
  EXPECT_EQ(report.error().kind, core::ErrorKind::Transient);
  EXPECT_NE(m.find("the database closed the connection"), std::string::npos) << m;
  for (const char* internal : {"encoding", "not connected", "Lost connection", "libpq", "pqxx"})
    EXPECT_EQ(m.find(internal), std::string::npos) << internal << " in: " << m;
  EXPECT_EQ(m.find(testsupport::kPassword), std::string::npos) << m;
}

}  // namespace
