// Default privileges on a real PostgreSQL (contract Part 2, Access): set as declared (for a named
// role, and without forRole for the role the operator connects as) and then in sync, doing their
// job on a table that role creates afterwards; undeclared ones in the schema revoked only with
// approval, those of no schema never touched; a missing role blocking its entry only.
#include "roles_fixture.hpp"

namespace {

const char* const kTables = "  tables:\n    - name: orders\n      columns: [{name: id, type: bigint}]\n";

std::string defaults(const std::string& entries) { return "  defaultPrivileges: " + entries + "\n" + kTables; }

}  // namespace

class DefaultPrivilegesTest : public RolesTest {
 protected:
  // "forRole objtype grantee:PRIVILEGE ..." of pg_default_acl in schema public, sorted.
  std::string held() {
    return value("SELECT coalesce(string_agg(x, ' ' ORDER BY x), '') FROM (SELECT CASE WHEN d.defaclrole = "
                 "(SELECT oid FROM pg_roles WHERE rolname = current_user) THEN 'me' ELSE pg_get_userbyid(d.defaclrole)::text END"
                 " || '/' || d.defaclobjtype::text || '/' || CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END"
                 " || ':' || a.privilege_type AS x FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace,"
                 " aclexplode(d.defaclacl) a WHERE n.nspname = 'public') s");
  }
};

TEST_F(DefaultPrivilegesTest, AreSetAsDeclaredThenInSyncAndGiveTheirPrivilegesToWhatTheRoleCreates) {
  const auto r = resource(defaults("[{forRole: so_support, objects: tables, role: so_app, privileges: [select, INSERT]},"
                                   " {objects: sequences, role: so_app, privileges: [USAGE]}]"));
  const auto report = applied(r);
  EXPECT_EQ(held(), "me/S/so_app:USAGE so_support/r/so_app:INSERT so_support/r/so_app:SELECT");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // The same entries split and reordered are not drift.
  EXPECT_EQ(drift(plan(resource(defaults("[{objects: sequences, role: so_app, privileges: [USAGE]},"
                                         " {forRole: so_support, objects: tables, role: so_app, privileges: [INSERT]},"
                                         " {forRole: so_support, objects: tables, role: so_app, privileges: [SELECT]}]")))
                      .plan),
            Drift{});
  // A table the role makes afterwards starts with them.
  exec("GRANT CREATE ON SCHEMA public TO so_support");
  exec("SET ROLE so_support; CREATE TABLE made_later (id int)");
  EXPECT_EQ(value("SELECT has_table_privilege('so_app', 'made_later', 'INSERT')"), "t");
  EXPECT_EQ(value("SELECT has_table_privilege('so_app', 'made_later', 'DELETE')"), "f");
  exec("DROP TABLE made_later; REVOKE CREATE ON SCHEMA public FROM so_support");
}

TEST_F(DefaultPrivilegesTest, UndeclaredOnesAreRevokedOnlyWithApprovalAndThoseOfNoSchemaAreNeverTouched) {
  exec("ALTER DEFAULT PRIVILEGES FOR ROLE so_support IN SCHEMA public GRANT SELECT, DELETE ON TABLES TO so_app;"
       "ALTER DEFAULT PRIVILEGES FOR ROLE so_support GRANT UPDATE ON TABLES TO so_app");
  // Not declared: not managed (nothing but the table to create).
  EXPECT_EQ(drift(plan(resource(kTables)).plan), Drift{"CreateTable orders [safe]"});
  const auto r = resource(defaults("[{forRole: so_support, objects: tables, role: so_app, privileges: [SELECT]}]"));
  const auto report = apply(r);
  EXPECT_EQ(drift(report.remaining), Drift{"RevokeDefaultPrivileges default:so_support:tables:so_app [destructive]"});
  EXPECT_EQ(held(), "so_support/r/so_app:DELETE so_support/r/so_app:SELECT") << "nothing ran without approval";
  applied(r, /*allowDestructive=*/true);
  EXPECT_EQ(held(), "so_support/r/so_app:SELECT");
  // `[]`: none in the schema; the global entry (no schema) stays.
  applied(resource(defaults("[]")), /*allowDestructive=*/true);
  EXPECT_EQ(held(), "");
  EXPECT_EQ(value("SELECT count(*) FROM pg_default_acl WHERE defaclnamespace = 0 AND defaclrole = 'so_support'::regrole"),
            "1");
  EXPECT_EQ(drift(plan(resource(defaults("[]"))).plan), Drift{});
}

TEST_F(DefaultPrivilegesTest, AMissingRoleBlocksItsEntryAndTheRestIsApplied) {
  const auto report = apply(resource(defaults("[{forRole: so_no_such_role, objects: tables, role: so_app, privileges: [SELECT]},"
                                              " {forRole: so_support, objects: functions, role: so_app, privileges: [EXECUTE]}]")));
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), Drift{"SetDefaultPrivileges default:so_no_such_role:tables:so_app [blocked]"});
  EXPECT_EQ(held(), "so_support/f/so_app:EXECUTE");
}
