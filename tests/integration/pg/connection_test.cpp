// pg::connect and friends against the harness's server: socket, TCP with scram, TLS modes, and
// errors that name the target but never the password.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "pg_fixture.hpp"

namespace {

using pgtest::server;

std::string sslInUse(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  return tx.exec("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0][0].c_str();
}

// A TCP socket bound to a free loopback port.
struct LoopbackSocket {
  int fd = -1;
  int port = 0;
  LoopbackSocket() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~LoopbackSocket() { close(fd); }
};

// A port nothing listens on: bound, never listened, so connections are refused.
using ClosedPort = LoopbackSocket;

// A server without TLS: answers the client's SSLRequest with 'N', as PostgreSQL with ssl = off
// does, then hangs up. Serves connections until destroyed.
struct ServerWithoutTls : LoopbackSocket {
  std::thread loop;
  ServerWithoutTls() {
    listen(fd, 8);
    loop = std::thread([this] {
      for (;;) {
        const int client = accept(fd, nullptr, nullptr);
        if (client < 0) return;
        char request[8];
        if (recv(client, request, sizeof request, MSG_WAITALL) == sizeof request) send(client, "N", 1, 0);
        close(client);
      }
    });
  }
  ~ServerWithoutTls() {
    shutdown(fd, SHUT_RDWR);
    loop.join();
  }
};

class Connection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = server().createDatabase("conn"); }
  static std::string db_;
};
std::string Connection::db_;

TEST_F(Connection, ConnectsOverTheUnixSocket) {
  pg::ConnectionOptions o;
  o.url = server().socketUrl(db_);
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  pqxx::nontransaction tx(**conn);
  EXPECT_EQ(tx.exec("SELECT current_database()")[0][0].as<std::string>(), db_);
  EXPECT_EQ(tx.exec("SHOW application_name")[0][0].as<std::string>(), "schema-operator");
}

TEST_F(Connection, ConnectsOverTcpWithThePassword) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.sslMode = "disable";
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(sslInUse(**conn), "false");
}

TEST_F(Connection, RequireEncryptsTheConnection) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.sslMode = "require";
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(sslInUse(**conn), "true");
}

TEST_F(Connection, VerifyFullSucceedsWithTheServersCertificateAsRoot) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);  // no mode asked for anywhere: verify-full
  o.rootCertFile = server().caCertFile();
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(sslInUse(**conn), "true");
}

TEST_F(Connection, VerifyFullWithoutARootCertificateFailsWithAClearMessage) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.sslMode = "verify-full";
  o.rootCertFile = server().socketDir() + "/no-such-root.crt";
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().kind, core::ErrorKind::Transient);
  EXPECT_NE(conn.error().message.find("cannot connect to 127.0.0.1:" + std::to_string(server().port())),
            std::string::npos);
  EXPECT_NE(conn.error().message.find(": TLS verification failed: root certificate file"), std::string::npos)
      << conn.error().message;
  EXPECT_EQ(conn.error().message.find(testsupport::kPassword), std::string::npos);
}

TEST_F(Connection, VerifyFullRejectsACertificateFromAnotherAuthority) {
  // The server's certificate names 127.0.0.1 and localhost, not 127.0.0.2 … but the simplest wrong
  // root at hand is a file that is not a certificate at all.
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.sslMode = "verify-full";
  o.rootCertFile = server().socketDir() + "/data/PG_VERSION";
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().message.find(testsupport::kPassword), std::string::npos);
}

TEST_F(Connection, AllowSelfSignedEncryptsWithoutVerifyingTheChain) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.sslMode = "verify-full";  // the API's default; allowSelfSigned relaxes it
  o.allowSelfSigned = true;
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  EXPECT_EQ(sslInUse(**conn), "true");
}

TEST_F(Connection, AClosedPortNamesHostAndPortButNeverThePassword) {
  ClosedPort closed;
  pg::ConnectionOptions o;
  o.url = "postgresql://postgres:" + std::string(testsupport::kPassword) + "@127.0.0.1:" +
          std::to_string(closed.port) + "/shop";
  o.connectTimeoutSeconds = 2;
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().kind, core::ErrorKind::Transient);
  const std::string& m = conn.error().message;
  EXPECT_EQ(
      m.rfind("cannot connect to 127.0.0.1:" + std::to_string(closed.port) + "/shop as postgres: connection refused", 0),
      0u)
      << m;
  EXPECT_EQ(m.find(testsupport::kPassword), std::string::npos);
  EXPECT_EQ(m.find('\n'), std::string::npos);
}

