// Two replicas with leader election, and a hundred resources over ten databases.
#include <csignal>

#include "e2e_fixture.hpp"

namespace e2e {

TEST_F(E2ETest, OneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItDies) {
  secret("shop-db", pg().socketUrl(db_));
  const std::vector<std::string> election = leaderElection();
  auto& first = startOperator(election, "a");
  auto& second = startOperator(election, "b");
  const std::string table = "  connection: {secretRef: {name: shop-db, key: DATABASE_URL}}\n  interval: 2s\n"
                            "  tables:\n    - name: t\n      columns: [{name: a, type: int}]\n";
  apply(schemaDoc("one", table));
  ASSERT_TRUE(waitReady("one"));
  auto lease = [&] { return cluster().get("coordination.k8s.io", "v1", "leases", ns_, "schema-operator"); };
  const std::string holder = lease()["spec"].value("holderIdentity", "");
  ASSERT_FALSE(holder.empty());
  const bool firstLeads = first.output().find("became leader") != std::string::npos;
  EXPECT_NE(firstLeads, second.output().find("became leader") != std::string::npos) << "exactly one leads";

  auto& leader = firstLeads ? first : second;
  auto& standby = firstLeads ? second : first;
  leader.signal(SIGKILL);  // no release: the standby must wait out the lease
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(testsupport::eventually([&] { return standby.output().find("became leader") != std::string::npos; }, 10s))
      << operatorLogs();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
  std::cout << "[ measure ] failover after SIGKILL: " << ms.count() << " ms (lease 3 s)\n";
  EXPECT_LE(ms.count(), 3000 + 1500);
  EXPECT_NE(lease()["spec"].value("holderIdentity", ""), holder);

  // The new leader reconciles.
  pg().exec(db_, "DROP TABLE t");
  EXPECT_TRUE(testsupport::eventually([&] { return pg().queryValue(db_, "SELECT to_regclass('t') IS NOT NULL") == "t"; }, 20s));

  // A clean stop releases the lease at once.
  standby.signal(SIGTERM);
  EXPECT_EQ(standby.wait(15s), 0);
  EXPECT_EQ(lease()["spec"].value("holderIdentity", ""), "");
}

TEST_F(E2ETest, AHundredResourcesOverTenDatabasesAllBecomeReady) {
  std::vector<std::string> dbs;
  for (int d = 0; d < 10; ++d) {
    dbs.push_back(d == 0 ? db_ : pg().createDatabase("e2e100"));
    std::string schemas;
    for (int s = 0; s < 10; ++s) schemas += "CREATE SCHEMA s" + std::to_string(s) + ";";
    pg().exec(dbs.back(), schemas);
    secret("db-" + std::to_string(d), pg().socketUrl(dbs.back()));
  }
  startOperator({"--concurrency", "4"});
  std::string all;
  for (int d = 0; d < 10; ++d) {
    for (int s = 0; s < 10; ++s) {
      all += "---\n" + schemaDoc("r-" + std::to_string(d) + "-" + std::to_string(s),
                                 "  connection: {secretRef: {name: db-" + std::to_string(d) +
                                     ", key: DATABASE_URL}}\n  schema: s" + std::to_string(s) +
                                     "\n  tables:\n    - name: items\n      columns: [{name: id, type: bigint, identity: always}, "
                                     "{name: name, type: text, nullable: false}]\n      primaryKey: [id]\n"
                                     "      indexes: [{columns: [name]}]\n");
    }
  }
  const auto started = std::chrono::steady_clock::now();
  apply(all);
  const bool allReady = testsupport::eventually(
      [&] {
        for (int d = 0; d < 10; ++d)
          for (int s = 0; s < 10; ++s)
            if (!ready("r-" + std::to_string(d) + "-" + std::to_string(s))) return false;
        return true;
      },
      120s);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_TRUE(allReady) << operatorLogs().substr(0, 20000);
  std::cout << "[ measure ] kubectl apply of 100 resources -> all Ready: " << ms.count() << " ms\n";
  for (const auto& db : dbs)
    EXPECT_EQ(pg().queryValue(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'items'"), "10");
}

}  // namespace e2e
