// The pure half of changes whose objects depend on each other: what diff finds, how plan orders
// it and what it renders, and how classify carries or blocks an enum rebuild.
#include <gtest/gtest.h>

#include <algorithm>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

std::vector<Change> changesFor(const Model& have, const Model& want) { return diff(have, want, Policy{}, Canon{}); }
Plan planFor(const Model& have, const Model& want) { return plan(changesFor(have, want), want.schema); }

std::vector<std::string> kinds(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(toString(c.kind)) + " " + c.object);
  return out;
}

Column serialId() {
  Column id = withDefault(col("id", "bigint", false), "nextval('t_id_seq'::regclass)");
  id.ownedSequence = "t_id_seq";
  return id;
}

Column identityId(Identity i) {
  Column id = col("id", "bigint", false);
  id.identity = i;
  return id;
}

ForeignKey fkOnto(std::string name, std::vector<std::string> columns, std::string table, std::vector<std::string> ref) {
  return {std::move(name), std::move(columns), std::move(table), std::move(ref), FkAction::Cascade, FkAction::NoAction,
          true, ""};
}

}  // namespace

TEST(SerialToIdentity, ASerialDeclaredIdentityIsOneSafeConversion) {
  const Model have = model({table("t", {serialId()}, {"id"})});
  const Model want = model({table("t", {identityId(Identity::Always)}, {"id"})});
  const auto changes = changesFor(have, want);
  EXPECT_EQ(kinds(changes), std::vector<std::string>{"ConvertSerialToIdentity t.id"});
  EXPECT_FALSE(isDestructive(ChangeKind::ConvertSerialToIdentity));
  EXPECT_EQ(parseChangeKind("ConvertSerialToIdentity"), ChangeKind::ConvertSerialToIdentity);

  const Plan p = plan(changes, "public");
  ASSERT_EQ(p.steps.size(), 1u) << "one transaction: never a column without its numbering";
  EXPECT_TRUE(p.steps[0].transactional);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{
                R"(ALTER TABLE "public"."t" ALTER COLUMN "id" DROP DEFAULT)",
                R"(ALTER SEQUENCE "public"."t_id_seq" OWNED BY NONE)",
                R"(ALTER SEQUENCE "public"."t_id_seq" RENAME TO "t_id_seq__serial")",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY)",
                R"(SELECT setval(pg_get_serial_sequence('"public"."t"', 'id'), COALESCE(GREATEST(taken.m, issued.n), 1), )"
                R"(GREATEST(taken.m, issued.n) IS NOT NULL) FROM (SELECT max("id") AS m FROM "public"."t") AS taken, )"
                R"((SELECT CASE WHEN is_called THEN last_value END AS n FROM "public"."t_id_seq__serial") AS issued)",
                R"(DROP SEQUENCE "public"."t_id_seq__serial")",
            }));
}

TEST(SerialToIdentity, AnIdentityOnAColumnWithAnotherDefaultDropsTheDefaultFirst) {
  const Model have = model({table("t", {withDefault(col("id", "bigint", false), "7")}, {"id"})});
  const Model want = model({table("t", {identityId(Identity::ByDefault)}, {"id"})});
  const Plan p = planFor(have, want);
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"DropDefault t.id", "AddIdentity t.id"}));
}

namespace {

// p(id, code) and c(id, p_code); the declared c gains a foreign key onto p(code), and p the index.
struct KeyOrderCase {
  Model have = model({table("p", {col("id", "int", false), col("code", "text", false)}, {"id"}),
                      table("c", {col("id", "int", false), col("p_code", "text")}, {"id"})});
  Model want;
  KeyOrderCase(Index pIndex) : want(have) {
    pIndex.unique = true;
    want.tables[0].indexes.push_back(std::move(pIndex));
    want.tables[1].foreignKeys.push_back(fkOnto("c_p_fk", {"p_code"}, "p", {"code"}));
  }
};

}  // namespace

TEST(KeyOrder, AUniqueIndexAForeignKeyReferencesIsCreatedBeforeTheKey) {
  KeyOrderCase k(index("p_code_idx", {"code"}));
  const Model& have = k.have;
  Model& want = k.want;
  want.tables[0].indexes.push_back(index("p_other_idx", {"code"}));  // not unique: keeps its place
  EXPECT_EQ(kinds(planFor(have, want).drift),
            (std::vector<std::string>{"CreateIndex p.p_code_idx", "AddForeignKey c.c_p_fk", "CreateIndex p.p_other_idx"}));
}

TEST(KeyOrder, APartialUniqueIndexCannotBeReferencedAndKeepsItsPlace) {
  auto partial = index("p_code_idx", {"code"});
  partial.where = "id > 0";
  const KeyOrderCase k(partial);
  EXPECT_EQ(kinds(planFor(k.have, k.want).drift),
            (std::vector<std::string>{"AddForeignKey c.c_p_fk", "CreateIndex p.p_code_idx"}));
}

