// Domains and composite types on a real PostgreSQL: created before the tables whose columns (and
// array columns) use them, in sync after; equivalent spellings are not drift; checks added NOT
// VALID then validated, and a check the rows fail leaves nothing behind; a domain's SET NOT NULL
// blocked while a column holds NULL; a base type change blocked; drops gated as destructive; and
// hostile SQL in a declaration an input error naming its field, with nothing changed.
#include "engine_fixture.hpp"

namespace {

const char* kShop = R"yaml(  enums:
    - {name: order_status, values: [pending, paid]}
  domains:
    - {name: email_address, type: text, nullable: false, default: "''", collation: "C",
       checks: [{name: email_address_check, expression: "VALUE ~ '@' OR VALUE = ''"}]}
    - {name: status_d, type: order_status, default: "'pending'"}
    - {name: cents, type: int8, checks: [{name: cents_nonneg, expression: "value >= 0"}]}
  compositeTypes:
    - {name: money_amount, attributes: [{name: amount, type: cents}, {name: currency, type: "char(3)", collation: "C"}]}
  tables:
    - name: customers
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: email, type: email_address}
        - {name: balance, type: money_amount}
        - {name: history, type: "money_amount[]"}
        - {name: status, type: status_d}
      primaryKey: [id]
)yaml";

}  // namespace

class UserTypesTest : public EngineTest {
 protected:
  engine::Report applied(const std::string& body, bool allowDestructive = false) {
    auto report = apply(resource(body), allowDestructive);
    if (report.failure) ADD_FAILURE() << report.failure->statement << ": " << report.failure->message;
    return report;
  }
  // The error a plan of `body` ends in (it must end in one).
  core::Error planError(const std::string& body) {
    auto conn = connect();
    engine::Options options;
    auto report = engine::run(*conn, resource(body), options);
    if (report) {
      ADD_FAILURE() << "planned without error";
      return {};
    }
    return report.error();
  }
  // "name: check expression" of a domain's checks, by name.
  std::string checks(const std::string& domain) {
    return value("SELECT COALESCE(string_agg(conname || ': ' || pg_get_expr(conbin, 0, true) || CASE WHEN convalidated"
                 " THEN '' ELSE ' (not valid)' END, '; ' ORDER BY conname), '') FROM pg_constraint WHERE contypid = '" +
                 domain + "'::regtype AND contype = 'c'");
  }
};

TEST_F(UserTypesTest, CreatesDomainsAndTypesBeforeTheTablesThatUseThemThenIsInSync) {
  const auto planned = plan(resource(kShop));
  EXPECT_EQ(drift(planned.plan), (Drift{"CreateEnum order_status [safe]", "CreateDomain email_address [safe]",
                                        "CreateDomain status_d [safe]", "CreateDomain cents [safe]",
                                        "CreateType money_amount [safe]", "CreateTable customers [safe]"}));
  const auto report = applied(kShop);
  EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining).front();
  EXPECT_EQ(drift(plan(resource(kShop)).plan), Drift{}) << "a re-plan is in sync";

  // What Postgres holds is what was declared, and it works as declared.
  EXPECT_EQ(value("SELECT format_type(typbasetype, typtypmod) || ' ' || typnotnull || ' ' || "
                  "pg_get_expr(typdefaultbin, 0) || ' ' || (SELECT collname FROM pg_collation WHERE oid = typcollation)"
                  " FROM pg_type WHERE typname = 'email_address'"),
            "text true ''::text C");
  EXPECT_EQ(checks("cents"), "cents_nonneg: VALUE >= 0");
  exec("INSERT INTO customers (email, balance, history) VALUES ('a@b', ROW(5, 'EUR'), ARRAY[ROW(1, 'USD')::money_amount])");
  EXPECT_EQ(value("SELECT (balance).currency || ' ' || status || ' ' || (history[1]).amount FROM customers"), "EUR pending 1");
  EXPECT_THROW(exec("INSERT INTO customers (email) VALUES ('no-at-sign')"), std::exception);
  EXPECT_THROW(exec("INSERT INTO customers (email, balance) VALUES ('x@y', ROW(-1, 'EUR'))"), std::exception)
      << "the attribute's domain check holds inside the composite";
}

