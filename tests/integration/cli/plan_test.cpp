// `schema-operator plan`: reports drift, changes nothing, exits 0 / 2 / 1 as the contract says.
#include <chrono>
#include <set>
#include <thread>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

TEST(PlanCommand, ExitsZeroAndSaysInSyncWhenTheDatabaseMatches) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  pg.exec(db, kCustomersSql);

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_NE(r.out.find("shop: in sync"), std::string::npos) << show(r);
  EXPECT_EQ(r.err, "");
}

TEST(PlanCommand, ExitsTwoWhenDriftIsFoundAndChangesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  EXPECT_EQ(r.exitCode, 2) << show(r);
  EXPECT_NE(r.out.find("customers"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("CreateTable"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("CREATE TABLE"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("shop: 1 change pending"), std::string::npos) << show(r);
  EXPECT_FALSE(tableExists(db, "customers"));
}

// A schema declaring 200 tables or more is read over two connections in one snapshot; the answer
// is the same as over one (--single-connection), drift and all.
TEST(PlanCommand, ALargeSchemaIsReadOverTwoConnectionsWithTheSameAnswerAsOne) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  std::string spec = "  tables:\n";
  for (int i = 0; i < 210; ++i)
    spec += "    - name: t" + std::to_string(i) + "\n      columns: [{name: id, type: bigint}, {name: v, type: text, "
            "default: \"'x'\"}]\n      primaryKey: [id]\n      checks: [{expression: \"v <> ''\"}]\n";
  const std::string doc = document(spec);
  ASSERT_EQ(cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, doc).exitCode, 0);
  pg.exec(db, "ALTER TABLE t7 ALTER COLUMN v SET DEFAULT 'y'; ALTER TABLE t9 ALTER COLUMN v DROP DEFAULT");

  // Sessions are counted when they end; wait for the count to settle after each run. Settled
  // means unchanged for 0.7 s: PostgreSQL 14's statistics collector serves a snapshot up to 0.5 s
  // old (15 and later count in shared memory at once).
  auto sessions = [&] {
    const std::string query = "SELECT sessions FROM pg_stat_database WHERE datname = '" + db + "'";
    std::string now = pg.queryValue("postgres", query);
    for (int i = 0, unchanged = 0; i < 100 && unchanged < 7; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const std::string next = pg.queryValue("postgres", query);
      unchanged = next == now ? unchanged + 1 : 0;
      now = next;
    }
    return std::stoll(now);
  };
  auto plan = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"plan", "-f", "-", "-o", "json", "--database-url", pg.socketUrl(db)};
    args.insert(args.end(), extra.begin(), extra.end());
    const long long before = sessions();
    const auto r = cli(args, {}, doc);
    EXPECT_EQ(r.exitCode, 2) << show(r);
    return std::make_pair(jsonLines(r.out).at(0)["drift"], sessions() - before);
  };
  const auto [split, splitSessions] = plan({});
  const auto [single, singleSessions] = plan({"--single-connection"});
  EXPECT_EQ(splitSessions, 2);
  EXPECT_EQ(singleSessions, 1);
  EXPECT_EQ(split, single);
  EXPECT_EQ(split.size(), 2u) << split.dump();
}

TEST(PlanCommand, ExitsOneWhenTheInputIsBad) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, "kind: [unclosed\n");
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_EQ(r.err.rfind("error: <stdin>: ", 0), 0u) << show(r);
  EXPECT_EQ(r.out, "");
}

