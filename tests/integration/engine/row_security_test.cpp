// Row-level security switches on a real PostgreSQL (contract Part 2, Access): enabled and forced
// with the table, in sync after, managed only where declared, turning one off held for approval,
// and the switch doing its job (a non-owner sees no rows without a policy).
#include "engine_fixture.hpp"

namespace {

std::string tenants(const std::string& rls) {
  std::string body = R"yaml(  tables:
    - name: invoices
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: tenant_id, type: bigint, nullable: false}
      primaryKey: [id]
)yaml";
  if (!rls.empty()) body += "      rowLevelSecurity: " + rls + "\n";
  return body;
}

}  // namespace

class RowSecurityTest : public EngineTest {
 protected:
  std::string switches() {
    return value("SELECT relrowsecurity::text || ' ' || relforcerowsecurity::text FROM pg_class"
                 " WHERE oid = 'invoices'::regclass");
  }
};

TEST_F(RowSecurityTest, EnabledAndForcedWithTheTableThenInSync) {
  const auto r = resource(tenants("{enabled: true, forced: true}"));
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_EQ(switches(), "true true");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // Not declared: whatever the table has is left alone.
  EXPECT_EQ(drift(plan(resource(tenants(""))).plan), Drift{});
}

TEST_F(RowSecurityTest, TurningItOnIsSafeAndOffWaitsForApproval) {
  apply(resource(tenants("")));
  exec("INSERT INTO invoices VALUES (1, 7)");
  exec("DROP ROLE IF EXISTS so_rls_reader; CREATE ROLE so_rls_reader; GRANT SELECT ON invoices TO so_rls_reader");
  const auto on = resource(tenants("{enabled: true}"));
  EXPECT_EQ(drift(plan(on).plan), Drift{"EnableRowLevelSecurity invoices [safe]"});
  apply(on);
  EXPECT_EQ(switches(), "true false");
  // It does its job: without a policy, a role that is not the owner sees nothing.
  EXPECT_EQ(value("SET ROLE so_rls_reader; SELECT count(*) FROM invoices"), "0");

  const auto off = resource(tenants("{enabled: false}"));
  const auto held = apply(off);
  EXPECT_EQ(drift(held.remaining), Drift{"DisableRowLevelSecurity invoices [destructive]"});
  EXPECT_EQ(switches(), "true false") << "nothing ran without approval";
  apply(off, /*allowDestructive=*/true);
  EXPECT_EQ(switches(), "false false");
  EXPECT_EQ(drift(plan(off).plan), Drift{});
  exec("DROP OWNED BY so_rls_reader; DROP ROLE so_rls_reader");
}
