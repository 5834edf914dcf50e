// Views and materialized views on a real PostgreSQL: created in the order pg_depend gives
// (whatever the declared order), a re-indented query is not drift, a query change is CREATE OR
// REPLACE when Postgres allows it and else a drop and create with the declared views that read
// it, drops are gated, a column type change under a declared view takes the view down and back
// up in the same transaction and is blocked by an undeclared one, and a hostile query is an input
// error that changes nothing.
#include "engine_fixture.hpp"
#include "support/round_trips.hpp"
#include "support/wire_trips.hpp"

namespace {

const char* kTables = R"yaml(  tables:
    - name: customers
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: email, type: text, nullable: false}
        - {name: deleted_at, type: timestamptz}
      primaryKey: [id]
    - name: orders
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: customer_id, type: bigint, nullable: false}
        - {name: total_cents, type: integer, nullable: false}
      primaryKey: [id]
)yaml";

const char* kTablesSql = R"(
  CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
  CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL,
                       total_cents integer NOT NULL);
  INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com');
  INSERT INTO orders (customer_id, total_cents) VALUES (1, 500), (1, 700), (2, 100);
)";

std::string withViews(const std::string& views) { return std::string(kTables) + "  views:\n" + views; }

// kTables with orders.total_cents declared bigint (it is integer in kTablesSql).
std::string tablesWithBigintTotals() {
  std::string body = kTables;
  const std::string integer = "{name: total_cents, type: integer";
  return body.replace(body.find(integer), integer.size(), "{name: total_cents, type: bigint");
}

}  // namespace

class ViewsTest : public EngineTest {
 protected:
  engine::Report applied(const std::string& body, bool allowDestructive = false) {
    auto report = apply(resource(body), allowDestructive);
    if (report.failure) ADD_FAILURE() << report.failure->statement << ": " << report.failure->message;
    return report;
  }
  // The error a plan ends in, or nullopt.
  std::optional<core::Error> planError(const std::string& body) {
    auto conn = connect();
    engine::Options options;
    auto report = engine::run(*conn, resource(body), options);
    if (!report) return report.error();
    return std::nullopt;
  }
  static std::vector<std::string> statements(const engine::Report& r) {
    std::vector<std::string> out;
    for (const auto& s : r.applied) out.insert(out.end(), s.statements.begin(), s.statements.end());
    return out;
  }
  std::string relkind(const std::string& name) {
    return value("SELECT COALESCE((SELECT relkind::text FROM pg_class WHERE oid = to_regclass('public." + name + "')), '')");
  }
  // What Postgres keeps for the view's query, without the semicolon it prints.
  std::string definition(const std::string& view) {
    std::string text = value("SELECT pg_get_viewdef('" + view + "'::regclass, true)");
    while (!text.empty() && (text.back() == ';' || text.back() == '\n')) text.pop_back();
    return text;
  }
  int serverMajor() { return std::stoi(value("SHOW server_version_num")) / 10000; }
};

TEST_F(ViewsTest, CreatesViewsAfterWhatTheyReadWhateverTheDeclaredOrderThenIsInSync) {
  // big_spenders reads customer_totals, declared after it.
  const std::string body = withViews(R"yaml(    - name: big_spenders
      query: "SELECT customer_id FROM customer_totals WHERE cents > 1000"
      comment: "Customers above ten"
    - name: customer_totals
      query: "SELECT customer_id, sum(total_cents) AS cents FROM orders GROUP BY customer_id"
)yaml");
  const auto planned = plan(resource(body));
  EXPECT_EQ(drift(planned.plan), (Drift{"CreateTable customers [safe]", "CreateTable orders [safe]",
                                        "CreateView customer_totals [safe]", "CreateView big_spenders [safe]"}));
  const auto report = applied(body);
  EXPECT_EQ(drift(report.remaining), Drift{}) << "a re-plan after the apply is in sync";
  EXPECT_EQ(relkind("big_spenders"), "v");
  EXPECT_EQ(value("SELECT obj_description('big_spenders'::regclass, 'pg_class')"), "Customers above ten");
  exec("INSERT INTO customers (email) VALUES ('x@example.com'); INSERT INTO orders (customer_id, total_cents) VALUES (1, 2000)");
  EXPECT_EQ(value("SELECT string_agg(customer_id::text, ',') FROM big_spenders"), "1");
}

