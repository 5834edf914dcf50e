// Issue 16 end to end: a realistic multi-tenant application schema (row-level security per tenant,
// audit and updated_at triggers, a reporting view, grants to an application role and a reporting
// role) declared in one DatabaseSchema, applied with kubectl, reconciled by the operator daemon,
// and then used the way the application and the reporting tool use it: as their own logins.
#include <pqxx/pqxx>

#include "e2e_fixture.hpp"

namespace e2e {

namespace {

// Roles are cluster-wide and never created by the operator: the test makes them (once per server).
const char* kAppRole = "tenancy_app_rw";
const char* kReportingRole = "tenancy_reporting";

const char* kAppSpec = R"yaml(  connection:
    secretRef: {name: app-db, key: DATABASE_URL}
    sslMode: disable
  schema: app
  interval: 1s
  grants:
    - {role: tenancy_app_rw, privileges: [USAGE]}
    - {role: tenancy_reporting, privileges: [USAGE]}
  defaultPrivileges:
    - {objects: sequences, role: tenancy_app_rw, privileges: [USAGE, SELECT]}
  enums:
    - {name: invoice_status, values: [draft, sent, paid]}
  functions:
    - name: touch_updated_at
      returns: trigger
      language: plpgsql
      body: |
        BEGIN NEW.updated_at := now(); RETURN NEW; END
    - name: audit_row
      returns: trigger
      language: plpgsql
      securityDefiner: true
      set: {search_path: "pg_catalog, app"}
      body: |
        BEGIN
          IF TG_OP = 'DELETE' THEN
            INSERT INTO audit_log (table_name, op, row_id) VALUES (TG_TABLE_NAME, TG_OP, OLD.id);
          ELSE
            INSERT INTO audit_log (table_name, op, row_id) VALUES (TG_TABLE_NAME, TG_OP, NEW.id);
          END IF;
          RETURN NULL;
        END
  tables:
    - name: tenants
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: name, type: text, nullable: false}
      primaryKey: [id]
      grants: [{role: tenancy_app_rw, privileges: [SELECT]}]
    - name: users
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: tenant_id, type: bigint, nullable: false}
        - {name: email, type: text, nullable: false}
      primaryKey: [id]
      foreignKeys:
        - {columns: [tenant_id], references: {table: tenants, columns: [id]}, onDelete: cascade}
      grants: [{role: tenancy_app_rw, privileges: [SELECT, INSERT, UPDATE]}]
    - name: invoices
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: tenant_id, type: bigint, nullable: false}
        - {name: status, type: invoice_status, nullable: false, default: "'draft'"}
        - {name: total_cents, type: bigint, nullable: false, default: "0"}
        - {name: updated_at, type: timestamptz, nullable: false, default: "now()"}
      primaryKey: [id]
      foreignKeys:
        - {columns: [tenant_id], references: {table: tenants, columns: [id]}}
      checks:
        - {name: invoices_total_nonneg, expression: "total_cents >= 0"}
      indexes:
        - {name: invoices_tenant_idx, columns: [tenant_id]}
      rowLevelSecurity: {enabled: true}
      policies:
        - name: tenant_isolation
          roles: [tenancy_app_rw]
          using: "tenant_id = current_setting('app.tenant_id')::bigint"
          withCheck: "tenant_id = current_setting('app.tenant_id')::bigint"
      triggers:
        - {name: invoices_touch, timing: before, events: [update], forEach: row, function: touch_updated_at}
        - {name: invoices_audit, timing: after, events: [insert, update, delete], forEach: row, function: audit_row}
      grants: [{role: tenancy_app_rw, privileges: [SELECT, INSERT, UPDATE, DELETE]}]
    - name: audit_log
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: table_name, type: text, nullable: false}
        - {name: op, type: text, nullable: false}
        - {name: row_id, type: bigint}
        - {name: at, type: timestamptz, nullable: false, default: "now()"}
      primaryKey: [id]
  views:
    - name: tenant_revenue
      query: >-
        SELECT t.id AS tenant_id, t.name, coalesce(sum(i.total_cents), 0)::bigint AS revenue_cents
        FROM tenants t LEFT JOIN invoices i ON i.tenant_id = t.id GROUP BY t.id, t.name
      grants: [{role: tenancy_reporting, privileges: [SELECT]}]
)yaml";

