// Contract Part 2, Access: row-level security switches in diff, classify and plan — managed only
// where declared, on is safe, off is destructive (it widens access); changes in, exact SQL out.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planFor;

Model withRls(std::optional<RowSecurity> rls) {
  Model m = model({table("orders", {col("id", "bigint", false)})});
  m.tables[0].rowLevelSecurity = rls;
  return m;
}

}  // namespace

TEST(RowSecurity, TurningSwitchesOnIsSafeOneStatementEach) {
  const Plan p = planFor(withRls(RowSecurity{false, false}), withRls(RowSecurity{true, true}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"EnableRowLevelSecurity orders [safe]",
                                                  "ForceRowLevelSecurity orders [safe]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."orders" ENABLE ROW LEVEL SECURITY)",
                                                      R"(ALTER TABLE "public"."orders" FORCE ROW LEVEL SECURITY)"}));
  EXPECT_EQ(runnable(p, Approval{}).size(), 2u);
}

TEST(RowSecurity, TurningSwitchesOffIsDestructiveAndWaitsForApproval) {
  const Plan p = planFor(withRls(RowSecurity{true, true}), withRls(RowSecurity{false, false}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"DisableRowLevelSecurity orders [destructive]",
                                                  "NoForceRowLevelSecurity orders [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."orders" DISABLE ROW LEVEL SECURITY)",
                                                      R"(ALTER TABLE "public"."orders" NO FORCE ROW LEVEL SECURITY)"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty());
  EXPECT_EQ(runnable(p, *Approval::parse("DisableRowLevelSecurity", "x")).size(), 1u);
}

TEST(RowSecurity, NotDeclaredIsNotManaged) {
  EXPECT_TRUE(planFor(withRls(RowSecurity{true, true}), withRls(std::nullopt)).drift.empty());
  EXPECT_TRUE(planFor(withRls(RowSecurity{true, false}), withRls(RowSecurity{true, false})).drift.empty());
}

TEST(RowSecurity, ANewTableIsCreatedThenSecured) {
  Model want = withRls(RowSecurity{true, false});
  const Plan p = planFor(model({}), want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateTable orders [safe]", "EnableRowLevelSecurity orders [safe]"}));
  ASSERT_EQ(p.statements().size(), 2u);
  EXPECT_EQ(p.statements()[1], R"(ALTER TABLE "public"."orders" ENABLE ROW LEVEL SECURITY)");
}
