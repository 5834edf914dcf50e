// What the CLI does with bad input, bad connections and its environment: exit 1 with one clear line
// naming the field or the host, never a password, and an invalid file changes nothing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

TEST(CliInput, InvalidYamlExitsOneNamingTheFile) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  TempFile file("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: [shop\n");

  const auto r = cli({"apply", "-f", file.path(), "--database-url", pg.socketUrl(db)});
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_EQ(r.err.rfind("error: " + file.path() + ": ", 0), 0u) << show(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line\n" << show(r);
  EXPECT_EQ(r.out, "");
}

TEST(CliInput, AWrongKindExitsOneNamingTheKind) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  std::string doc = document(customersSpec());
  doc.replace(doc.find("kind: DatabaseSchema"), 20, "kind: ConfigMap");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, doc);
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("kind"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("document 1"), std::string::npos) << show(r);
  EXPECT_FALSE(tableExists(db, "customers"));
}

TEST(CliInput, AWrongTypeNamesTheFieldAndAnInvalidSecondDocumentChangesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  const std::string bad = "  tables:\n"
                          "    - name: orders\n"
                          "      columns:\n"
                          "        - {name: id, type: bigint}\n"
                          "        - {name: total, type: [not, a, type]}\n";
  const std::string text = document(customersSpec(), "good") + "---\n" + document(bad, "bad");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, text);
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("document 2"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("spec.tables[0].columns[1].type"), std::string::npos) << show(r);
  EXPECT_FALSE(tableExists(db, "customers")) << "the valid first document must not be applied";
  EXPECT_FALSE(tableExists(db, "orders"));
}

// plan starts reading the first document's catalog while the file is still being validated; an
// invalid file is reported at once all the same, even when that read hangs on a server that never
// answers (a socket that listens and never accepts).
TEST(CliInput, AnInvalidFileIsReportedAtOnceWhileTheEarlyReadHangs) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "host=127.0.0.1 port=" + std::to_string(ntohs(addr.sin_port)) + " dbname=shop user=app";
  // Many good tables first, so that reading them outlasts starting the early read's connection.
  std::string bad = "  tables:\n";
  for (int i = 0; i < 2000; ++i)
    bad += "    - name: t" + std::to_string(i) + "\n      columns: [{name: id, type: bigint}, {name: v, type: text}]\n";
  bad += "    - name: orders\n      columns: [{name: id, type: [not, a, type]}]\n";

  const auto started = std::chrono::steady_clock::now();
  const auto r = cli({"plan", "-f", "-", "--database-url", url, "--connect-timeout", "20"}, {}, document(bad));
  const auto took = std::chrono::steady_clock::now() - started;
  // The early read did connect: its connection waits in the listener's queue.
  ::fcntl(listener, F_SETFL, O_NONBLOCK);
  const int accepted = ::accept(listener, nullptr, nullptr);
  EXPECT_GE(accepted, 0) << "no connection was attempted while the file was validated";
  if (accepted >= 0) ::close(accepted);
  ::close(listener);
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("spec.tables[2000].columns[0].type"), std::string::npos) << show(r);
  EXPECT_LT(took, std::chrono::seconds(5)) << show(r);
}

TEST(CliInput, AnUnreachableDatabaseNamesTheHostAndNeverThePassword) {
  const std::string url = "postgresql://app:Hunter2-secret@127.0.0.1:1/shop";
  const auto r = cli({"plan", "-f", "-", "--connect-timeout", "3"}, {{"DATABASE_URL", url}}, document(customersSpec()));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find(": cannot connect to 127.0.0.1:1/shop as app: connection refused"), std::string::npos) << show(r);
  EXPECT_EQ(r.err.find("Hunter2-secret"), std::string::npos) << show(r);
  EXPECT_EQ(r.out.find("Hunter2-secret"), std::string::npos) << show(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << show(r);
}

