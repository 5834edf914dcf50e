// Grants on a real PostgreSQL (contract Part 2, Access): table, column and schema privileges
// granted as declared and then in sync, another role's privileges revoked only with approval,
// undeclared grants left alone, a missing role blocking its grant while the rest is applied.
#include "roles_fixture.hpp"

namespace {

std::string orders(const std::string& grants, const std::string& schemaGrants = "") {
  std::string body = schemaGrants.empty() ? "" : "  grants: " + schemaGrants + "\n";
  body += R"yaml(  tables:
    - name: orders
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: status, type: text}
        - {name: total_cents, type: integer}
      primaryKey: [id]
)yaml";
  if (!grants.empty()) body += "      grants: " + grants + "\n";
  return body;
}

}  // namespace

class GrantsTest : public RolesTest {
 protected:
  // "role:privilege" on orders and "role.column:privilege" on its columns, sorted.
  std::string held() {
    return value(
        "SELECT string_agg(x, ' ' ORDER BY x) FROM ("
        " SELECT pg_get_userbyid(a.grantee) || ':' || a.privilege_type AS x FROM pg_class c, aclexplode(c.relacl) a"
        "  WHERE c.oid = 'orders'::regclass AND a.grantee <> c.relowner"
        " UNION ALL SELECT pg_get_userbyid(a.grantee) || '.' || att.attname || ':' || a.privilege_type FROM pg_attribute att,"
        "  aclexplode(att.attacl) a WHERE att.attrelid = 'orders'::regclass AND att.attacl IS NOT NULL) s");
  }
};

TEST_F(GrantsTest, TableAndColumnPrivilegesAreGrantedThenInSync) {
  const auto r = resource(orders("[{role: so_app, privileges: [select, INSERT]}, "
                                 "{role: so_support, privileges: [SELECT], columns: [status, id]}]"));
  applied(r);
  EXPECT_EQ(held(), "so_app:INSERT so_app:SELECT so_support.id:SELECT so_support.status:SELECT");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // They do their job: the support role reads the two columns, not the third.
  EXPECT_EQ(value("SET ROLE so_support; SELECT count(id) FROM orders"), "0");
  EXPECT_THROW(value("SET ROLE so_support; SELECT total_cents FROM orders"), std::exception);
}

TEST_F(GrantsTest, OtherPrivilegesAreRevokedOnlyWithApprovalAndUndeclaredGrantsAreLeftAlone) {
  const auto r = resource(orders("[{role: so_app, privileges: [SELECT]}]"));
  applied(r);
  exec("GRANT DELETE ON orders TO so_app; GRANT SELECT ON orders TO so_support");
  const auto held_ = apply(r);
  EXPECT_EQ(drift(held_.remaining),
            (Drift{"Revoke orders:grant:so_app [destructive]", "Revoke orders:grant:so_support [destructive]"}));
  EXPECT_EQ(held(), "so_app:DELETE so_app:SELECT so_support:SELECT") << "nothing ran without approval";
  applied(r, /*allowDestructive=*/true);
  EXPECT_EQ(held(), "so_app:SELECT");
  // A table without `grants` keeps whatever it has.
  exec("GRANT UPDATE ON orders TO so_support");
  EXPECT_EQ(drift(plan(resource(orders(""))).plan), Drift{});
}

TEST_F(GrantsTest, AMissingRoleBlocksItsGrantAndSchemaGrantsAreManagedToo) {
  const auto r = resource(orders("[{role: so_app, privileges: [SELECT]}, {role: so_no_such_role, privileges: [SELECT]}]",
                                 "[{role: so_app, privileges: [USAGE]}, {role: PUBLIC, privileges: [USAGE]}]"));
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  const Drift left = drift(report.remaining);
  ASSERT_FALSE(left.empty());
  EXPECT_NE(std::find(left.begin(), left.end(), "Grant orders:grant:so_no_such_role [blocked]"), left.end())
      << ::testing::PrintToString(left);
  EXPECT_EQ(held(), "so_app:SELECT") << "the rest was applied";
  EXPECT_EQ(value("SELECT has_schema_privilege('so_app', 'public', 'USAGE')"), "t");
}
