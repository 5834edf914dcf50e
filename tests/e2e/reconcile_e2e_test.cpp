// The operator as a platform team meets it: kubectl apply, get, annotate, wait.
#include <csignal>

#include "e2e_fixture.hpp"

namespace e2e {

namespace {

const char* kShopSpec = R"(  connection:
    secretRef: {name: shop-db, key: DATABASE_URL}
    sslMode: disable
  interval: 2s
  tables:
    - name: customers
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: email, type: text, nullable: false}
      primaryKey: [id]
    - name: orders
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: customer_id, type: bigint, nullable: false}
        - {name: note, type: text}
      primaryKey: [id]
      foreignKeys:
        - {columns: [customer_id], references: {table: customers, columns: [id]}, onDelete: cascade}
)";

}  // namespace

TEST_F(E2ETest, AnAppliedExampleBecomesReadyAndPrinterColumnsShow) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  const auto started = std::chrono::steady_clock::now();
  apply(schemaDoc("shop", kShopSpec));
  const auto wait = kubectl({"wait", "--for=condition=Ready", "-n", ns_, "databaseschema/shop", "--timeout=30s"});
  ASSERT_EQ(wait.exitCode, 0) << show(wait);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cout << "[ measure ] kubectl apply -> Ready: " << ms.count() << " ms\n";
  const auto table = kubectl({"get", "dbs", "-n", ns_});
  ASSERT_EQ(table.exitCode, 0) << show(table);
  for (const char* column : {"NAME", "PHASE", "DRIFT", "DESTRUCTIVE", "MODE", "AGE"})
    EXPECT_NE(table.out.find(column), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("InSync"), std::string::npos) << table.out;
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename IN ('customers','orders')"), "2");
  const json o = get("shop");
  EXPECT_EQ(o["status"]["phase"], "InSync");
  EXPECT_GE(o["status"]["appliedChanges"].get<int>(), 3);
  // Events tell what was applied.
  const auto events = kubectl({"get", "events", "-n", ns_});
  EXPECT_NE(events.out.find("Applied"), std::string::npos) << show(events);
}

TEST_F(E2ETest, ASecretInTheCacheBeforeAnythingNamedItIsReadWhenADatabaseSchemaNamesIt) {
  // The operator keeps the data only of Secrets a DatabaseSchema names. These two are in its
  // cache, without their data, before any resource exists (ready means the caches are synced);
  // shop-db is then read with a list narrowed to its name, which the RBAC in deploy/ grants.
  secret("shop-db", pg().socketUrl(db_));
  secret("unrelated", "postgresql://nobody:not-ours@127.0.0.1:1/none");
  startOperator();
  ASSERT_TRUE(testsupport::eventually([&] { return httpGet(probePort(), "/readyz").first == 200; }, 10s));
  apply(schemaDoc("shop", kShopSpec));
  ASSERT_TRUE(waitReady("shop")) << operatorLogs();
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename IN ('customers','orders')"), "2");
}

TEST_F(E2ETest, DriftMadeByHandIsFixedInApplyModeAndOnlyReportedInPlanMode) {
  pg().exec(db_, "CREATE SCHEMA planned");
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("shop", kShopSpec));
  std::string planned = kShopSpec;
  planned += "  schema: planned\n  mode: Plan\n";
  apply(schemaDoc("watch-only", planned));
  ASSERT_TRUE(waitReady("shop"));
  // No status until its first check: the phase is read only once there is one.
  ASSERT_TRUE(testsupport::eventually(
      [&] { return get("watch-only").value("status", json::object()).value("phase", "") == "Drifted"; }, 30s));

  pg().exec(db_, "ALTER TABLE public.orders DROP COLUMN note");
  EXPECT_TRUE(testsupport::eventually(
      [&] { return pg().queryValue(db_, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                                        "AND table_name = 'orders' AND column_name = 'note'") == "1"; },
      20s))
      << "the dropped column was not re-added within the interval";
  EXPECT_TRUE(waitReady("shop"));
  const json plan = get("watch-only");
  EXPECT_EQ(plan["status"]["phase"], "Drifted");
  EXPECT_GE(plan["status"]["drift"]["count"].get<int>(), 2);
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE schemaname = 'planned'"), "0");
}

