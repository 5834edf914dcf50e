// Functions and procedures on a real PostgreSQL (contract Part 2, "Code objects"): created and
// working, other spellings of the same signature and settings not drift, a body changed in place,
// a result type changed by a drop and create that takes its declared view, policy and trigger
// along, blocked by an undeclared dependent or a missing language while the rest runs, undeclared ones dropped only
// with prune and approval, and hostile text refused with nothing changed.
#include <algorithm>

#include "engine_fixture.hpp"

namespace {

const char* kTouch = R"yaml(    - name: touch_updated_at
      returns: trigger
      language: plpgsql
      body: "BEGIN NEW.updated_at := now(); RETURN NEW; END"
      set: {search_path: "pg_catalog, public"}
)yaml";

std::string addCents(const std::string& returns = "bigint", const std::string& body = "SELECT a + b") {
  return R"yaml(    - name: add_cents
      arguments: "a bigint, b bigint DEFAULT 0"
      returns: )yaml" + returns + R"yaml(
      language: sql
      body: ")yaml" + body + R"yaml("
      volatility: immutable
      strict: true
      parallel: safe
)yaml";
}

const char* kArchive = R"yaml(    - name: archive
      kind: procedure
      arguments: "older_than date"
      language: plpgsql
      body: "BEGIN DELETE FROM orders WHERE placed_on < older_than; END"
      comment: "removes old orders"
)yaml";

const char* kOrders = R"yaml(  tables:
    - name: orders
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: placed_on, type: date}
        - {name: updated_at, type: timestamptz}
      primaryKey: [id]
)yaml";

std::string functions(const std::string& items) { return std::string(kOrders) + "  functions:\n" + items; }

}  // namespace

class FunctionsTest : public EngineTest {
 protected:
  std::string oidOf(const std::string& name) { return value("SELECT oid::text FROM pg_proc WHERE proname = '" + name + "'"); }
};

TEST_F(FunctionsTest, CreatedWorkingAndInSyncUnderOtherSpellings) {
  const auto r = resource(functions(std::string(kTouch) + addCents() + kArchive));
  applied(r);
  EXPECT_EQ(value("SELECT add_cents(2, 3)"), "5");
  EXPECT_EQ(value("SELECT add_cents(2)"), "2");
  EXPECT_EQ(value("SELECT provolatile::text || proisstrict::text || proparallel::text FROM pg_proc WHERE proname = 'add_cents'"),
            "itrues");
  EXPECT_EQ(value("SELECT array_to_string(proconfig, ';') FROM pg_proc WHERE proname = 'touch_updated_at'"),
            "search_path=pg_catalog, public");
  EXPECT_EQ(value("SELECT obj_description('archive'::regproc, 'pg_proc')"), "removes old orders");
  exec("INSERT INTO orders VALUES (1, '2020-01-01', NULL), (2, '2030-01-01', NULL); CALL archive('2025-01-01')");
  EXPECT_EQ(value("SELECT string_agg(id::text, ',') FROM orders"), "2");
  EXPECT_EQ(drift(plan(r).plan), Drift{});

  // The same functions spelt otherwise: upper-case types, other white space, the list setting
  // without its space. Postgres prints them all the same.
  const std::string respelt = R"yaml(    - name: touch_updated_at
      returns: TRIGGER
      language: PLPGSQL
      body: "BEGIN NEW.updated_at := now(); RETURN NEW; END"
      set: {SEARCH_PATH: "pg_catalog,public"}
    - name: add_cents
      arguments: "a  BIGINT, b int8 default 0"
      returns: INT8
      language: sql
      body: "SELECT a + b"
      volatility: immutable
      strict: true
      parallel: safe
)yaml";
  EXPECT_EQ(drift(plan(resource(functions(respelt + kArchive))).plan), Drift{});
}

TEST_F(FunctionsTest, AChangedBodyIsReplacedInPlaceAndTheTriggerOnItKeepsWorking) {
  // The trigger function is made by the same plan, before the trigger that calls it.
  const std::string trigger = "      triggers:\n        - {name: orders_touch, timing: before, events: [update],"
                              " forEach: row, function: touch_updated_at}\n";
  const auto withTrigger = [&](const std::string& items) {
    return resource(std::string(kOrders) + trigger + "  functions:\n" + items);
  };
  applied(withTrigger(std::string(kTouch) + addCents()));
  const std::string before = oidOf("add_cents");
  const auto changed = withTrigger(std::string(kTouch) + addCents("bigint", "SELECT a + b + 100"));
  EXPECT_EQ(drift(plan(changed).plan), Drift{"ReplaceFunction add_cents(bigint,bigint) [safe]"});
  applied(changed);
  EXPECT_EQ(value("SELECT add_cents(1, 1)"), "102");
  EXPECT_EQ(oidOf("add_cents"), before) << "replaced in place, not dropped";
  exec("INSERT INTO orders VALUES (1, NULL, NULL); UPDATE orders SET placed_on = '2026-01-01'");
  EXPECT_EQ(value("SELECT updated_at IS NOT NULL FROM orders"), "t");
}

