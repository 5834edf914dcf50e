// Grants on views and sequences on a real PostgreSQL (contract Part 2, Access): granted as
// declared and then in sync whatever the order they are listed in, another role's privileges
// revoked only with approval, a missing role blocking its grant while the rest is applied, and a
// view dropped and created again by the plan holding its privileges again after one apply (where
// CREATE OR REPLACE VIEW keeps them by itself).
#include "roles_fixture.hpp"

namespace {

// A table, a view on it with `viewGrants` (none: the list left out) and `query`, and a sequence
// with `sequenceGrants`.
std::string body(const std::string& viewGrants, const std::string& sequenceGrants = "",
                 const std::string& query = "SELECT id, email FROM customers WHERE deleted_at IS NULL") {
  std::string out = R"yaml(  sequences:
    - name: invoice_no
)yaml";
  if (!sequenceGrants.empty()) out += "      grants: " + sequenceGrants + "\n";
  out += R"yaml(  tables:
    - name: customers
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: email, type: text}
        - {name: deleted_at, type: timestamptz}
      primaryKey: [id]
  views:
    - name: active_customers
      query: ")yaml" + query + "\"\n";
  if (!viewGrants.empty()) out += "      grants: " + viewGrants + "\n";
  return out;
}

}  // namespace

class ObjectGrantsTest : public RolesTest {
 protected:
  // "role:PRIVILEGE ..." held on a relation by roles but its owner, sorted.
  std::string held(const std::string& relation) {
    return value("SELECT coalesce(string_agg(pg_get_userbyid(a.grantee) || ':' || a.privilege_type, ' '"
                 " ORDER BY pg_get_userbyid(a.grantee), a.privilege_type), '') FROM pg_class c, aclexplode(c.relacl) a"
                 " WHERE c.oid = '" + relation + "'::regclass AND a.grantee <> c.relowner");
  }
};

TEST_F(ObjectGrantsTest, ViewAndSequencePrivilegesAreGrantedThenInSyncInAnyOrder) {
  applied(resource(body("[{role: so_support, privileges: [SELECT]}, {role: so_app, privileges: [select, INSERT]}]",
                        "[{role: so_app, privileges: [USAGE, select]}]")));
  EXPECT_EQ(held("active_customers"), "so_app:INSERT so_app:SELECT so_support:SELECT");
  EXPECT_EQ(held("invoice_no"), "so_app:SELECT so_app:USAGE");
  // The same privileges listed another way are not drift.
  const auto again = resource(body("[{role: so_app, privileges: [INSERT]}, {role: so_app, privileges: [SELECT]},"
                                   " {role: so_support, privileges: [select]}]",
                                   "[{role: so_app, privileges: [SELECT]}, {role: so_app, privileges: [USAGE]}]"));
  EXPECT_EQ(drift(plan(again).plan), Drift{});
  // They do their job: the app role reads the view and takes numbers from the sequence.
  EXPECT_EQ(value("SET ROLE so_app; SELECT count(*) FROM active_customers"), "0");
  EXPECT_EQ(value("SET ROLE so_app; SELECT nextval('invoice_no')"), "1");
}

TEST_F(ObjectGrantsTest, OtherPrivilegesAreRevokedOnlyWithApprovalAndUndeclaredListsAreLeftAlone) {
  const auto r = resource(body("[{role: so_app, privileges: [SELECT]}]", "[]"));
  applied(r);
  exec("GRANT DELETE ON active_customers TO so_app; GRANT SELECT ON active_customers TO so_support;"
       "GRANT USAGE ON SEQUENCE invoice_no TO so_support");
  const auto report = apply(r);
  EXPECT_EQ(drift(report.remaining),
            (Drift{"Revoke active_customers:grant:so_app [destructive]",
                   "Revoke active_customers:grant:so_support [destructive]", "Revoke invoice_no:grant:so_support [destructive]"}));
  EXPECT_EQ(held("active_customers"), "so_app:DELETE so_app:SELECT so_support:SELECT") << "nothing ran without approval";
  applied(r, /*allowDestructive=*/true);
  EXPECT_EQ(held("active_customers"), "so_app:SELECT");
  EXPECT_EQ(held("invoice_no"), "");
  // Without `grants`, a view and a sequence keep whatever they have.
  exec("GRANT UPDATE ON active_customers TO so_support; GRANT SELECT ON SEQUENCE invoice_no TO so_app");
  EXPECT_EQ(drift(plan(resource(body(""))).plan), Drift{});
}

TEST_F(ObjectGrantsTest, AMissingRoleBlocksItsGrantAndTheRestIsApplied) {
  const auto report = apply(resource(body("[{role: so_app, privileges: [SELECT]}, {role: so_no_such_role, privileges: [SELECT]}]",
                                          "[{role: so_no_such_role, privileges: [USAGE]}]")));
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), (Drift{"Grant active_customers:grant:so_no_such_role [blocked]",
                                            "Grant invoice_no:grant:so_no_such_role [blocked]"}));
  EXPECT_EQ(held("active_customers"), "so_app:SELECT") << "the view was created and granted the rest";
  EXPECT_EQ(held("invoice_no"), "");
}

TEST_F(ObjectGrantsTest, AViewDroppedAndCreatedAgainHoldsItsPrivilegesAgainAfterOneApply) {
  const std::string grants = "[{role: so_app, privileges: [SELECT]}]";
  applied(resource(body(grants)));
  // A column more: CREATE OR REPLACE VIEW, which keeps the privileges; nothing to grant.
  const std::string wider = "SELECT id, email, deleted_at FROM customers WHERE deleted_at IS NULL";
  const auto widened = applied(resource(body(grants, "", wider)));
  EXPECT_EQ(drift(widened.plan), Drift{"ReplaceView active_customers [safe]"});
  EXPECT_EQ(held("active_customers"), "so_app:SELECT");
  // A column less: DROP VIEW and CREATE VIEW, which leaves the owner alone; granted again.
  const auto narrowed = applied(resource(body(grants, "", "SELECT id FROM customers")));
  EXPECT_EQ(drift(narrowed.plan),
            (Drift{"ReplaceView active_customers [safe]", "Grant active_customers:grant:so_app [safe]"}));
  EXPECT_EQ(held("active_customers"), "so_app:SELECT");
  EXPECT_EQ(drift(plan(resource(body(grants, "", "SELECT id FROM customers"))).plan), Drift{});
  // Without the list, what the view held before the drop is granted again.
  exec("GRANT SELECT ON active_customers TO so_support");
  applied(resource(body("", "", "SELECT id, email FROM customers")));  // replaceable: in place
  applied(resource(body("", "", "SELECT email FROM customers")));       // not: dropped and made again
  EXPECT_EQ(held("active_customers"), "so_app:SELECT so_support:SELECT");
}
