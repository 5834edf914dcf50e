// Contract Part 2, Access: default privileges in diff, classify and plan — managed only when
// declared, then exactly the declared ones in the schema; an entry without forRole is for the
// role the catalog was read as; SetDefaultPrivileges safe (blocked while forRole or the role is
// missing) and before what the plan creates; RevokeDefaultPrivileges destructive.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planWithRoles;

using Defaults = std::vector<DefaultPrivilege>;

Model live(Defaults held) {
  Model m = model({});
  m.sessionRole = "operator";
  m.defaultPrivileges = std::move(held);
  return m;
}

Model declared(std::optional<Defaults> entries) {
  Model m = model({});
  m.defaultPrivileges = std::move(entries);
  return m;
}

const std::set<std::string> kRoles = {"app", "migrator", "operator", "support"};

}  // namespace

TEST(DefaultPrivileges, MissingOnesAreSetAndUndeclaredOnesRevokedWithApproval) {
  const Plan p = planWithRoles(live({{"migrator", "tables", "app", {"DELETE", "SELECT"}, ""},
                                     {"migrator", "functions", "public", {"EXECUTE"}, ""}}),
                               declared(Defaults{{"migrator", "tables", "app", {"INSERT", "SELECT"}, ""},
                                                 {"migrator", "sequences", "app", {"USAGE"}, ""}}),
                               kRoles);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetDefaultPrivileges default:migrator:sequences:app [safe]",
                                                  "SetDefaultPrivileges default:migrator:tables:app [safe]",
                                                  "RevokeDefaultPrivileges default:migrator:functions:public [destructive]",
                                                  "RevokeDefaultPrivileges default:migrator:tables:app [destructive]"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "public" GRANT USAGE ON SEQUENCES TO "app")",
                R"(ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "public" GRANT INSERT ON TABLES TO "app")",
                R"(ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "public" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC)",
                R"(ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "public" REVOKE DELETE ON TABLES FROM "app")"}));
  EXPECT_EQ(runnable(p, Approval{}).size(), 2u);
}

TEST(DefaultPrivileges, NotDeclaredIsNotManagedAndAnEmptyListRevokesEveryOne) {
  const auto held = live({{"migrator", "types", "app", {"USAGE"}, ""}});
  EXPECT_TRUE(planWithRoles(held, declared(std::nullopt), kRoles).drift.empty());
  EXPECT_EQ(driftOf(planWithRoles(held, declared(Defaults{}), kRoles)),
            (std::vector<std::string>{"RevokeDefaultPrivileges default:migrator:types:app [destructive]"}));
}

TEST(DefaultPrivileges, WithoutForRoleTheyAreTheSessionRolesAndTheSameOnesAreNotDrift) {
  const auto held = live({{"operator", "tables", "app", {"INSERT", "SELECT"}, ""}});
  EXPECT_TRUE(planWithRoles(held, declared(Defaults{{"", "tables", "app", {"SELECT"}, ""},
                                                    {"operator", "tables", "app", {"INSERT"}, ""}}),
                            kRoles)
                  .drift.empty());
  const Plan p = planWithRoles(live({}), declared(Defaults{{"", "tables", "support", {"SELECT"}, ""}}), kRoles);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetDefaultPrivileges default:operator:tables:support [safe]"}));
  EXPECT_EQ(p.statements()[0],
            R"(ALTER DEFAULT PRIVILEGES FOR ROLE "operator" IN SCHEMA "public" GRANT SELECT ON TABLES TO "support")");
}

TEST(DefaultPrivileges, AMissingForRoleOrRoleBlocksTheEntryAndTheRestProceeds) {
  const Plan p = planWithRoles(live({}),
                               declared(Defaults{{"nobody", "tables", "app", {"SELECT"}, ""},
                                                 {"migrator", "tables", "ghost", {"SELECT"}, ""},
                                                 {"migrator", "functions", "app", {"EXECUTE"}, ""}}),
                               kRoles);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetDefaultPrivileges default:migrator:functions:app [safe]",
                                                  "SetDefaultPrivileges default:migrator:tables:ghost [blocked]",
                                                  "SetDefaultPrivileges default:nobody:tables:app [blocked]"}));
  EXPECT_EQ(p.drift[1].reason.rfind("role ghost does not exist;", 0), 0u) << p.drift[1].reason;
  EXPECT_EQ(p.drift[2].reason.rfind("role nobody does not exist;", 0), 0u) << p.drift[2].reason;
  EXPECT_EQ(p.statements().size(), 1u);
}

TEST(DefaultPrivileges, AreSetBeforeTheTablesThePlanCreates) {
  Model want = declared(Defaults{{"migrator", "tables", "app", {"SELECT"}, ""}});
  want.tables = {table("orders", {col("id", "bigint", false)})};
  const Plan p = planWithRoles(live({}), want, kRoles);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetDefaultPrivileges default:migrator:tables:app [safe]",
                                                  "CreateTable orders [safe]"}));
}