TEST_F(FunctionsTest, AnotherResultTypeDropsAndCreatesTheFunctionWithItsDeclaredViewInOneStep) {
  const std::string view = "  views:\n    - {name: order_cents, query: \"SELECT id, add_cents(id, 1) AS cents FROM orders\"}\n";
  applied(resource(functions(addCents()) + view));
  const auto widened = resource(functions(addCents("numeric", "SELECT (a + b)::numeric")) + view);
  EXPECT_EQ(drift(plan(widened).plan), Drift{"ReplaceFunction add_cents(bigint,bigint) [safe]"});
  applied(widened);
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'order_cents'::regclass"
                  " AND attname = 'cents'"),
            "numeric");
  EXPECT_EQ(drift(plan(widened).plan), Drift{});
}

namespace {

// accounts under a policy and a trigger's WHEN that call current_tenant(), which returns `returns`.
std::string tenantSpec(const std::string& returns, const std::string& policies) {
  return R"yaml(  tables:
    - name: accounts
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: tenant_id, type: bigint}
      primaryKey: [id]
      rowLevelSecurity: {enabled: true}
)yaml" + policies + R"yaml(      triggers:
        - {name: foreign_rows, timing: before, events: [insert], forEach: row,
           when: "NEW.tenant_id IS DISTINCT FROM current_tenant()", function: refuse_row}
  functions:
    - name: current_tenant
      returns: )yaml" + returns + R"yaml(
      language: sql
      body: "SELECT current_setting('app.tenant')::)yaml" + returns + R"yaml("
      volatility: stable
    - name: refuse_row
      returns: trigger
      language: plpgsql
      body: "BEGIN RAISE EXCEPTION 'row of another tenant'; END"
)yaml";
}

const char* kOwnRows =
    "      policies:\n"
    "        - {name: own_rows, using: \"tenant_id = current_tenant()\", withCheck: \"tenant_id = current_tenant()\"}\n";

}  // namespace

TEST_F(FunctionsTest, AnotherResultTypeMakesTheDeclaredPolicyAndTriggerOnItAgainInOneStep) {
  applied(resource(tenantSpec("integer", kOwnRows)));
  const std::string policyText =
      "SELECT pg_get_expr(polqual, polrelid) || ' / ' || pg_get_expr(polwithcheck, polrelid) FROM pg_policy"
      " WHERE polname = 'own_rows' AND polrelid = 'accounts'::regclass";
  const std::string triggerText = "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'foreign_rows'";
  const std::string policyBefore = value(policyText), triggerBefore = value(triggerText);
  const std::string functionBefore = oidOf("current_tenant");

  const auto widened = resource(tenantSpec("bigint", kOwnRows));
  EXPECT_EQ(drift(plan(widened).plan), Drift{"ReplaceFunction current_tenant() [safe]"});
  const auto report = applied(widened);
  EXPECT_EQ(report.applied.size(), 1u) << "one step: one transaction";
  EXPECT_EQ(value("SELECT format_type(prorettype, NULL) FROM pg_proc WHERE proname = 'current_tenant'"), "bigint");
  EXPECT_NE(oidOf("current_tenant"), functionBefore) << "dropped and created";
  EXPECT_EQ(value(policyText), policyBefore);
  EXPECT_EQ(value(triggerText), triggerBefore);
  // Both call the new function.
  const std::string callers =
      "SELECT string_agg(classid::regclass::text, ',' ORDER BY classid::regclass::text) FROM pg_depend"
      " WHERE refobjid = 'current_tenant'::regproc AND deptype = 'n'";
  EXPECT_EQ(value(callers), "pg_policy,pg_policy,pg_trigger");
  // The trigger fires on the new function: another tenant's row is refused.
  exec("SELECT set_config('app.tenant', '1', false); INSERT INTO accounts VALUES (1, 1)");
  EXPECT_THROW(exec("SELECT set_config('app.tenant', '1', false); INSERT INTO accounts VALUES (2, 2)"), std::exception);
  EXPECT_EQ(drift(plan(widened).plan), Drift{});
}