TEST_F(ViewsTest, AViewOverColumnsOfADomainAndACompositeTypeTheSamePlanCreatesIsCreatedInOneApply) {
  const std::string body = R"yaml(  domains:
    - {name: email_address, type: text, checks: [{name: email_address_check, expression: "VALUE ~ '@'"}]}
  compositeTypes:
    - {name: money_amount, attributes: [{name: cents, type: bigint}, {name: currency, type: text}]}
  enums:
    - {name: tier, values: [free, paid]}
  tables:
    - name: members
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: email, type: email_address}
        - {name: balance, type: money_amount}
        - {name: tier, type: tier}
  views:
    - name: paying_members
      query: "SELECT id, email, (balance).cents AS cents FROM members WHERE tier = 'paid'"
)yaml";
  const auto report = applied(body);
  EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining)[0];
  EXPECT_EQ(relkind("paying_members"), "v");
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{});
}

TEST_F(ViewsTest, AReindentedOrDifferentlySpelledQueryIsNotDrift) {
  exec(kTablesSql);
  exec("CREATE VIEW active_customers AS SELECT id, email FROM customers WHERE deleted_at IS NULL");
  const std::string body = withViews(R"yaml(    - name: active_customers
      query: |
        select customers.id,
               customers.email
          from customers
         where (deleted_at is null)
)yaml");
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{});
  // The author's own spelling, word for word, is not drift either.
  EXPECT_EQ(drift(plan(resource(withViews(R"yaml(    - name: active_customers
      query: "SELECT id, email FROM customers WHERE deleted_at IS NULL"
)yaml"))).plan),
            Drift{});
}

TEST_F(ViewsTest, AQueryThatKeepsItsColumnsIsReplacedInPlace) {
  exec(kTablesSql);
  exec("CREATE VIEW v AS SELECT id FROM customers; COMMENT ON VIEW v IS 'kept'");
  const std::string body = withViews(R"yaml(    - name: v
      query: "SELECT id, email FROM customers WHERE deleted_at IS NULL"
      options: {securityBarrier: true, checkOption: local}
)yaml");
  const auto report = applied(body);
  EXPECT_EQ(drift(report.plan), Drift{"ReplaceView v [safe]"});
  // The statement carries the query as Postgres prints it (which varies by major), not as written.
  EXPECT_EQ(statements(report),
            std::vector<std::string>{"CREATE OR REPLACE VIEW \"public\".\"v\" WITH (check_option=local, "
                                     "security_barrier=true) AS " + definition("v")});
  EXPECT_EQ(drift(report.remaining), Drift{});
  EXPECT_EQ(value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'v'::regclass"),
            "check_option=local,security_barrier=true");
  EXPECT_EQ(value("SELECT obj_description('v'::regclass, 'pg_class')"), "kept") << "an undeclared comment stays";

  // Options alone: replaced in place too, and taken away when no longer declared.
  const auto plain = applied(withViews(R"yaml(    - name: v
      query: "SELECT id, email FROM customers WHERE deleted_at IS NULL"
)yaml"));
  EXPECT_EQ(drift(plain.plan), Drift{"ReplaceView v [safe]"});
  EXPECT_TRUE(plain.remaining.drift.empty());
  EXPECT_EQ(value("SELECT COALESCE(array_to_string(reloptions, ','), 'none') FROM pg_class WHERE oid = 'v'::regclass"),
            "none");
}

TEST_F(ViewsTest, AQueryThatDropsAColumnIsADropAndCreateWithTheDeclaredViewsThatReadIt) {
  exec(kTablesSql);
  exec("CREATE VIEW base AS SELECT id, email FROM customers; CREATE VIEW on_base AS SELECT id FROM base");
  const std::string body = withViews(R"yaml(    - name: on_base
      query: "SELECT id FROM base"
    - name: base
      query: "SELECT id FROM customers"
)yaml");
  const auto report = applied(body);
  EXPECT_EQ(drift(report.plan), Drift{"ReplaceView base [safe]"});
  ASSERT_EQ(report.applied.size(), 1u) << "one step: one transaction";
  EXPECT_EQ(report.applied[0].statements,
            (std::vector<std::string>{"DROP VIEW \"public\".\"on_base\"", "DROP VIEW \"public\".\"base\"",
                                      "CREATE VIEW \"public\".\"base\" AS " + definition("base"),
                                      "CREATE VIEW \"public\".\"on_base\" AS " + definition("on_base")}));
  EXPECT_EQ(drift(report.remaining), Drift{});
  EXPECT_EQ(value("SELECT count(*) FROM on_base"), "2");
}

TEST_F(ViewsTest, AReplacementThatWouldDropAnUndeclaredViewIsBlockedNamingIt) {
  exec(kTablesSql);
  exec("CREATE VIEW base AS SELECT id, email FROM customers; CREATE VIEW reporting AS SELECT id FROM base");
  const auto report = apply(resource(withViews(R"yaml(    - name: base
      query: "SELECT id FROM customers"
)yaml")));
  EXPECT_EQ(drift(report.plan), Drift{"ReplaceView base [blocked]"});
  EXPECT_NE(report.plan.drift.at(0).reason.find("view reporting reads base but is not declared"), std::string::npos)
      << report.plan.drift.at(0).reason;
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'base'::regclass AND attnum > 0"), "2");
}

TEST_F(ViewsTest, AnUndeclaredViewIsLeftAloneWithoutPruneAndItsDropIsGated) {
  exec(kTablesSql);
  exec("CREATE VIEW a AS SELECT id FROM customers; CREATE VIEW b AS SELECT id FROM a");
  EXPECT_EQ(drift(apply(resource(kTables)).plan), Drift{}) << "not declared, not pruned: not this resource's";
  const std::string body = std::string("  prune: true\n") + kTables;
  const auto pending = apply(resource(body));
  EXPECT_EQ(drift(pending.plan), (Drift{"DropView b [destructive]", "DropView a [destructive]"})) << "readers first";
  EXPECT_TRUE(pending.applied.empty());
  EXPECT_EQ(relkind("a"), "v");
  const auto approved = applied(body, /*allowDestructive=*/true);
  EXPECT_TRUE(approved.remaining.drift.empty());
  EXPECT_EQ(relkind("a"), "");
  EXPECT_EQ(relkind("b"), "");
}

TEST_F(ViewsTest, AColumnTypeChangeUnderADeclaredViewTakesItDownAndBackUpInOneStep) {
  exec(kTablesSql);
  exec("CREATE VIEW totals AS SELECT customer_id, total_cents FROM orders;"
       "CREATE VIEW big AS SELECT customer_id FROM totals WHERE total_cents > 600;"
       "COMMENT ON VIEW big IS 'kept'");
  std::string body = tablesWithBigintTotals();
  body += R"yaml(  views:
    - name: big
      query: "SELECT customer_id FROM totals WHERE total_cents > 600"
    - name: totals
      query: "SELECT customer_id, total_cents FROM orders"
)yaml";
  const auto report = applied(body, /*allowDestructive=*/true);
  EXPECT_EQ(drift(report.plan), Drift{"ChangeType orders.total_cents [destructive]"})
      << "the views are made again by the change itself";
  ASSERT_EQ(report.applied.size(), 1u);
  const auto& s = report.applied[0].statements;
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0], "DROP VIEW \"public\".\"big\"");
  EXPECT_EQ(s[1], "DROP VIEW \"public\".\"totals\"");
  EXPECT_EQ(s[2], "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"total_cents\" TYPE bigint USING \"total_cents\"::bigint");
  EXPECT_EQ(s[3], "CREATE VIEW \"public\".\"totals\" AS " + definition("totals"));
  EXPECT_EQ(s[4], "CREATE VIEW \"public\".\"big\" AS " + definition("big"));
  EXPECT_EQ(s[5], "COMMENT ON VIEW \"public\".\"big\" IS 'kept'");
  EXPECT_EQ(drift(report.remaining), Drift{});
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'totals'::regclass "
                  "AND attname = 'total_cents'"),
            "bigint");
  EXPECT_EQ(value("SELECT string_agg(customer_id::text, ',') FROM big"), "1");
}