TEST(CliInput, AWrongPasswordIsAnErrorThatDoesNotRepeatIt) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  const auto r = cli({"plan", "-f", "-", "--ssl-mode", "require"},
                     {{"DATABASE_URL", pg.tcpUrl(db, "Wrong-Pass-123")}}, document(customersSpec()));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("cannot connect to 127.0.0.1:" + std::to_string(pg.port()) + "/" + db +
                       " as postgres: password authentication failed"),
            std::string::npos)
      << show(r);
  EXPECT_EQ(r.err.find("Wrong-Pass-123"), std::string::npos) << show(r);
}

TEST(CliInput, APasswordOnTheCommandLineIsWarnedAboutWithoutRepeatingIt) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  pg.exec(db, kCustomersSql);
  const auto flag = cli({"plan", "-f", "-", "--database-url", pg.tcpUrl(db) + "?sslmode=require"}, {},
                        document(customersSpec()));
  EXPECT_EQ(flag.exitCode, 0) << show(flag);
  EXPECT_EQ(flag.err.rfind("warning: the password in --database-url can be read by other users", 0), 0u) << show(flag);
  EXPECT_NE(flag.err.find("DATABASE_URL"), std::string::npos) << show(flag);
  EXPECT_EQ(flag.err.find(testsupport::kPassword), std::string::npos) << show(flag);

  const auto env = cli({"plan", "-f", "-"}, {{"DATABASE_URL", pg.tcpUrl(db) + "?sslmode=require"}},
                       document(customersSpec()));
  EXPECT_EQ(env.exitCode, 0) << show(env);
  EXPECT_EQ(env.err, "") << show(env);
  const auto noPassword = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  EXPECT_EQ(noPassword.err, "") << show(noPassword);
}

TEST(CliInput, ByDefaultTheServerCertificateIsVerifiedInFull) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  pg.exec(db, kCustomersSql);
  // No flag, no sslMode in the document, none in the URL, no CA: verify-full cannot succeed.
  const auto strict = cli({"plan", "-f", "-"}, {{"DATABASE_URL", pg.tcpUrl(db)}, {"HOME", "/nonexistent"}},
                          document(customersSpec()));
  EXPECT_EQ(strict.exitCode, 1) << show(strict);
  EXPECT_NE(strict.err.find("TLS verification failed"), std::string::npos) << show(strict);

  const auto verified = cli({"plan", "-f", "-"}, {{"DATABASE_URL", pg.tcpUrl(db)}, {"PG_SSL_ROOT_CERT", pg.caCertFile()}},
                            document(customersSpec()));
  EXPECT_EQ(verified.exitCode, 0) << show(verified);
}

TEST(CliInput, WhenTheDocumentAndTheUrlDisagreeTheStricterModeWins) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  pg.exec(db, kCustomersSql);
  auto withMode = [](const std::string& mode) {
    std::string doc = document(customersSpec());
    return doc.replace(doc.find("    secretRef"), 0, "    sslMode: " + mode + "\n");
  };
  const std::map<std::string, std::string> noCa = {{"HOME", "/nonexistent"}};
  // The URL asks for verify-full, the document for require: verify-full, which has no CA here.
  auto env = noCa;
  env["DATABASE_URL"] = pg.tcpUrl(db) + "?sslmode=verify-full";
  const auto urlStricter = cli({"plan", "-f", "-"}, env, withMode("require"));
  EXPECT_EQ(urlStricter.exitCode, 1) << show(urlStricter);
  EXPECT_NE(urlStricter.err.find("TLS verification failed"), std::string::npos) << show(urlStricter);
  // The document asks for verify-full, the URL for disable: verify-full again.
  env["DATABASE_URL"] = pg.tcpUrl(db) + "?sslmode=disable";
  const auto documentStricter = cli({"plan", "-f", "-"}, env, withMode("verify-full"));
  EXPECT_EQ(documentStricter.exitCode, 1) << show(documentStricter);
  // Both ask for something weaker than verify-full: the stricter of the two, require.
  const auto weaker = cli({"plan", "-f", "-"}, env, withMode("require"));
  EXPECT_EQ(weaker.exitCode, 0) << show(weaker);
}

