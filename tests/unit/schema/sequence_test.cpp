// Sequences as a managed kind, the pure half: the defaults an unset option takes, what diff finds,
// how plan orders and renders it (exact SQL), and how classify blocks a drop or a narrowing.
#include "schema/sequence.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

Sequence seq(std::string name, std::string type = "bigint") {
  Sequence s;
  s.name = std::move(name);
  s.type = std::move(type);
  return s;
}

// A live sequence as inspect reads it: every option set.
Sequence live(std::string name, std::string type = "bigint", std::string ownedBy = "") {
  Sequence s = withDefaults(seq(std::move(name), std::move(type)));
  s.ownedBy = std::move(ownedBy);
  return s;
}

Column serialColumn(const std::string& name, const std::string& sequence, bool live) {
  Column c = withDefault(col(name, "integer", false), "nextval('" + sequence + "'::regclass)");
  if (live) c.ownedSequence = sequence;
  return c;
}

std::vector<Change> changesFor(const Model& have, const Model& want) { return diff(have, want, Policy{}, Canon{}); }
// With `prune`, which undeclared sequences need before they are drift (as undeclared tables do).
std::vector<Change> prunedChangesFor(const Model& have, const Model& want) {
  Policy prune;
  prune.prune = true;
  return diff(have, want, prune, Canon{});
}

std::vector<std::string> kinds(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(toString(c.kind)) + " " + c.object);
  return out;
}

std::vector<std::string> statements(const Plan& p) { return p.statements(); }

}  // namespace

TEST(SequenceDefaults, AnUnsetOptionIsWhatCreateSequenceGivesForTheTypeAndDirection) {
  const Sequence up = withDefaults(seq("s", "integer"));
  EXPECT_EQ(up.increment, 1);
  EXPECT_EQ(up.minValue, 1);
  EXPECT_EQ(up.maxValue, 2147483647);
  EXPECT_EQ(up.start, 1);
  EXPECT_EQ(up.cache, 1);
  Sequence declared = seq("s", "smallint");
  declared.increment = -2;
  const Sequence down = withDefaults(declared);
  EXPECT_EQ(down.minValue, -32768);
  EXPECT_EQ(down.maxValue, -1);
  EXPECT_EQ(down.start, -1);
  declared = seq("s");
  declared.minValue = 10;
  EXPECT_EQ(withDefaults(declared).start, 10) << "an ascending sequence starts at its minValue";
}

TEST(SequenceDefaults, OptionsPostgresWouldRefuseNameTheOption) {
  Sequence s = seq("s", "smallint");
  s.maxValue = 40000;
  ASSERT_TRUE(optionsProblem(s));
  EXPECT_EQ(optionsProblem(s)->option, "maxValue");
  EXPECT_EQ(optionsProblem(s)->reason, "40000 is out of range for smallint (-32768 to 32767)");
  s = seq("s");
  s.increment = 0;
  EXPECT_EQ(optionsProblem(s)->option, "increment");
  s = seq("s");
  s.minValue = 10;
  s.start = 5;
  EXPECT_EQ(optionsProblem(s)->option, "start");
  EXPECT_EQ(optionsProblem(s)->reason, "5 is below minValue 10");
  s = seq("s");
  s.minValue = 10;
  s.maxValue = 10;
  EXPECT_EQ(optionsProblem(s)->option, "minValue");
  s = seq("s");
  s.cache = 0;
  EXPECT_EQ(optionsProblem(s)->option, "cache");
  s = seq("s", "integer");
  s.increment = -1;
  s.start = -5;
  EXPECT_FALSE(optionsProblem(s)) << "descending, within -2147483648 .. -1";
}

TEST(SequenceDiff, UnsetOptionsAndSpelledOutDefaultsAreNotDrift) {
  Model have;
  have.sequences = {live("a", "integer"), live("b")};
  Model want;
  Sequence b = seq("b");
  b.start = 1;
  b.increment = 1;
  b.minValue = 1;
  b.cache = 1;  // maxValue unset: null in the document
  want.sequences = {seq("a", "integer"), b};
  EXPECT_TRUE(changesFor(have, want).empty());
}