TEST_F(ViewsTest, AColumnTypeChangeUnderAnUndeclaredViewIsBlockedNamingIt) {
  exec(kTablesSql);
  exec("CREATE VIEW totals AS SELECT customer_id, total_cents FROM orders");
  std::string body = tablesWithBigintTotals();
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  EXPECT_EQ(drift(report.plan), Drift{"ChangeType orders.total_cents [blocked]"});
  EXPECT_EQ(report.plan.drift.at(0).reason,
            "view totals reads orders.total_cents but is not declared; declare it under spec.views (the change then "
            "drops and creates it again around itself) or drop it first");
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'orders'::regclass "
                  "AND attname = 'total_cents'"),
            "integer");
}

TEST_F(ViewsTest, AHostileQueryIsAnInputErrorAndNothingChanges) {
  exec(kTablesSql);
  struct Case {
    const char* name;
    std::string views;
    std::string field;
  };
  const std::vector<Case> cases{
      {"a second statement", "    - {name: v, query: \"SELECT 1 AS one; DROP TABLE orders\"}\n", "spec.views[0].query"},
      {"a check option smuggled in the query",
       "    - {name: ok, query: \"SELECT 1 AS one\"}\n    - {name: v, query: \"SELECT id FROM customers WITH LOCAL CHECK OPTION\"}\n",
       "spec.views[1].query"},
      {"a materialized view's WITH NO DATA",
       "    - {name: v, materialized: true, query: \"SELECT id FROM customers WITH NO DATA\"}\n", "spec.views[0].query"},
      {"a data-modifying statement",
       "    - {name: v, query: \"WITH gone AS (DELETE FROM orders RETURNING id) SELECT id FROM gone\"}\n",
       "spec.views[0].query"},
      {"a column that is not declared", "    - {name: v, query: \"SELECT nope FROM customers\"}\n", "spec.views[0].query"},
  };
  for (const auto& c : cases) {
    const auto error = planError(withViews(c.views));
    ASSERT_TRUE(error) << c.name;
    EXPECT_EQ(error->kind, core::ErrorKind::Invalid) << c.name;
    EXPECT_EQ(error->field, c.field) << c.name << ": " << error->describe();
    EXPECT_EQ(value("SELECT count(*) FROM orders"), "3") << c.name;
    EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relkind IN ('v', 'm') AND relnamespace = 'public'::regnamespace"),
              "0")
        << c.name;
  }
}