TEST(CliInput, TakesTheDatabaseUrlFromTheEnvironment) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  const auto r = cli({"apply", "-f", "-"}, {{"DATABASE_URL", pg.tcpUrl(db) + "?sslmode=require"}},
                     document(customersSpec()));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_TRUE(tableExists(db, "customers"));
  EXPECT_EQ(r.err.find(testsupport::kPassword), std::string::npos);
  EXPECT_EQ(r.out.find(testsupport::kPassword), std::string::npos);
}

TEST(CliInput, WithoutADatabaseUrlItSaysHowToGiveOne) {
  const auto r = cli({"plan", "-f", "-"}, {}, document(customersSpec()));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("--database-url"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("DATABASE_URL"), std::string::npos) << show(r);
}

TEST(CliInput, VerifiesTheServerCertificateWithTheRootCertFlagOrEnvironment) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  pg.exec(db, kCustomersSql);

  const auto flag = cli({"plan", "-f", "-", "--database-url", pg.tcpUrl(db), "--ssl-mode", "verify-full",
                         "--root-cert", pg.caCertFile()},
                        {}, document(customersSpec()));
  EXPECT_EQ(flag.exitCode, 0) << show(flag);

  const auto env = cli({"plan", "-f", "-", "--database-url", pg.tcpUrl(db), "--ssl-mode", "verify-full"},
                       {{"PG_SSL_ROOT_CERT", pg.caCertFile()}}, document(customersSpec()));
  EXPECT_EQ(env.exitCode, 0) << show(env);
}

TEST(CliInput, TheDocumentsSslModeAppliesWhenNoFlagOverridesIt) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("input");
  std::string doc = document(customersSpec());
  doc.replace(doc.find("    secretRef"), 0, "    sslMode: verify-full\n");

  // verify-full with no CA to verify against cannot succeed: proof the document's mode was used.
  const auto strict = cli({"plan", "-f", "-", "--database-url", pg.tcpUrl(db), "--connect-timeout", "5"},
                          {{"HOME", "/nonexistent"}}, doc);
  EXPECT_EQ(strict.exitCode, 1) << show(strict);

  const auto overridden =
      cli({"plan", "-f", "-", "--database-url", pg.tcpUrl(db), "--ssl-mode", "require"}, {}, doc);
  EXPECT_EQ(overridden.exitCode, 2) << show(overridden);
}

TEST(CliInput, UnknownCommandsAndFlagsExitOne) {
  const auto unknown = cli({"migrate"});
  EXPECT_EQ(unknown.exitCode, 1) << show(unknown);
  EXPECT_NE(unknown.err.find("unknown command"), std::string::npos) << show(unknown);

  // run needs a cluster: with no kubeconfig anywhere it says so and exits 1.
  const auto run = cli({"run", "--kubeconfig", "/nonexistent/kubeconfig"}, {{"HOME", "/nonexistent"}});
  EXPECT_EQ(run.exitCode, 1) << show(run);
  EXPECT_NE(run.err.find("/nonexistent/kubeconfig"), std::string::npos) << show(run);
  const auto runFlag = cli({"run", "--frobnicate"});
  EXPECT_EQ(runFlag.exitCode, 1) << show(runFlag);
  EXPECT_NE(runFlag.err.find("--frobnicate"), std::string::npos) << show(runFlag);

  const auto flag = cli({"plan", "-f", "x.yaml", "--frobnicate"});
  EXPECT_EQ(flag.exitCode, 1) << show(flag);
  EXPECT_NE(flag.err.find("--frobnicate"), std::string::npos) << show(flag);

  const auto noFile = cli({"plan"});
  EXPECT_EQ(noFile.exitCode, 1) << show(noFile);
  EXPECT_NE(noFile.err.find("-f"), std::string::npos) << show(noFile);

  const auto missing = cli({"plan", "-f", "/nonexistent/shop.yaml", "--database-url", "host=/tmp"});
  EXPECT_EQ(missing.exitCode, 1) << show(missing);
  EXPECT_NE(missing.err.find("/nonexistent/shop.yaml"), std::string::npos) << show(missing);
}