TEST(KeySwap, DroppingAUniqueKeyCarriesTheForeignKeysOntoIt) {
  Table parent = table("p", {col("code", "text", false)});
  parent.uniques.push_back({"p_code_key", {"code"}, ""});
  Table child = table("c", {col("id", "int", false), col("p_code", "text")}, {"id"});
  child.foreignKeys.push_back(fkOnto("c_p_fk", {"p_code"}, "p", {"code"}));
  Table unrelated = table("u", {col("id", "int", false), col("p_code", "text")}, {"id"});
  const Model have = model({parent, child, unrelated});
  Model want = have;
  want.tables[0].uniques.clear();
  want.tables[0].primaryKey = PrimaryKey{"p_pkey", {"code"}};

  const Plan p = planFor(have, want);
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"AddPrimaryKey p.p_pkey", "DropUnique p.p_code_key"}));
  std::vector<std::string> dropAndAfter;
  bool seen = false;
  for (const auto& s : p.steps) {
    seen = seen || s.kind == ChangeKind::DropUnique;
    if (seen) dropAndAfter.insert(dropAndAfter.end(), s.statements.begin(), s.statements.end());
  }
  EXPECT_EQ(dropAndAfter,
            (std::vector<std::string>{
                R"(ALTER TABLE "public"."c" DROP CONSTRAINT IF EXISTS "c_p_fk")",
                R"(ALTER TABLE "public"."p" DROP CONSTRAINT IF EXISTS "p_code_key")",
                R"(ALTER TABLE "public"."c" ADD CONSTRAINT "c_p_fk" FOREIGN KEY ("p_code") REFERENCES "public"."p" ("code") ON DELETE CASCADE ON UPDATE NO ACTION NOT VALID)",
                R"(ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_p_fk")",
            }));
  const auto swap = std::find_if(p.steps.begin(), p.steps.end(), [](const Step& s) { return s.kind == ChangeKind::DropUnique; });
  EXPECT_EQ(swap->statements.size(), 3u) << "drop, swap and re-add are one transaction";
  EXPECT_TRUE(swap->transactional);
}

TEST(KeySwap, AForeignKeyThePlanDropsIsNotAddedBack) {
  Table parent = table("p", {col("code", "text", false)});
  parent.uniques.push_back({"p_code_key", {"code"}, ""});
  Table child = table("c", {col("id", "int", false), col("p_code", "text")}, {"id"});
  child.foreignKeys.push_back(fkOnto("c_p_fk", {"p_code"}, "p", {"code"}));
  const Model have = model({parent, child});
  Model want = have;
  want.tables[0].uniques.clear();
  want.tables[1].foreignKeys.clear();
  for (const auto& c : changesFor(have, want))
    if (c.kind == ChangeKind::DropUnique) EXPECT_TRUE(c.dependentKeys.empty());
}

namespace {

Model moodModel(std::vector<std::string> values) {
  Model m;
  m.enums = {{"mood", std::move(values), ""}};
  m.tables = {table("t", {col("m", "mood")})};
  m.tables[0].columns[0].enumType = "mood";
  return m;
}

}  // namespace

TEST(EnumRebuild, ItsDependentsAreTakenDownAndMadeAgainFromTheirPrintedDefinitions) {
  const auto changes = changesFor(moodModel({"sad", "ok"}), moodModel({"ok"}));
  EXPECT_EQ(factsNeeded(changes).rebuiltEnums, std::vector<std::string>{"mood"});
  Facts facts;
  facts.enumUses["mood"].dependents = {
      {EnumDependent::Kind::Index, "t", "t_ok_idx", "CREATE INDEX t_ok_idx ON public.t USING btree (m) WHERE (m <> 'ok'::mood)"},
      {EnumDependent::Kind::Check, "t", "t_m_check", "CHECK ((m <> 'ok'::mood))"},
      {EnumDependent::Kind::Default, "t", "label", "('ok'::mood)::text"},
  };
  const auto classified = classify(changes, facts);
  const Plan p = plan(classified, "public");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{
                R"(DROP INDEX "public"."t_ok_idx")",
                R"(ALTER TABLE "public"."t" DROP CONSTRAINT "t_m_check")",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "label" DROP DEFAULT)",
                R"(ALTER TYPE "public"."mood" RENAME TO "mood__old")",
                R"(CREATE TYPE "public"."mood" AS ENUM ('ok'))",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "m" TYPE "public"."mood" USING "m"::text::"public"."mood")",
                R"(DROP TYPE "public"."mood__old")",
                R"(CREATE INDEX t_ok_idx ON public.t USING btree (m) WHERE (m <> 'ok'::mood))",
                R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_m_check" CHECK ((m <> 'ok'::mood)))",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "label" SET DEFAULT ('ok'::mood)::text)",
            }));
}

TEST(EnumRebuild, WhatItCannotCarryBlocksItByName) {
  Facts facts;
  facts.enumUses["mood"].blockers = {"view happy_people", "function cheer(mood)"};
  const auto classified = classify(changesFor(moodModel({"sad", "ok"}), moodModel({"ok"})), facts);
  ASSERT_EQ(classified.size(), 1u);
  EXPECT_EQ(classified[0].safety, Safety::Blocked);
  EXPECT_NE(classified[0].reason.find("view happy_people, function cheer(mood)"), std::string::npos) << classified[0].reason;
  EXPECT_TRUE(plan(classified, "public").steps.empty());
}

TEST(EnumRebuild, ADependentThePlanDropsIsTakenDownAndLeftDown) {
  Model have = moodModel({"sad", "ok"});
  have.tables[0].indexes.push_back(index("t_sad_idx", {"m"}));  // not declared: dropped by the plan
  const auto changes = changesFor(have, moodModel({"ok"}));
  Facts facts;
  facts.enumUses["mood"].dependents = {
      {EnumDependent::Kind::Index, "t", "t_sad_idx", "CREATE INDEX t_sad_idx ON public.t USING btree (m) WHERE (m = 'sad'::mood)"}};
  const Plan p = plan(classify(changes, facts), "public");
  ASSERT_FALSE(p.steps.empty());
  const auto& rebuild = p.steps[0].statements;
  EXPECT_EQ(rebuild.front(), R"(DROP INDEX "public"."t_sad_idx")");
  EXPECT_EQ(std::count_if(rebuild.begin(), rebuild.end(), [](const std::string& s) { return s.rfind("CREATE INDEX", 0) == 0; }), 0);
}
