// Contract Part 2, table layer, in diff, classify and plan: changes in, exact SQL out.
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
using plantest::planFor;

Column collated(Column c, std::string collation) {
  c.collation = std::move(collation);
  return c;
}

Column generated(Column c, std::string expression) {
  c.generated = std::move(expression);
  return c;
}

Exclusion noOverlap(std::string definition) {
  Exclusion x;
  x.name = "no_overlap";
  x.elements = {{"room", "", "", false, "="}, {"", "tstzrange(starts_at, ends_at)", "", false, "&&"}};
  x.definition = std::move(definition);
  return x;
}

const char* kOverlap = "EXCLUDE USING gist (room WITH =, tstzrange(starts_at, ends_at) WITH &&)";

}  // namespace

TEST(TableLayer, CreatesEveryPart2OptionInOneStatement) {
  Table p = table("p", {col("id", "integer", false)}, {"id"});
  Table t = table("t", {collated(col("email", "text"), "C"), generated(col("email_lower", "text"), "lower(email)"),
                        col("p_id", "integer")});
  t.unlogged = true;
  t.uniques.push_back(Unique{"t_email_key", {"email"}, "", Deferrable::InitiallyDeferred});
  t.checks.push_back(Check{"t_p_check", "p_id > 0", true, "", true});
  t.exclusions.push_back(noOverlap(kOverlap));
  ForeignKey fk{"t_p_fkey", {"p_id"}, "p", {"id"}, FkAction::NoAction, FkAction::NoAction, true, "",
                Deferrable::InitiallyImmediate, true};
  t.foreignKeys.push_back(fk);
  const Plan plan = planFor(Model{}, model({p, t}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{
                R"(CREATE TABLE "public"."p" ("id" integer NOT NULL, CONSTRAINT "p_pkey" PRIMARY KEY ("id")))",
                R"(CREATE UNLOGGED TABLE "public"."t" ("email" text COLLATE "C", "email_lower" text GENERATED ALWAYS AS (lower(email)) STORED, "p_id" integer, CONSTRAINT "t_email_key" UNIQUE ("email") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "t_p_check" CHECK (p_id > 0) NO INHERIT, CONSTRAINT "no_overlap" EXCLUDE USING gist (room WITH =, tstzrange(starts_at, ends_at) WITH &&)))",
                R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_p_fkey" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") MATCH FULL ON DELETE NO ACTION ON UPDATE NO ACTION DEFERRABLE INITIALLY IMMEDIATE)",
            }));
}

TEST(TableLayer, EqualOptionsAreNoDrift) {
  Table t = table("t", {collated(col("email", "text"), "C"), generated(col("email_lower", "text"), "lower(email)")});
  t.unlogged = true;
  t.uniques.push_back(Unique{"t_email_key", {"email"}, "", Deferrable::InitiallyDeferred});
  t.checks.push_back(Check{"t_check", "(length(email) > 0)", true, "", true});
  t.exclusions.push_back(noOverlap(kOverlap));
  Model have = model({t});
  Model want = have;
  want.tables[0].checks[0].expression = "length(email) > 0";
  want.tables[0].columns[1].generated = "(lower(email))";
  EXPECT_TRUE(planFor(have, want).drift.empty()) << ::testing::PrintToString(driftOf(planFor(have, want)));
}

TEST(TableLayer, CollationChangeIsAChangeTypeKeepingTheType) {
  Model have = model({table("t", {col("name", "character varying(20)")})});
  Model want = model({table("t", {collated(col("name", "character varying(20)"), "C")})});
  Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType t.name [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(ALTER TABLE "public"."t" ALTER COLUMN "name" TYPE character varying(20) COLLATE "C")"}));
  // And back to the type's own collation.
  p = planFor(want, have);
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(ALTER TABLE "public"."t" ALTER COLUMN "name" TYPE character varying(20) COLLATE "default")"}));
}

TEST(TableLayer, TypeAndCollationChangeTogether) {
  Model have = model({table("t", {col("name", "character varying(20)")})});
  Model want = model({table("t", {collated(col("name", "text"), "C")})});
  const Plan p = planFor(have, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(ALTER TABLE "public"."t" ALTER COLUMN "name" TYPE text COLLATE "C" USING "name"::text)"}));
}

TEST(TableLayer, GeneratedExpressionChangeUsesSetExpressionFrom17) {
  Model have = model({table("t", {col("a", "integer"), generated(col("b", "integer"), "(a * 2)")})});
  Model want = model({table("t", {col("a", "integer"), generated(col("b", "integer"), "(a * 3)")})});
  have.serverVersion = 170002;
  Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType t.b [destructive]"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(ALTER TABLE "public"."t" ALTER COLUMN "b" SET EXPRESSION AS ((a * 3)))"}));

  have.serverVersion = 160004;
  p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType t.b [blocked]"}));
  EXPECT_NE(p.drift[0].reason.find("needs Postgres 17"), std::string::npos) << p.drift[0].reason;
  EXPECT_TRUE(p.steps.empty());
}

