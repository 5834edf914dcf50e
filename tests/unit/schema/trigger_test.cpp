// Contract Part 2, Code objects: table triggers in diff, classify and plan — created (disabled
// with it when declared so), replaced in one statement that keeps whether the trigger fires,
// enabled (safe) and disabled (destructive), dropped when undeclared (destructive), blocked while
// the function is missing, and made after the table and columns they name; changes in, exact SQL
// out. Also the questions about `when` and the tgtype bits.
#include <gtest/gtest.h>

#include <algorithm>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/trigger.hpp"
#include "schema/trigger_facts.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planFor;

Trigger touch() {
  Trigger t;
  t.name = "orders_touch";
  t.timing = "before";
  t.events = {"insert", "update"};
  t.forEach = "row";
  t.when = "(old.* IS DISTINCT FROM new.*)";
  t.functionSchema = "util";
  t.function = "touch";
  return t;
}

Model withTriggers(std::vector<Trigger> triggers) {
  Model m = model({table("orders", {col("id", "bigint", false), col("status", "text"), col("note", "text")})});
  m.tables[0].triggers = std::move(triggers);
  return m;
}

// Every function the plan's triggers call exists.
Plan planWithFunctions(const Model& have, const Model& want) {
  Facts facts;
  for (const auto& f : triggerFunctionsNeeded(diff(have, want, Policy{}, Canon{})))
    facts.existingTriggerFunctions.insert(f);
  return planFor(have, want, facts);
}

}  // namespace

TEST(Triggers, AMissingTriggerIsCreatedWithEveryClause) {
  Trigger t = touch();
  t.updateOf = {"status", "note"};
  t.arguments = {"updated_at", "it's"};
  const Plan plan = planWithFunctions(withTriggers({}), withTriggers({t}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"CreateTrigger orders.orders_touch [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{R"(CREATE TRIGGER "orders_touch" BEFORE INSERT OR UPDATE OF "status", "note" ON "public"."orders" FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION "util"."touch"('updated_at', 'it''s'))"}));
  ASSERT_EQ(plan.steps.size(), 1u);
  ASSERT_EQ(plan.steps[0].locks.size(), 1u);
  EXPECT_EQ(plan.steps[0].locks[0].mode, LockMode::ShareRowExclusive);
}

TEST(Triggers, AFunctionOfTheManagedSchemaIsQualifiedWithIt) {
  Trigger t = touch();
  t.functionSchema.clear();
  t.timing = "after";
  t.events = {"truncate"};
  t.forEach = "statement";
  t.when.reset();
  Model want = withTriggers({t});
  want.schema = "app";
  Model have = withTriggers({});
  have.schema = "app";
  EXPECT_EQ(planWithFunctions(have, want).statements(),
            (std::vector<std::string>{R"(CREATE TRIGGER "orders_touch" AFTER TRUNCATE ON "app"."orders" FOR EACH STATEMENT EXECUTE FUNCTION "app"."touch"())"}));
}

TEST(Triggers, ADisabledTriggerIsCreatedAndDisabledInOneStep) {
  Trigger t = touch();
  t.when.reset();
  t.enabled = false;
  t.firing = 'D';
  const Plan plan = planWithFunctions(withTriggers({}), withTriggers({t}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"CreateTrigger orders.orders_touch [safe]"}));
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].statements,
            (std::vector<std::string>{R"(CREATE TRIGGER "orders_touch" BEFORE INSERT OR UPDATE ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "util"."touch"())",
                                      R"(ALTER TABLE "public"."orders" DISABLE TRIGGER "orders_touch")"}));
}

