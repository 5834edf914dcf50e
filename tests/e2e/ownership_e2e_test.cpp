// Nothing runs unseen, nothing is owned twice: the whole plan readable in the cluster (a ConfigMap
// the resource owns), and one owner per database schema.
#include "e2e_fixture.hpp"

namespace e2e {

namespace {

const char* kConnection = "  connection: {secretRef: {name: shop-db, key: DATABASE_URL}, sslMode: disable}\n  interval: 2s\n";

std::string tables(int from, int to) {
  std::string out = "  tables:\n";
  for (int i = from; i < to; ++i)
    out += "    - name: t" + std::to_string(i) + "\n      columns: [{name: id, type: bigint}]\n";
  return out;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_F(E2ETest, APlanOfMoreThanFiftyStatementsIsWholeInAConfigMapTheResourceOwns) {
  pg().exec(db_, "CREATE SCHEMA planned");
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("big", std::string(kConnection) + "  schema: planned\n  mode: Plan\n" + tables(0, 60)));
  const auto planned = [&](size_t statements) {
    const json o = get("big");
    return o.contains("status") && o["status"].contains("plan") &&
           o["status"]["plan"].value("statementCount", 0ULL) == statements &&
           o["status"]["plan"].contains("configMapRef");
  };
  ASSERT_TRUE(testsupport::eventually([&] { return planned(60); }, 30s)) << get("big").dump(2) << operatorLogs();
  json o = get("big");
  const json& plan = o["status"]["plan"];
  EXPECT_EQ(plan["statements"].size(), 50u);
  EXPECT_EQ(plan["truncated"], true);
  EXPECT_EQ(plan["configMapRef"]["statementCount"], 60);
  EXPECT_EQ(plan["configMapRef"]["truncated"], false);
  const std::string name = plan["configMapRef"]["name"];

  json cm = cluster().get("", "v1", "configmaps", ns_, name);
  ASSERT_FALSE(cm.is_null()) << name;
  EXPECT_EQ(occurrences(cm["data"]["plan.sql"], "CREATE TABLE"), 60u) << cm["data"]["plan.sql"];
  EXPECT_EQ(cm["data"]["hash"], plan["hash"]);
  EXPECT_EQ(cm["data"]["complete"], "true");
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0]["uid"], o["metadata"]["uid"]);
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0]["kind"], "DatabaseSchema");
  // kubectl reads it as a user would.
  const auto read = kubectl({"get", "configmap", "-n", ns_, name, "-o", "jsonpath={.data.plan\\.sql}"});
  ASSERT_EQ(read.exitCode, 0) << show(read);
  EXPECT_NE(read.out.find("t59"), std::string::npos) << read.out.substr(0, 2000);
  // Nothing ran: mode Plan.
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE schemaname = 'planned'"), "0");

  // The plan changes: the same ConfigMap is rewritten.
  apply(schemaDoc("big", std::string(kConnection) + "  schema: planned\n  mode: Plan\n" + tables(0, 61)));
  ASSERT_TRUE(testsupport::eventually([&] { return planned(61); }, 30s)) << get("big").dump(2);
  EXPECT_EQ(get("big")["status"]["plan"]["configMapRef"]["name"], name);
  cm = cluster().get("", "v1", "configmaps", ns_, name);
  EXPECT_EQ(occurrences(cm["data"]["plan.sql"], "CREATE TABLE"), 61u);

  // Deleted with its owner, by kube-controller-manager's garbage collector.
  const auto deleted = kubectl({"delete", "-n", ns_, "databaseschema/big", "--timeout=20s"});
  ASSERT_EQ(deleted.exitCode, 0) << show(deleted);
  EXPECT_TRUE(testsupport::eventually([&] { return cluster().get("", "v1", "configmaps", ns_, name).is_null(); }, 30s));
}

TEST_F(E2ETest, ASecondResourceOnTheSameSchemaIsAnOwnershipConflictAndAppliesNothingUntilTheOwnerIsGone) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("shop", std::string(kConnection) + tables(0, 2)));
  ASSERT_TRUE(waitReady("shop")) << operatorLogs();

  // Same database, same schema, other tables, and prune: it would drop t0 and t1 if approved.
  apply(schemaDoc("intruder", std::string(kConnection) + "  prune: true\n" + tables(10, 11),
                  "    dbschema.io/allow-destructive: \"DropTable\"\n"));
  ASSERT_TRUE(testsupport::eventually([&] { return condition(get("intruder"), "Ready", "reason") == "OwnershipConflict"; }, 30s))
      << get("intruder").dump(2) << operatorLogs();
  const json intruder = get("intruder");
  EXPECT_EQ(condition(intruder, "Ready"), "False");
  const std::string message = condition(intruder, "Ready", "message");
  EXPECT_NE(message.find("DatabaseSchema " + ns_ + "/shop"), std::string::npos) << message;
  EXPECT_NE(message.find(get("shop")["metadata"]["uid"].get<std::string>()), std::string::npos) << message;
  // Two checks more of the intruder, the last begun after its conflict was reported: a wrong apply
  // would have happened by then.
  ASSERT_TRUE(waitChecks("intruder", 2)) << get("intruder").dump(2);
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename IN ('t0', 't1')"), "2");
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename = 't10'"), "0");
  EXPECT_TRUE(ready("shop"));
  const auto events = kubectl({"get", "events", "-n", ns_});
  EXPECT_NE(events.out.find("OwnershipConflict"), std::string::npos) << show(events);
  // The claim is not drift of the owner, which stays in sync.
  EXPECT_EQ(get("shop")["status"]["drift"]["count"], 0);

  // The owner is deleted: its claim is released and the other resource takes the schema over.
  const auto deleted = kubectl({"delete", "-n", ns_, "databaseschema/shop", "--timeout=20s"});
  ASSERT_EQ(deleted.exitCode, 0) << show(deleted);
  EXPECT_TRUE(testsupport::eventually(
      [&] { return pg().queryValue(db_, "SELECT count(*) FROM pg_tables WHERE tablename = 't10'") == "1"; }, 30s))
      << get("intruder").dump(2) << operatorLogs();
  EXPECT_EQ(pg().queryValue(db_, "SELECT owner_name FROM schema_operator.claims WHERE schema_name = 'public'"), "intruder");
}

}  // namespace e2e
