// Preflight (contract Part 2): what a declaration needs from outside the plan — a table of
// another schema, a function or schema it calls, an extension the server lacks — blocks exactly
// the items that need it, with the reason, and the rest of the plan is applied; once the need is
// there, they follow. Never a drop for what is held.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace {

class PreflightTest : public EngineTest {
 protected:
  // The reason of the drift item on `object`, or "" when there is none.
  static std::string reasonOf(const schema::Plan& p, const std::string& object) {
    for (const auto& c : p.drift)
      if (c.object == object) return c.reason;
    return "";
  }
  std::string relkind(const std::string& qualified) {
    return value("SELECT COALESCE((SELECT relkind::text FROM pg_class WHERE oid = to_regclass('" + qualified + "')), '')");
  }
};

constexpr const char* kOrders = R"yaml(  tables:
    - name: orders
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: invoice_id, type: bigint}
      primaryKey: [id]
)yaml";

TEST_F(PreflightTest, ViewsAndFunctionsReadingWhatIsNotThereWaitForItAndTheRestIsApplied) {
  exec("CREATE SCHEMA billing");
  const auto r = resource(std::string(kOrders) + R"yaml(  views:
    - name: invoiced_orders
      query: "SELECT o.id, i.total FROM orders o JOIN billing.invoices i ON i.id = o.invoice_id"
    - name: big_invoiced_orders
      query: "SELECT id FROM invoiced_orders WHERE total > 100"
    - name: order_ids
      query: "SELECT id FROM orders"
  functions:
    - name: invoice_total
      arguments: "invoice bigint"
      returns: numeric
      language: sql
      body: "SELECT total FROM billing.invoices WHERE id = invoice"
)yaml");
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), (Drift{"CreateFunction invoice_total(invoice bigint) [blocked]",
                                            "CreateView invoiced_orders [blocked]",
                                            "CreateView big_invoiced_orders [blocked]"}));
  const std::string fn = reasonOf(report.remaining, "invoice_total(invoice bigint)");
  EXPECT_NE(fn.find("spec.functions[0]: relation \"billing.invoices\" does not exist"), std::string::npos) << fn;
  EXPECT_NE(fn.find("waits until it exists"), std::string::npos) << fn;
  const std::string view = reasonOf(report.remaining, "invoiced_orders");
  EXPECT_NE(view.find("spec.views[0].query: relation \"billing.invoices\" does not exist"), std::string::npos) << view;
  const std::string onView = reasonOf(report.remaining, "big_invoiced_orders");
  EXPECT_NE(onView.find("waits for view invoiced_orders, which is blocked"), std::string::npos) << onView;
  EXPECT_EQ(relkind("public.orders"), "r") << "the rest was applied";
  EXPECT_EQ(relkind("public.order_ids"), "v");
  EXPECT_EQ(relkind("public.invoiced_orders"), "");
  EXPECT_EQ(value("SELECT count(*) FROM pg_proc WHERE proname = 'invoice_total'"), "0");

  // Made by another team, the held items follow on the next check.
  exec("CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric)");
  const auto then = applied(r);
  EXPECT_EQ(drift(then.plan), (Drift{"CreateFunction invoice_total(bigint) [safe]", "CreateView invoiced_orders [safe]",
                                     "CreateView big_invoiced_orders [safe]"}));
  EXPECT_EQ(drift(then.remaining), Drift{});
  exec("INSERT INTO billing.invoices VALUES (7, 250); INSERT INTO orders VALUES (1, 7)");
  EXPECT_EQ(value("SELECT string_agg(id::text, ',') FROM big_invoiced_orders"), "1");
  EXPECT_EQ(value("SELECT invoice_total(7)"), "250");
}

TEST_F(PreflightTest, WhatIsHeldIsNeverChangedNorDroppedEvenWithPrune) {
  exec("CREATE SCHEMA billing; CREATE TABLE orders (id bigint PRIMARY KEY, invoice_id bigint)");
  exec("CREATE VIEW order_ids AS SELECT id FROM orders");
  exec("CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders'");
  const std::string viewdef = "SELECT pg_get_viewdef('order_ids'::regclass, true)";
  const std::string before = value(viewdef);
  // Both now declared over a table of another schema that is not there: held, as they are.
  const auto r = resource(std::string("  prune: true\n") + kOrders + R"yaml(  views:
    - name: order_ids
      query: "SELECT id FROM billing.invoices"
  functions:
    - name: order_count
      returns: bigint
      language: sql
      body: "SELECT count(*) FROM billing.invoices"
)yaml");
  const auto report = apply(r, /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining),
            (Drift{"ReplaceFunction order_count() [blocked]", "ReplaceView order_ids [blocked]"}));
  EXPECT_EQ(value(viewdef), before);
  EXPECT_EQ(value("SELECT prosrc FROM pg_proc WHERE proname = 'order_count'"), "SELECT count(*) FROM orders");
}

