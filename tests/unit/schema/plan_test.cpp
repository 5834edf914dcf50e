#include "schema/plan.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"

using namespace schema;
using namespace testbuild;

namespace {

Plan planFor(const Model& have, const Model& want, Policy policy = {}) {
  return plan(diff(have, want, policy, Canon{}), want.schema);
}

std::vector<std::string> kindsOf(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.emplace_back(toString(s.kind));
  return out;
}

}  // namespace

TEST(Plan, CreatesTablesThenForeignKeysSoCyclesWork) {
  Model want = model({table("a", {col("id", "bigint", false), col("b_id", "bigint")}, {"id"}),
                      table("b", {col("id", "bigint", false), col("a_id", "bigint")}, {"id"})});
  want.tables[0].foreignKeys.push_back({"a_b_fk", {"b_id"}, "b", {"id"}, FkAction::Cascade, FkAction::NoAction, true, ""});
  want.tables[1].foreignKeys.push_back({"b_a_fk", {"a_id"}, "a", {"id"}, FkAction::SetNull, FkAction::NoAction, true, ""});
  const Plan p = planFor(Model{}, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE TABLE "public"."a" ("id" bigint NOT NULL, "b_id" bigint, CONSTRAINT "a_pkey" PRIMARY KEY ("id")))",
                R"(CREATE TABLE "public"."b" ("id" bigint NOT NULL, "a_id" bigint, CONSTRAINT "b_pkey" PRIMARY KEY ("id")))",
                R"(ALTER TABLE "public"."a" ADD CONSTRAINT "a_b_fk" FOREIGN KEY ("b_id") REFERENCES "public"."b" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)",
                R"(ALTER TABLE "public"."b" ADD CONSTRAINT "b_a_fk" FOREIGN KEY ("a_id") REFERENCES "public"."a" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)",
            }));
  EXPECT_EQ(p.destructive, 0);
  EXPECT_EQ(p.hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(p.hash.size(), 7u + 64u);
}

// An unnamed primary key gets the name Postgres would give it: "<table>_pkey" with the table's
// part cut to fit 63 bytes (pasting "_pkey" onto a 63-byte name would be cut back to the table's
// own name, and CREATE TABLE would fail with "relation already exists").
TEST(Plan, AnUnnamedPrimaryKeyOfALongTableIsNamedAsPostgresNamesIt) {
  const std::string name(63, 'x');
  Model want = model({table(name, {col("id", "bigint", false)}, {"id"})});
  want.tables[0].primaryKey->name.clear();  // unnamed, as a document declares it
  const Plan p = planFor(Model{}, want);
  ASSERT_EQ(p.statements().size(), 1u);
  EXPECT_NE(p.statements()[0].find("CONSTRAINT \"" + std::string(58, 'x') + "_pkey\" PRIMARY KEY"), std::string::npos)
      << p.statements()[0];
}

TEST(Plan, UsesLockSafeFormsOnLiveTables) {
  Model have = model({table("t", {col("a", "integer"), col("b", "integer")})});
  Model want = have;
  want.tables[0].checks.push_back({"t_pos", "a > 0", true, ""});
  want.tables[0].uniques.push_back({"t_a_key", {"a"}, ""});
  auto ix = index("t_b_idx", {"b"});
  ix.where = "b IS NOT NULL";
  want.tables[0].indexes.push_back(ix);
  const Plan p = planFor(have, want);
  ASSERT_EQ(p.steps.size(), 5u);
  EXPECT_EQ(p.steps[0].statements[0], R"(CREATE UNIQUE INDEX CONCURRENTLY "t_a_key" ON "public"."t" ("a"))");
  EXPECT_FALSE(p.steps[0].transactional);
  EXPECT_EQ(p.steps[0].onFailure, std::vector<std::string>{R"(DROP INDEX CONCURRENTLY IF EXISTS "public"."t_a_key")"});
  EXPECT_EQ(p.steps[1].statements[0], R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_key" UNIQUE USING INDEX "t_a_key")");
  EXPECT_EQ(p.steps[2].statements[0], R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_pos" CHECK (a > 0) NOT VALID)");
  EXPECT_EQ(p.steps[3].statements[0], R"(ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_pos")");
  EXPECT_EQ(p.steps[3].onFailure, std::vector<std::string>{R"(ALTER TABLE "public"."t" DROP CONSTRAINT IF EXISTS "t_pos")"});
  EXPECT_EQ(p.steps[4].statements[0],
            R"(CREATE INDEX CONCURRENTLY "t_b_idx" ON "public"."t" USING "btree" ("b") WHERE b IS NOT NULL)");
  EXPECT_FALSE(p.steps[4].transactional);
}

