// Partitioned tables and partitions (contract Part 2): diff, classification, plan order and the
// exact SQL; and the questions about keys and bounds put to Postgres.
#include "schema/partition.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

Plan planFor(const Model& have, const Model& want, Policy policy = {}) {
  return plan(classify(diff(have, want, policy, Canon{}), Facts{}), want.schema);
}

std::vector<std::string> kindsOf(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.emplace_back(toString(c.kind));
  return out;
}

Table parent(std::string name = "events", std::string definition = "RANGE (created_at)") {
  Table t = table(std::move(name), {col("id", "bigint", false), col("created_at", "date", false)});
  t.partitionBy = PartitionBy{"range", {"created_at"}, {}, std::move(definition), ""};
  return t;
}

// A partition as the reader gives it (its parent's columns) or as inspect reads it.
Table partition(std::string name, std::string bounds, std::string of = "events") {
  Table t = table(std::move(name), {col("id", "bigint", false), col("created_at", "date", false)});
  t.partitionOf = PartitionOf{std::move(of), std::move(bounds), ""};
  return t;
}

const std::string k2026 = "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')";
const std::string k2027 = "FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')";

}  // namespace

TEST(Partitions, CreatesTheParentThenItsPartitionsThenTheirOwnObjects) {
  Model want = model({parent(), partition("events_2026", k2026), partition("events_default", "DEFAULT")});
  want.tables[0].indexes.push_back(index("events_created_idx", {"created_at"}));
  want.tables[1].checks.push_back({"events_2026_id", "id > 0", true, ""});
  want.tables[1].indexes.push_back(index("events_2026_id_idx", {"id"}));
  want.tables[1].comment = "this year";
  const Plan p = planFor(Model{}, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE TABLE "public"."events" ("id" bigint NOT NULL, "created_at" date NOT NULL) PARTITION BY RANGE (created_at))",
                R"(CREATE TABLE "public"."events_2026" PARTITION OF "public"."events" (CONSTRAINT "events_2026_id" CHECK (id > 0)) FOR VALUES FROM ('2026-01-01') TO ('2027-01-01'))",
                R"(COMMENT ON TABLE "public"."events_2026" IS 'this year')",
                R"(CREATE TABLE "public"."events_default" PARTITION OF "public"."events" DEFAULT)",
                R"(CREATE INDEX "events_created_idx" ON "public"."events" USING "btree" ("created_at"))",
                R"(CREATE INDEX "events_2026_id_idx" ON "public"."events_2026" USING "btree" ("id"))",
            }));
  EXPECT_EQ(kindsOf(p.drift), (std::vector<std::string>{"CreateTable", "CreatePartition", "CreatePartition",
                                                        "CreateIndex", "CreateIndex"}));
  EXPECT_EQ(p.destructive, 0);
}

TEST(Partitions, InSyncWhenKeyBoundsAndOwnObjectsMatch) {
  Model have = model({parent(), partition("events_2026", k2026)});
  have.tables[1].checks.push_back({"events_2026_id", "id > 0", true, ""});
  Model want = have;
  // The partition's live columns (its parent's) and anything else it inherited are never compared.
  want.tables[1].columns.clear();
  EXPECT_TRUE(diff(have, want, Policy{}, Canon{}).empty());
}

TEST(Partitions, AttachesALivePlainTableDeclaredAPartition) {
  Model have = model({parent(), table("events_2026", {col("id", "bigint", false), col("created_at", "date", false)})});
  Model want = model({parent(), partition("events_2026", k2026)});
  const Plan p = planFor(have, want);
  EXPECT_EQ(p.statements(), (std::vector<std::string>{
                                R"(ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2026" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01'))"}));
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].safety, Safety::Safe);
  EXPECT_EQ(p.drift[0].object, "events_2026");
}

TEST(Partitions, DetachesALivePartitionDeclaredAPlainTable) {
  Model have = model({parent(), partition("events_2026", k2026)});
  Model want = model({parent(), table("events_2026", {col("id", "bigint", false), col("created_at", "date", false)})});
  const Plan p = planFor(have, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2026")"}));
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].kind, ChangeKind::DetachPartition);
  EXPECT_EQ(p.drift[0].safety, Safety::Destructive);
  // Held back unless approved.
  EXPECT_TRUE(runnable(p, Approval{}).empty());
}