TEST_F(E2ETest, ADestructiveChangeWaitsForTheAnnotatedPlanHash) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("shop", kShopSpec));
  ASSERT_TRUE(waitReady("shop"));
  pg().exec(db_, "ALTER TABLE orders ADD COLUMN legacy text");
  ASSERT_TRUE(testsupport::eventually([&] { return condition(get("shop"), "DestructiveChangesPending") == "True"; }, 20s));
  const std::string hash = get("shop")["status"]["plan"]["hash"];
  const auto table = kubectl({"get", "dbs", "shop", "-n", ns_});
  EXPECT_NE(table.out.find("Drifted"), std::string::npos) << table.out;

  // The plan changes before the approval lands: the old hash approves nothing.
  pg().exec(db_, "ALTER TABLE orders ADD COLUMN other text");
  ASSERT_TRUE(testsupport::eventually([&] { return get("shop")["status"]["plan"].value("hash", "") != hash; }, 20s));
  const auto stale = kubectl({"annotate", "-n", ns_, "databaseschema/shop", "dbschema.io/allow-destructive=" + hash});
  ASSERT_EQ(stale.exitCode, 0) << show(stale);
  // Two checks more, the last begun after the annotation landed: a wrong approval would have acted.
  ASSERT_TRUE(waitChecks("shop", 2)) << get("shop").dump(2);
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM information_schema.columns WHERE column_name IN ('legacy','other')"), "2");

  const std::string current = get("shop")["status"]["plan"]["hash"];
  const auto approve = kubectl({"annotate", "--overwrite", "-n", ns_, "databaseschema/shop",
                                "dbschema.io/allow-destructive=" + current});
  ASSERT_EQ(approve.exitCode, 0) << show(approve);
  EXPECT_TRUE(waitReady("shop"));
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM information_schema.columns WHERE column_name IN ('legacy','other')"), "0");
}

TEST_F(E2ETest, AWrongPasswordIsReportedAndACorrectedSecretHealsWithoutARestart) {
  secret("shop-db", pg().tcpUrl(db_, "not-the-password"));
  startOperator();
  apply(schemaDoc("shop", kShopSpec));
  ASSERT_TRUE(testsupport::eventually([&] { return condition(get("shop"), "DatabaseReachable") == "False"; }, 30s));
  const std::string message = condition(get("shop"), "DatabaseReachable", "message");
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  EXPECT_EQ(get("shop").dump().find("not-the-password"), std::string::npos);
  EXPECT_EQ(operatorLogs().find("not-the-password"), std::string::npos);

  secret("shop-db", pg().tcpUrl(db_));
  EXPECT_TRUE(waitReady("shop")) << get("shop").dump(2);
  EXPECT_EQ(operatorLogs().find(testsupport::kPassword), std::string::npos);
}

TEST_F(E2ETest, DeletingAResourceDropsNothing) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("shop", kShopSpec));
  ASSERT_TRUE(waitReady("shop"));
  // The operator has handled the deletion once it released the resource's claim on the schema.
  const std::string claims = "SELECT count(*) FROM schema_operator.claims WHERE owner_name = 'shop'";
  ASSERT_EQ(pg().queryValue(db_, claims), "1");
  const auto deleted = kubectl({"delete", "-n", ns_, "databaseschema/shop", "--timeout=20s"});
  ASSERT_EQ(deleted.exitCode, 0) << show(deleted);
  ASSERT_TRUE(testsupport::eventually([&] { return pg().queryValue(db_, claims) == "0"; }, 30s)) << operatorLogs();
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename IN ('customers','orders')"), "2");
}

TEST_F(E2ETest, SigtermStopsCleanly) {
  secret("shop-db", pg().socketUrl(db_));
  auto& op = startOperator();
  apply(schemaDoc("shop", kShopSpec));
  ASSERT_TRUE(waitReady("shop"));
  op.signal(SIGTERM);
  EXPECT_EQ(op.wait(15s), 0) << operatorLogs();
  EXPECT_NE(op.output().find("stopped"), std::string::npos);
}

}  // namespace e2e
