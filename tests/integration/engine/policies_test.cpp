// Row-level security policies on a real PostgreSQL (contract Part 2, Access): created with their
// table and doing their job, other spellings of the same expressions not drift, roles and
// expressions changed in place, a command change and an undeclared policy gated, a missing role
// blocking its policy while the rest of the plan runs, hostile expressions refused with nothing
// changed.
#include "roles_fixture.hpp"

namespace {

std::string tenants(const std::string& policies, const std::string& extraTable = "") {
  return R"yaml(  tables:
    - name: invoices
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: tenant_id, type: bigint, nullable: false}
      primaryKey: [id]
      rowLevelSecurity: {enabled: true}
      policies:
)yaml" + policies + extraTable;
}

const char* kTenantPolicy =
    "        - {name: tenant, roles: [so_app], using: \"tenant_id = current_setting('app.tenant')::bigint\"}\n";

}  // namespace

class PoliciesTest : public RolesTest {
 protected:
  std::string policy(const std::string& name) {
    return value("SELECT polcmd::text || ' ' || polpermissive::text || ' ' || array_to_string(ARRAY(SELECT CASE WHEN r = 0"
                 " THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(polroles) r ORDER BY 1), ',') || ' ' ||"
                 " coalesce(pg_get_expr(polqual, polrelid), '-') || ' ' || coalesce(pg_get_expr(polwithcheck, polrelid), '-')"
                 " FROM pg_policy WHERE polname = '" + name + "'");
  }
};

TEST_F(PoliciesTest, CreatedWithTheTableDoingItsJobThenInSync) {
  const auto r = resource(tenants(kTenantPolicy));
  applied(r);
  EXPECT_EQ(policy("tenant"), "* true so_app (tenant_id = (current_setting('app.tenant'::text))::bigint) -");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  exec("INSERT INTO invoices VALUES (1, 7), (2, 8); GRANT SELECT ON invoices TO so_app");
  EXPECT_EQ(value("SET ROLE so_app; SET app.tenant = '7'; SELECT string_agg(id::text, ',') FROM invoices"), "1");
  // Another spelling of the same expression is not drift.
  const auto respelled = resource(tenants(
      "        - {name: tenant, roles: [so_app], using: \"(tenant_id = (current_setting( 'app.tenant' ))::bigint)\"}\n"));
  EXPECT_EQ(drift(plan(respelled).plan), Drift{});
}

TEST_F(PoliciesTest, RolesAndExpressionsChangeInPlaceACommandChangeWaitsForApproval) {
  applied(resource(tenants(kTenantPolicy)));
  const auto altered = resource(tenants(
      "        - {name: tenant, roles: [so_app, so_support], using: \"tenant_id > 0\", withCheck: \"tenant_id > 0\"}\n"));
  EXPECT_EQ(drift(plan(altered).plan), Drift{"AlterPolicy invoices.tenant [safe]"});
  applied(altered);
  EXPECT_EQ(policy("tenant"), "* true so_app,so_support (tenant_id > 0) (tenant_id > 0)");

  const auto selectOnly = resource(tenants(
      "        - {name: tenant, command: select, permissive: false, roles: [so_app], using: \"tenant_id > 0\"}\n"));
  const auto held = apply(selectOnly);
  EXPECT_EQ(drift(held.remaining), (Drift{"DropPolicy invoices.tenant [destructive]", "CreatePolicy invoices.tenant [safe]"}));
  EXPECT_EQ(policy("tenant"), "* true so_app,so_support (tenant_id > 0) (tenant_id > 0)") << "nothing ran";
  applied(selectOnly, /*allowDestructive=*/true);
  EXPECT_EQ(policy("tenant"), "r false so_app (tenant_id > 0) -");
  EXPECT_EQ(drift(plan(selectOnly).plan), Drift{});

  // Undeclared: a destructive drop.
  exec("CREATE POLICY by_hand ON invoices USING (true)");
  EXPECT_EQ(drift(plan(selectOnly).plan), Drift{"DropPolicy invoices.by_hand [destructive]"});
}

TEST_F(PoliciesTest, AMissingRoleBlocksItsPolicyAndTheRestIsApplied) {
  const auto r = resource(tenants(std::string(kTenantPolicy) +
                                  "        - {name: audit, roles: [so_no_such_role], using: \"true\"}\n"));
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), Drift{"CreatePolicy invoices.audit [blocked]"});
  ASSERT_EQ(report.remaining.drift.size(), 1u);
  EXPECT_NE(report.remaining.drift[0].reason.find("role so_no_such_role does not exist"), std::string::npos)
      << report.remaining.drift[0].reason;
  EXPECT_EQ(value("SELECT count(*) FROM pg_policy WHERE polname = 'tenant'"), "1") << "the rest was applied";
}

TEST_F(PoliciesTest, HostileExpressionsAreInputErrorsAndChangeNothing) {
  exec("CREATE TABLE victim (id int)");
  const auto smuggled = resource(tenants("        - {name: tenant, using: \"true) WITH CHECK (false\"}\n"));
  EXPECT_NE(planError(smuggled).find("spec.tables[0].policies[0]: not a policy's using and withCheck"), std::string::npos)
      << planError(smuggled);
  const auto twoStatements = resource(tenants("        - {name: tenant, using: \"true); DROP TABLE victim; --\"}\n"));
  EXPECT_NE(planError(twoStatements).find("spec.tables[0].policies[0]: "), std::string::npos) << planError(twoStatements);
  const auto refused = resource(tenants("        - {name: tenant, command: select, using: \"true\", withCheck: \"true\"}\n"));
  EXPECT_NE(planError(refused).find("spec.tables[0].policies[0]: "), std::string::npos) << planError(refused);
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname IN ('victim', 'invoices')"), "1") << "nothing changed";
}
