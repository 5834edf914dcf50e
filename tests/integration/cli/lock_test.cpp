// Locks: a DDL statement that cannot get its table lock in time is retried with backoff, not
// failed at once; when the lock never comes the run stops with the server's reason.
#include <chrono>
#include <future>
#include <thread>

#include <pqxx/pqxx>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

std::string ordersWithNote() {
  return customersSpec(
      "    - name: orders\n"
      "      columns:\n"
      "        - {name: id, type: bigint, nullable: false}\n"
      "        - {name: note, type: text}\n"
      "      primaryKey: [id]\n");
}

// Another session holding ACCESS EXCLUSIVE on orders, as a long migration or VACUUM FULL would.
class TableLock {
 public:
  TableLock(const std::string& url, const std::string& table) : conn_(url), tx_(conn_) {
    tx_.exec("LOCK TABLE " + tx_.quote_name(table) + " IN ACCESS EXCLUSIVE MODE");
  }
  void release() { tx_.commit(); }

 private:
  pqxx::connection conn_;
  pqxx::work tx_;
};

TEST(ApplyLocks, RetriesAStepWhoseLockIsBusyUntilItIsFree) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("locks");
  pg.exec(db, kCustomersSql);
  pg.exec(db, "CREATE TABLE orders (id bigint PRIMARY KEY)");
  TableLock lock(pg.socketUrl(db), "orders");

  auto release = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    lock.release();
  });
  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--lock-timeout", "100ms",
                      "--lock-retries", "8"},
                     {}, document(ordersWithNote()));
  release.get();
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_TRUE(columnExists(db, "orders", "note"));
}

TEST(ApplyLocks, GivesUpAfterTheRetriesWithTheServersReason) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("locks");
  pg.exec(db, kCustomersSql);
  pg.exec(db, "CREATE TABLE orders (id bigint PRIMARY KEY)");
  TableLock lock(pg.socketUrl(db), "orders");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--lock-timeout", "50ms",
                      "--lock-retries", "1"},
                     {}, document(ordersWithNote()));
  lock.release();
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("lock timeout"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("orders"), std::string::npos) << show(r);
  EXPECT_FALSE(columnExists(db, "orders", "note"));
}

}  // namespace
}  // namespace clitest
