// Locks (docs/online-ddl.md): a step never makes the application queue behind it for longer than a
// short lock_timeout, waits outside the lock queue while another session visibly holds a
// conflicting lock, and keeps trying over a retry budget, naming the holder when it runs out.
#include <chrono>
#include <future>
#include <thread>

#include <pqxx/pqxx>

#include "integration/cli/cli_fixture.hpp"
#include "support/held_lock.hpp"

namespace clitest {
namespace {

using namespace std::chrono_literals;

std::string ordersWithNote() {
  return customersSpec(
      "    - name: orders\n"
      "      columns:\n"
      "        - {name: id, type: bigint, nullable: false}\n"
      "        - {name: note, type: text}\n"
      "      primaryKey: [id]\n");
}

using TableLock = testsupport::HeldLock;

class ApplyLocks : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = pg().createDatabase("locks");
    pg().exec(db_, kCustomersSql);
    pg().exec(db_, "CREATE TABLE orders (id bigint PRIMARY KEY)");
  }
  static PostgresServer& pg() { return PostgresServer::shared(); }
  std::string url() const { return pg().socketUrl(db_); }
  std::string db_;
};

TEST_F(ApplyLocks, WaitsForAHolderThatReleasesAndSucceedsWithoutAnyFlag) {
  TableLock lock(url(), "orders", "ACCESS EXCLUSIVE");
  auto release = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(1500ms);
    lock.release();
  });
  const auto r = cli({"apply", "-f", "-", "--database-url", url()}, {}, document(ordersWithNote()));
  release.get();
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_TRUE(columnExists(db_, "orders", "note"));
  // The wait is said while it lasts, with the holder by pid and application name, never its query.
  EXPECT_NE(r.err.find("waiting: "), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("pid " + std::to_string(lock.pid()) + " (application \"nightly-report\""), std::string::npos)
      << show(r);
  EXPECT_EQ(r.err.find("LOCK TABLE"), std::string::npos) << show(r);
}

TEST_F(ApplyLocks, GivesUpWhenTheRetryBudgetIsSpentNamingTheHolderAndTheTimeTried) {
  TableLock lock(url(), "orders", "ACCESS EXCLUSIVE");
  const auto started = std::chrono::steady_clock::now();
  const auto r = cli({"apply", "-f", "-", "--database-url", url(), "--lock-retry-budget", "2s"}, {},
                     document(ordersWithNote()));
  const auto took = std::chrono::steady_clock::now() - started;
  lock.release();
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("within the lock retry budget: tried for 2."), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("held by pid " + std::to_string(lock.pid()) + " (application \"nightly-report\", holding "
                       "ACCESS EXCLUSIVE on \"public\".\"orders\" in a transaction open "),
            std::string::npos)
      << show(r);
  EXPECT_EQ(r.err.find("LOCK TABLE"), std::string::npos) << show(r);
  EXPECT_GE(took, 2s);
  EXPECT_LT(took, 15s);
  EXPECT_FALSE(columnExists(db_, "orders", "note"));
}

// The point of waiting outside the queue: while a long read holds ACCESS SHARE, an ALTER TABLE that
// queued for ACCESS EXCLUSIVE would make every later query on the table queue behind it.
TEST_F(ApplyLocks, WaitsOutsideTheLockQueueSoTheApplicationsQueriesGoOn) {
  TableLock reader(url(), "orders", "ACCESS SHARE");
  auto applying = std::async(std::launch::async, [&] {
    return cli({"apply", "-f", "-", "--database-url", url()}, {}, document(ordersWithNote()));
  });
  // The apply is connected and has reached its step (it read the catalog and planned): give it a
  // moment past the point where a queued ALTER would be waiting.
  for (int i = 0; i < 100 && pg().queryValue(db_, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a "
                                                  "USING (pid) WHERE a.application_name = 'schema-operator' AND "
                                                  "l.locktype = 'advisory'") == "0";
       ++i)
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(1000ms);

  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass AND NOT granted"),
            "0");
  pqxx::connection app(url() + " application_name=shop-app");
  pqxx::nontransaction tx(app);
  tx.exec("SET lock_timeout = '2s'");
  const auto started = std::chrono::steady_clock::now();
  tx.exec("SELECT count(*) FROM orders");
  const auto latency = std::chrono::steady_clock::now() - started;
  EXPECT_LT(latency, 250ms) << "the application's query queued behind the apply";

  reader.release();
  const auto r = applying.get();
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_TRUE(columnExists(db_, "orders", "note"));
}

TEST_F(ApplyLocks, TheDeprecatedRetriesFlagIsAcceptedWithAWarning) {
  const auto r = cli({"apply", "-f", "-", "--database-url", url(), "--lock-retries", "3"}, {}, document(ordersWithNote()));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_NE(r.err.find("--lock-retries is deprecated and ignored"), std::string::npos) << show(r);
}

TEST_F(ApplyLocks, ABadDurationIsRefusedNamingTheFlag) {
  const auto r = cli({"apply", "-f", "-", "--database-url", url(), "--lock-retry-budget", "soon"}, {},
                     document(ordersWithNote()));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("--lock-retry-budget: expected a duration such as 5s, 500ms or 1m, got \"soon\""),
            std::string::npos)
      << show(r);
  EXPECT_FALSE(columnExists(db_, "orders", "note"));
}

}  // namespace
}  // namespace clitest
