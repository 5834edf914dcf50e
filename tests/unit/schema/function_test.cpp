// Contract Part 2, "Code objects": functions and procedures in questions, diff, classify and plan —
// created with every clause, replaced in place, dropped and created again with the views, policies
// and triggers on them, blocked by other dependents or a missing language, dropped only with prune;
// changes in, exact SQL out.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/function.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planFor;

Function touch() {
  Function f;
  f.name = "touch";
  f.returns = "trigger";
  f.language = "plpgsql";
  f.body = "BEGIN NEW.updated_at := now(); RETURN NEW; END";
  return f;
}

Function addCents() {
  Function f;
  f.name = "add_cents";
  f.arguments = "a bigint, b bigint DEFAULT 0";
  f.argumentTypes = "bigint, bigint";
  f.returns = "bigint";
  f.language = "sql";
  f.body = "SELECT a + b";
  f.volatility = "immutable";
  f.strict = true;
  f.parallel = "safe";
  return f;
}

Model withFunctions(std::vector<Function> functions) {
  Model m;
  m.functions = std::move(functions);
  return m;
}

Plan planPruning(const Model& have, const Model& want) {
  Policy prune;
  prune.prune = true;
  return plan(classify(diff(have, want, prune, Canon{}), Facts{}), want.schema);
}

// current_tenant() as a policy and a trigger's WHEN call it: `returns` is what changes.
Function currentTenant(const std::string& returns) {
  Function f;
  f.name = "current_tenant";
  f.returns = returns;
  f.language = "sql";
  f.body = "SELECT 1";
  f.volatility = "stable";
  return f;
}

RowPolicy ownRows() {
  RowPolicy p;
  p.name = "own_rows";
  p.usingExpr = "(tenant_id = current_tenant())";
  return p;
}

Trigger foreignRows() {
  Trigger t;
  t.name = "foreign_rows";
  t.timing = "before";
  t.events = {"insert"};
  t.forEach = "row";
  t.when = "(new.tenant_id <> current_tenant())";
  t.function = "refuse";
  return t;
}

const std::vector<FunctionDependent> kOnOrders = {
    {FunctionDependent::Kind::Policy, "orders", "own_rows", "policy own_rows on table orders"},
    {FunctionDependent::Kind::Trigger, "orders", "foreign_rows", "trigger foreign_rows on table orders"}};

// orders with its policy and trigger on current_tenant() returning `returns`, as the catalog or
// the resource has it.
Model tenantModel(const std::string& returns, const std::string& tableName = "orders") {
  Table orders = table(tableName, {col("id", "bigint", false), col("tenant_id", "integer")});
  orders.policies = {ownRows()};
  orders.triggers = {foreignRows()};
  Model m = model({orders});
  m.functions = {currentTenant(returns)};
  return m;
}

Model liveTenantModel(const std::string& returns) {
  Model m = tenantModel(returns);
  m.functions[0].dependents = kOnOrders;
  return m;
}

const std::string kDropTenant = R"(DROP FUNCTION "public"."current_tenant"())";
const std::string kMakeTenant =
    R"(CREATE FUNCTION "public"."current_tenant"() RETURNS bigint LANGUAGE "sql" STABLE CALLED ON NULL INPUT SECURITY INVOKER PARALLEL UNSAFE AS $body$SELECT 1$body$)";
const std::string kMakeForeignRows =
    R"(CREATE TRIGGER "foreign_rows" BEFORE INSERT ON "public"."orders" FOR EACH ROW WHEN ((new.tenant_id <> current_tenant())) EXECUTE FUNCTION "public"."refuse"())";
const std::string kMakeOwnRows =
    R"(CREATE POLICY "own_rows" ON "public"."orders" AS PERMISSIVE FOR ALL TO PUBLIC USING ((tenant_id = current_tenant())))";

}  // namespace