TEST_F(Connection, AWrongPasswordIsReportedWithoutThePassword) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_, "Wrong-Pass-4711");
  o.sslMode = "require";
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  const std::string& m = conn.error().message;
  EXPECT_EQ(m, "cannot connect to 127.0.0.1:" + std::to_string(server().port()) + "/" + db_ +
                   " as postgres: password authentication failed for user \"postgres\"");
  EXPECT_EQ(m.find("Wrong-Pass-4711"), std::string::npos) << m;
}

TEST_F(Connection, TlsRequiredByAServerWithoutTlsIsSaidSo) {
  ServerWithoutTls plain;
  pg::ConnectionOptions o;
  o.url = "postgresql://app:" + std::string(testsupport::kPassword) + "@127.0.0.1:" + std::to_string(plain.port) +
          "/shop?sslmode=require";
  o.connectTimeoutSeconds = 3;
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().kind, core::ErrorKind::Transient);
  EXPECT_EQ(conn.error().message, "cannot connect to 127.0.0.1:" + std::to_string(plain.port) +
                                      "/shop as app: the server does not offer TLS, which sslmode=require requires");
}

TEST_F(Connection, WithNoModeAskedForTheServerIsVerifiedInFull) {
  // With no CA bundle to verify the server with, verify-full cannot connect (prefer, libpq's own
  // default, would have).
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_);
  o.rootCertFile = server().socketDir() + "/no-such-root.crt";
  auto conn = pg::connect(o);
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("TLS verification failed"), std::string::npos) << conn.error().message;
  EXPECT_EQ(conn.error().message.find(testsupport::kPassword), std::string::npos);
}

TEST_F(Connection, TheUrlMayAskForAWeakerModeWhenNothingStricterIsDeclared) {
  pg::ConnectionOptions o;
  o.url = server().tcpUrl(db_) + "?sslmode=disable";
  auto plain = pg::connect(o);
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(sslInUse(**plain), "false");

  // The document asks for verify-full: the URL's disable cannot weaken it.
  o.declaredSslMode = "verify-full";
  o.rootCertFile = server().socketDir() + "/no-such-root.crt";
  auto strict = pg::connect(o);
  ASSERT_FALSE(strict);
  EXPECT_NE(strict.error().message.find("TLS verification failed"), std::string::npos) << strict.error().message;
}

