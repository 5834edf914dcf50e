#include "schema/facts.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"

using namespace schema;
using namespace testbuild;

namespace {

std::vector<Change> changesFor(const Model& have, const Model& want) { return diff(have, want, Policy{}, Canon{}); }

Model liveOrders() { return model({table("orders", {col("id", "bigint", false), col("note", "text")}, {"id"})}); }

}  // namespace

TEST(FactsNeeded, AsksOnlyWhatDecidesSafety) {
  Model want = liveOrders();
  want.tables[0].columns[1].nullable = false;                           // SetNotNull: NULL count
  want.tables[0].columns.push_back(col("code", "text", false));        // NOT NULL, no default: rows?
  want.tables[0].columns.push_back(withDefault(col("n", "int", false), "0"));  // has a default: no question
  want.seeds.push_back({"orders", {"id"}, {"1"}, {"id"}, ""});
  const auto q = factsNeeded(changesFor(liveOrders(), want));
  EXPECT_EQ(q.nullCounts, (std::vector<std::pair<std::string, std::string>>{{"orders", "note"}}));
  EXPECT_EQ(q.tablesWithRows, std::vector<std::string>{"orders"});
  ASSERT_EQ(q.seedRows.size(), 1u);
  EXPECT_EQ(q.seedRows[0].object(), "orders[id=1]");
}

TEST(FactsNeeded, NewTablesNeedNoFacts) {
  Model want = liveOrders();
  want.seeds.push_back({"orders", {"id"}, {"1"}, {"id"}, ""});
  EXPECT_TRUE(factsNeeded(changesFor(Model{}, want)).empty());
}

TEST(Classify, BlocksSetNotNullWithTheCountOfNullRows) {
  Model want = liveOrders();
  want.tables[0].columns[1].nullable = false;
  Facts facts;
  facts.nulls[{"orders", "note"}] = 3;
  auto cs = classify(changesFor(liveOrders(), want), facts);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].safety, Safety::Blocked);
  EXPECT_NE(cs[0].reason.find("3 rows have NULL in orders.note"), std::string::npos);
  facts.nulls[{"orders", "note"}] = 0;
  EXPECT_EQ(classify(changesFor(liveOrders(), want), facts)[0].safety, Safety::Safe);
}

TEST(Classify, BlocksNotNullColumnWithoutDefaultOnlyWhenRowsExist) {
  Model want = liveOrders();
  want.tables[0].columns.push_back(col("code", "text", false));
  Facts facts;
  facts.hasRows["orders"] = true;
  auto cs = classify(changesFor(liveOrders(), want), facts);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].safety, Safety::Blocked);
  EXPECT_NE(cs[0].reason.find("has rows"), std::string::npos);
  facts.hasRows["orders"] = false;
  EXPECT_EQ(classify(changesFor(liveOrders(), want), facts)[0].safety, Safety::Safe);
}

TEST(Classify, DropsSeedRowsThatExist) {
  Model want = liveOrders();
  want.seeds.push_back({"orders", {"id"}, {"1"}, {"id"}, ""});
  want.seeds.push_back({"orders", {"id"}, {"2"}, {"id"}, ""});
  Facts facts;
  facts.existingSeedRows = {"orders[id=1]"};
  auto cs = classify(changesFor(liveOrders(), want), facts);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].object, "orders[id=2]");
}