TEST(TableLayer, AColumnCannotBecomeGeneratedButCanStopBeingIt) {
  Model plain = model({table("t", {col("a", "integer"), col("b", "integer")})});
  Model gen = model({table("t", {col("a", "integer"), generated(col("b", "integer"), "(a * 2)")})});
  Plan p = planFor(plain, gen);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType t.b [blocked]"}));
  EXPECT_NE(p.drift[0].reason.find("cannot make existing column t.b generated"), std::string::npos);

  p = planFor(gen, plain);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"ChangeType t.b [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."t" ALTER COLUMN "b" DROP EXPRESSION)"}));
}

TEST(TableLayer, AddsAGeneratedCollatedColumn) {
  Model have = model({table("t", {col("email", "text")})});
  Model want = model({table("t", {col("email", "text"), collated(generated(col("e", "text"), "lower(email)"), "C")})});
  EXPECT_EQ(planFor(have, want).statements(),
            (std::vector<std::string>{
                R"(ALTER TABLE "public"."t" ADD COLUMN "e" text COLLATE "C" GENERATED ALWAYS AS (lower(email)) STORED)"}));
}

TEST(TableLayer, LoggedAndUnloggedAreDestructive) {
  Model logged = model({table("t", {col("a", "integer")})});
  Model unlogged = logged;
  unlogged.tables[0].unlogged = true;
  Plan p = planFor(logged, unlogged);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetUnlogged t [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."t" SET UNLOGGED)"}));
  p = planFor(unlogged, logged);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"SetLogged t [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."t" SET LOGGED)"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty());
  EXPECT_EQ(runnable(p, *Approval::parse("SetLogged", "x")).size(), 1u);
}

TEST(TableLayer, DeferrableUniqueChangeReplacesTheKey) {
  Table t = table("t", {col("a", "integer")});
  t.uniques.push_back(Unique{"t_a_key", {"a"}, "", Deferrable::No});
  Model have = model({t});
  Model want = have;
  want.tables[0].uniques[0].deferrable = Deferrable::InitiallyDeferred;
  const Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"DropUnique t.t_a_key [destructive]", "AddUnique t.t_a_key [safe]"}));
  EXPECT_EQ(p.statements().back(),
            R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_key" UNIQUE USING INDEX "t_a_key" DEFERRABLE INITIALLY DEFERRED)");
}

TEST(TableLayer, MatchAndDeferrableOfAForeignKeyAreCompared) {
  Table p = table("p", {col("id", "integer", false)}, {"id"});
  Table t = table("t", {col("p_id", "integer")});
  t.foreignKeys.push_back(ForeignKey{"t_p_fkey", {"p_id"}, "p", {"id"}, FkAction::NoAction, FkAction::NoAction, true, ""});
  Model have = model({p, t});
  Model want = have;
  want.tables[1].foreignKeys[0].matchFull = true;
  want.tables[1].foreignKeys[0].deferrable = Deferrable::InitiallyDeferred;
  const Plan plan = planFor(have, want);
  EXPECT_EQ(driftOf(plan), (std::vector<std::string>{"DropForeignKey t.t_p_fkey [destructive]", "AddForeignKey t.t_p_fkey [safe]"}));
  EXPECT_EQ(plan.statements(),
            (std::vector<std::string>{
                R"(ALTER TABLE "public"."t" DROP CONSTRAINT IF EXISTS "t_p_fkey")",
                R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_p_fkey" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") MATCH FULL ON DELETE NO ACTION ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED NOT VALID)",
                R"(ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_p_fkey")",
            }));
}