TEST(Functions, AMissingFunctionIsCreatedWithEveryClauseAndItsComment) {
  Function f = touch();
  f.securityDefiner = true;
  f.volatility = "stable";
  f.settings = {{"search_path", "pg_catalog, \"my schema\""}, {"work_mem", "64MB"}};
  f.comment = "stamps updated_at";
  const Plan p = planFor(withFunctions({}), withFunctions({f}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateFunction touch() [safe]"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE FUNCTION "public"."touch"() RETURNS trigger LANGUAGE "plpgsql" STABLE CALLED ON NULL INPUT SECURITY DEFINER PARALLEL UNSAFE SET "search_path" TO 'pg_catalog', 'my schema' SET "work_mem" TO '64MB' AS $body$BEGIN NEW.updated_at := now(); RETURN NEW; END$body$)",
                R"(COMMENT ON FUNCTION "public"."touch"() IS 'stamps updated_at')"}));
}

TEST(Functions, AProcedureTakesNoResultVolatilityStrictnessOrParallelClause) {
  Function f;
  f.name = "archive";
  f.procedure = true;
  f.arguments = "older_than date";
  f.argumentTypes = "date";
  f.language = "plpgsql";
  f.body = "BEGIN END";
  const Plan p = planFor(withFunctions({}), withFunctions({f}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateFunction archive(date) [safe]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(CREATE PROCEDURE "public"."archive"(older_than date) LANGUAGE "plpgsql" SECURITY INVOKER AS $body$BEGIN END$body$)"}));
}

TEST(Functions, ASqlBodyIsMadeWithoutCheckingItAgainAsItsTablesMayComeLaterInThePlan) {
  const Plan p = planFor(withFunctions({}), withFunctions({addCents()}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                "SET LOCAL check_function_bodies TO off",
                R"(CREATE FUNCTION "public"."add_cents"(a bigint, b bigint DEFAULT 0) RETURNS bigint LANGUAGE "sql" IMMUTABLE STRICT SECURITY INVOKER PARALLEL SAFE AS $body$SELECT a + b$body$)"}));
  ASSERT_EQ(p.steps.size(), 1u);  // one transaction: the SET LOCAL ends with it
}

TEST(Functions, TheSameFunctionIsNoDriftAndAChangedBodyOrOptionIsReplacedInPlace) {
  EXPECT_TRUE(planFor(withFunctions({addCents()}), withFunctions({addCents()})).drift.empty());
  Function changed = addCents();
  changed.body = "SELECT a + b + 0";
  changed.volatility = "stable";
  const Plan p = planFor(withFunctions({addCents()}), withFunctions({changed}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction add_cents(bigint,bigint) [safe]"}));
  ASSERT_EQ(p.statements().size(), 2u);
  EXPECT_EQ(p.statements()[1].rfind(R"(CREATE OR REPLACE FUNCTION "public"."add_cents"(a bigint, b bigint DEFAULT 0))", 0), 0u);
}

TEST(Functions, AnotherResultTypeIsADropAndCreateInOneStepWithTheDeclaredViewsOnIt) {
  Function live = addCents();
  live.dependents = {{FunctionDependent::Kind::View, "totals", "", "rule _RETURN on view totals"}};
  Function wanted = addCents();
  wanted.returns = "numeric";
  View totals;
  totals.name = "totals";
  totals.query = "SELECT add_cents(1, 2) AS n";
  Model have = withFunctions({live});
  have.views = {totals};
  Model want = withFunctions({wanted});
  want.views = {totals};
  const Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction add_cents(bigint,bigint) [safe]"}));
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{
                R"(DROP VIEW "public"."totals")", R"(DROP FUNCTION "public"."add_cents"(bigint, bigint))",
                "SET LOCAL check_function_bodies TO off",
                R"(CREATE FUNCTION "public"."add_cents"(a bigint, b bigint DEFAULT 0) RETURNS numeric LANGUAGE "sql" IMMUTABLE STRICT SECURITY INVOKER PARALLEL SAFE AS $body$SELECT a + b$body$)",
                R"(CREATE VIEW "public"."totals" AS SELECT add_cents(1, 2) AS n)"}));
}

TEST(Functions, ADropAndCreateUnderAnUndeclaredViewOrAnotherDependentIsBlockedNamingIt) {
  Function live = addCents();
  live.dependents = {{FunctionDependent::Kind::Other, "orders", "", "default value for column total of table orders"}};
  Function wanted = addCents();
  wanted.arguments = "x bigint, y bigint DEFAULT 0";  // parameter names: OR REPLACE cannot
  const Plan p = planFor(withFunctions({live}), withFunctions({wanted}));
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_NE(p.drift[0].reason.find("default value for column total of table orders"), std::string::npos);
  EXPECT_TRUE(p.steps.empty());

  live.dependents = {{FunctionDependent::Kind::View, "totals", "", "rule _RETURN on view totals"}};
  View totals;
  totals.name = "totals";
  Model have = withFunctions({live});
  have.views = {totals};
  const Plan underView = planFor(have, withFunctions({wanted}));
  ASSERT_EQ(underView.drift.size(), 1u);
  EXPECT_EQ(underView.drift[0].safety, Safety::Blocked);
  EXPECT_NE(underView.drift[0].reason.find("totals"), std::string::npos);
}

TEST(Functions, AnotherResultTypeMakesTheDeclaredPoliciesAndTriggersOnItAgainInOneStep) {
  const Plan p = planFor(liveTenantModel("integer"), tenantModel("bigint"));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction current_tenant() [safe]"}));
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{R"(DROP TRIGGER IF EXISTS "foreign_rows" ON "public"."orders")",
                                      R"(DROP POLICY IF EXISTS "own_rows" ON "public"."orders")", kDropTenant,
                                      "SET LOCAL check_function_bodies TO off", kMakeTenant, kMakeForeignRows,
                                      kMakeOwnRows}));
  EXPECT_EQ(p.steps[0].locks, (std::vector<TableLock>{{R"("public"."orders")", LockMode::AccessExclusive}}));
}