TEST_F(ViewsTest, AMaterializedViewIsBuiltWithItsIndexesAndRebuiltOnlyWithApproval) {
  exec(kTablesSql);
  const std::string body = withViews(R"yaml(    - name: totals
      materialized: true
      query: "SELECT customer_id, sum(total_cents) AS cents FROM orders GROUP BY customer_id"
      indexes:
        - {name: totals_customer_idx, columns: [customer_id], unique: true}
)yaml");
  const auto created = applied(body);
  EXPECT_EQ(drift(created.plan), Drift{"CreateMaterializedView totals [safe]"});
  EXPECT_TRUE(created.remaining.drift.empty());
  EXPECT_EQ(relkind("totals"), "m");
  EXPECT_EQ(value("SELECT cents FROM totals WHERE customer_id = 1"), "1200");
  EXPECT_EQ(value("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'totals'::regclass"),
            "totals_customer_idx");

  const std::string changed = withViews(R"yaml(    - name: totals
      materialized: true
      query: "SELECT customer_id, max(total_cents) AS cents FROM orders GROUP BY customer_id"
      indexes:
        - {name: totals_customer_idx, columns: [customer_id], unique: true}
)yaml");
  const auto pending = apply(resource(changed));
  EXPECT_EQ(drift(pending.plan), Drift{"ReplaceMaterializedView totals [destructive]"});
  EXPECT_TRUE(pending.applied.empty());
  const auto rebuilt = applied(changed, /*allowDestructive=*/true);
  EXPECT_TRUE(rebuilt.remaining.drift.empty());
  EXPECT_EQ(value("SELECT cents FROM totals WHERE customer_id = 1"), "700");
  EXPECT_EQ(value("SELECT count(*) FROM pg_index WHERE indrelid = 'totals'::regclass"), "1");

  // An index added to a materialized view that stays is built concurrently, as on a table.
  const std::string indexed = withViews(R"yaml(    - name: totals
      materialized: true
      query: "SELECT customer_id, max(total_cents) AS cents FROM orders GROUP BY customer_id"
      indexes:
        - {name: totals_customer_idx, columns: [customer_id], unique: true}
        - {name: totals_cents_idx, columns: [cents]}
)yaml");
  const auto more = applied(indexed);
  EXPECT_EQ(drift(more.plan), Drift{"CreateIndex totals.totals_cents_idx [safe]"});
  EXPECT_TRUE(more.remaining.drift.empty());
}