TEST(CliInput, HelpAndVersionExitZero) {
  const auto help = cli({"help"});
  EXPECT_EQ(help.exitCode, 0) << show(help);
  EXPECT_NE(help.out.find("plan"), std::string::npos);
  EXPECT_NE(help.out.find("apply"), std::string::npos);

  const auto applyHelp = cli({"apply", "--help"});
  EXPECT_EQ(applyHelp.exitCode, 0) << show(applyHelp);
  EXPECT_NE(applyHelp.out.find("--allow-destructive"), std::string::npos);

  const auto version = cli({"version"});
  EXPECT_EQ(version.exitCode, 0) << show(version);
  EXPECT_EQ(version.out.rfind("schema-operator ", 0), 0u) << show(version);
}

// Hostile files against the reader's limits: `plan` exits 1 at once, naming the line, within 1 GiB
// of address space (yaml-cpp, the reader before, allocated until it died on a comma and unfolded
// an alias bomb into gigabytes). Nothing connects: the URL names no server.
TEST(CliInput, HostileYamlIsRefusedQuicklyNamingTheLineWithinBoundedMemory) {
  const std::string head = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: t}\n";
  // A table of 2,000 aliased columns, aliased 2,000 times (26 KB): yaml-cpp ran out of 1 GiB in 4 s.
  std::string bomb = head + "spec:\n  tables:\n    - &t {name: t, columns: [&c {name: id, type: int}";
  for (int i = 1; i < 2000; ++i) bomb += ", *c";
  bomb += "]}\n";
  for (int i = 1; i < 2000; ++i) bomb += "    - *t\n";
  std::string deep = head + "spec:\n  tables: " + std::string(5000, '[') + "\n";
  std::string large = head;
  while (large.size() <= (size_t{32} << 20)) large += "# " + std::string(1021, 'x') + "\n";

  const std::vector<std::pair<std::string, std::string>> cases = {
      {",", "document 1: malformed YAML at line 1, column 1: "},
      {head + ",spec: {}\n", "document 1: malformed YAML at line 4, column 1: "},
      {head + "---\n, x\n", "document 2: malformed YAML at line 5, column 1: "},
      {bomb, "document 1: YAML at line 405: aliases expand the document to more than 4000000 nodes"},
      {deep, "document 1: YAML at line 5: collections nested deeper than 100 levels"},
      {large, "document 1: YAML at line " + std::to_string(3 + ((size_t{32} << 20) - head.size()) / 1024 + 1) +
                   ": the text is larger than 32 MiB"},
  };
  for (const auto& [text, expected] : cases) {
    TempFile file(text);
    const auto started = std::chrono::steady_clock::now();
    const auto r = testsupport::runProcess(
        {"/bin/bash", "-c", "ulimit -v 1048576; exec \"$0\" \"$@\"", SCHEMA_OPERATOR_BINARY, "plan", "-f", file.path(),
         "--database-url", "postgresql:///nothing?host=/nonexistent"},
        {{"DATABASE_URL", testsupport::kUnset}}, "", std::chrono::seconds(30));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.exitCode, 1) << show(r);
    EXPECT_EQ(r.err.rfind("error: " + file.path() + ": " + expected, 0), 0u) << expected << "\n" << show(r);
    EXPECT_LT(elapsed, std::chrono::seconds(5)) << expected;
  }
}

}  // namespace
}  // namespace clitest
