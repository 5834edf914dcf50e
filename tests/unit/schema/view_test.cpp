// Views, the pure half: how a query is compared, what is asked of the server, what diff finds and
// in which order, the exact SQL plan renders, and how classify blocks a change under an
// undeclared view.
#include "schema/view.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

View view(std::string name, std::string query, std::vector<ViewColumn> columns, std::vector<ViewRead> reads) {
  View v;
  v.name = std::move(name);
  v.query = std::move(query);
  v.columns = std::move(columns);
  v.reads = std::move(reads);
  return v;
}

std::vector<std::string> kinds(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(toString(c.kind)) + " " + c.object);
  return out;
}

std::vector<Change> diffOf(const Model& have, const Model& want, bool prune = false) {
  Policy policy;
  policy.prune = prune;
  return diff(have, want, policy, Canon{});
}

Plan planOf(const Model& have, const Model& want, bool prune = false) {
  return plan(classify(diffOf(have, want, prune), Facts{}), "public");
}

const std::vector<ViewColumn> kId{{"id", "bigint"}};
const std::vector<ViewColumn> kIdEmail{{"id", "bigint"}, {"email", "text"}};

Model withTable(std::vector<View> views) {
  Model m = model({table("customers", {col("id", "bigint", false), col("email", "text")}, {"id"})});
  m.views = std::move(views);
  return m;
}

}  // namespace

TEST(ViewQuery, WhiteSpaceOutsideQuotesAndTheSemicolonAreNotPartOfTheQuery) {
  EXPECT_EQ(normalizeViewQuery(" SELECT id,\n    email\n   FROM customers;"), "SELECT id, email FROM customers");
  EXPECT_EQ(normalizeViewQuery("SELECT 'a  b' AS \"x  y\"  FROM t"), "SELECT 'a  b' AS \"x  y\" FROM t");
  EXPECT_NE(normalizeViewQuery("SELECT 'a  b'"), normalizeViewQuery("SELECT 'a b'"));
}

TEST(ViewOrder, AViewComesAfterTheViewsItReadsWhateverTheDeclaredOrder) {
  const std::vector<View> views{view("c", "", {}, {{"b", ""}}), view("b", "", {}, {{"a", "x"}}),
                                view("a", "", {}, {{"customers", "id"}}), view("d", "", {}, {})};
  std::vector<std::string> names;
  for (const View* v : creationOrder(views)) names.push_back(v->name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "d", "b", "c"}));
}

TEST(ViewDiff, CreatesNewViewsInCreationOrderAfterTheTablesAndDropsUndeclaredOnesOnlyWithPrune) {
  const Model have = withTable({view("old", "SELECT 1", {}, {})});
  const Model want = withTable({view("reader", "SELECT id FROM base", kId, {{"base", "id"}}),
                                view("base", "SELECT id FROM customers", kId, {{"customers", "id"}})});
  EXPECT_EQ(kinds(diffOf(have, want)), (std::vector<std::string>{"CreateView base", "CreateView reader"}));
  const Plan p = planOf(have, want, /*prune=*/true);
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"CreateView base", "CreateView reader", "DropView old"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(CREATE VIEW "public"."base" AS SELECT id FROM customers)",
                                R"(CREATE VIEW "public"."reader" AS SELECT id FROM base)",
                                R"(DROP VIEW "public"."old")",
                            }));
  EXPECT_EQ(p.drift.back().safety, Safety::Destructive);
}

TEST(ViewDiff, SameTextIsNotDriftAndAChangedCommentIsSetAlone) {
  const Model have = withTable({view("v", " SELECT id\n   FROM customers;", kId, {{"customers", "id"}})});
  Model want = withTable({view("v", "SELECT id FROM customers", kId, {{"customers", "id"}})});
  EXPECT_TRUE(diffOf(have, want).empty());
  want.views[0].comment = "Who";
  const Plan p = planOf(have, want);
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"SetComment v"});
  EXPECT_EQ(p.statements(), std::vector<std::string>{R"(COMMENT ON VIEW "public"."v" IS 'Who')"});
}

TEST(ViewDiff, AViewThatKeepsItsColumnsIsReplacedInPlaceWithItsOptions) {
  const Model have = withTable({view("v", "SELECT id FROM customers", kId, {{"customers", "id"}})});
  Model want = withTable({view("v", "SELECT id, email FROM customers", kIdEmail, {{"customers", "email"}, {"customers", "id"}})});
  want.views[0].securityBarrier = true;
  want.views[0].checkOption = CheckOption::Cascaded;
  const Plan p = planOf(have, want);
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"ReplaceView v"});
  EXPECT_EQ(p.drift[0].safety, Safety::Safe);
  EXPECT_EQ(p.statements(), std::vector<std::string>{R"(CREATE OR REPLACE VIEW "public"."v" WITH )"
                                                     R"((check_option=cascaded, security_barrier=true) AS SELECT id, )"
                                                     R"(email FROM customers)"});
}