TEST_F(Connection, AnUnparsableUrlIsInvalidAndNotQuoted) {
  for (const std::string url : {"postgresql://u:TopSecret-1@host/db?TopSecret-2=x",
                                "host=h password=TopSecret-1 TopSecret-2=x", "postgresql://u:TopSecret-1@[::1/db"}) {
    pg::ConnectionOptions o;
    o.url = url;
    auto info = pg::conninfo(o);
    ASSERT_FALSE(info) << url;
    EXPECT_EQ(info.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(info.error().message.find("TopSecret"), std::string::npos) << info.error().message;
    auto conn = pg::connect(o);
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(pg::describeTarget(o).find("TopSecret"), std::string::npos);
  }
}

TEST(Conninfo, AppliesOverridesAndQuotesValues) {
  pg::ConnectionOptions o;
  o.url = "postgresql://app:p%27w%5Cx@db.example:6543/shop?sslmode=disable&application_name=other";
  o.sslMode = "verify-full";
  o.rootCertFile = "/etc/ca dir/ca.crt";
  o.connectTimeoutSeconds = 7;
  o.applicationName = "schema operator";
  auto info = pg::conninfo(o);
  ASSERT_TRUE(info) << info.error().describe();
  const std::string& s = *info;
  EXPECT_NE(s.find("host='db.example'"), std::string::npos) << s;
  EXPECT_NE(s.find("port='6543'"), std::string::npos);
  EXPECT_NE(s.find("dbname='shop'"), std::string::npos);
  EXPECT_NE(s.find("password='p\\'w\\\\x'"), std::string::npos) << s;
  EXPECT_NE(s.find("sslmode='verify-full'"), std::string::npos);
  EXPECT_EQ(s.find("sslmode='disable'"), std::string::npos);
  EXPECT_NE(s.find("sslrootcert='/etc/ca dir/ca.crt'"), std::string::npos);
  EXPECT_NE(s.find("connect_timeout='7'"), std::string::npos);
  EXPECT_NE(s.find("application_name='schema operator'"), std::string::npos);
  EXPECT_EQ(pg::describeTarget(o), "db.example:6543/shop");
}

TEST(Conninfo, DefaultsToVerifyFullAndUtf8WhateverTheUrlSays) {
  pg::ConnectionOptions o;
  o.url = "postgresql://app@db/shop?client_encoding=LATIN1";
  auto info = pg::conninfo(o);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_NE(info->find("sslmode='verify-full'"), std::string::npos) << *info;
  EXPECT_NE(info->find("client_encoding='UTF8'"), std::string::npos) << *info;
  EXPECT_EQ(info->find("LATIN1"), std::string::npos) << *info;
}

TEST(Conninfo, TheStricterOfTheDocumentsAndTheUrlsModeWins) {
  pg::ConnectionOptions o;
  o.url = "postgresql://app@db/shop?sslmode=require";
  o.declaredSslMode = "verify-full";
  EXPECT_NE(pg::conninfo(o)->find("sslmode='verify-full'"), std::string::npos);
  o.url = "postgresql://app@db/shop?sslmode=verify-ca";
  o.declaredSslMode = "disable";
  EXPECT_NE(pg::conninfo(o)->find("sslmode='verify-ca'"), std::string::npos);
  o.sslMode = "disable";  // asked for explicitly (--ssl-mode): used as given
  EXPECT_NE(pg::conninfo(o)->find("sslmode='disable'"), std::string::npos);
}

TEST(ResolveSslMode, FollowsTheOrderDisableAllowPreferRequireVerifyCaVerifyFull) {
  const std::vector<std::string> order = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
  EXPECT_EQ(*pg::resolveSslMode(std::nullopt, std::nullopt, std::nullopt), "verify-full");
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(*pg::resolveSslMode(std::nullopt, std::nullopt, order[i]), order[i]);
    EXPECT_EQ(*pg::resolveSslMode(std::nullopt, order[i], std::nullopt), order[i]);
    for (size_t j = 0; j < order.size(); ++j) {
      EXPECT_EQ(*pg::resolveSslMode(std::nullopt, order[i], order[j]), order[std::max(i, j)]) << i << " " << j;
      EXPECT_EQ(*pg::resolveSslMode(order[i], order[j], order[j]), order[i]);
    }
  }
  auto bad = pg::resolveSslMode(std::nullopt, std::nullopt, std::string("verify_full"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, core::ErrorKind::Invalid);
}

TEST(HasPassword, FindsItInUrlsAndKeyValueStrings) {
  EXPECT_TRUE(pg::hasPassword("postgresql://app:pw@db/shop"));
  EXPECT_TRUE(pg::hasPassword("host=db user=app password=pw"));
  EXPECT_TRUE(pg::hasPassword("postgresql://app@db/shop?password=pw"));
  EXPECT_FALSE(pg::hasPassword("postgresql://app@db/shop"));
  EXPECT_FALSE(pg::hasPassword("host=/run/postgresql user=app"));
}

TEST(Conninfo, AllowSelfSignedRequiresTlsAndPointsTheRootAtNothing) {
  pg::ConnectionOptions o;
  o.url = "host=db user=app";
  o.rootCertFile = "/etc/ca.crt";
  o.allowSelfSigned = true;
  auto info = pg::conninfo(o);
  ASSERT_TRUE(info);
  EXPECT_NE(info->find("sslmode='require'"), std::string::npos) << *info;
  EXPECT_NE(info->find("sslrootcert='/dev/null/"), std::string::npos) << *info;
  EXPECT_EQ(pg::describeTarget(o), "db:5432/app");
}

TEST(Conninfo, RoundTripsAwkwardValuesToTheServer) {
  auto& pg = server();
  const std::string db = pg.createDatabase("conn");
  pg::ConnectionOptions o;
  o.url = pg.socketUrl(db);
  o.applicationName = "it's a \\ test";
  auto conn = pg::connect(o);
  ASSERT_TRUE(conn) << conn.error().describe();
  pqxx::nontransaction tx(**conn);
  EXPECT_EQ(tx.exec("SHOW application_name")[0][0].as<std::string>(), "it's a \\ test");
}

TEST(Conninfo, DescribesASocketTarget) {
  pg::ConnectionOptions o;
  o.url = server().socketUrl("shop");
  EXPECT_EQ(pg::describeTarget(o), server().socketDir() + ":" + std::to_string(server().port()) + "/shop");
}

TEST(Redact, RemovesTheUrlAndThePassword) {
  pg::ConnectionOptions o;
  o.url = "postgres://app:p%40ss-Word@db/shop";
  EXPECT_EQ(pg::redact("failed for " + o.url, o), "failed for ***");
  EXPECT_EQ(pg::redact("pw p@ss-Word and p%40ss-Word", o), "pw *** and ***");
  EXPECT_EQ(pg::redact("nothing secret", o), "nothing secret");
}

TEST(ServerVersion, PrintsMajorDotMinor) {
  const std::string db = server().createDatabase("conn");
  auto conn = pgtest::connectTo(db);
  const std::string v = pg::serverVersion(*conn);
  EXPECT_EQ(v.rfind(std::to_string(testsupport::testedMajor()) + ".", 0), 0u) << v;
  pqxx::nontransaction tx(*conn);
  const std::string full = tx.exec("SHOW server_version")[0][0].c_str();
  EXPECT_EQ(full.rfind(v, 0), 0u) << full;
}

}  // namespace