TEST(Plan, SetNotNullGoesThroughAValidatedCheck) {
  Model have = model({table("t", {col("a", "integer")})});
  Model want = model({table("t", {col("a", "integer", false)})});
  const Plan p = planFor(have, want);
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_not_null" CHECK ("a" IS NOT NULL) NOT VALID)",
                                R"(ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_a_not_null")",
                                R"(ALTER TABLE "public"."t" ALTER COLUMN "a" SET NOT NULL)",
                                R"(ALTER TABLE "public"."t" DROP CONSTRAINT "t_a_not_null")",
                            }));
}

TEST(Plan, OrdersByTheContract) {
  Model have = model({table("t", {col("a", "integer"), col("old", "text")})});
  have.tables[0].indexes.push_back(index("t_old_idx", {"old"}));
  Model want;
  want.extensions = {"pgcrypto"};
  want.enums = {{"e", {"x"}, ""}};
  want.tables = {table("t", {col("a", "integer"), col("n", "e")}), table("u", {col("id", "bigint", false)}, {"id"})};
  want.tables[0].indexes.push_back(index("t_a_idx", {"a"}));
  want.seeds.push_back({"u", {"id"}, {"1"}, {"id"}, ""});
  const Plan p = planFor(have, want);
  EXPECT_EQ(kindsOf(p.steps), (std::vector<std::string>{"CreateExtension", "CreateEnum", "CreateTable", "AddColumn",
                                                         "CreateIndex", "InsertSeedRow", "DropIndex", "DropColumn"}));
  // The enum-typed column refers to the enum by its qualified, quoted name.
  EXPECT_EQ(p.steps[3].statements[0], R"(ALTER TABLE "public"."t" ADD COLUMN "n" "public"."e")");
  EXPECT_EQ(p.destructive, 2);
}

TEST(Plan, HostileNamesAreQuotedAndLiteralsEscaped) {
  const std::string evil = "x\"; DROP TABLE t; --";
  Model want;
  want.schema = "My Schema";
  want.tables = {table(evil, {col(evil, "text")})};
  want.tables[0].comment = "it's";
  want.seeds.push_back({evil, {evil}, {"O'Brien \\ back"}, {evil}, ""});
  const Plan p = planFor(Model{}, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE TABLE "My Schema"."x""; DROP TABLE t; --" ("x""; DROP TABLE t; --" text))",
                R"(COMMENT ON TABLE "My Schema"."x""; DROP TABLE t; --" IS 'it''s')",
                R"(INSERT INTO "My Schema"."x""; DROP TABLE t; --" ("x""; DROP TABLE t; --") VALUES (E'O''Brien \\ back') ON CONFLICT DO NOTHING)",
            }));
}

TEST(Plan, SeedRowsWithIdentityOverrideAndMoveTheSequence) {
  Model want = model({table("c", {col("id", "bigint", false)}, {"id"})});
  want.tables[0].columns[0].identity = Identity::Always;
  want.seeds.push_back({"c", {"id"}, {"1"}, {"id"}, ""});
  const Plan p = planFor(Model{}, want);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[1].statements,
            (std::vector<std::string>{
                R"(INSERT INTO "public"."c" ("id") OVERRIDING SYSTEM VALUE VALUES ('1') ON CONFLICT DO NOTHING)",
                R"(SELECT setval(pg_get_serial_sequence('"public"."c"', 'id'), max("id")) FROM "public"."c")"}));
}