TEST(SequenceDiff, ANewSequenceIsCreatedBeforeTheTableThatCallsItAndOwnedAfter) {
  Model want = model({table("t", {serialColumn("id", "t_id_seq", false), col("v", "text")}, {"id"})});
  Sequence s = seq("t_id_seq", "integer");
  s.ownedBy = "t.id";
  want.sequences = {s};
  const Plan p = plan(changesFor(Model{}, want), "public");
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"CreateSequence t_id_seq", "CreateTable t",
                                                      "AlterSequence t_id_seq"}));
  EXPECT_EQ(statements(p),
            (std::vector<std::string>{
                R"(CREATE SEQUENCE "public"."t_id_seq" AS integer)",
                R"(CREATE TABLE "public"."t" ("id" integer NOT NULL DEFAULT nextval('t_id_seq'::regclass), "v" text, )"
                R"(CONSTRAINT "t_pkey" PRIMARY KEY ("id")))",
                R"(ALTER SEQUENCE "public"."t_id_seq" OWNED BY "public"."t"."id")",
            }));
  EXPECT_EQ(p.destructive, 0);
}

TEST(SequenceDiff, DeclaredOptionsAreRenderedAsDeclared) {
  Model want;
  Sequence s = seq("Invoice No");
  s.start = 1000;
  s.increment = 5;
  s.minValue = 1000;
  s.maxValue = 999999;
  s.cache = 20;
  s.cycle = true;
  want.sequences = {s};
  EXPECT_EQ(statements(plan(changesFor(Model{}, want), "app")),
            std::vector<std::string>{R"(CREATE SEQUENCE "app"."Invoice No" AS bigint INCREMENT BY 5 MINVALUE 1000 )"
                                     R"(MAXVALUE 999999 START WITH 1000 CACHE 20 CYCLE)"});
}

TEST(SequenceDiff, ChangedOptionsAreOneAlterNamingOnlyWhatDiffers) {
  Model have;
  have.sequences = {live("s")};
  Model want;
  Sequence s = seq("s", "integer");
  s.increment = 10;
  s.cycle = true;
  want.sequences = {s};
  const Plan p = plan(changesFor(have, want), "public");
  EXPECT_EQ(kinds(p.drift), std::vector<std::string>{"AlterSequence s"});
  EXPECT_EQ(p.drift[0].safety, Safety::Safe);
  EXPECT_EQ(statements(p), std::vector<std::string>{R"(ALTER SEQUENCE "public"."s" AS integer INCREMENT BY 10 )"
                                                    R"(MAXVALUE 2147483647 CYCLE)"});
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_TRUE(p.steps[0].locks.empty()) << "ALTER SEQUENCE locks no table";
}

TEST(SequenceDiff, AnOwnerIsSetChangedAndRemoved) {
  Model have = model({table("t", {col("a", "bigint"), col("b", "bigint")})});
  have.sequences = {live("s", "bigint", "t.a")};
  Model want = have;
  want.sequences = {seq("s")};
  want.sequences[0].ownedBy = "t.b";
  EXPECT_EQ(statements(plan(changesFor(have, want), "public")),
            std::vector<std::string>{R"(ALTER SEQUENCE "public"."s" OWNED BY "public"."t"."b")"});
  want.sequences[0].ownedBy = "";
  EXPECT_EQ(statements(plan(changesFor(have, want), "public")),
            std::vector<std::string>{R"(ALTER SEQUENCE "public"."s" OWNED BY NONE)"});
}

