// Contract Part 2, Access: grants in diff, classify and plan — managed only where declared, the
// object then holding exactly the declared privileges for every role but its owner; Grant safe
// and blocked while the role is missing, Revoke destructive; changes in, exact SQL out.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planWithRoles;

Model withGrants(std::optional<std::vector<Grant>> grants) {
  Model m = model({table("orders", {col("id", "bigint", false), col("status", "text")})});
  m.tables[0].grants = std::move(grants);
  return m;
}

}  // namespace

TEST(Grants, MissingPrivilegesAreGrantedPerRoleAndColumn) {
  const Plan p = planWithRoles(withGrants(std::vector<Grant>{}),
                         withGrants(std::vector<Grant>{{"app", {"INSERT", "SELECT"}, {}, ""},
                                                       {"support", {"SELECT"}, {"id", "status"}, ""}}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Grant orders:grant:app [safe]", "Grant orders.id:grant:support [safe]",
                                                  "Grant orders.status:grant:support [safe]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(GRANT INSERT, SELECT ON TABLE "public"."orders" TO "app")",
                                                      R"(GRANT SELECT ("id") ON TABLE "public"."orders" TO "support")",
                                                      R"(GRANT SELECT ("status") ON TABLE "public"."orders" TO "support")"}));
}

TEST(Grants, PrivilegesOfUndeclaredRolesAreRevokedAndThatIsDestructive) {
  const Plan p = planWithRoles(withGrants(std::vector<Grant>{{"app", {"DELETE", "SELECT"}, {}, ""},
                                                       {"public", {"SELECT"}, {}, ""}}),
                         withGrants(std::vector<Grant>{{"app", {"SELECT"}, {}, ""}}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Revoke orders:grant:app [destructive]",
                                                  "Revoke orders:grant:public [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(REVOKE DELETE ON TABLE "public"."orders" FROM "app")",
                                                      R"(REVOKE SELECT ON TABLE "public"."orders" FROM PUBLIC)"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty());
}

TEST(Grants, NotDeclaredIsNotManagedAndAnEmptyListLeavesTheOwnerAlone) {
  const auto live = withGrants(std::vector<Grant>{{"app", {"SELECT"}, {}, ""}});
  EXPECT_TRUE(planWithRoles(live, withGrants(std::nullopt)).drift.empty());
  EXPECT_EQ(driftOf(planWithRoles(live, withGrants(std::vector<Grant>{}))),
            (std::vector<std::string>{"Revoke orders:grant:app [destructive]"}));
}

TEST(Grants, AMissingRoleBlocksItsGrantOnly) {
  const Plan p = planWithRoles(withGrants(std::vector<Grant>{}),
                         withGrants(std::vector<Grant>{{"app", {"SELECT"}, {}, ""}, {"nobody", {"SELECT"}, {}, ""}}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Grant orders:grant:app [safe]", "Grant orders:grant:nobody [blocked]"}));
  EXPECT_NE(p.drift[1].reason.find("role nobody does not exist"), std::string::npos) << p.drift[1].reason;
  EXPECT_EQ(p.statements().size(), 1u);
}

TEST(Grants, OnTheSchemaAndOnANewTable) {
  Model want = withGrants(std::vector<Grant>{{"app", {"SELECT"}, {}, ""}});
  want.schemaGrants = std::vector<Grant>{{"app", {"USAGE"}, {}, ""}};
  Model have = model({});
  have.schemaGrants = std::vector<Grant>{{"public", {"CREATE", "USAGE"}, {}, ""}};
  const Plan p = planWithRoles(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateTable orders [safe]", "Grant orders:grant:app [safe]",
                                                  "Grant schema:grant:app [safe]", "Revoke schema:grant:public [destructive]"}));
  const auto statements = p.statements();
  EXPECT_EQ(statements[1], R"(GRANT SELECT ON TABLE "public"."orders" TO "app")");
  EXPECT_EQ(statements[2], R"(GRANT USAGE ON SCHEMA "public" TO "app")");
  EXPECT_EQ(statements[3], R"(REVOKE CREATE, USAGE ON SCHEMA "public" FROM PUBLIC)");
}