TEST(TableLayer, NoInheritOfACheckIsCompared) {
  Table t = table("t", {col("a", "integer")});
  t.checks.push_back(Check{"t_a_check", "(a > 0)", true, "", false});
  Model have = model({t});
  Model want = have;
  want.tables[0].checks[0].noInherit = true;
  const Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"DropCheck t.t_a_check [destructive]", "AddCheck t.t_a_check [safe]"}));
  EXPECT_EQ(p.statements()[1], R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_check" CHECK ((a > 0)) NO INHERIT NOT VALID)");
}

TEST(TableLayer, ExclusionsAreAddedSafelyAndDroppedDestructively) {
  Model have = model({table("t", {col("room", "integer")})});
  Model want = have;
  want.tables[0].exclusions.push_back(noOverlap(kOverlap));
  Plan p = planFor(have, want);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"AddExclusion t.no_overlap [safe]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{std::string(R"(ALTER TABLE "public"."t" ADD CONSTRAINT "no_overlap" )") + kOverlap}));
  p = planFor(want, have);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"DropExclusion t.no_overlap [destructive]"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TABLE "public"."t" DROP CONSTRAINT IF EXISTS "no_overlap")"}));

  // A changed definition is a drop and an add, held back together without approval.
  Model changed = want;
  changed.tables[0].exclusions[0].definition = std::string(kOverlap) + " WHERE (room > 0)";
  p = planFor(want, changed);
  EXPECT_EQ(driftOf(p), (std::vector<std::string>{"DropExclusion t.no_overlap [destructive]", "AddExclusion t.no_overlap [safe]"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty());
}

TEST(TableLayer, ExclusionSqlQuotesNamesAndParenthesisesExpressions) {
  Exclusion x = noOverlap("");
  x.method = "gist";
  x.elements[1].opclass = "range_ops";
  x.elements[1].descending = true;
  x.where = "NOT cancelled";
  EXPECT_EQ(exclusionSql(x),
            R"(EXCLUDE USING "gist" ("room" WITH =, (tstzrange(starts_at, ends_at)) "range_ops" DESC WITH &&) WHERE (NOT cancelled))");
}

TEST(TableLayer, CanonAsksOnlyWhatIsNotCheaplyTheSame) {
  Table live = table("t", {col("a", "integer"), generated(col("b", "integer"), "(a * 2)")});
  live.exclusions.push_back(noOverlap(kOverlap));
  Table declared = table("t", {col("a", "integer"), generated(col("b", "integer"), "a * 2"), collated(col("c", "text"), "C")});
  declared.exclusions.push_back(noOverlap(""));
  const Model have = model({live});
  Model want = model({declared});
  CanonQuestions q = canonQuestions(have, want);
  ASSERT_EQ(q.tables.size(), 0u) << "generated and exclusion are cheaply the same; the collation is a type question";
  ASSERT_EQ(q.types.size(), 2u);
  EXPECT_EQ(q.types[1].type, R"(text COLLATE "C")");
  EXPECT_EQ(q.types[1].field, want.tables[0].columns[2].field + ".collation");
  auto canonical = canonicalModel(have, want, Canon{{{"text", "text"}}, {}, {}, {}});
  ASSERT_TRUE(canonical) << canonical.error().describe();
  EXPECT_EQ(canonical->tables[0].exclusions[0].definition, kOverlap);
  EXPECT_EQ(canonical->tables[0].columns[1].generated, std::optional<std::string>("(a * 2)"));

  want.tables[0].columns[1].generated = "a * 3";
  want.tables[0].exclusions[0].where = "room > 0";
  q = canonQuestions(have, want);
  ASSERT_EQ(q.tables.size(), 1u);
  ASSERT_EQ(q.tables[0].generated.size(), 1u);
  EXPECT_EQ(q.tables[0].generated[0].expression, "a * 3");
  ASSERT_EQ(q.tables[0].exclusions.size(), 1u);
  EXPECT_EQ(q.tables[0].exclusions[0].elements, 2u);
  // Unanswered, the texts never reach a statement.
  EXPECT_FALSE(canonicalModel(have, want, Canon{{{"text", "text"}}, {}, {}, {}}));
}