TEST_F(PreflightTest, APolicyCallingWhatIsNotThereWaitsAndItsTableAndRowSecurityProceed) {
  const auto r = resource(R"yaml(  tables:
    - name: documents
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: owner, type: text}
      rowLevelSecurity: {enabled: true}
      policies:
        - {name: own, using: "owner = auth.uid()"}
)yaml");
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), Drift{"CreatePolicy documents.own [blocked]"});
  const std::string why = reasonOf(report.remaining, "documents.own");
  EXPECT_NE(why.find("spec.tables[0].policies[0]: schema \"auth\" does not exist"), std::string::npos) << why;
  EXPECT_EQ(value("SELECT relrowsecurity::text FROM pg_class WHERE oid = 'documents'::regclass"), "true");

  exec("CREATE SCHEMA auth; CREATE FUNCTION auth.uid() RETURNS text LANGUAGE sql STABLE AS 'SELECT current_user::text'");
  EXPECT_EQ(drift(applied(r).plan), Drift{"CreatePolicy documents.own [safe]"});
  EXPECT_EQ(value("SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polname = 'own'"), "(owner = auth.uid())");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(PreflightTest, AnExtensionTheServerLacksBlocksItselfAndWhatNeedsItOnly) {
  exec("CREATE TABLE accounts (id bigint PRIMARY KEY)");
  const auto r = resource(R"yaml(  extensions: [so_no_such_extension]
  tables:
    - name: accounts
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: nick, type: so_no_such_extension_text}
      primaryKey: [id]
    - name: members
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: email, type: so_no_such_extension_text}
      primaryKey: [id]
    - name: orders
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: member_id, type: bigint}
      primaryKey: [id]
      foreignKeys:
        - {name: orders_member_fk, columns: [member_id], references: {table: members, columns: [id]}}
  views:
    - name: member_emails
      query: "SELECT email FROM members"
)yaml");
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining),
            (Drift{"CreateExtension so_no_such_extension [blocked]", "CreateTable members [blocked]",
                   "AddColumn accounts.nick [blocked]", "AddForeignKey orders.orders_member_fk [blocked]",
                   "CreateView member_emails [blocked]"}));
  const std::string ext = reasonOf(report.remaining, "so_no_such_extension");
  EXPECT_NE(ext.find("extension so_no_such_extension is not available on this server"), std::string::npos) << ext;
  const std::string table = reasonOf(report.remaining, "members");
  EXPECT_NE(table.find("type \"so_no_such_extension_text\" does not exist"), std::string::npos) << table;
  EXPECT_NE(table.find("waits for extension so_no_such_extension"), std::string::npos) << table;
  EXPECT_NE(reasonOf(report.remaining, "orders.orders_member_fk").find("waits for table members"), std::string::npos);
  EXPECT_NE(reasonOf(report.remaining, "member_emails").find("waits for table members"), std::string::npos)
      << reasonOf(report.remaining, "member_emails");
  EXPECT_EQ(relkind("public.orders"), "r") << "what does not need the extension was applied";
  EXPECT_EQ(relkind("public.members"), "");
  EXPECT_EQ(value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'nick'"), "0");
}

// Without a missing extension to blame, a table's type that does not exist is the author's
// mistake: an input error naming the field, and nothing changes (the safety contract).
TEST_F(PreflightTest, ATypoInATableIsStillAnInputError) {
  const auto r = resource(R"yaml(  tables:
    - name: a
      columns:
        - {name: c, type: no_such_type}
    - name: b
      columns:
        - {name: c, type: integer}
)yaml");
  EXPECT_EQ(planError(r), "spec.tables[0].columns[0].type: type \"no_such_type\" does not exist");
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), "0");
}

}  // namespace
