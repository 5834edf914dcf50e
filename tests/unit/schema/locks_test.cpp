// Which table locks each step of a plan takes, and which modes conflict: what pg::apply looks for
// in pg_locks before it joins a lock queue.
#include "schema/locks.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

constexpr LockMode AS = LockMode::AccessShare, RS = LockMode::RowShare, RX = LockMode::RowExclusive,
                   SUE = LockMode::ShareUpdateExclusive, SH = LockMode::Share, SRE = LockMode::ShareRowExclusive,
                   EX = LockMode::Exclusive, AE = LockMode::AccessExclusive;
constexpr LockMode kAll[] = {AS, RS, RX, SUE, SH, SRE, EX, AE};

std::vector<TableLock> on(const std::string& table, LockMode m) { return {{"\"public\".\"" + table + "\"", m}}; }

}  // namespace

TEST(LockModes, ConflictAsThePostgresTableSays) {
  // Rows of the table in the docs' "Conflicting Lock Modes", as the modes each one conflicts with.
  EXPECT_EQ(conflictingModes(AS), (std::vector<LockMode>{AE}));
  EXPECT_EQ(conflictingModes(RS), (std::vector<LockMode>{EX, AE}));
  EXPECT_EQ(conflictingModes(RX), (std::vector<LockMode>{SH, SRE, EX, AE}));
  EXPECT_EQ(conflictingModes(SUE), (std::vector<LockMode>{SUE, SH, SRE, EX, AE}));
  EXPECT_EQ(conflictingModes(SH), (std::vector<LockMode>{RX, SUE, SRE, EX, AE}));
  EXPECT_EQ(conflictingModes(SRE), (std::vector<LockMode>{RX, SUE, SH, SRE, EX, AE}));
  EXPECT_EQ(conflictingModes(EX), (std::vector<LockMode>{RS, RX, SUE, SH, SRE, EX, AE}));
  EXPECT_EQ(conflictingModes(AE), (std::vector<LockMode>{AS, RS, RX, SUE, SH, SRE, EX, AE}));
  for (LockMode a : kAll)
    for (LockMode b : kAll) EXPECT_EQ(conflicts(a, b), conflicts(b, a)) << toString(a) << " / " << toString(b);
  EXPECT_EQ(pgLocksName(SUE), "ShareUpdateExclusiveLock");
  EXPECT_EQ(toString(SRE), "SHARE ROW EXCLUSIVE");
  EXPECT_TRUE(blocksWrites(SH));
  EXPECT_FALSE(blocksWrites(SUE));
}

// The six lock-safe changes of docs/online-ddl.md on a live table: each step says the lock its
// statement takes, and no step that takes ACCESS EXCLUSIVE also runs a scan or a build.
TEST(StepLocks, TheLockSafeFormsTakeTheWeakestLockEachStatementNeeds) {
  Model have = model({table("customers", {col("id", "bigint", false)}, {"id"}),
                      table("orders", {col("id", "bigint", false), col("customer_id", "bigint"), col("qty", "integer"),
                                       col("code", "varchar(10)")},
                            {"id"})});
  Model want = have;
  auto& orders = want.tables[1];
  orders.indexes.push_back(index("orders_customer_idx", {"customer_id"}));
  orders.foreignKeys.push_back(
      {"orders_customer_fk", {"customer_id"}, "customers", {"id"}, FkAction::NoAction, FkAction::NoAction, true, ""});
  orders.checks.push_back({"orders_qty_pos", "qty > 0", true, ""});
  orders.columns[2].nullable = false;
  orders.columns[3].type = "varchar(20)";
  orders.columns.push_back(col("note", "text"));
  const Plan p = plan(diff(have, want, Policy{}, Canon{}), "public");

  std::vector<std::pair<std::string, std::vector<TableLock>>> got;
  for (const auto& s : p.steps) got.emplace_back(s.statements.front().substr(0, 60), s.locks);
  auto withRef = [](std::vector<TableLock> locks, LockMode m) {
    locks.push_back({"\"public\".\"customers\"", m});
    return locks;
  };
  const std::vector<std::vector<TableLock>> expected = {
      on("orders", AE),                   // ADD COLUMN note
      on("orders", AE),                   // ALTER TYPE varchar(20): a widening, no rewrite
      on("orders", AE),                   // ADD CHECK (qty IS NOT NULL) NOT VALID
      on("orders", SUE),                  // VALIDATE it
      on("orders", AE),                   // SET NOT NULL (proved by the check), DROP the check
      on("orders", AE),                   // ADD CHECK (qty > 0) NOT VALID
      on("orders", SUE),                  // VALIDATE it
      withRef(on("orders", SRE), SRE),    // ADD FOREIGN KEY NOT VALID: both tables' triggers
      withRef(on("orders", SUE), RS),     // VALIDATE it
      on("orders", SUE),                  // CREATE INDEX CONCURRENTLY
  };
  ASSERT_EQ(got.size(), expected.size()) << ::testing::PrintToString(p.statements());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].second, expected[i]) << got[i].first;
  for (const auto& s : p.steps) {
    const bool exclusive = !s.locks.empty() && s.locks.front().mode == AE;
    for (const auto& st : s.statements) {
      if (!exclusive) continue;
      EXPECT_EQ(st.find("VALIDATE"), std::string::npos) << st;
      EXPECT_EQ(st.find("CONCURRENTLY"), std::string::npos) << st;
    }
  }
}

TEST(StepLocks, ATableThePlanMakesIsLockedOnlyByItsOwnSteps) {
  Model have = model({table("t", {col("id", "bigint", false)}, {"id"})});
  Model want = have;
  want.tables.push_back(table("fresh", {col("id", "bigint", false)}, {"id"}));
  want.tables.back().indexes.push_back(index("fresh_id_idx", {"id"}));
  const Plan p = plan(diff(have, want, Policy{}, Canon{}), "public");
  ASSERT_EQ(p.steps.size(), 2u) << ::testing::PrintToString(p.statements());
  EXPECT_TRUE(p.steps[0].locks.empty());                 // CREATE TABLE
  EXPECT_EQ(p.steps[1].locks, on("fresh", SH));           // a plain CREATE INDEX on the table just made
  EXPECT_TRUE(p.steps[1].transactional);
}