TEST(PlanCommand, PrintsOneJsonObjectInTheShapeOfTheStatus) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  pg.exec(db, "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, legacy text)");
  const std::string spec = customersSpec() +
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint, nullable: false}\n"
                           "      primaryKey: [id]\n";

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, document(spec));
  ASSERT_EQ(r.exitCode, 2) << show(r);
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  const auto& j = docs[0];

  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  // The contract's keys, and `unmanaged` (issue 16: what the schema holds that the resource does not manage).
  EXPECT_EQ(keys, (std::set<std::string>{"name", "namespace", "drift", "plan", "applied", "unmanaged"})) << j.dump();
  EXPECT_EQ(j["unmanaged"], nlohmann::json::parse(R"({"count": 0, "items": []})")) << j.dump();
  EXPECT_EQ(j["name"], "shop");
  EXPECT_EQ(j["namespace"], "apps");
  EXPECT_EQ(j["drift"]["count"], 2) << j.dump();
  ASSERT_EQ(j["drift"]["items"].size(), 2u) << j.dump();

  bool sawCreate = false, sawDrop = false;
  for (const auto& item : j["drift"]["items"]) {
    EXPECT_TRUE(item.contains("object") && item.contains("change") && item.contains("destructive") &&
                item.contains("blocked"))
        << item.dump();
    EXPECT_FALSE(item.contains("reason")) << item.dump();
    if (item["object"] == "orders" && item["change"] == "CreateTable") {
      sawCreate = true;
      EXPECT_EQ(item["destructive"], false);
    }
    if (item["object"] == "customers.legacy" && item["change"] == "DropColumn") {
      sawDrop = true;
      EXPECT_EQ(item["destructive"], true);
    }
    EXPECT_EQ(item["blocked"], false);
  }
  EXPECT_TRUE(sawCreate) << j.dump();
  EXPECT_TRUE(sawDrop) << j.dump();

  const std::string hash = j["plan"]["hash"];
  EXPECT_EQ(hash.rfind("sha256:", 0), 0u) << hash;
  EXPECT_EQ(hash.size(), 7u + 64u) << hash;
  EXPECT_EQ(j["plan"]["destructive"], 1);
  EXPECT_TRUE(j["plan"]["statements"].is_array());
  EXPECT_GE(j["plan"]["statements"].size(), 2u);
  EXPECT_EQ(j["applied"], nlohmann::json::array());
  EXPECT_TRUE(columnExists(db, "customers", "legacy"));
  EXPECT_FALSE(tableExists(db, "orders"));
}

TEST(PlanCommand, ReportsABlockedChangeWithItsReason) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  pg.exec(db, "CREATE TABLE customers (id bigint PRIMARY KEY, email text)");
  pg.exec(db, "INSERT INTO customers VALUES (1, NULL), (2, NULL), (3, 'c@example.com')");

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                     document(customersSpec()));
  ASSERT_EQ(r.exitCode, 2) << show(r);
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  ASSERT_EQ(docs[0]["drift"]["count"], 1) << r.out;
  const auto& item = docs[0]["drift"]["items"][0];
  EXPECT_EQ(item["object"], "customers.email");
  EXPECT_EQ(item["change"], "SetNotNull");
  EXPECT_EQ(item["blocked"], true);
  ASSERT_TRUE(item.contains("reason")) << item.dump();
  EXPECT_NE(item["reason"].get<std::string>().find('2'), std::string::npos) << item.dump();
}

TEST(PlanCommand, PrintsOneJsonLinePerDocument) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  pg.exec(db, kCustomersSql);
  const std::string second = "  tables:\n"
                             "    - name: invoices\n"
                             "      columns:\n"
                             "        - {name: id, type: bigint, nullable: false}\n";
  const std::string text = document(customersSpec(), "shop") + "---\n" + document(second, "billing");

  const auto r = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, text);
  EXPECT_EQ(r.exitCode, 2) << show(r);
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 2u) << show(r);
  EXPECT_EQ(docs[0]["name"], "shop");
  EXPECT_EQ(docs[0]["drift"]["count"], 0);
  EXPECT_EQ(docs[0]["plan"]["hash"], "");
  EXPECT_EQ(docs[1]["name"], "billing");
  EXPECT_EQ(docs[1]["drift"]["count"], 1);
}

TEST(PlanCommand, ReadsAFileAndTreatsEquivalentSpellingsAsNoDrift) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("plan");
  pg.exec(db,
          "CREATE TABLE accounts (id int4 PRIMARY KEY, email character varying(320) NOT NULL, "
          "created_at timestamp with time zone NOT NULL DEFAULT now(), total integer DEFAULT 0)");
  TempFile file(document("  tables:\n"
                         "    - name: accounts\n"
                         "      columns:\n"
                         "        - {name: id, type: int, nullable: false}\n"
                         "        - {name: email, type: varchar(320), nullable: false}\n"
                         "        - {name: created_at, type: timestamptz, nullable: false, default: \"now()\"}\n"
                         "        - {name: total, type: int4, default: \"0\"}\n"
                         "      primaryKey: [id]\n"));

  const auto r = cli({"plan", "-f", file.path(), "--database-url", pg.socketUrl(db)});
  EXPECT_EQ(r.exitCode, 0) << show(r);
}

}  // namespace
}  // namespace clitest