// A column default calling the function: taken off and set again in the function's step, as
// declared; the rows keep their values (no rewrite), new rows get the new function's value.
TEST_F(FunctionsTest, AnotherResultTypeSetsTheDeclaredColumnDefaultOnItAgainInTheStep) {
  auto spec = [](const std::string& returns) {
    return R"yaml(  tables:
    - name: ledger
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: tenant_id, type: bigint, default: "current_tenant()"}
      primaryKey: [id]
  functions:
    - name: current_tenant
      returns: )yaml" + returns + R"yaml(
      language: sql
      body: "SELECT 7::)yaml" + returns + R"yaml("
      volatility: stable
)yaml";
  };
  applied(resource(spec("integer")));
  exec("INSERT INTO ledger (id) VALUES (1)");
  const std::string relfilenode = value("SELECT relfilenode::text FROM pg_class WHERE oid = 'ledger'::regclass");
  const auto widened = resource(spec("bigint"));
  EXPECT_EQ(drift(plan(widened).plan), Drift{"ReplaceFunction current_tenant() [safe]"});
  const auto report = applied(widened);
  EXPECT_EQ(report.applied.size(), 1u) << "one step: one transaction";
  EXPECT_EQ(value("SELECT format_type(prorettype, NULL) FROM pg_proc WHERE proname = 'current_tenant'"), "bigint");
  EXPECT_EQ(value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'ledger'::regclass"),
            "current_tenant()");
  EXPECT_EQ(value("SELECT count(*) FROM pg_depend WHERE refobjid = 'current_tenant'::regproc"
                  " AND classid = 'pg_attrdef'::regclass"),
            "1")
      << "the default calls the new function";
  EXPECT_EQ(value("SELECT relfilenode::text FROM pg_class WHERE oid = 'ledger'::regclass"), relfilenode) << "no rewrite";
  exec("INSERT INTO ledger (id) VALUES (2)");
  EXPECT_EQ(value("SELECT string_agg(tenant_id::text, ',' ORDER BY id) FROM ledger"), "7,7");
  EXPECT_EQ(drift(plan(widened).plan), Drift{});
}

TEST_F(FunctionsTest, APolicyThatChangesWithTheFunctionIsDroppedOnceAndMadeOnceAsDeclared) {
  applied(resource(tenantSpec("integer", kOwnRows)));
  const auto changed = resource(tenantSpec(
      "bigint", "      policies:\n        - {name: own_rows, command: select, using: \"tenant_id = current_tenant()\"}\n"));
  EXPECT_EQ(drift(plan(changed).plan), Drift{"ReplaceFunction current_tenant() [safe]"});
  applied(changed);
  EXPECT_EQ(value("SELECT polcmd::text || ' ' || pg_get_expr(polqual, polrelid) || ' ' || (polwithcheck IS NULL)::text"
                  " FROM pg_policy WHERE polname = 'own_rows'"),
            "r (tenant_id = current_tenant()) true");
  EXPECT_EQ(drift(plan(changed).plan), Drift{});
}

TEST_F(FunctionsTest, AnUndeclaredPolicyOnAFunctionToDropAndCreateBlocksItNamingIt) {
  applied(resource(tenantSpec("integer", "")));
  exec("CREATE POLICY by_hand ON accounts USING (tenant_id = current_tenant())");
  const auto report = apply(resource(tenantSpec("bigint", "")));
  ASSERT_FALSE(report.failure);
  ASSERT_FALSE(report.remaining.drift.empty());
  const auto& blocked = report.remaining.drift[0];
  EXPECT_EQ(blocked.kind, schema::ChangeKind::ReplaceFunction);
  EXPECT_EQ(blocked.safety, schema::Safety::Blocked);
  EXPECT_NE(blocked.reason.find("policy by_hand on table accounts"), std::string::npos) << blocked.reason;
  EXPECT_EQ(blocked.reason.find("foreign_rows"), std::string::npos) << "the declared trigger is not in the way";
  EXPECT_EQ(value("SELECT format_type(prorettype, NULL) FROM pg_proc WHERE proname = 'current_tenant'"), "integer");
  EXPECT_EQ(value("SELECT count(*) FROM pg_policy WHERE polname = 'by_hand'"), "1");
}