// A column default calling the function is taken off and set again around it from the declared
// column (no rewrite); one whose column the declaration no longer has still stands in the way.
TEST(Functions, AnotherResultTypeSetsTheDeclaredColumnDefaultOnItAgainInTheStep) {
  auto withDefault = [](Model m) {
    m.tables[0].policies.clear();
    m.tables[0].triggers.clear();
    m.tables[0].columns[1].defaultExpr = "current_tenant()";
    return m;
  };
  Model have = withDefault(liveTenantModel("integer"));
  have.functions[0].dependents = {
      {FunctionDependent::Kind::Default, "orders", "tenant_id", "default value for column tenant_id of table orders"}};
  const Plan p = planFor(have, withDefault(tenantModel("bigint")));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction current_tenant() [safe]"}));
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{R"(ALTER TABLE "public"."orders" ALTER COLUMN "tenant_id" DROP DEFAULT)", kDropTenant,
                                      "SET LOCAL check_function_bodies TO off", kMakeTenant,
                                      R"(ALTER TABLE "public"."orders" ALTER COLUMN "tenant_id" SET DEFAULT current_tenant())"}));
  EXPECT_EQ(p.steps[0].locks, (std::vector<TableLock>{{R"("public"."orders")", LockMode::AccessExclusive}}));

  Model dropped = withDefault(tenantModel("bigint"));
  dropped.tables[0].columns.pop_back();  // tenant_id no longer declared: its DropColumn waits for approval
  const Plan blocked = planFor(have, dropped);
  ASSERT_FALSE(blocked.drift.empty());
  EXPECT_EQ(blocked.drift[0].kind, ChangeKind::ReplaceFunction);
  EXPECT_EQ(blocked.drift[0].safety, Safety::Blocked);
  EXPECT_NE(blocked.drift[0].reason.find("default value for column tenant_id of table orders"), std::string::npos)
      << blocked.drift[0].reason;
}