TEST(SequenceDiff, AnOwnerWhoseTableAndColumnAreRenamedIsTheSameOwner) {
  Model have = model({table("old", {col("old_id", "bigint")})});
  have.sequences = {live("s", "bigint", "old.old_id")};
  Model want = model({table("new", {col("id", "bigint")})});
  want.tables[0].renamedFrom = {"old"};
  want.tables[0].columns[0].renamedFrom = {"old_id"};
  want.sequences = {seq("s")};
  want.sequences[0].ownedBy = "new.id";
  EXPECT_EQ(kinds(changesFor(have, want)), (std::vector<std::string>{"RenameTable new", "RenameColumn new.id"}));
}

TEST(SequenceDiff, WithPruneAnUndeclaredSequenceIsADestructiveDropAfterEverythingThatUsedIt) {
  Model have = model({table("t", {serialColumn("id", "t_id_seq", true)}, {"id"})});
  have.sequences = {live("loose"), live("t_id_seq", "integer", "t.id")};  // by name, as inspect reads them
  Model want = model({table("t", {col("id", "integer", false)}, {"id"})});  // the default goes too
  EXPECT_EQ(kinds(changesFor(have, want)), std::vector<std::string>{"DropDefault t.id"})
      << "without prune, undeclared sequences are left alone, as undeclared tables are";
  const Plan p = plan(prunedChangesFor(have, want), "public");
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"DropDefault t.id", "DropSequence loose", "DropSequence t_id_seq"}));
  EXPECT_EQ(p.drift[1].safety, Safety::Destructive);
  EXPECT_EQ(p.destructive, 2);
  EXPECT_EQ(statements(p), (std::vector<std::string>{R"(ALTER TABLE "public"."t" ALTER COLUMN "id" DROP DEFAULT)",
                                                     R"(DROP SEQUENCE IF EXISTS "public"."loose")",
                                                     R"(DROP SEQUENCE IF EXISTS "public"."t_id_seq")"}));
}

TEST(SequenceDiff, ASequenceOwnedByAnUnmanagedTableIsLeftToIt) {
  Model have = model({table("legacy", {serialColumn("id", "legacy_id_seq", true)}, {"id"})});
  have.sequences = {live("legacy_id_seq", "integer", "legacy.id")};
  EXPECT_TRUE(changesFor(have, Model{}).empty()) << "neither the table nor its sequence is this resource's";
  Policy prune;
  prune.prune = true;
  EXPECT_EQ(kinds(diff(have, Model{}, prune, Canon{})), std::vector<std::string>{"DropTable legacy"})
      << "DROP TABLE takes its owned sequence with it";
}

TEST(SequenceDiff, ASerialDeclaredAsIdentityConvertsAndItsSequenceIsNotDrift) {
  Model have = model({table("t", {serialColumn("id", "t_id_seq", true)}, {"id"})});
  have.sequences = {live("t_id_seq", "integer", "t.id")};
  Column id = col("id", "integer", false);
  id.identity = Identity::ByDefault;
  const Model want = model({table("t", {id}, {"id"})});
  EXPECT_EQ(kinds(changesFor(have, want)), std::vector<std::string>{"ConvertSerialToIdentity t.id"});
}

TEST(SequenceDiff, ASerialColumnDeclaredAsWhatItIsIsInSync) {
  Model have = model({table("t", {serialColumn("id", "t_id_seq", true)}, {"id"})});
  have.sequences = {live("t_id_seq", "integer", "t.id")};
  Model want = model({table("t", {serialColumn("id", "t_id_seq", false)}, {"id"})});
  Sequence s = seq("t_id_seq", "integer");
  s.ownedBy = "t.id";
  want.sequences = {s};
  EXPECT_TRUE(changesFor(have, want).empty());
}

