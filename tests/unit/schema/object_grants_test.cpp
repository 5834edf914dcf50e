// Contract Part 2, Access: grants on views and sequences in diff, classify and plan — the same
// rule as a table's (exactly the declared privileges where `grants` is declared), rendered ON
// TABLE for a view and ON SEQUENCE for a sequence; granted after the plan creates the object, and
// again after it drops and creates a view (the drop takes the privileges with it).
#include <gtest/gtest.h>

#include "builders.hpp"
#include "plan_helpers.hpp"
#include "schema/sequence.hpp"

using namespace schema;
using namespace testbuild;

namespace {

using plantest::driftOf;
using plantest::planWithRoles;

using Grants = std::vector<Grant>;

const std::vector<ViewColumn> kId{{"id", "bigint"}};
const std::vector<ViewColumn> kIdEmail{{"id", "bigint"}, {"email", "text"}};

View view(std::string name, std::string query, std::vector<ViewColumn> columns, std::optional<Grants> grants,
          bool materialized = false) {
  View v;
  v.name = std::move(name);
  v.query = std::move(query);
  v.columns = std::move(columns);
  v.reads = {{"customers", "id"}};
  v.grants = std::move(grants);
  v.materialized = materialized;
  return v;
}

Model withViews(std::vector<View> views) {
  Model m = model({table("customers", {col("id", "bigint", false), col("email", "text")}, {"id"})});
  m.views = std::move(views);
  return m;
}

Model withSequence(std::optional<Grants> grants, bool present = true) {
  Model m = model({});
  if (!present) return m;
  Sequence s;
  s.name = "invoice_no";
  s = withDefaults(s);  // as the catalog has it: every option set
  s.grants = std::move(grants);
  m.sequences = {s};
  return m;
}

const char* const kQuery = "SELECT id FROM customers";

}  // namespace

TEST(ObjectGrants, AViewHoldsExactlyItsDeclaredPrivilegesRenderedOnTable) {
  const Model have = withViews({view("active", kQuery, kId, Grants{{"app", {"DELETE", "SELECT"}, {}, ""},
                                                                   {"public", {"SELECT"}, {}, ""}})});
  const Model want = withViews({view("active", kQuery, kId, Grants{{"app", {"SELECT"}, {}, ""},
                                                                   {"support", {"INSERT", "SELECT"}, {}, ""}})});
  const Plan p = planWithRoles(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Grant active:grant:support [safe]",
                                                  "Revoke active:grant:app [destructive]",
                                                  "Revoke active:grant:public [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(GRANT INSERT, SELECT ON TABLE "public"."active" TO "support")",
                                                      R"(REVOKE DELETE ON TABLE "public"."active" FROM "app")",
                                                      R"(REVOKE SELECT ON TABLE "public"."active" FROM PUBLIC)"}));
  EXPECT_EQ(std::get<GrantChange>(p.drift[0].detail).on, GrantOn::View);
  EXPECT_EQ(runnable(p, Approval{}).size(), 1u) << "the revokes wait for approval";
}

TEST(ObjectGrants, AViewWithoutGrantsKeepsWhatItHasAndTheSameGrantsInAnotherOrderAreNotDrift) {
  const Model have = withViews({view("active", kQuery, kId, Grants{{"app", {"INSERT", "SELECT"}, {}, ""}})});
  EXPECT_TRUE(planWithRoles(have, withViews({view("active", kQuery, kId, std::nullopt)})).drift.empty());
  // Listed twice, or with the privileges apart: the same privileges.
  const Model again = withViews({view("active", kQuery, kId, Grants{{"app", {"SELECT"}, {}, ""},
                                                                    {"app", {"INSERT"}, {}, ""}})});
  EXPECT_TRUE(planWithRoles(have, again).drift.empty());
}

TEST(ObjectGrants, ANewViewIsGrantedAfterItIsCreatedAndAMissingRoleBlocksOnlyItsGrant) {
  const Model want = withViews({view("active", kQuery, kId, Grants{{"app", {"SELECT"}, {}, ""},
                                                                   {"reporting", {"SELECT"}, {}, ""}})});
  const Plan p = planWithRoles(withViews({}), want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"CreateView active [safe]", "Grant active:grant:app [safe]",
                                                  "Grant active:grant:reporting [blocked]"}));
  EXPECT_EQ(p.drift[2].reason.rfind("role reporting does not exist;", 0), 0u) << p.drift[2].reason;
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(CREATE VIEW "public"."active" AS SELECT id FROM customers)",
                                                      R"(GRANT SELECT ON TABLE "public"."active" TO "app")"}));
}