TEST(Functions, APolicyOrTriggerThatChangesTooIsDroppedOnceAndMadeOnceAsDeclared) {
  Model want = tenantModel("bigint");
  want.tables[0].policies[0].command = "select";  // not in place: its own change would drop and create it
  want.tables[0].policies[0].roles = {"app"};
  want.tables[0].triggers[0].events = {"insert", "update"};  // its own change: CREATE OR REPLACE
  want.tables[0].triggers[0].enabled = false;                // and DISABLE
  const Plan p = plantest::planWithRoles(liveTenantModel("integer"), want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction current_tenant() [safe]"}));
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{
                R"(DROP TRIGGER IF EXISTS "foreign_rows" ON "public"."orders")",
                R"(DROP POLICY IF EXISTS "own_rows" ON "public"."orders")", kDropTenant,
                "SET LOCAL check_function_bodies TO off", kMakeTenant,
                R"(CREATE TRIGGER "foreign_rows" BEFORE INSERT OR UPDATE ON "public"."orders" FOR EACH ROW WHEN ((new.tenant_id <> current_tenant())) EXECUTE FUNCTION "public"."refuse"())",
                R"(ALTER TABLE "public"."orders" DISABLE TRIGGER "foreign_rows")",
                R"(CREATE POLICY "own_rows" ON "public"."orders" AS PERMISSIVE FOR SELECT TO "app" USING ((tenant_id = current_tenant())))"}));
  // The policy's role missing holds the function back with it.
  const Plan noRole = plantest::planWithRoles(liveTenantModel("integer"), want, {});
  ASSERT_EQ(noRole.drift.size(), 1u);
  EXPECT_EQ(noRole.drift[0].safety, Safety::Blocked);
  EXPECT_NE(noRole.drift[0].reason.find("role app does not exist"), std::string::npos) << noRole.drift[0].reason;
}

TEST(Functions, AnUndeclaredPolicyOrTriggerOnAReplacedFunctionBlocksItNamingItAndItsOwnChangesStay) {
  Model want = tenantModel("bigint");
  want.tables[0].policies.clear();
  want.tables[0].triggers[0].events = {"insert", "update"};
  Facts facts;
  facts.existingTriggerFunctions = {{"", "refuse"}};
  const Plan p = planFor(liveTenantModel("integer"), want, facts);
  // The plan drops the undeclared policy, but only after the function's step.
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction current_tenant() [blocked]",
                                                  "ReplaceTrigger orders.foreign_rows [safe]",
                                                  "DropPolicy orders.own_rows [destructive]"}));
  EXPECT_NE(p.drift[0].reason.find("(policy own_rows on table orders)"), std::string::npos) << p.drift[0].reason;
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps[0].object, "orders.foreign_rows") << "the trigger's own change, alone";
}