TEST(Partitions, ChangedBoundsAreADetachAndAnAttachThatWaitTogether) {
  Model have = model({parent(), partition("events_2026", k2026)});
  Model want = model({parent(), partition("events_2026", k2027)});
  const Plan p = planFor(have, want);
  EXPECT_EQ(kindsOf(p.drift), (std::vector<std::string>{"DetachPartition", "AttachPartition"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(ALTER TABLE "public"."events" DETACH PARTITION "public"."events_2026")",
                R"(ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2026" FOR VALUES FROM ('2027-01-01') TO ('2028-01-01'))"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty());  // the attach waits for the detach's approval
  Approval detach;
  detach.kinds.insert(ChangeKind::DetachPartition);
  EXPECT_EQ(runnable(p, detach).size(), 2u);
}

TEST(Partitions, AnUndeclaredPartitionIsDroppedOnlyWithPruneAndNotTwiceWithItsParent) {
  Model have = model({parent(), partition("events_2026", k2026), partition("events_2027", k2027)});
  Model want = model({parent(), partition("events_2026", k2026)});
  EXPECT_TRUE(diff(have, want, Policy{}, Canon{}).empty());
  Policy prune;
  prune.prune = true;
  const auto changes = diff(have, want, prune, Canon{});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::DropTable);
  EXPECT_EQ(changes[0].object, "events_2027");
  // The parent dropped: its partitions go with it, in one statement.
  const auto all = diff(have, Model{}, prune, Canon{});
  EXPECT_EQ(kindsOf(all), (std::vector<std::string>{"DropTable"}));
  EXPECT_EQ(all[0].object, "events");
}

TEST(Partitions, ChangingTheKeyIsBlockedWithTheReason) {
  Model have = model({parent()});
  Model want = model({parent("events", "LIST (id)")});
  const Plan p = planFor(have, want);
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].kind, ChangeKind::ChangePartitionBy);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_NE(p.drift[0].reason.find("partitioned by RANGE (created_at) and declared partitioned by LIST (id)"),
            std::string::npos)
      << p.drift[0].reason;
  EXPECT_TRUE(p.steps.empty());
}

TEST(Partitions, APlainLiveTableDeclaredPartitionedIsBlockedAndSoAreItsPartitions) {
  Model have = model({table("events", {col("id", "bigint", false), col("created_at", "date", false)})});
  Model want = model({parent(), partition("events_2026", k2026)});
  const Plan p = planFor(have, want);
  EXPECT_EQ(kindsOf(p.drift), (std::vector<std::string>{"ChangePartitionBy", "CreatePartition"}));
  EXPECT_EQ(p.blocked, 2);
  EXPECT_NE(p.drift[0].reason.find("cannot partition a table in place"), std::string::npos) << p.drift[0].reason;
  EXPECT_NE(p.drift[1].reason.find("its parent events"), std::string::npos) << p.drift[1].reason;
  EXPECT_TRUE(p.steps.empty());
  // And back: a partitioned live table declared plain.
  const Plan back = planFor(model({parent()}), have);
  ASSERT_EQ(back.drift.size(), 1u);
  EXPECT_EQ(back.drift[0].safety, Safety::Blocked);
  EXPECT_NE(back.drift[0].reason.find("declared without partitionBy"), std::string::npos);
}