TEST(ViewDiff, AViewThatLosesAColumnIsDroppedAndCreatedWithItsDeclaredReadersInOneStep) {
  const Model have = withTable({view("v", "SELECT id, email FROM customers", kIdEmail, {{"customers", "id"}}),
                                view("w", "SELECT id FROM v", kId, {{"v", "id"}})});
  const Model want = withTable({view("w", "SELECT id FROM v", kId, {{"v", "id"}}),
                                view("v", "SELECT id FROM customers", kId, {{"customers", "id"}})});
  const Plan p = planOf(have, want);
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"ReplaceView v"}) << "w is made again by v's replacement";
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_TRUE(p.steps[0].transactional);
  EXPECT_EQ(p.steps[0].statements, (std::vector<std::string>{
                                       R"(DROP VIEW "public"."w")",
                                       R"(DROP VIEW "public"."v")",
                                       R"(CREATE VIEW "public"."v" AS SELECT id FROM customers)",
                                       R"(CREATE VIEW "public"."w" AS SELECT id FROM v)",
                                   }));
  EXPECT_EQ(p.steps[0].locks, (std::vector<TableLock>{{R"("public"."v")", LockMode::AccessExclusive},
                                                      {R"("public"."w")", LockMode::AccessExclusive}}));

  // Undeclared, the reader blocks the replacement rather than being lost.
  const Model alone = withTable({view("v", "SELECT id FROM customers", kId, {{"customers", "id"}})});
  const Plan blocked = planOf(have, alone);
  ASSERT_EQ(blocked.drift.size(), 1u);
  EXPECT_EQ(blocked.drift[0].safety, Safety::Blocked);
  EXPECT_EQ(blocked.drift[0].reason,
            "view w reads v but is not declared; declare it under spec.views (the change then drops and creates it "
            "again around itself) or drop it first");
  EXPECT_TRUE(blocked.steps.empty());
}

TEST(ViewDiff, AColumnTypeChangeUnderAViewTakesTheDeclaredViewsDownAndBackUp) {
  Model have = model({table("t", {col("a", "integer")})});
  have.views = {view("v", "SELECT a FROM t", {{"a", "integer"}}, {{"t", "a"}}),
                view("w", "SELECT a FROM v", {{"a", "integer"}}, {{"v", "a"}}),
                view("other", "SELECT 1", {}, {{"t", ""}})};
  have.views[1].comment = "kept";
  Model want = model({table("t", {col("a", "bigint")})});
  want.views = {view("w", "SELECT a FROM v", {{"a", "bigint"}}, {{"v", "a"}}),
                view("v", "SELECT a FROM t", {{"a", "bigint"}}, {{"t", "a"}}), view("other", "SELECT 1", {}, {})};
  const Plan p = planOf(have, want, /*prune=*/false);
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"ChangeType t.a"});
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(DROP VIEW "public"."w")",
                                R"(DROP VIEW "public"."v")",
                                R"(ALTER TABLE "public"."t" ALTER COLUMN "a" TYPE bigint USING "a"::bigint)",
                                R"(CREATE VIEW "public"."v" AS SELECT a FROM t)",
                                R"(CREATE VIEW "public"."w" AS SELECT a FROM v)",
                                R"(COMMENT ON VIEW "public"."w" IS 'kept')",
                            }));

  // A reader that is not declared blocks the change, named; a view of the whole table does not.
  want.views.erase(want.views.begin());
  const Plan blocked = planOf(have, want);
  ASSERT_EQ(blocked.drift.size(), 1u);
  EXPECT_EQ(blocked.drift[0].safety, Safety::Blocked);
  EXPECT_EQ(blocked.drift[0].undeclaredViews, std::vector<std::string>{"w"});
  EXPECT_NE(blocked.drift[0].reason.find("view w reads t.a but is not declared"), std::string::npos)
      << blocked.drift[0].reason;
}