TEST(Functions, ARenamedTableGetsItsPolicyAndTriggerBackUnderItsLiveNameBeforeTheRename) {
  Model want = tenantModel("bigint", "purchases");
  want.tables[0].renamedFrom = {"orders"};
  const Plan p = planFor(liveTenantModel("integer"), want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction current_tenant() [safe]", "RenameTable purchases [safe]"}));
  const auto statements = p.statements();
  EXPECT_NE(std::find(statements.begin(), statements.end(), kMakeOwnRows), statements.end());
  EXPECT_NE(std::find(statements.begin(), statements.end(), kMakeForeignRows), statements.end());
}

TEST(Functions, APolicyWhoseNewDeclarationMayReadAColumnThePlanAddsLaterStaysInTheWay) {
  Model want = tenantModel("bigint");
  want.tables[0].columns.push_back(col("org_id", "integer"));
  want.tables[0].policies[0].usingExpr = "(org_id = current_tenant())";
  const Plan p = planFor(liveTenantModel("integer"), want);
  ASSERT_FALSE(p.drift.empty());
  EXPECT_EQ(p.drift[0].kind, ChangeKind::ReplaceFunction);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_NE(p.drift[0].reason.find("policy own_rows on table orders"), std::string::npos) << p.drift[0].reason;
  EXPECT_EQ(p.drift[0].reason.find("trigger foreign_rows"), std::string::npos) << "the trigger is made again";
}

TEST(Functions, ATriggersOwnFunctionMadeAProcedureLeavesTheTriggerInTheWay) {
  Function live = touch();
  live.dependents = {{FunctionDependent::Kind::Trigger, "orders", "orders_touch", "trigger orders_touch on table orders"}};
  Function wanted = touch();
  wanted.procedure = true;
  wanted.returns.clear();
  Table orders = table("orders", {col("id", "bigint", false)});
  Trigger touching;
  touching.name = "orders_touch";
  touching.events = {"update"};
  touching.forEach = "row";
  touching.function = "touch";
  orders.triggers = {touching};
  Model have = model({orders}), want = model({orders});
  have.functions = {live};
  want.functions = {wanted};
  const Plan p = planFor(have, want);
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_NE(p.drift[0].reason.find("trigger orders_touch on table orders"), std::string::npos) << p.drift[0].reason;
}

TEST(Functions, UndeclaredFunctionsAreDroppedOnlyWithPruneAndNotWhileSomethingKeptUsesThem) {
  EXPECT_TRUE(planFor(withFunctions({addCents()}), withFunctions({})).drift.empty());
  const Plan pruned = planPruning(withFunctions({addCents()}), withFunctions({}));
  EXPECT_EQ(driftOf(pruned), (std::vector<std::string>{"DropFunction add_cents(bigint,bigint) [destructive]"}));
  EXPECT_EQ(pruned.statements(), (std::vector<std::string>{R"(DROP FUNCTION "public"."add_cents"(bigint, bigint))"}));

  Function used = addCents();
  used.dependents = {{FunctionDependent::Kind::Trigger, "orders", "orders_total", "trigger orders_total on table orders"}};
  Model have = withFunctions({used});
  have.tables = {table("orders", {col("id", "bigint", false)})};
  Model want;
  want.tables = have.tables;
  const Plan kept = planPruning(have, want);
  ASSERT_EQ(kept.drift.size(), 1u);
  EXPECT_EQ(kept.drift[0].safety, Safety::Blocked);
  EXPECT_NE(kept.drift[0].reason.find("trigger orders_total on table orders"), std::string::npos);
  // When the plan drops the table the trigger is on, the function goes after it.
  const Plan withTable = planPruning(have, Model{});
  EXPECT_EQ(driftOf(withTable), (std::vector<std::string>{"DropTable orders [destructive]",
                                                          "DropFunction add_cents(bigint,bigint) [destructive]"}));
}

TEST(Functions, AFunctionInAMissingLanguageIsBlockedAndNeverRendered) {
  Function f = touch();
  f.language = "plpython3u";
  f.missingLanguage = true;
  const Plan p = planFor(withFunctions({}), withFunctions({f}));
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_NE(p.drift[0].reason.find("language plpython3u is not installed"), std::string::npos);
  EXPECT_TRUE(p.steps.empty());
  f.grants = std::vector<Grant>{{"app", {"EXECUTE"}, {}, ""}};
  EXPECT_EQ(plantest::planWithRoles(withFunctions({}), withFunctions({f})).drift.size(), 1u) << "no grant on it yet";
}

TEST(Functions, AFunctionComesBeforeTheTablesUnlessItsSignatureUsesARowType) {
  Model want = model({table("orders", {col("id", "bigint", false)})});
  Function plain = touch();
  Function overRows;
  overRows.name = "open_orders";
  overRows.returns = "SETOF orders";
  overRows.language = "sql";
  overRows.body = "SELECT * FROM orders";
  overRows.rowTypes = {"orders"};
  want.functions = {overRows, plain};
  EXPECT_EQ(driftOf(planFor(Model{}, want)),
            (std::vector<std::string>{"CreateFunction touch() [safe]", "CreateTable orders [safe]",
                                      "CreateFunction open_orders() [safe]"}));
}

TEST(Functions, OnlyACommentThatChangedIsSetAlone) {
  Function live = addCents();
  Function wanted = addCents();
  wanted.comment = "adds";
  const Plan p = planFor(withFunctions({live}), withFunctions({wanted}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetComment add_cents(bigint,bigint) [safe]"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(COMMENT ON FUNCTION "public"."add_cents"(bigint, bigint) IS 'adds')"}));
  live.comment = "adds";
  wanted.comment.reset();  // not declared: not managed
  EXPECT_TRUE(planFor(withFunctions({live}), withFunctions({wanted})).drift.empty());
}

