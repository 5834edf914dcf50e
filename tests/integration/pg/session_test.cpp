// Every connection pg::connect opens speaks UTF8 with standard_conforming_strings on, whatever the
// database's encoding, the role's defaults and the URL say; and a lost connection is said in the
// user's terms, never in libpqxx's.
#include <pqxx/pqxx>

#include "pg/failure.hpp"
#include "pg_fixture.hpp"

namespace {

using pgtest::server;

std::string show(pqxx::connection& conn, const std::string& setting) {
  pqxx::nontransaction tx(conn);
  return tx.exec("SHOW " + setting)[0][0].c_str();
}

// A role whose own defaults are the hostile ones: GBK (a client-only encoding whose second bytes
// include the ASCII backslash and quote) and backslash escapes in ordinary literals.
std::string hostileRole() {
  static const std::string role = [] {
    server().exec("postgres",
                  "CREATE ROLE hostile_defaults LOGIN; "
                  "ALTER ROLE hostile_defaults SET client_encoding = 'GBK'; "
                  "ALTER ROLE hostile_defaults SET standard_conforming_strings = off");
    return std::string("hostile_defaults");
  }();
  return role;
}

std::string latin1Database() {
  const std::string db = "latin1_" + server().createDatabase("enc");
  server().exec("postgres", "CREATE DATABASE " + db +
                                " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  return db;
}

TEST(Session, IsUtf8WithStandardStringsOnWhateverTheRoleDefaultsTo) {
  const std::string db = server().createDatabase("enc");
  pg::ConnectionOptions o;
  o.url = server().socketUrl(db) + " user=" + hostileRole();
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(show(**conn, "client_encoding"), "UTF8");
  EXPECT_EQ(show(**conn, "standard_conforming_strings"), "on");
}

TEST(Session, TheUrlCannotTurnEitherOff) {
  const std::string db = server().createDatabase("enc");
  pg::ConnectionOptions o;
  o.url = server().socketUrl(db) +
          " client_encoding=LATIN1 options='-c client_encoding=GBK -c standard_conforming_strings=off'";
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(show(**conn, "client_encoding"), "UTF8");
  EXPECT_EQ(show(**conn, "standard_conforming_strings"), "on");
}

TEST(Session, IsUtf8OnALatin1Database) {
  const std::string db = latin1Database();
  pg::ConnectionOptions o;
  o.url = server().socketUrl(db);
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(show(**conn, "server_encoding"), "LATIN1");
  EXPECT_EQ(show(**conn, "client_encoding"), "UTF8");
  pqxx::nontransaction tx(**conn);
  // é is one byte in LATIN1, two in UTF8: the server converts, so what comes back is what was sent.
  EXPECT_EQ(tx.exec_params1("SELECT $1::text || 'é'", std::string("café"))[0].as<std::string>(), "caféé");
}

TEST(Failure, ALostConnectionIsSaidInTheUsersTerms) {
  // What libpqxx 6.4 throws when a statement finds the server gone.
  const pqxx::broken_connection lost("Could not obtain client encoding: not connected.");
  const core::Error e = pg::failureOf(lost, "reading the catalog");
  EXPECT_EQ(e.kind, core::ErrorKind::Transient);
  EXPECT_EQ(e.message, "reading the catalog: the database closed the connection");

  const pqxx::broken_connection terminated(
      "FATAL:  terminating connection due to administrator command\nserver closed the connection unexpectedly\n");
  EXPECT_EQ(pg::failureOf(terminated, "applying").message,
            "applying: the database closed the connection (terminating connection due to administrator command)");

  const pqxx::in_doubt_error doubt("Lost connection to the database server while committing.");
  EXPECT_EQ(pg::failureOf(doubt, "applying").message.find("Lost connection"), std::string::npos);
}

TEST(Failure, AStatementTheServerRefusedKeepsTheServersMessage) {
  const pqxx::sql_error refused("ERROR:  relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope\n", "SELECT",
                                "42P01");
  const core::Error e = pg::failureOf(refused, "reading the catalog");
  EXPECT_EQ(e.kind, core::ErrorKind::Terminal);
  EXPECT_EQ(e.message, "reading the catalog: relation \"nope\" does not exist");
}

TEST(Failure, ATerminatedBackendIsReportedWithoutLibpqxxWording) {
  const std::string db = server().createDatabase("enc");
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db) + "?sslmode=require";
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  server().exec("postgres", "SELECT pg_terminate_backend(" + std::to_string((*conn)->backendpid()) + ")");
  try {
    pqxx::nontransaction tx(**conn);
    tx.exec("SELECT 1");
    FAIL() << "the statement ran on a terminated backend";
  } catch (const std::exception& thrown) {
    const core::Error e = pg::failureOf(thrown, "reading the catalog");
    EXPECT_EQ(e.kind, core::ErrorKind::Transient);
    EXPECT_EQ(e.message.rfind("reading the catalog: the database closed the connection", 0), 0u) << e.message;
    EXPECT_EQ(e.message.find("encoding"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find(testsupport::kPassword), std::string::npos) << e.message;
  }
}

}  // namespace
