// Contract Part 2, Access: row-level security policies in diff, classify and plan — created,
// altered in place, replaced by a drop and create held together, dropped (destructive), and
// blocked while a role they name is missing; changes in, exact SQL out.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"
#include "schema/row_policy.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planWithRoles;

RowPolicy tenantPolicy() {
  RowPolicy p;
  p.name = "tenant";
  p.roles = {"app"};
  p.usingExpr = "(tenant_id = 1)";
  return p;
}

Model withPolicies(std::vector<RowPolicy> policies) {
  Model m = model({table("invoices", {col("id", "bigint", false), col("tenant_id", "bigint", false)})});
  m.tables[0].policies = std::move(policies);
  return m;
}

}  // namespace

TEST(RowPolicies, AMissingPolicyIsCreatedWithEveryClause) {
  RowPolicy p = tenantPolicy();
  p.command = "update";
  p.permissive = false;
  p.roles = {"app", "public"};
  p.withCheck = "(tenant_id > 0)";
  const Plan plan = planWithRoles(withPolicies({}), withPolicies({p}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"CreatePolicy invoices.tenant [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{R"(CREATE POLICY "tenant" ON "public"."invoices" AS RESTRICTIVE FOR UPDATE TO "app", PUBLIC USING ((tenant_id = 1)) WITH CHECK ((tenant_id > 0)))"}));
}

TEST(RowPolicies, RolesAndExpressionsChangeInPlace) {
  RowPolicy changed = tenantPolicy();
  changed.roles = {"app", "support"};
  changed.usingExpr = "(tenant_id = 2)";
  const Plan plan = planWithRoles(withPolicies({tenantPolicy()}), withPolicies({changed}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"AlterPolicy invoices.tenant [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{R"(ALTER POLICY "tenant" ON "public"."invoices" TO "app", "support" USING ((tenant_id = 2)))"}));
  EXPECT_TRUE(planWithRoles(withPolicies({tenantPolicy()}), withPolicies({tenantPolicy()})).drift.empty());
}

TEST(RowPolicies, ACommandChangeIsADropAndCreateHeldTogether) {
  RowPolicy select = tenantPolicy();
  select.command = "select";
  const Plan plan = planWithRoles(withPolicies({tenantPolicy()}), withPolicies({select}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"DropPolicy invoices.tenant [destructive]",
                                                     "CreatePolicy invoices.tenant [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{R"(DROP POLICY IF EXISTS "tenant" ON "public"."invoices")",
                                      R"(CREATE POLICY "tenant" ON "public"."invoices" AS PERMISSIVE FOR SELECT TO "app" USING ((tenant_id = 1)))"}));
  EXPECT_TRUE(runnable(plan, Approval{}).empty()) << "the create waits for the drop's approval";
}

TEST(RowPolicies, AnUndeclaredPolicyIsADestructiveDrop) {
  const Plan plan = planWithRoles(withPolicies({tenantPolicy()}), withPolicies({}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"DropPolicy invoices.tenant [destructive]"}));
}

TEST(RowPolicies, AMissingRoleBlocksThatPolicyAndNothingElse) {
  RowPolicy other = tenantPolicy();
  other.name = "other";
  other.roles = {"auditor", "nobody"};
  Model want = withPolicies({tenantPolicy(), other});
  want.tables[0].comment = "invoices";
  const Plan plan = planWithRoles(withPolicies({}), want);
  ASSERT_EQ(plan.drift.size(), 3u);
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"SetComment invoices [safe]", "CreatePolicy invoices.tenant [safe]",
                                                     "CreatePolicy invoices.other [blocked]"}));
  EXPECT_NE(plan.drift[2].reason.find("roles auditor, nobody do not exist"), std::string::npos) << plan.drift[2].reason;
  EXPECT_EQ(plan.statements().size(), 2u);
}

TEST(RowPolicies, OnlyTextsNotTheLiveOnesOnTheirFaceAreAsked) {
  Model have = withPolicies({tenantPolicy()});
  RowPolicy same = tenantPolicy();
  same.usingExpr = "tenant_id = 1";
  RowPolicy fresh = tenantPolicy();
  fresh.name = "fresh";
  fresh.usingExpr = "tenant_id IN (SELECT 1)";
  const auto questions = policyQuestions(have, withPolicies({same, fresh}));
  ASSERT_EQ(questions.size(), 1u);
  ASSERT_EQ(questions[0].policies.size(), 1u);
  EXPECT_EQ(questions[0].policies[0].name, "fresh");
  EXPECT_EQ(questions[0].columns.size(), 2u);
  auto answered = withPolicyAnswers(have, withPolicies({same, fresh}), {{{"invoices", "fresh"}, {"(tenant_id IN ( SELECT 1))", {}}}});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->tables[0].policies[0].usingExpr, std::optional<std::string>("(tenant_id = 1)"));
  EXPECT_EQ(answered->tables[0].policies[1].usingExpr, std::optional<std::string>("(tenant_id IN ( SELECT 1))"));
  EXPECT_FALSE(withPolicyAnswers(have, withPolicies({same, fresh}), {})) << "never used as written";
}
