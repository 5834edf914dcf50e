// pg/lock_wait: who holds a conflicting lock (read from pg_locks on a real server), the backoff
// between attempts, and the words that report a wait.
#include "pg/lock_wait.hpp"

#include <set>

#include "integration/pg/pg_fixture.hpp"

namespace pgtest {
namespace {

using namespace std::chrono_literals;
using schema::LockMode;

TEST(RetryDelay, DoublesUpToTheCapWithJitterInTheUpperHalf) {
  for (double r : {0.0, 0.25, 0.5, 0.999}) {
    for (int retry = 0; retry < 12; ++retry) {
      const auto whole = std::min(100ms * (1 << retry), std::chrono::milliseconds(3000));
      const auto d = pg::retryDelay(retry, 100ms, 3000ms, r);
      EXPECT_GE(d, whole / 2) << "retry " << retry << " r " << r;
      EXPECT_LE(d, whole) << "retry " << retry << " r " << r;
    }
  }
  EXPECT_EQ(pg::retryDelay(0, 100ms, 3000ms, 0.0), 50ms);
  EXPECT_EQ(pg::retryDelay(3, 100ms, 3000ms, 0.0), 400ms);
  EXPECT_EQ(pg::retryDelay(40, 100ms, 3000ms, 0.0), 1500ms);  // capped, and no overflow
  // Jitter spreads the delays: different random draws give different waits.
  std::set<long long> seen;
  for (double r = 0; r < 1; r += 0.1) seen.insert(pg::retryDelay(4, 100ms, 3000ms, r).count());
  EXPECT_GE(seen.size(), 8u);
}

TEST(DescribeDuration, ReadsLikeAPerson) {
  EXPECT_EQ(pg::describeDuration(350ms), "350ms");
  EXPECT_EQ(pg::describeDuration(12'345ms), "12.3s");
  EXPECT_EQ(pg::describeDuration(303'000ms), "5m3s");
}

TEST(DescribeHolders, NamesSessionsWithoutAnApplicationAndPreparedTransactions) {
  pg::LockHolder vacuum{77, "", "autovacuum worker", LockMode::ShareUpdateExclusive, "\"public\".\"t\"", 90s};
  pg::LockHolder prepared{0, "", "", LockMode::RowExclusive, "\"public\".\"t\"", -1ms};
  pg::LockHolder odd{9, "x\"y\n", "client backend", LockMode::AccessShare, "\"public\".\"t\"", 20ms};
  EXPECT_EQ(pg::describeHolders({vacuum, prepared, odd}),
            "pid 77 (autovacuum worker, holding SHARE UPDATE EXCLUSIVE on \"public\".\"t\" in a transaction open 1m30s); "
            "a prepared transaction (holding ROW EXCLUSIVE on \"public\".\"t\" for an unknown time); "
            "pid 9 (application \"x\\\"y?\", holding ACCESS SHARE on \"public\".\"t\" in a transaction open 20ms)");
}

class LockHolders : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = server().createDatabase("holders");
    server().exec(db_, "CREATE TABLE orders (id int)");
  }
  std::string db_;
  const std::vector<schema::TableLock> exclusive_{{"\"public\".\"orders\"", LockMode::AccessExclusive}};
};

TEST_F(LockHolders, AGrantedConflictingLockIsReportedWithItsSessionButNotItsQuery) {
  pqxx::connection holder(server().socketUrl(db_) + " application_name=nightly-report");
  pqxx::work tx(holder);
  tx.exec("SELECT count(*) FROM orders /* password='hunter2' */");  // ACCESS SHARE until commit
  std::this_thread::sleep_for(60ms);
  auto conn = connectTo(db_);

  const auto holders = pg::conflictingHolders(*conn, exclusive_, 0ms);
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].pid, holder.backendpid());
  EXPECT_EQ(holders[0].applicationName, "nightly-report");
  EXPECT_EQ(holders[0].mode, LockMode::AccessShare);
  EXPECT_GE(holders[0].heldFor, 50ms);
  const std::string said = pg::describeHolders(holders);
  EXPECT_NE(said.find("pid " + std::to_string(holder.backendpid()) +
                      " (application \"nightly-report\", holding ACCESS SHARE on \"public\".\"orders\" in a "
                      "transaction open "),
            std::string::npos)
      << said;
  EXPECT_EQ(said.find("hunter2"), std::string::npos) << said;

  // A read does not conflict with what VALIDATE or CREATE INDEX CONCURRENTLY take.
  EXPECT_TRUE(pg::conflictingHolders(*conn, {{"\"public\".\"orders\"", LockMode::ShareUpdateExclusive}}, 0ms).empty());
  // Holders younger than asked for are left out: a busy table always has short transactions.
  EXPECT_TRUE(pg::conflictingHolders(*conn, exclusive_, 60s).empty());
  // A table not made yet has no holder.
  EXPECT_TRUE(pg::conflictingHolders(*conn, {{"\"public\".\"later\"", LockMode::AccessExclusive}}, 0ms).empty());
  tx.commit();
  EXPECT_TRUE(pg::conflictingHolders(*conn, exclusive_, 0ms).empty());
}

// One look covers every table a step locks, each with its own mode; names with quotes, commas
// and braces stay one table each, and a holder is named with the table it holds.
TEST_F(LockHolders, EveryTableOfAStepIsLookedAtOnceEachWithItsOwnMode) {
  server().exec(db_, R"(CREATE TABLE "a,b{c}""d" (id int); CREATE TABLE "e\f" (id int))");
  pqxx::connection holder(server().socketUrl(db_));
  pqxx::work tx(holder);
  tx.exec(R"(SELECT count(*) FROM "e\f")");  // ACCESS SHARE
  auto conn = connectTo(db_);

  const std::vector<schema::TableLock> locks{{"\"public\".\"orders\"", LockMode::AccessExclusive},
                                             {"\"public\".\"a,b{c}\"\"d\"", LockMode::AccessExclusive},
                                             {"\"public\".\"e\\f\"", LockMode::AccessExclusive}};
  const auto holders = pg::conflictingHolders(*conn, locks, 0ms);
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].pid, holder.backendpid());
  EXPECT_EQ(holders[0].table, "\"public\".\"e\\f\"");
  // The same read does not conflict with SHARE UPDATE EXCLUSIVE, whatever the other tables want.
  EXPECT_TRUE(pg::conflictingHolders(*conn,
                                     {{"\"public\".\"orders\"", LockMode::AccessExclusive},
                                      {"\"public\".\"e\\f\"", LockMode::ShareUpdateExclusive}},
                                     0ms)
                  .empty());
  EXPECT_TRUE(pg::conflictingHolders(*conn, {}, 0ms).empty());
}

}  // namespace
}  // namespace pgtest