TEST(Partitions, AnIndexOnALivePartitionedTableIsBuiltOnOnlyThenConcurrentlyPerPartitionThenAttached) {
  Model have = model({parent(), partition("events_2026", k2026), partition("events_2027", k2027)});
  Model want = have;
  want.tables[0].indexes.push_back(index("events_id_idx", {"id"}));
  const Plan p = planFor(have, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE INDEX IF NOT EXISTS "events_id_idx" ON ONLY "public"."events" USING "btree" ("id"))",
                R"(CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_2026_id_idx" ON "public"."events_2026" USING "btree" ("id"))",
                R"(CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_2027_id_idx" ON "public"."events_2027" USING "btree" ("id"))",
                R"(ALTER INDEX "public"."events_id_idx" ATTACH PARTITION "public"."events_2026_id_idx")",
                R"(ALTER INDEX "public"."events_id_idx" ATTACH PARTITION "public"."events_2027_id_idx")",
            }));
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_TRUE(p.steps[0].transactional);
  EXPECT_FALSE(p.steps[1].transactional);
  EXPECT_FALSE(p.steps[2].transactional);
  EXPECT_EQ(p.steps[1].onFailure, (std::vector<std::string>{R"(DROP INDEX CONCURRENTLY IF EXISTS "public"."events_2026_id_idx")"}));
  EXPECT_TRUE(p.steps[3].transactional);
  // Dropping it: no CONCURRENTLY for a partitioned index.
  const Plan drop = planFor(want, have);
  EXPECT_EQ(drop.statements(), (std::vector<std::string>{R"(DROP INDEX IF EXISTS "public"."events_id_idx")"}));
}

TEST(Partitions, APartitionIndexNameAlreadyTakenGetsANumber) {
  Model have = model({parent(), partition("events_2026", k2026)});
  have.tables[1].indexes.push_back(index("events_2026_id_idx", {"id", "created_at"}));
  Model want = have;
  want.tables[0].indexes.push_back(index("events_id_idx", {"id"}));
  const Plan p = planFor(have, want);
  ASSERT_EQ(p.statements().size(), 3u);
  EXPECT_NE(p.statements()[1].find(R"("events_2026_id_idx1" ON "public"."events_2026")"), std::string::npos)
      << p.statements()[1];
}

TEST(PartitionQuestions, AsksOnlyWhatIsNotTheLiveTextOnItsFace) {
  Model have = model({parent(), partition("events_2026", k2026)});
  Model want = model({parent(), partition("events_2026", "  " + k2026 + " "), partition("events_2027", k2027),
                      partition("events_default", "DEFAULT")});
  for (auto& t : want.tables)
    if (t.partitionBy) t.partitionBy->definition.clear();  // as the reader gives it
  const auto questions = partitionQuestions(have, want);
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0].parent, "events");
  EXPECT_EQ(questions[0].strategy, "RANGE");
  EXPECT_EQ(questions[0].keys, (std::vector<std::string>{R"("created_at")"}));
  ASSERT_EQ(questions[0].bounds.size(), 1u);  // the new partition only; DEFAULT needs no asking
  EXPECT_EQ(questions[0].bounds[0].partition, "events_2027");

  // Without an answer, nothing is used as written.
  EXPECT_FALSE(withPartitionAnswers(have, want, PartitionAnswers{}));
  PartitionAnswers answers;
  answers.bounds["events_2027"] = k2027;
  auto canonical = withPartitionAnswers(have, want, answers);
  ASSERT_TRUE(canonical) << canonical.error().message;
  EXPECT_EQ(canonical->tables[0].partitionBy->definition, "RANGE (created_at)");
  EXPECT_EQ(canonical->tables[1].partitionOf->bounds, k2026);
  EXPECT_EQ(canonical->tables[3].partitionOf->bounds, "DEFAULT");

  // An expression key is always asked about unless the live key prints it the same.
  Model byExpression = model({parent()});
  byExpression.tables[0].partitionBy = PartitionBy{"list", {}, {"lower(kind)"}, "", "spec.tables[0].partitionBy"};
  const auto asked = partitionQuestions(Model{}, byExpression);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].keys, (std::vector<std::string>{"(lower(kind))"}));
  auto missing = withPartitionAnswers(Model{}, byExpression, PartitionAnswers{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "spec.tables[0].partitionBy");
}

TEST(PartitionQuestions, TheKeyOnItsFaceIsWhatPgGetPartkeydefPrints) {
  EXPECT_EQ(keyOnItsFace(PartitionBy{"range", {"created_at", "Region"}, {}, "", ""}), R"(RANGE (created_at, "Region"))");
  EXPECT_EQ(keyOnItsFace(PartitionBy{"hash", {}, {" lower(name) "}, "", ""}), "HASH (lower(name))");
}