TEST_F(UserTypesTest, EquivalentSpellingsAreNotDrift) {
  exec("CREATE DOMAIN qty AS integer DEFAULT (0) CONSTRAINT qty_positive CHECK (((VALUE > 0)))");
  exec("CREATE DOMAIN label AS character varying(20) DEFAULT 'x'::character varying");
  exec("CREATE TYPE pair AS (a int4, b varchar(10))");
  exec("CREATE TABLE t (q qty, l label[], p pair)");
  const char* body = R"yaml(  domains:
    - {name: qty, type: int4, default: "0", checks: [{name: qty_positive, expression: "VALUE>0"}]}
    - {name: label, type: "varchar(20)", default: "'x'"}
  compositeTypes:
    - {name: pair, attributes: [{name: a, type: integer}, {name: b, type: "character varying(10)"}]}
  tables:
    - name: t
      columns:
        - {name: q, type: qty}
        - {name: l, type: "label[]"}
        - {name: p, type: pair}
)yaml";
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{});
}

TEST_F(UserTypesTest, ChecksAreAddedSafelyAndDroppedOnlyWithApproval) {
  exec("CREATE DOMAIN qty AS integer CONSTRAINT qty_small CHECK (VALUE < 1000)");
  exec("CREATE TABLE t (q qty); INSERT INTO t VALUES (1), (NULL)");
  const char* body = R"yaml(  domains:
    - {name: qty, type: integer, checks: [{name: qty_positive, expression: "VALUE > 0"}]}
)yaml";
  const auto report = applied(body);
  EXPECT_EQ(drift(report.plan), (Drift{"AddDomainCheck qty.qty_positive [safe]", "DropDomainCheck qty.qty_small [destructive]"}));
  EXPECT_EQ(checks("qty"), "qty_positive: VALUE > 0; qty_small: VALUE < 1000") << "the drop waits for approval";
  EXPECT_EQ(drift(report.remaining), (Drift{"DropDomainCheck qty.qty_small [destructive]"}));
  applied(body, /*allowDestructive=*/true);
  EXPECT_EQ(checks("qty"), "qty_positive: VALUE > 0");
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{});
}

TEST_F(UserTypesTest, ACheckTheRowsFailStaysNotValidUntilTheDataIsFixed) {
  exec("CREATE DOMAIN qty AS integer");
  exec("CREATE TABLE t (q qty); INSERT INTO t VALUES (-5)");
  const char* body = R"yaml(  domains:
    - {name: qty, type: integer, checks: [{name: qty_positive, expression: "VALUE > 0"}]}
)yaml";
  const auto report = apply(resource(body));
  ASSERT_TRUE(report.failure);
  EXPECT_NE(report.failure->statement.find("VALIDATE CONSTRAINT \"qty_positive\""), std::string::npos)
      << report.failure->statement;
  EXPECT_EQ(checks("qty"), "qty_positive: VALUE > 0 (not valid)") << "new values are checked already";
  EXPECT_THROW(exec("INSERT INTO t VALUES (-1)"), std::exception);
  const auto again = plan(resource(body));
  EXPECT_EQ(drift(again.plan), (Drift{"AddDomainCheck qty.qty_positive [safe]"}));
  EXPECT_EQ(again.plan.statements(), (std::vector<std::string>{R"(ALTER DOMAIN "public"."qty" VALIDATE CONSTRAINT "qty_positive")"}));
  exec("UPDATE t SET q = 5");
  EXPECT_TRUE(applied(body).remaining.drift.empty());
  EXPECT_EQ(checks("qty"), "qty_positive: VALUE > 0");
}

TEST_F(UserTypesTest, DefaultAndNotNullChangeInPlaceAndNotNullWaitsForTheData) {
  exec("CREATE DOMAIN qty AS integer DEFAULT 1");
  exec("CREATE TABLE t (q qty); INSERT INTO t VALUES (NULL), (NULL), (3)");
  const char* body = R"yaml(  domains:
    - {name: qty, type: integer, default: "2", nullable: false}
)yaml";
  const auto blocked = applied(body);
  EXPECT_EQ(drift(blocked.remaining), (Drift{"SetNotNull qty [blocked]"}));
  EXPECT_EQ(blocked.remaining.drift[0].reason,
            "2 rows have NULL in t.q (of domain qty); set values first, or keep the domain nullable");
  EXPECT_EQ(value("SELECT pg_get_expr(typdefaultbin, 0) FROM pg_type WHERE typname = 'qty'"), "2");
  exec("UPDATE t SET q = 0 WHERE q IS NULL; ALTER TABLE t ADD COLUMN r qty[]");
  const auto arrays = applied(body);
  ASSERT_EQ(drift(arrays.remaining), (Drift{"SetNotNull qty [blocked]"}));
  EXPECT_EQ(arrays.remaining.drift[0].reason,
            "Postgres cannot set NOT NULL while an array column uses domain qty (t.r); change that column first");
  exec("ALTER TABLE t DROP COLUMN r");
  EXPECT_TRUE(applied(body).remaining.drift.empty());
  EXPECT_EQ(value("SELECT typnotnull FROM pg_type WHERE typname = 'qty'"), "t");
}