TEST(ViewDiff, AColumnDropUnderAnUndeclaredViewIsBlockedUnlessThePlanDropsTheViewFirst) {
  Model have = model({table("t", {col("a", "integer"), col("b", "integer")})});
  have.views = {view("v", "SELECT b FROM t", {{"b", "integer"}}, {{"t", "b"}})};
  const Model want = model({table("t", {col("a", "integer")})});
  const Plan blocked = planOf(have, want);
  EXPECT_EQ(kinds(blocked.drift), std::vector<std::string>{"DropColumn t.b"});
  EXPECT_EQ(blocked.drift[0].safety, Safety::Blocked);
  const Plan pruned = planOf(have, want, /*prune=*/true);
  EXPECT_EQ(kinds(pruned.drift), (std::vector<std::string>{"DropView v", "DropColumn t.b"}));
  EXPECT_EQ(pruned.blocked, 0);
}

TEST(ViewDiff, AMaterializedViewIsRebuiltWithItsIndexesAsADestructiveChange) {
  View live = view("m", "SELECT id FROM customers", kId, {{"customers", "id"}});
  live.materialized = true;
  View wanted = view("m", "SELECT id FROM customers WHERE email IS NOT NULL", kId, {{"customers", "id"}});
  wanted.materialized = true;
  wanted.indexes = {index("m_id", {"id"})};
  wanted.indexes[0].unique = true;
  const Plan p = planOf(withTable({live}), withTable({wanted}));
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"ReplaceMaterializedView m"});
  EXPECT_EQ(p.destructive, 1);
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(DROP MATERIALIZED VIEW "public"."m")",
                                R"(CREATE MATERIALIZED VIEW "public"."m" AS SELECT id FROM customers WHERE email IS )"
                                R"(NOT NULL WITH DATA)",
                                R"(CREATE UNIQUE INDEX "m_id" ON "public"."m" USING "btree" ("id"))",
                            }));

  // The same query: only the index is new, built concurrently on the materialized view.
  live.query = wanted.query;
  const Plan indexed = planOf(withTable({live}), withTable({wanted}));
  EXPECT_EQ(kinds(indexed.drift), std::vector<std::string>{"CreateIndex m.m_id"});
  EXPECT_EQ(indexed.statements(),
            std::vector<std::string>{R"(CREATE UNIQUE INDEX CONCURRENTLY "m_id" ON "public"."m" USING "btree" ("id"))"});
}

TEST(ViewQuestions, NothingIsAskedWhileEveryViewIsTheLiveOneAndNoTableItReadsChanges) {
  const Model have = withTable({view("v", " SELECT id\n   FROM customers;", kId, {{"customers", "id"}})});
  Model want = withTable({view("v", "SELECT id FROM customers", {}, {})});
  EXPECT_TRUE(viewQuestions(have, want).empty());
  auto same = canonicalViews(have, want, {});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->views[0].query, have.views[0].query) << "the live text, which Postgres printed";
  EXPECT_EQ(same->views[0].reads, have.views[0].reads);

  // A table the view reads changes shape: every view is asked, over a stand-in for the table.
  want.tables[0].columns[1].type = "character varying(10)";
  const ViewQuestions q = viewQuestions(have, want);
  ASSERT_EQ(q.views.size(), 1u);
  EXPECT_EQ(q.views[0].query, "SELECT id FROM customers");
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].name, "customers");
  EXPECT_EQ(q.tables[0].columns, (std::vector<ViewColumn>{{"id", "bigint"}, {"email", "character varying(10)"}}));
}

TEST(ViewQuestions, AnUnansweredNewQueryIsAnErrorNamingItNeverPassedOn) {
  const Model have = withTable({});
  Model want = withTable({view("v", "SELECT id FROM customers", {}, {})});
  want.views[0].field = "spec.views[0]";
  EXPECT_EQ(viewQuestions(have, want).views.size(), 1u);
  auto out = canonicalViews(have, want, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().field, "spec.views[0].query");
  ViewAnswers answers;
  answers["v"] = {" SELECT id\n   FROM customers", kId, {{"customers", "id"}}};
  auto answered = canonicalViews(have, want, answers);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->views[0].query, " SELECT id\n   FROM customers");
  EXPECT_EQ(answered->views[0].columns, kId);
}

TEST(ViewQuestions, AMaterializedViewsIndexNamesAColumnOfTheViewAsPostgresMadeIt) {
  View m = view("m", "SELECT id FROM customers", {}, {});
  m.materialized = true;
  m.indexes = {index("m_email", {"email"})};
  m.indexes[0].field = "spec.views[0].indexes[0]";
  const Model want = withTable({m});
  ViewAnswers answers;
  answers["m"] = {"SELECT id FROM customers", kId, {{"customers", "id"}}};
  auto out = canonicalViews(withTable({}), want, answers);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().field, "spec.views[0].indexes[0].columns[0]");
  EXPECT_EQ(out.error().message, "\"email\" is not a column of view \"m\"");
}