TEST(Triggers, AChangedDefinitionIsOneCreateOrReplace) {
  Trigger changed = touch();
  changed.events = {"update"};
  changed.arguments = {"x"};
  const Plan plan = planWithFunctions(withTriggers({touch()}), withTriggers({changed}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"ReplaceTrigger orders.orders_touch [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{R"(CREATE OR REPLACE TRIGGER "orders_touch" BEFORE UPDATE ON "public"."orders" FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION "util"."touch"('x'))"}));
  // Each part of the definition is compared.
  for (auto change : std::vector<void (*)(Trigger&)>{
           [](Trigger& t) { t.timing = "after"; }, [](Trigger& t) { t.forEach = "statement"; },
           [](Trigger& t) { t.when.reset(); }, [](Trigger& t) { t.functionSchema.clear(); },
           [](Trigger& t) { t.function = "stamp"; }, [](Trigger& t) { t.updateOf = {"note"}; }}) {
    Trigger other = touch();
    change(other);
    EXPECT_EQ(driftOf(planWithFunctions(withTriggers({touch()}), withTriggers({other}))),
              (std::vector<std::string>{"ReplaceTrigger orders.orders_touch [safe]"}));
  }
}

TEST(Triggers, UpdateOfColumnsInAnotherOrderAreTheSame) {
  Trigger live = touch();
  live.updateOf = {"note", "status"};
  Trigger declared = touch();
  declared.updateOf = {"status", "note"};
  EXPECT_TRUE(planWithFunctions(withTriggers({live}), withTriggers({declared})).drift.empty());
}

TEST(Triggers, AReplacementKeepsTheLiveFiringModeAndADisableIsItsOwnDestructiveChange) {
  Trigger live = touch();
  live.firing = 'A';  // ENABLE ALWAYS: enabled, as far as the declaration says
  Trigger changed = touch();
  changed.when = "(new.status IS NOT NULL)";
  Plan plan = planWithFunctions(withTriggers({live}), withTriggers({changed}));
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].statements[1], R"(ALTER TABLE "public"."orders" ENABLE ALWAYS TRIGGER "orders_touch")");

  changed.enabled = false;
  changed.firing = 'D';
  plan = planWithFunctions(withTriggers({live}), withTriggers({changed}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"ReplaceTrigger orders.orders_touch [safe]",
                                                     "DisableTrigger orders.orders_touch [destructive]"}));
  EXPECT_EQ(plan.statements().back(), R"(ALTER TABLE "public"."orders" DISABLE TRIGGER "orders_touch")");
  EXPECT_EQ(runnable(plan, Approval{}).size(), 1u) << "the replacement runs without the disable's approval";
}

TEST(Triggers, EnablingIsSafeAndDisablingDestructive) {
  Trigger disabled = touch();
  disabled.enabled = false;
  disabled.firing = 'D';
  Plan plan = planWithFunctions(withTriggers({disabled}), withTriggers({touch()}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"EnableTrigger orders.orders_touch [safe]"}));
  EXPECT_EQ(plan.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."orders" ENABLE TRIGGER "orders_touch")"}));
  plan = planWithFunctions(withTriggers({touch()}), withTriggers({disabled}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"DisableTrigger orders.orders_touch [destructive]"}));
  // Replica and always modes fire: only enabled against disabled is managed.
  Trigger replica = touch();
  replica.firing = 'R';
  EXPECT_TRUE(planWithFunctions(withTriggers({replica}), withTriggers({touch()})).drift.empty());
}

TEST(Triggers, AnUndeclaredTriggerIsADestructiveDropBeforeColumnsGo) {
  Model have = withTriggers({touch()});
  Model want = withTriggers({});
  want.tables[0].columns.pop_back();  // note
  const Plan plan = planWithFunctions(have, want);
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"DropTrigger orders.orders_touch [destructive]",
                                                     "DropColumn orders.note [destructive]"}));
  EXPECT_EQ(plan.statements().front(), R"(DROP TRIGGER IF EXISTS "orders_touch" ON "public"."orders")");
  EXPECT_EQ(plan.steps.front().locks[0].mode, LockMode::AccessExclusive);
}

TEST(Triggers, ALiveTriggerWithTransitionTablesNeverMatchesADeclaration) {
  Trigger live = touch();
  live.inexpressible = "transition tables (REFERENCING)";
  EXPECT_EQ(driftOf(planWithFunctions(withTriggers({live}), withTriggers({touch()}))),
            (std::vector<std::string>{"ReplaceTrigger orders.orders_touch [safe]"}));
}

TEST(Triggers, AMissingFunctionBlocksThatTriggerAndNothingElse) {
  Trigger other = touch();
  other.name = "orders_audit";
  other.functionSchema.clear();
  other.function = "audit";
  Model want = withTriggers({touch(), other});
  want.tables[0].comment = "orders";
  const auto needed = triggerFunctionsNeeded(diff(withTriggers({}), want, Policy{}, Canon{}));
  EXPECT_EQ(needed, (std::vector<std::pair<std::string, std::string>>{{"", "audit"}, {"util", "touch"}}));
  Facts facts;
  facts.existingTriggerFunctions = {{"util", "touch"}};
  const Plan plan = planFor(withTriggers({}), want, facts);
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"SetComment orders [safe]", "CreateTrigger orders.orders_touch [safe]",
                                                     "CreateTrigger orders.orders_audit [blocked]"}));
  EXPECT_NE(plan.drift[2].reason.find("function audit() does not exist"), std::string::npos) << plan.drift[2].reason;
  EXPECT_EQ(plan.statements().size(), 2u);
}