TEST(Functions, TheBodyTravelsUnderADollarTagItDoesNotContain) {
  EXPECT_EQ(dollarQuoted("SELECT 1"), "$body$SELECT 1$body$");
  EXPECT_EQ(dollarQuoted("x $body$; DROP TABLE t; $body$"), "$body1$x $body$; DROP TABLE t; $body$$body1$");
}

TEST(Functions, AListSettingIsOneLiteralPerElement) {
  EXPECT_EQ(settingValueSql({"search_path", "\"$user\", public"}), "'$user', 'public'");
  EXPECT_EQ(settingValueSql({"search_path", "\"a \"\"b\"\", c\""}), "'a \"b\", c'");
  EXPECT_EQ(settingValueSql({"statement_timeout", "5s'; DROP TABLE t; --"}), "'5s''; DROP TABLE t; --'");
}

TEST(FunctionQuestions, OnlyDeclarationsThatAreNotOnTheirFaceALiveFunctionAreAsked) {
  Function live = addCents();
  Function same = addCents();
  same.argumentTypes.clear();  // a declaration does not know it until Postgres says
  Function respelt = same;
  respelt.arguments = "a bigint, b bigint default 0";
  EXPECT_TRUE(functionQuestions(withFunctions({live}), withFunctions({same})).empty());
  const FunctionQuestions q = functionQuestions(withFunctions({live}), withFunctions({respelt}));
  ASSERT_EQ(q.functions.size(), 1u);
  EXPECT_EQ(q.functions[0].scratchName, "so_fn_0");
  EXPECT_FALSE(q.functions[0].underOwnName) << "a live add_cents exists: asked in pg_temp";
  Function fresh = respelt;
  fresh.name = "add_more";
  const FunctionQuestions both = functionQuestions(withFunctions({live}), withFunctions({respelt, fresh}));
  ASSERT_EQ(both.functions.size(), 2u);
  EXPECT_TRUE(both.functions[1].underOwnName) << "nothing is called add_more: asked under its own name";
  EXPECT_EQ(q.languages, (std::vector<std::string>{"sql"}));

  auto unasked = answeredFunctions(withFunctions({live}), {same}, {});
  ASSERT_TRUE(unasked);
  EXPECT_EQ((*unasked)[0].argumentTypes, "bigint, bigint");
  EXPECT_FALSE(answeredFunctions(withFunctions({live}), {respelt}, {}));
}

// A table whose declared type is spelt otherwise than the live one (timestamptz) counts as reshaped
// before the types are asked; a scratch function is made over a shadow of it only when one of the
// asked texts names it (bench/plan_code_objects.py: a shadow table each at 1,000 tables).
TEST(FunctionQuestions, OnlyTheTablesAnAskedTextNamesAreShadowed) {
  Model have = model({table("orders", {col("id", "bigint"), col("placed_at", "timestamp with time zone")}),
                      table("events", {col("id", "bigint"), col("at", "timestamp with time zone")})});
  Model want = model({table("orders", {col("id", "bigint"), col("placed_at", "timestamptz")}),
                      table("events", {col("id", "bigint"), col("at", "timestamptz")})});
  want.functions = {addCents()};
  EXPECT_TRUE(functionQuestions(have, want).tables.empty());
  Function counts = addCents();
  counts.name = "order_count";
  counts.body = "SELECT count(*) FROM public.ORDERS WHERE id > a + b";
  want.functions.push_back(counts);
  const FunctionQuestions q = functionQuestions(have, want);
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].name, "orders");
}