TEST(SequenceClassify, ADropIsBlockedWhileAKeptDefaultStillCallsTheSequence) {
  Model have = model({table("t", {serialColumn("id", "t_id_seq", true), col("v", "text")}, {"id"})});
  have.sequences = {live("t_id_seq", "integer", "t.id")};
  Model want = model({table("t", {serialColumn("id", "t_id_seq", false), col("v", "text")}, {"id"})});
  auto changes = prunedChangesFor(have, want);
  EXPECT_EQ(kinds(changes), std::vector<std::string>{"DropSequence t_id_seq"});
  const FactQuestions q = factsNeeded(changes);
  EXPECT_EQ(q.droppedSequences, std::vector<std::string>{"t_id_seq"});
  Facts facts;
  facts.sequenceUses["t_id_seq"].defaults = {{"t", "id"}};
  auto classified = classify(changes, facts);
  ASSERT_EQ(classified.size(), 1u);
  EXPECT_EQ(classified[0].safety, Safety::Blocked);
  EXPECT_EQ(classified[0].reason,
            "sequence t_id_seq is not declared but the default of t.id still uses it; declare it under "
            "spec.sequences, or change what uses it first");

  // The same use goes away when the plan drops the column: the drop is then only destructive.
  want.tables[0].columns.erase(want.tables[0].columns.begin());
  want.tables[0].primaryKey.reset();
  classified = classify(prunedChangesFor(have, want), facts);
  for (const auto& c : classified)
    if (c.kind == ChangeKind::DropSequence) EXPECT_EQ(c.safety, Safety::Destructive) << c.reason;
}

TEST(SequenceClassify, ANarrowerRangeIsBlockedWhileTheValueReachedIsOutsideIt) {
  Model have;
  have.sequences = {live("s")};
  Model want;
  want.sequences = {seq("s", "integer")};
  auto changes = changesFor(have, want);
  ASSERT_EQ(kinds(changes), std::vector<std::string>{"AlterSequence s"});
  EXPECT_EQ(factsNeeded(changes).sequenceValues, std::vector<std::string>{"s"});
  Facts facts;
  facts.sequenceValues["s"] = 3000000000LL;
  auto classified = classify(changes, facts);
  EXPECT_EQ(classified[0].safety, Safety::Blocked);
  EXPECT_EQ(classified[0].reason,
            "sequence s has reached 3000000000, outside the declared range 1 to 2147483647 (integer); declare a "
            "maxValue that includes it, or restart the sequence first");
  facts.sequenceValues["s"] = 41;
  EXPECT_EQ(classify(changes, facts)[0].safety, Safety::Safe);
  const Plan p = plan(classify(changes, facts), "public");
  EXPECT_EQ(statements(p), std::vector<std::string>{R"(ALTER SEQUENCE "public"."s" AS integer MAXVALUE 2147483647)"});
}

TEST(SequenceClassify, AWiderRangeAsksNothing) {
  Model have;
  have.sequences = {live("s", "integer")};
  Model want;
  want.sequences = {seq("s")};
  const auto changes = changesFor(have, want);
  EXPECT_EQ(kinds(changes), std::vector<std::string>{"AlterSequence s"});
  EXPECT_TRUE(factsNeeded(changes).sequenceValues.empty()) << "a wider range holds every value the narrower did";
}

TEST(SequenceClassify, ANewDefaultThatStillCallsTheSequenceKeepsTheDropBlocked) {
  Model have = model({table("t", {serialColumn("id", "t_id_seq", true)}, {"id"})});
  have.sequences = {live("t_id_seq", "integer", "t.id")};
  Facts facts;
  facts.sequenceUses["t_id_seq"].defaults = {{"t", "id"}};
  auto dropOf = [&](const Model& want) {
    for (const auto& c : classify(prunedChangesFor(have, want), facts))
      if (c.kind == ChangeKind::DropSequence) return c.safety;
    return Safety::Safe;
  };
  Model want = model({table("t", {withDefault(col("id", "integer", false), "nextval('t_id_seq'::regclass) + 1")}, {"id"})});
  EXPECT_EQ(dropOf(want), Safety::Blocked) << "SetDefault to a text that still calls it";
  want.tables[0].columns[0].defaultExpr = "0";
  EXPECT_EQ(dropOf(want), Safety::Destructive) << "SetDefault to one that does not";
}