TEST(Triggers, ATriggerOnANewTableComesAfterTheTableAndItsColumns) {
  Trigger t = touch();
  t.updateOf = {"status"};
  Model have = model({});
  const Plan plan = planWithFunctions(have, withTriggers({t}));
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"CreateTable orders [safe]", "CreateTrigger orders.orders_touch [safe]"}));
  EXPECT_TRUE(plan.drift[1].onNewTable);
  // And on a live table, after a column the same plan adds.
  Model before = withTriggers({});
  before.tables[0].columns.pop_back();
  EXPECT_EQ(driftOf(planWithFunctions(before, withTriggers({t}))),
            (std::vector<std::string>{"AddColumn orders.note [safe]", "CreateTrigger orders.orders_touch [safe]"}));
}

TEST(Triggers, OnlyConditionsNotTheLiveOnesOnTheirFaceAreAsked) {
  Model have = withTriggers({touch()});
  Trigger same = touch();
  same.when = "old.* IS DISTINCT FROM new.*";  // the wrapping parentheses are cheap to see past
  Trigger fresh = touch();
  fresh.name = "fresh";
  fresh.when = "NEW.status <> 'x'";
  Trigger none = touch();
  none.name = "none";
  none.when.reset();
  const Model want = withTriggers({same, fresh, none});
  const auto questions = triggerQuestions(have, want);
  ASSERT_EQ(questions.size(), 1u);
  ASSERT_EQ(questions[0].triggers.size(), 1u);
  EXPECT_EQ(questions[0].triggers[0].name, "fresh");
  EXPECT_EQ(questions[0].triggers[0].field, fresh.field + ".when");
  EXPECT_EQ(questions[0].columns.size(), 3u);
  auto answered = withTriggerAnswers(have, want, {{{"orders", "fresh"}, "(new.status <> 'x'::text)"}});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->tables[0].triggers[0].when, touch().when);
  EXPECT_EQ(answered->tables[0].triggers[1].when, std::optional<std::string>("(new.status <> 'x'::text)"));
  EXPECT_FALSE(answered->tables[0].triggers[2].when);
  EXPECT_FALSE(withTriggerAnswers(have, want, {})) << "never used as written";
}

TEST(Triggers, TypeBitsRoundTrip) {
  EXPECT_EQ(triggerType("before", {"insert", "update"}, "row"), 1 | 2 | 4 | 16);
  EXPECT_EQ(triggerType("after", {"delete", "truncate"}, "statement"), 8 | 32);
  EXPECT_EQ(triggerType("instead-of", {"insert"}, "row"), 1 | 4 | 64);
  Trigger t;
  applyTriggerType(1 | 2 | 8 | 16, t);
  EXPECT_EQ(t.timing, "before");
  EXPECT_EQ(t.forEach, "row");
  EXPECT_EQ(t.events, (std::vector<std::string>{"update", "delete"}));
  applyTriggerType(32, t);
  EXPECT_EQ(t.timing, "after");
  EXPECT_EQ(t.forEach, "statement");
  EXPECT_EQ(t.events, (std::vector<std::string>{"truncate"}));
}

TEST(Triggers, AColumnTypeChangeUnderADeclaredTriggerTakesItDownAndBackUpInTheSameStep) {
  Trigger live = touch();
  live.updateOf = {"status"};
  live.columnsUsed = {"status"};
  Model have = withTriggers({live});
  Trigger declared = touch();
  declared.updateOf = {"status"};
  Model want = withTriggers({declared});
  want.tables[0].columns[1].type = "varchar(20)";
  const Plan plan = planWithFunctions(have, want);
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"ChangeType orders.status [destructive]"}));
  ASSERT_EQ(plan.steps.size(), 1u);
  const auto& statements = plan.steps[0].statements;
  ASSERT_GE(statements.size(), 3u);
  EXPECT_EQ(statements.front(), R"(DROP TRIGGER IF EXISTS "orders_touch" ON "public"."orders")");
  EXPECT_EQ(statements.back().rfind(R"(CREATE TRIGGER "orders_touch" BEFORE INSERT OR UPDATE OF "status")", 0), 0u);

  // Not declared: the change is blocked, naming the trigger.
  Model undeclared = want;
  undeclared.tables[0].triggers.clear();
  const Plan blocked = planWithFunctions(have, undeclared);
  const auto it = std::find_if(blocked.drift.begin(), blocked.drift.end(),
                               [](const Change& c) { return c.kind == ChangeKind::ChangeType; });
  ASSERT_NE(it, blocked.drift.end());
  EXPECT_EQ(it->safety, Safety::Blocked);
  EXPECT_NE(it->reason.find("trigger orders_touch on orders uses column status"), std::string::npos) << it->reason;
}