TEST(FunctionQuestions, TheAnswerReplacesTheAuthorsTextAndTwoDeclarationsOfOneFunctionAreRefused) {
  Function declared = addCents();
  declared.arguments = "a BIGINT, b BIGINT DEFAULT 0";
  FunctionAnswers answers;
  answers.byIndex[0] = {"a bigint, b bigint DEFAULT 0", "bigint, bigint", "bigint", {}, {}};
  auto answered = answeredFunctions(Model{}, {declared}, answers);
  ASSERT_TRUE(answered);
  EXPECT_EQ((*answered)[0].arguments, "a bigint, b bigint DEFAULT 0");

  Function twin = declared;
  twin.field = "spec.functions[1]";
  answers.byIndex[1] = answers.byIndex[0];
  auto twice = answeredFunctions(Model{}, {declared, twin}, answers);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().field, "spec.functions[1]");
}

TEST(FunctionGrants, AFunctionThePlanMakesLosesPublicsDefaultExecuteSafelyAndGetsItsDeclaredGrants) {
  Function f = addCents();
  f.grants = std::vector<Grant>{{"app", {"EXECUTE"}, {}, ""}};
  const Plan p = plantest::planWithRoles(withFunctions({}), withFunctions({f}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateFunction add_cents(bigint,bigint) [safe]",
                                                  "Grant add_cents(bigint,bigint):grant:app [safe]",
                                                  "Revoke add_cents(bigint,bigint):grant:public [safe]"}));
  const auto statements = p.statements();
  ASSERT_EQ(statements.size(), 4u);
  EXPECT_EQ(statements[2], R"(GRANT EXECUTE ON FUNCTION "public"."add_cents"(bigint, bigint) TO "app")");
  EXPECT_EQ(statements[3], R"(REVOKE EXECUTE ON FUNCTION "public"."add_cents"(bigint, bigint) FROM PUBLIC)");
}

TEST(FunctionGrants, OnALiveFunctionARevokeIsDestructiveAndUndeclaredGrantsAreNotManaged) {
  Function live = addCents();
  live.grants = defaultRoutineGrants();
  Function wanted = addCents();
  wanted.grants = std::vector<Grant>{};  // no role but the owner
  const Plan p = planFor(withFunctions({live}), withFunctions({wanted}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Revoke add_cents(bigint,bigint):grant:public [destructive]"}));
  EXPECT_TRUE(planFor(withFunctions({live}), withFunctions({addCents()})).drift.empty());

  Function procedure;
  procedure.name = "archive";
  procedure.procedure = true;
  procedure.language = "sql";
  procedure.body = "SELECT 1";
  procedure.grants = std::vector<Grant>{{"support", {"EXECUTE"}, {}, ""}};
  Function liveProcedure = procedure;
  liveProcedure.grants = defaultRoutineGrants();
  const Plan onProcedure = plantest::planWithRoles(withFunctions({liveProcedure}), withFunctions({procedure}));
  ASSERT_EQ(onProcedure.statements().size(), 2u);
  EXPECT_EQ(onProcedure.statements()[0], R"(GRANT EXECUTE ON PROCEDURE "public"."archive"() TO "support")");
}

TEST(FunctionGrants, AFunctionDroppedAndCreatedAgainGetsWhatItHeldBack) {
  Function live = addCents();
  live.grants = std::vector<Grant>{{"app", {"EXECUTE"}, {}, ""}};
  Function wanted = addCents();
  wanted.returns = "numeric";
  const Plan p = plantest::planWithRoles(withFunctions({live}), withFunctions({wanted}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ReplaceFunction add_cents(bigint,bigint) [safe]",
                                                  "Grant add_cents(bigint,bigint):grant:app [safe]",
                                                  "Revoke add_cents(bigint,bigint):grant:public [safe]"}));
}