TEST_F(FunctionsTest, AnUndeclaredDependentBlocksTheDropAndCreateNamingIt) {
  applied(resource(functions(addCents())));
  exec("ALTER TABLE orders ADD COLUMN total bigint DEFAULT add_cents(1, 2)");
  const auto widened = resource(functions(addCents("numeric", "SELECT (a + b)::numeric")));
  const auto report = apply(widened);
  ASSERT_EQ(report.remaining.drift.size(), 2u);  // the function, and the undeclared column (left alone)
  const auto& blocked = report.remaining.drift[0];
  EXPECT_EQ(blocked.safety, schema::Safety::Blocked);
  EXPECT_NE(blocked.reason.find("default value for column total of table orders"), std::string::npos) << blocked.reason;
  EXPECT_EQ(value("SELECT format_type(prorettype, NULL) FROM pg_proc WHERE proname = 'add_cents'"), "bigint");
}

TEST_F(FunctionsTest, UndeclaredFunctionsAreDroppedOnlyWithPruneAndApproval) {
  applied(resource(functions(addCents())));
  exec("CREATE FUNCTION by_hand() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  EXPECT_EQ(drift(plan(resource(functions(addCents()))).plan), Drift{}) << "without prune, left alone";
  const auto pruning = resource("  prune: true\n" + functions(addCents()));
  EXPECT_EQ(drift(apply(pruning).remaining), Drift{"DropFunction by_hand() [destructive]"});
  EXPECT_EQ(value("SELECT count(*) FROM pg_proc WHERE proname = 'by_hand'"), "1") << "not without approval";
  applied(pruning, /*allowDestructive=*/true);
  EXPECT_EQ(value("SELECT count(*) FROM pg_proc WHERE proname = 'by_hand'"), "0");
}

TEST_F(FunctionsTest, AMissingLanguageBlocksItsFunctionAndTheRestIsApplied) {
  const std::string python = R"yaml(    - name: in_python
      returns: int
      language: plnosuchlang
      body: "return 1"
)yaml";
  const auto report = apply(resource(functions(python + addCents())));
  ASSERT_FALSE(report.failure);
  ASSERT_EQ(report.remaining.drift.size(), 1u);
  EXPECT_EQ(report.remaining.drift[0].safety, schema::Safety::Blocked);
  EXPECT_NE(report.remaining.drift[0].reason.find("language plnosuchlang is not installed"), std::string::npos);
  EXPECT_EQ(value("SELECT add_cents(1, 2)"), "3");
  EXPECT_EQ(value("SELECT count(*) FROM pg_proc WHERE proname = 'in_python'"), "0");
}

TEST_F(FunctionsTest, SignaturesAndBodiesOverTablesTheSamePlanCreatesAreAppliedInOneGo) {
  const std::string overOrders = R"yaml(    - name: open_orders
      returns: SETOF orders
      language: sql
      body: "SELECT * FROM orders WHERE placed_on > now()"
      volatility: stable
)yaml";
  const auto r = resource(functions(overOrders));
  applied(r);
  exec("INSERT INTO orders VALUES (1, '2999-01-01', NULL)");
  EXPECT_EQ(value("SELECT id FROM open_orders()"), "1");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(FunctionsTest, DefaultsChecksAndPoliciesMayCallFunctionsTheSamePlanCreates) {
  const auto r = resource(R"yaml(  tables:
    - name: accounts
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: code, type: text, nullable: false, default: "next_code()"}
        - {name: balance, type: bigint, nullable: false, default: "0"}
      primaryKey: [id]
      checks:
        - {name: accounts_balance_check, expression: "is_cents(balance)"}
      rowLevelSecurity: {enabled: true}
      policies:
        - {name: positive, using: "is_cents(balance)"}
  functions:
    - name: next_code
      returns: text
      language: sql
      body: "SELECT 'A-' || (floor(random() * 1000))::int"
    - name: is_cents
      arguments: "v bigint"
      returns: boolean
      language: sql
      body: "SELECT v >= 0"
      volatility: immutable
)yaml");
  applied(r);
  exec("INSERT INTO accounts (id) VALUES (1)");
  EXPECT_EQ(value("SELECT code LIKE 'A-%' FROM accounts"), "t");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(FunctionsTest, HostileOrWrongTextIsAnInputErrorNamingTheFunctionAndNothingIsChanged) {
  exec("CREATE TABLE keep (id int)");
  const std::string definer = R"yaml(    - name: sneaky
      returns: "int SECURITY DEFINER"
      language: sql
      body: "SELECT 1"
)yaml";
  EXPECT_EQ(planError(resource(functions(definer))).rfind("spec.functions[0]: ", 0), 0u) << planError(resource(functions(definer)));
  const std::string closing = R"yaml(    - name: sneaky
      arguments: "a int) RETURNS int LANGUAGE sql AS 'SELECT 2' --"
      returns: int
      language: sql
      body: "SELECT 1"
)yaml";
  EXPECT_EQ(planError(resource(functions(closing))).rfind("spec.functions[0]: ", 0), 0u);
  const std::string badType = R"yaml(    - name: typo
      arguments: "a no_such_type"
      returns: int
      language: sql
      body: "SELECT 1"
)yaml";
  // A type that does not exist is a referenced object that is missing: the function waits for it
  // (preflight), named with the server's reason; the rest proceeds.
  const auto typo = plan(resource(functions(badType)));
  const auto held = std::find_if(typo.plan.drift.begin(), typo.plan.drift.end(),
                                 [](const schema::Change& c) { return c.kind == schema::ChangeKind::CreateFunction; });
  ASSERT_NE(held, typo.plan.drift.end());
  EXPECT_EQ(held->object, "typo(a no_such_type)");
  EXPECT_EQ(held->safety, schema::Safety::Blocked);
  EXPECT_NE(held->reason.find("spec.functions[0]: type no_such_type does not exist"), std::string::npos)
      << held->reason;
  // A body that closes the dollar quote it might travel in stays a body.
  const std::string quoted = R"yaml(    - name: quoted
      returns: text
      language: sql
      body: "SELECT '$body$; DROP TABLE keep; --'::text"
)yaml";
  applied(resource(functions(quoted)));
  EXPECT_EQ(value("SELECT quoted()"), "$body$; DROP TABLE keep; --");
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 'keep'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM pg_proc WHERE proname IN ('sneaky', 'typo')"), "0");
}