TEST_F(ViewsTest, SecurityInvokerIsAnInputErrorWhereTheServerLacksIt) {
  exec(kTablesSql);
  const std::string body = withViews(R"yaml(    - name: v
      query: "SELECT id FROM customers"
      options: {securityInvoker: true}
)yaml");
  if (serverMajor() < 15) {
    const auto error = planError(body);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->field, "spec.views[0].options.securityInvoker");
    EXPECT_NE(error->message.find("PostgreSQL 15 or later"), std::string::npos) << error->message;
    return;
  }
  const auto report = applied(body);
  EXPECT_EQ(drift(report.remaining), Drift{});
  EXPECT_EQ(value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'v'::regclass"),
            "security_invoker=true");
}

TEST_F(ViewsTest, QuestionsAboutManyViewsTakeAsManyRoundTripsAsAboutOne) {
  // Written as people write them, not as pg_get_viewdef prints them: every plan asks about each.
  auto body = [](int n) {
    std::string views;
    for (int i = 0; i < n; ++i)
      views += "    - {name: big_orders_" + std::to_string(i) + ", query: \"select id, total_cents from orders where total_cents > " +
               std::to_string(100 * i) + "\"}\n";
    return withViews(views);
  };
  auto plannedInSync = [&](int n) {
    exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    applied(body(n));
    auto conn = connect();
    const testsupport::WireTrips wire(*conn);
    const testsupport::RoundTrips logged(*conn);
    auto planned = engine::run(*conn, resource(body(n)), engine::Options{});
    EXPECT_TRUE(planned && planned->plan.drift.empty()) << "in sync after the apply";
    return std::make_tuple(wire.count(), logged.count(), wire.describe());
  };
  const auto [oneWire, oneStatements, oneTrips] = plannedInSync(1);
  const auto [tenWire, tenStatements, tenTrips] = plannedInSync(10);
  EXPECT_GE(tenStatements, oneStatements + 9) << "each view is asked about";
  EXPECT_EQ(tenWire, oneWire) << "one:\n" << oneTrips << "ten:\n" << tenTrips;
}