// A login of `role` over the socket, as the application's connection pool (or the reporting
// tool) opens one; the session keeps its settings across queries.
class Session {
 public:
  Session(const std::string& superuserUrl, const std::string& role) : conn_(superuserUrl + " user=" + role) {}
  void exec(const std::string& sql) {
    pqxx::nontransaction tx(conn_);
    tx.exec(sql);
  }
  std::string value(const std::string& sql) {
    pqxx::nontransaction tx(conn_);
    const pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
  }

 private:
  pqxx::connection conn_;
};

std::string createRoleOnce(const std::string& role) {
  return "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE " + role +
         " LOGIN; END IF; END $$";
}

}  // namespace

class TenancyE2ETest : public E2ETest {
 protected:
  std::string db(const std::string& sql) { return pg().queryValue(db_, sql); }
  Session session(const std::string& role) { return Session(pg().socketUrl(db_), role); }
  bool hasTrigger(const std::string& name) {
    return db("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'app.invoices'::regclass AND tgname = '" + name + "'") ==
           "1";
  }
  bool reportingReadsTheView() {
    return db(std::string("SELECT has_table_privilege('") + kReportingRole + "', 'app.tenant_revenue', 'SELECT')") == "t";
  }
  std::string touchBody() {
    return db("SELECT prosrc FROM pg_proc WHERE oid = 'app.touch_updated_at()'::regprocedure");
  }
  long long appliedChanges() { return get("tenancy")["status"].value("appliedChanges", 0LL); }
  std::string phase() { return get("tenancy").value("status", json::object()).value("phase", ""); }
};