TEST(ObjectGrants, AViewReplacedInPlaceKeepsItsPrivilegesAndOneDroppedAndCreatedIsGrantedAgain) {
  const Grants held{{"app", {"SELECT"}, {}, ""}};
  // CREATE OR REPLACE VIEW keeps the ACL: nothing to grant.
  const Plan inPlace = planWithRoles(withViews({view("active", kQuery, kId, held)}),
                                     withViews({view("active", "SELECT id, email FROM customers", kIdEmail, held)}));
  EXPECT_EQ(driftOf(inPlace), (std::vector<std::string>{"ReplaceView active [safe]"}));
  // A column lost: DROP VIEW and CREATE VIEW, which leaves the owner alone; granted again after.
  const Plan remade = planWithRoles(withViews({view("active", "SELECT id, email FROM customers", kIdEmail, held)}),
                                    withViews({view("active", kQuery, kId, held)}));
  EXPECT_EQ(driftOf(remade), (std::vector<std::string>{"ReplaceView active [safe]", "Grant active:grant:app [safe]"}));
  EXPECT_EQ(remade.statements(), (std::vector<std::string>{R"(DROP VIEW "public"."active")",
                                                           R"(CREATE VIEW "public"."active" AS SELECT id FROM customers)",
                                                           R"(GRANT SELECT ON TABLE "public"."active" TO "app")"}));
  // Without `grants`, what it held before is granted again (a view without the list keeps its own).
  const Plan kept = planWithRoles(withViews({view("active", "SELECT id, email FROM customers", kIdEmail, held)}),
                                  withViews({view("active", kQuery, kId, std::nullopt)}));
  EXPECT_EQ(driftOf(kept), (std::vector<std::string>{"ReplaceView active [safe]", "Grant active:grant:app [safe]"}));
}

TEST(ObjectGrants, AViewMadeAgainAroundAColumnTypeChangeAndARebuiltMaterializedViewAreGrantedAgain) {
  const Grants held{{"app", {"SELECT"}, {}, ""}};
  Model have = withViews({view("active", kQuery, kId, held)});
  Model want = withViews({view("active", kQuery, {{"id", "integer"}}, std::nullopt)});
  want.tables[0].columns[0].type = "integer";
  const Plan p = planWithRoles(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType customers.id [destructive]", "Grant active:grant:app [safe]"}));
  EXPECT_EQ(p.statements().back(), R"(GRANT SELECT ON TABLE "public"."active" TO "app")");

  const Plan rebuilt = planWithRoles(withViews({view("totals", kQuery, kId, held, /*materialized=*/true)}),
                                     withViews({view("totals", "SELECT id FROM customers WHERE id > 0", kId, held, true)}));
  EXPECT_EQ(driftOf(rebuilt), (std::vector<std::string>{"ReplaceMaterializedView totals [destructive]",
                                                        "Grant totals:grant:app [safe]"}));
}

TEST(ObjectGrants, ASequenceHoldsItsDeclaredPrivilegesOnSequenceAndANewOneIsGrantedAfterItIsCreated) {
  const Plan p = planWithRoles(withSequence(Grants{{"app", {"UPDATE"}, {}, ""}}),
                               withSequence(Grants{{"app", {"SELECT", "USAGE"}, {}, ""}}));
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"Grant invoice_no:grant:app [safe]",
                                                  "Revoke invoice_no:grant:app [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(GRANT SELECT, USAGE ON SEQUENCE "public"."invoice_no" TO "app")",
                                                      R"(REVOKE UPDATE ON SEQUENCE "public"."invoice_no" FROM "app")"}));

  const Plan created = planWithRoles(withSequence(std::nullopt, /*present=*/false), withSequence(Grants{{"app", {"USAGE"}, {}, ""}}));
  EXPECT_EQ(driftOf(created), (std::vector<std::string>{"CreateSequence invoice_no [safe]", "Grant invoice_no:grant:app [safe]"}));
  EXPECT_EQ(created.statements().back(), R"(GRANT USAGE ON SEQUENCE "public"."invoice_no" TO "app")");
  EXPECT_TRUE(planWithRoles(withSequence(Grants{{"app", {"USAGE"}, {}, ""}}), withSequence(std::nullopt)).drift.empty());
}