TEST_F(FunctionsTest, GrantsSayWhoMayExecuteAndPublicsDefaultGoesWhenTheyAreDeclared) {
  exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'so_fn_caller') THEN"
       " CREATE ROLE so_fn_caller; END IF; END $$");
  const std::string granted = addCents() + "      grants: [{role: so_fn_caller, privileges: [execute]}]\n";
  const auto r = resource(functions(granted));
  applied(r);
  const std::string acl = "SELECT array_to_string(ARRAY(SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE"
                          " pg_get_userbyid(a.grantee)::text END FROM pg_proc p, aclexplode(p.proacl) a WHERE"
                          " p.proname = 'add_cents' AND a.grantee <> p.proowner ORDER BY 1), ',')";
  EXPECT_EQ(value(acl), "so_fn_caller");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  EXPECT_EQ(value("SELECT has_function_privilege('so_fn_caller', 'add_cents(bigint,bigint)', 'EXECUTE')::text"), "true");

  // PUBLIC given back by hand: its revoke waits for approval.
  exec("GRANT EXECUTE ON FUNCTION add_cents(bigint, bigint) TO PUBLIC");
  EXPECT_EQ(drift(apply(r).remaining), Drift{"Revoke add_cents(bigint,bigint):grant:public [destructive]"});
  applied(r, /*allowDestructive=*/true);
  EXPECT_EQ(value(acl), "so_fn_caller");
  exec("REVOKE ALL ON FUNCTION add_cents(bigint, bigint) FROM so_fn_caller");
}

TEST_F(FunctionsTest, ASqlFunctionMayCallAnotherTheSamePlanCreates) {
  const std::string calling = R"yaml(    - name: with_tax
      arguments: "cents bigint"
      returns: bigint
      language: sql
      body: "SELECT add_cents(cents, cents / 5)"
)yaml";
  const auto r = resource(functions(calling + addCents()));
  applied(r);
  EXPECT_EQ(value("SELECT with_tax(100)"), "120");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // A body calling a function that is declared nowhere waits for it, blocked with the reason.
  const std::string dangling = R"yaml(    - name: dangling
      returns: bigint
      language: sql
      body: "SELECT no_such_function(1)"
)yaml";
  const auto waiting = plan(resource(functions(dangling)));
  ASSERT_EQ(drift(waiting.plan), Drift{"CreateFunction dangling() [blocked]"});
  EXPECT_NE(waiting.plan.drift[0].reason.find("spec.functions[0]: function no_such_function(integer) does not exist"),
            std::string::npos)
      << waiting.plan.drift[0].reason;
}