TEST_F(TenancyE2ETest, AMultiTenantAppSchemaIsAppliedUsedKeptAndItsDriftClassified) {
  for (const char* role : {kAppRole, kReportingRole}) pg().exec(db_, createRoleOnce(role));
  pg().exec(db_, "CREATE SCHEMA app");
  secret("app-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("tenancy", kAppSpec));
  ASSERT_TRUE(waitReady("tenancy")) << get("tenancy").dump(2);
  ASSERT_EQ(phase(), "InSync");
  ASSERT_EQ(get("tenancy")["status"]["unmanaged"].value("count", -1), 0) << get("tenancy")["status"].dump(2);
  // The default privileges were set before the tables: their identity sequences came with them.
  EXPECT_EQ(db(std::string("SELECT has_sequence_privilege('") + kAppRole +
               "', pg_get_serial_sequence('app.invoices', 'id'), 'USAGE')"),
            "t");

  // Two tenants' data, loaded by the superuser (the owner's work, past row-level security).
  pg().exec(db_,
            "INSERT INTO app.tenants (id, name) VALUES (1, 'acme'), (2, 'globex');"
            "INSERT INTO app.invoices (tenant_id, status, total_cents, updated_at) VALUES "
            "(1, 'sent', 1000, '2000-01-01'), (1, 'paid', 2500, '2000-01-01'), (2, 'sent', 7000, '2000-01-01')");
  EXPECT_EQ(db("SELECT count(*) FROM app.audit_log WHERE table_name = 'invoices' AND op = 'INSERT'"), "3");

  // The application, logged in as its role and bound to tenant 1, sees and changes tenant 1 only.
  {
    Session app = session(kAppRole);
    app.exec("SET app.tenant_id = '1'");
    EXPECT_EQ(app.value("SELECT count(*) FROM app.invoices"), "2");
    EXPECT_EQ(app.value("SELECT count(*) FROM app.invoices WHERE tenant_id = 2"), "0");
    EXPECT_EQ(app.value("UPDATE app.invoices SET status = 'paid' WHERE tenant_id = 2 RETURNING id"), "");
    const std::string id = app.value("UPDATE app.invoices SET status = 'paid' WHERE total_cents = 1000 RETURNING id");
    ASSERT_FALSE(id.empty());
    // The BEFORE UPDATE trigger stamped the row; the AFTER trigger audited it (the app cannot
    // write audit_log itself: audit_row is SECURITY DEFINER).
    EXPECT_EQ(db("SELECT updated_at > '2001-01-01' FROM app.invoices WHERE id = " + id), "t");
    EXPECT_EQ(db("SELECT count(*) FROM app.audit_log WHERE op = 'UPDATE' AND row_id = " + id), "1");
    EXPECT_THROW(app.exec("INSERT INTO app.audit_log (table_name, op) VALUES ('x', 'FORGED')"),
                 pqxx::insufficient_privilege);
    // The policy's WITH CHECK: no row for another tenant, while one for its own goes in.
    EXPECT_THROW(app.exec("INSERT INTO app.invoices (tenant_id, total_cents) VALUES (2, 1)"), pqxx::insufficient_privilege);
    EXPECT_FALSE(app.value("INSERT INTO app.invoices (tenant_id, total_cents) VALUES (1, 500) RETURNING id").empty());
  }
  // Reporting reads the view (every tenant, as the view's owner sees them), never the table.
  {
    Session reporting = session(kReportingRole);
    EXPECT_EQ(reporting.value("SELECT string_agg(tenant_id || '=' || revenue_cents, ',' ORDER BY tenant_id) "
                              "FROM app.tenant_revenue"),
              "1=4000,2=7000");
    EXPECT_THROW(reporting.value("SELECT count(*) FROM app.invoices"), pqxx::insufficient_privilege);
  }

  // Drift by hand, of the three safe kinds: a trigger dropped, a function's body changed, a grant
  // revoked. The operator's periodic check puts all three back.
  const std::string body = touchBody();
  const long long appliedBefore = appliedChanges();
  pg().exec(db_,
            "DROP TRIGGER invoices_audit ON app.invoices;"
            "CREATE OR REPLACE FUNCTION app.touch_updated_at() RETURNS trigger LANGUAGE plpgsql "
            "AS $fn$BEGIN RETURN NEW; END$fn$;"
            "REVOKE SELECT ON app.tenant_revenue FROM " +
                std::string(kReportingRole));
  ASSERT_NE(touchBody(), body);
  ASSERT_TRUE(testsupport::eventually(
      [&] { return hasTrigger("invoices_audit") && touchBody() == body && reportingReadsTheView(); }, 20s))
      << "audit trigger " << hasTrigger("invoices_audit") << ", body restored " << (touchBody() == body)
      << ", view grant " << reportingReadsTheView() << "\n"
      << get("tenancy")["status"].dump(2);
  ASSERT_TRUE(waitChecks("tenancy", 1));
  EXPECT_TRUE(waitReady("tenancy"));
  EXPECT_EQ(phase(), "InSync");
  EXPECT_GE(appliedChanges() - appliedBefore, 3) << get("tenancy")["status"].dump(2);
  {
    // Restored in behaviour, not only in the catalog.
    pg().exec(db_, "UPDATE app.invoices SET updated_at = '2000-01-01' WHERE tenant_id = 2");
    const std::string audited = db("SELECT count(*) FROM app.audit_log WHERE op = 'UPDATE'");
    pg().exec(db_, "UPDATE app.invoices SET status = 'paid' WHERE tenant_id = 2");
    EXPECT_EQ(db("SELECT bool_and(updated_at > '2001-01-01') FROM app.invoices WHERE tenant_id = 2"), "t");
    EXPECT_EQ(db("SELECT count(*) FROM app.audit_log WHERE op = 'UPDATE'"), std::to_string(std::stoll(audited) + 1));
    Session reporting = session(kReportingRole);
    EXPECT_EQ(reporting.value("SELECT revenue_cents FROM app.tenant_revenue WHERE tenant_id = 2"), "7000");
  }

  // An undeclared trigger is destructive drift: reported, kept until approved.
  pg().exec(db_,
            "CREATE TRIGGER invoices_sneaky BEFORE DELETE ON app.invoices FOR EACH ROW "
            "EXECUTE FUNCTION app.touch_updated_at()");
  ASSERT_TRUE(testsupport::eventually(
      [&] { return condition(get("tenancy"), "DestructiveChangesPending") == "True"; }, 20s))
      << get("tenancy")["status"].dump(2);
  json status = get("tenancy")["status"];
  EXPECT_EQ(status["phase"], "Drifted");
  ASSERT_EQ(status["drift"].value("count", 0), 1) << status.dump(2);
  const json item = status["drift"]["items"][0];
  EXPECT_EQ(item.value("change", ""), "DropTrigger") << item.dump();
  EXPECT_TRUE(item.value("destructive", false)) << item.dump();
  EXPECT_NE(item.value("object", "").find("invoices_sneaky"), std::string::npos) << item.dump();
  ASSERT_TRUE(waitChecks("tenancy", 2));
  EXPECT_TRUE(hasTrigger("invoices_sneaky"));
  const std::string hash = get("tenancy")["status"]["plan"]["hash"];
  const auto approve = kubectl({"annotate", "-n", ns_, "databaseschema/tenancy", "dbschema.io/allow-destructive=" + hash});
  ASSERT_EQ(approve.exitCode, 0) << show(approve);
  EXPECT_TRUE(waitReady("tenancy")) << get("tenancy")["status"].dump(2);
  EXPECT_FALSE(hasTrigger("invoices_sneaky"));
  EXPECT_TRUE(hasTrigger("invoices_touch") && hasTrigger("invoices_audit"));

  // Not managed, never silent: an aggregate made by hand is listed, and strict refuses to apply
  // anything (not even a safe grant) while it is there.
  pg().exec(db_, "CREATE AGGREGATE app.sum_cents(bigint) (SFUNC = int8pl, STYPE = bigint)");
  ASSERT_TRUE(testsupport::eventually(
      [&] { return get("tenancy")["status"]["unmanaged"].value("count", 0) == 1; }, 20s))
      << get("tenancy")["status"].dump(2);
  const json unmanaged = get("tenancy")["status"]["unmanaged"]["items"][0];
  EXPECT_EQ(unmanaged.value("kind", ""), "Aggregate") << unmanaged.dump();
  EXPECT_EQ(unmanaged.value("name", ""), "sum_cents(bigint)") << unmanaged.dump();
  EXPECT_EQ(phase(), "InSync");  // unmanaged objects are not drift
  const auto strict = kubectl({"patch", "-n", ns_, "databaseschema/tenancy", "--type=merge", "-p", R"({"spec":{"strict":true}})"});
  ASSERT_EQ(strict.exitCode, 0) << show(strict);
  ASSERT_TRUE(testsupport::eventually([&] { return condition(get("tenancy"), "Ready", "reason") == "UnmanagedObjects"; }, 20s))
      << get("tenancy")["status"].dump(2);
  EXPECT_EQ(phase(), "Error");
  EXPECT_NE(condition(get("tenancy"), "Ready", "message").find("sum_cents(bigint)"), std::string::npos);
  pg().exec(db_, std::string("REVOKE SELECT ON app.tenant_revenue FROM ") + kReportingRole);
  ASSERT_TRUE(waitChecks("tenancy", 2));
  EXPECT_FALSE(reportingReadsTheView());
  pg().exec(db_, "DROP AGGREGATE app.sum_cents(bigint)");
  EXPECT_TRUE(waitReady("tenancy")) << get("tenancy")["status"].dump(2);
  EXPECT_TRUE(reportingReadsTheView());
}

}  // namespace e2e