TEST(Plan, HashChangesWithThePlanAndIsStable) {
  Model have = model({table("t", {col("a", "integer")})});
  Model want1 = model({table("t", {col("a", "integer"), col("b", "text")})});
  Model want2 = model({table("t", {col("a", "integer"), col("c", "text")})});
  EXPECT_EQ(planFor(have, want1).hash, planFor(have, want1).hash);
  EXPECT_NE(planFor(have, want1).hash, planFor(have, want2).hash);
  EXPECT_EQ(planFor(have, have).hash, "");
}

TEST(Runnable, DestructiveStepsWaitForApproval) {
  Model have = model({table("t", {col("a", "integer"), col("gone", "text")})});
  Model want = model({table("t", {col("a", "integer"), col("b", "text")})});
  const Plan p = planFor(have, want);
  EXPECT_EQ(kindsOf(runnable(p, Approval{})), std::vector<std::string>{"AddColumn"});
  Approval all;
  all.all = true;
  EXPECT_EQ(kindsOf(runnable(p, all)), (std::vector<std::string>{"AddColumn", "DropColumn"}));
  Approval byKind;
  byKind.kinds = {ChangeKind::DropColumn};
  EXPECT_EQ(runnable(p, byKind).size(), 2u);
  Approval byHash;
  byHash.planHashes = {p.hash};
  EXPECT_EQ(runnable(p, byHash).size(), 2u);
  Approval stale;
  stale.planHashes = {"sha256:" + std::string(64, '0')};
  EXPECT_EQ(runnable(p, stale).size(), 1u);
}

TEST(Runnable, ReplacementAddWaitsWithItsDrop) {
  Model have = model({table("t", {col("a", "integer"), col("b", "integer")})});
  have.tables[0].checks.push_back({"pos", "(a > 0)", true, ""});
  Model want = have;
  want.tables[0].checks[0].expression = "b > 0";
  want.tables[0].columns.push_back(col("c", "text"));
  const Plan p = planFor(have, want);
  EXPECT_EQ(kindsOf(p.steps), (std::vector<std::string>{"AddColumn", "DropCheck", "AddCheck", "AddCheck"}));
  EXPECT_EQ(kindsOf(runnable(p, Approval{})), std::vector<std::string>{"AddColumn"});
  Approval drops;
  drops.kinds = {ChangeKind::DropCheck};
  EXPECT_EQ(runnable(p, drops).size(), 4u);
}

TEST(Plan, BlockedChangesAreReportedButNotPlanned) {
  Change c;
  c.kind = ChangeKind::SetNotNull;
  c.object = "t.a";
  c.table = c.liveTable = "t";
  c.safety = Safety::Blocked;
  c.reason = "3 rows have NULL in t.a";
  c.detail = ColumnChange{col("a", "integer"), col("a", "integer", false)};
  const Plan p = plan({c}, "public");
  EXPECT_EQ(p.drift.size(), 1u);
  EXPECT_TRUE(p.steps.empty());
  EXPECT_EQ(p.blocked, 1);
  EXPECT_EQ(p.hash, "");
}

TEST(Plan, EnumValueRemovalRebuildsTheTypeAndCastsItsColumns) {
  Model have;
  have.enums = {{"mood", {"sad", "ok"}, ""}};
  have.tables = {table("t", {withDefault(col("m", "mood"), "'ok'::mood")})};
  have.tables[0].columns[0].enumType = "mood";
  Model want;
  want.enums = {{"mood", {"ok"}, ""}};
  want.tables = {table("t", {withDefault(col("m", "mood"), "'ok'::mood")})};
  const Plan p = planFor(have, want);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            (std::vector<std::string>{
                R"(ALTER TYPE "public"."mood" RENAME TO "mood__old")",
                R"(CREATE TYPE "public"."mood" AS ENUM ('ok'))",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "m" DROP DEFAULT)",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "m" TYPE "public"."mood" USING "m"::text::"public"."mood")",
                R"(ALTER TABLE "public"."t" ALTER COLUMN "m" SET DEFAULT 'ok'::mood)",
                R"(DROP TYPE "public"."mood__old")",
            }));
}
