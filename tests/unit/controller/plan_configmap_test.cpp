#include "controller/plan_configmap.hpp"

#include <gtest/gtest.h>

using namespace controller;
using nlohmann::json;

namespace {

schema::Plan planOf(int statements, size_t statementSize = 40) {
  schema::Plan p;
  for (int i = 0; i < statements; ++i) {
    schema::Step s;
    s.kind = schema::ChangeKind::CreateTable;
    s.object = "t" + std::to_string(i);
    std::string sql = "CREATE TABLE t" + std::to_string(i) + " (";
    sql += std::string(statementSize > sql.size() + 1 ? statementSize - sql.size() - 1 : 0, 'x') + ")";
    s.statements.push_back(sql);
    p.steps.push_back(s);
  }
  p.hash = statements ? "sha256:" + std::string(64, 'b') : "";
  return p;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const PlanOwner kOwner{"apps", "shop", "uid-1"};

}  // namespace

TEST(PlanConfigMap, HoldsEveryStatementAndIsOwnedByTheResource) {
  const PlanConfigMap cm = planConfigMap(kOwner, planOf(120));
  EXPECT_EQ(cm.statementCount, 120u);
  EXPECT_EQ(cm.statementsHeld, 120u);
  const json& o = cm.object;
  EXPECT_EQ(o["kind"], "ConfigMap");
  EXPECT_EQ(o["metadata"]["namespace"], "apps");
  EXPECT_EQ(o["metadata"]["generateName"], "shop-plan-");
  const json& owner = o["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "DatabaseSchema");
  EXPECT_EQ(owner["apiVersion"], "dbschema.io/v1alpha1");
  EXPECT_EQ(owner["name"], "shop");
  EXPECT_EQ(owner["uid"], "uid-1");
  EXPECT_EQ(owner["controller"], true);
  const std::string sql = o["data"]["plan.sql"];
  EXPECT_EQ(occurrences(sql, "CREATE TABLE t"), 120u);
  EXPECT_NE(sql.find("CREATE TABLE t119 ("), std::string::npos);
  EXPECT_EQ(o["data"]["statementCount"], "120");
  EXPECT_EQ(o["data"]["complete"], "true");
  EXPECT_EQ(o["data"]["hash"], "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(configMapRef("shop-plan-x1", cm), json({{"name", "shop-plan-x1"}, {"statementCount", 120}, {"truncated", false}}));
}

TEST(PlanConfigMap, APlanLargerThanAConfigMapIsCutAtAStatementAndSaysSo) {
  // 3,000 statements of 1 KB: three times what a ConfigMap may hold.
  const PlanConfigMap cm = planConfigMap(kOwner, planOf(3000, 1000));
  EXPECT_EQ(cm.statementCount, 3000u);
  EXPECT_GT(cm.statementsHeld, 900u);
  EXPECT_LT(cm.statementsHeld, 1100u);
  size_t bytes = 0;
  for (const auto& [key, value] : cm.object["data"].items()) bytes += key.size() + value.get<std::string>().size();
  EXPECT_LE(bytes, size_t{1024 * 1024});
  const std::string sql = cm.object["data"]["plan.sql"];
  EXPECT_EQ(occurrences(sql, "CREATE TABLE t"), cm.statementsHeld);
  EXPECT_NE(sql.find("more statement(s) do not fit"), std::string::npos);
  EXPECT_EQ(cm.object["data"]["complete"], "false");
  const json ref = configMapRef("shop-plan-x1", cm);
  EXPECT_EQ(ref["truncated"], true);
  EXPECT_EQ(ref["statementCount"], cm.statementsHeld);
}

TEST(PlanConfigMap, ALongResourceNameStillMakesAValidName) {
  const PlanConfigMap cm = planConfigMap({"apps", std::string(253, 'n'), "u"}, planOf(1));
  EXPECT_LE(cm.object["metadata"]["generateName"].get<std::string>().size() + 5, 253u);
}

TEST(PlanConfigMap, IsWrittenOnlyWhenThePlanItHoldsChanges) {
  const schema::Plan empty = planOf(0), some = planOf(3);
  schema::Plan other = planOf(4);
  // Nothing published and nothing to run: no ConfigMap at all.
  EXPECT_FALSE(planNeedsPublishing(json::object(), empty));
  EXPECT_TRUE(planNeedsPublishing(json::object(), some));
  json published = {{"plan", {{"hash", some.hash}, {"configMapRef", {{"name", "shop-plan-x1"}}}}}};
  EXPECT_EQ(publishedPlanName(published), "shop-plan-x1");
  EXPECT_FALSE(planNeedsPublishing(published, some));
  other.hash = "sha256:" + std::string(64, 'c');
  EXPECT_TRUE(planNeedsPublishing(published, other));
  // Back in sync: the published ConfigMap is emptied, not left holding a stale plan.
  EXPECT_TRUE(planNeedsPublishing(published, empty));
  // Status lost its reference (a failed write): published again.
  EXPECT_TRUE(planNeedsPublishing(json{{"plan", {{"hash", some.hash}}}}, some));
}