TEST_F(UserTypesTest, ABaseTypeChangeIsBlockedWithTheReason) {
  exec("CREATE DOMAIN qty AS integer");
  const auto report = applied("  domains:\n    - {name: qty, type: bigint}\n", true);
  ASSERT_EQ(drift(report.remaining), (Drift{"ChangeType qty [blocked]"}));
  EXPECT_NE(report.remaining.drift[0].reason.find("cannot change a domain's base type"), std::string::npos);
  EXPECT_EQ(value("SELECT format_type(typbasetype, NULL) FROM pg_type WHERE typname = 'qty'"), "integer");
}

TEST_F(UserTypesTest, AttributesAreAddedAndDroppedWithApproval) {
  exec("CREATE TYPE pair AS (a integer, gone text); CREATE TABLE t (p pair); INSERT INTO t VALUES (ROW(1, 'x'))");
  const char* body = R"yaml(  compositeTypes:
    - {name: pair, attributes: [{name: a, type: integer}, {name: b, type: text}]}
  tables:
    - name: t
      columns: [{name: p, type: pair}]
)yaml";
  auto report = applied(body);
  EXPECT_EQ(drift(report.remaining), (Drift{"DropTypeAttribute pair.gone [destructive]"}));
  report = applied(body, true);
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'pair'::regclass"
                  " AND attnum > 0 AND NOT attisdropped"),
            "a,b");
  EXPECT_EQ(value("SELECT (p).a FROM t"), "1");
}

TEST_F(UserTypesTest, UndeclaredTypesAreDriftOnlyWithPruneAndDroppedAfterTheirColumns) {
  exec("CREATE DOMAIN qty AS integer; CREATE TYPE pair AS (q qty); CREATE TABLE t (p pair, q qty)");
  EXPECT_EQ(drift(plan(resource("  tables: [{name: t, columns: [{name: p, type: pair}, {name: q, type: qty}]}]\n")).plan),
            Drift{});
  const char* pruned = "  prune: true\n  tables: [{name: t, columns: [{name: id, type: integer}]}]\n";
  EXPECT_EQ(drift(plan(resource(pruned)).plan),
            (Drift{"AddColumn t.id [safe]", "DropColumn t.p [destructive]", "DropColumn t.q [destructive]",
                   "DropType pair [destructive]", "DropDomain qty [destructive]"}));
  const auto report = applied(pruned, true);
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(value("SELECT count(*) FROM pg_type WHERE typname IN ('qty', 'pair')"), "0");
}

TEST_F(UserTypesTest, HostileSqlIsAnInputErrorNamingTheFieldAndNothingChanges) {
  exec("CREATE TABLE victim (id int)");
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"  domains: [{name: d, type: integer, default: \"0) CHECK (VALUE > 5\"}]\n", "spec.domains[0].default"},
      {"  domains: [{name: d, type: integer, default: \"0) NOT NULL --\"}]\n", "spec.domains[0].default"},
      {"  domains: [{name: d, type: integer, checks: [{name: c, expression: \"VALUE > 0) CHECK (VALUE < 9\"}]}]\n",
       "spec.domains[0].checks[0].expression"},
      {"  domains: [{name: d, type: integer, checks: [{name: c, expression: \"true); DROP TABLE victim; --\"}]}]\n",
       "spec.domains[0].checks[0].expression"},
      {"  domains: [{name: d, type: \"integer; DROP TABLE victim\"}]\n", "spec.domains[0].type"},
      {"  compositeTypes: [{name: p, attributes: [{name: a, type: \"int); DROP TABLE victim; --\"}]}]\n",
       "spec.compositeTypes[0].attributes"},
      {"  domains: [{name: d, type: no_such_type}]\n", "spec.domains[0].type"},
  };
  for (const auto& c : cases) {
    const core::Error e = planError(c.body);
    EXPECT_EQ(e.kind, core::ErrorKind::Invalid) << c.body << e.describe();
    EXPECT_EQ(e.field, c.field) << c.body << e.describe();
  }
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 'victim'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM pg_type WHERE typname IN ('d', 'p')"), "0");
}
