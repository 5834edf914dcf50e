#include "schema/diff.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"

using namespace schema;
using namespace testbuild;

namespace {

std::vector<std::pair<std::string, std::string>> kinds(const std::vector<Change>& cs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : cs) out.emplace_back(std::string(toString(c.kind)), c.object);
  return out;
}
using KO = std::vector<std::pair<std::string, std::string>>;

std::vector<Change> run(const Model& have, const Model& want, Policy policy = {}, Canon canon = {}) {
  return diff(have, want, policy, canon);
}

Model shopLive() {
  Model m = model({table("orders", {col("id", "bigint", false), col("note", "text")}, {"id"})});
  m.tables[0].columns[0].identity = Identity::ByDefault;
  return m;
}

}  // namespace

TEST(Diff, IdenticalModelsHaveNoDrift) {
  EXPECT_TRUE(run(shopLive(), shopLive()).empty());
}

TEST(Diff, EquivalentSpellingsAreNotDrift) {
  Model have = model({table("t", {col("a", "integer"), col("b", "character varying(320)"),
                                  col("c", "timestamp with time zone"), withDefault(col("d", "integer"), "0")})});
  Model want = model({table("t", {col("a", "int"), col("b", "varchar(320)"), col("c", "timestamptz"),
                                  withDefault(col("d", "int4"), "0")})});
  EXPECT_TRUE(run(have, want).empty());
}

TEST(Diff, ServerCanonicalDefaultIsNotDrift) {
  Model have = model({table("t", {withDefault(col("at", "timestamp with time zone"), "CURRENT_TIMESTAMP")})});
  Model want = model({table("t", {withDefault(col("at", "timestamptz"), "current_timestamp")})});
  EXPECT_EQ(kinds(run(have, want)), (KO{{"SetDefault", "t.at"}}));
  Canon canon;
  canon.defaults[{"t", "at", "current_timestamp"}] = "CURRENT_TIMESTAMP";
  EXPECT_TRUE(run(have, want, {}, canon).empty());
}

TEST(Diff, MissingTableIsCreatedWithItsForeignKeysAndIndexesSeparately) {
  Model want = model({table("a", {col("id", "bigint", false), col("b_id", "bigint")}, {"id"}),
                      table("b", {col("id", "bigint", false), col("a_id", "bigint")}, {"id"})});
  want.tables[0].foreignKeys.push_back({"a_b_fk", {"b_id"}, "b", {"id"}, FkAction::Cascade, FkAction::NoAction, true, ""});
  want.tables[1].foreignKeys.push_back({"", {"a_id"}, "a", {"id"}, FkAction::NoAction, FkAction::NoAction, true, ""});
  want.tables[1].indexes.push_back(index("", {"a_id"}));
  const auto cs = run(Model{}, want);
  EXPECT_EQ(kinds(cs), (KO{{"CreateTable", "a"},
                           {"AddForeignKey", "a.a_b_fk"},
                           {"CreateTable", "b"},
                           {"AddForeignKey", "b.b_a_id_fkey"},
                           {"CreateIndex", "b.b_a_id_idx"}}));
  EXPECT_TRUE(cs[1].onNewTable);
  EXPECT_TRUE(std::get<Table>(cs[0].detail).foreignKeys.empty());
  for (const auto& c : cs) EXPECT_EQ(c.safety, Safety::Safe);
}

TEST(Diff, MissingAndExtraColumns) {
  Model have = shopLive();
  have.tables[0].columns.push_back(col("legacy", "text"));
  Model want = shopLive();
  want.tables[0].columns.push_back(withDefault(col("total", "integer", false), "0"));
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"AddColumn", "orders.total"}, {"DropColumn", "orders.legacy"}}));
  EXPECT_EQ(cs[0].safety, Safety::Safe);
  EXPECT_EQ(cs[1].safety, Safety::Destructive);
  EXPECT_EQ(cs[0].liveTable, "orders");
}

TEST(Diff, WideningIsSafeAndNarrowingDestructive) {
  Model have = model({table("t", {col("a", "character varying(10)"), col("b", "character varying(50)"),
                                  col("c", "numeric(10,2)"), col("d", "integer"), col("e", "character varying(5)")})});
  Model want = model({table("t", {col("a", "varchar(20)"), col("b", "varchar(20)"), col("c", "numeric(12,2)"),
                                  col("d", "bigint"), col("e", "text")})});
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"WidenType", "t.a"}, {"ChangeType", "t.b"}, {"WidenType", "t.c"},
                           {"ChangeType", "t.d"}, {"WidenType", "t.e"}}));
  EXPECT_EQ(cs[1].safety, Safety::Destructive);
}

TEST(Diff, NullabilityDefaultsIdentityAndComments) {
  Model have = model({table("t", {col("a", "text", false), col("b", "text"), withDefault(col("c", "integer"), "1"),
                                  col("d", "bigint", false), col("e", "text")})});
  Model want = model({table("t", {col("a", "text"), col("b", "text", false), withDefault(col("c", "integer"), "2"),
                                  col("d", "bigint", false), col("e", "text")})});
  want.tables[0].columns[3].identity = Identity::Always;
  want.tables[0].columns[4].comment = "why";
  want.tables[0].comment = "a table";
  EXPECT_EQ(kinds(run(have, want)), (KO{{"SetComment", "t"},
                                        {"DropNotNull", "t.a"},
                                        {"SetNotNull", "t.b"},
                                        {"SetDefault", "t.c"},
                                        {"AddIdentity", "t.d"},
                                        {"SetComment", "t.e"}}));
}

TEST(Diff, UndeclaredDefaultAndIdentityAreDropped) {
  Model have = model({table("t", {withDefault(col("a", "integer"), "1"), col("b", "bigint", false)})});
  have.tables[0].columns[1].identity = Identity::Always;
  Model want = model({table("t", {col("a", "integer"), col("b", "bigint", false)})});
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"DropDefault", "t.a"}, {"DropIdentity", "t.b"}}));
  EXPECT_EQ(cs[0].safety, Safety::Safe);
  EXPECT_EQ(cs[1].safety, Safety::Destructive);
}

TEST(Diff, RenamedFromGivesRenamesNotDropAndAdd) {
  Model have = model({table("clients", {col("id", "bigint", false), col("mail", "text")}, {"id"})});
  Model want = model({table("customers", {col("id", "bigint", false), col("email", "text")}, {"id"})});
  want.tables[0].renamedFrom = {"clients"};
  want.tables[0].columns[1].renamedFrom = {"mail"};
  want.tables[0].primaryKey->name = "";
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"RenameTable", "customers"}, {"RenameColumn", "customers.email"}}));
  EXPECT_EQ(std::get<Rename>(cs[0].detail), (Rename{"clients", "customers"}));
  EXPECT_EQ(cs[1].liveTable, "clients");
}

TEST(Diff, RenameIsIgnoredWhenTheNewNameAlreadyExists) {
  Model have = model({table("old", {col("a", "text")}), table("new", {col("a", "text")})});
  Model want = model({table("new", {col("a", "text")})});
  want.tables[0].renamedFrom = {"old"};
  EXPECT_TRUE(run(have, want).empty());  // "old" is simply undeclared (and prune is off)
}

TEST(Diff, UnnamedConstraintsMatchByDefinition) {
  Model have = model({table("t", {col("a", "integer"), col("b", "integer")})});
  have.tables[0].uniques.push_back({"t_a_key", {"a"}, ""});
  have.tables[0].checks.push_back({"t_b_check", "(b > 0)", true, ""});
  have.tables[0].indexes.push_back(index("t_b_idx", {"b"}));
  Model want = model({table("t", {col("a", "integer"), col("b", "integer")})});
  want.tables[0].uniques.push_back({"", {"a"}, ""});
  want.tables[0].checks.push_back({"", "b > 0", true, ""});
  want.tables[0].indexes.push_back(index("", {"b"}));
  EXPECT_TRUE(run(have, want).empty());
}

TEST(Diff, ChangedDefinitionIsDropPlusAdd) {
  Model have = model({table("t", {col("a", "integer"), col("b", "integer")})});
  have.tables[0].checks.push_back({"pos", "(a > 0)", true, ""});
  have.tables[0].indexes.push_back(index("ix", {"a"}));
  Model want = model({table("t", {col("a", "integer"), col("b", "integer")})});
  want.tables[0].checks.push_back({"pos", "b > 0", true, ""});
  want.tables[0].indexes.push_back(index("ix", {"a", "b"}));
  EXPECT_EQ(kinds(run(have, want)),
            (KO{{"DropCheck", "t.pos"}, {"AddCheck", "t.pos"}, {"DropIndex", "t.ix"}, {"CreateIndex", "t.ix"}}));
}

TEST(Diff, ForeignKeyActionsAreCompared) {
  Model have = model({table("p", {col("id", "bigint", false)}, {"id"}), table("c", {col("p_id", "bigint")})});
  have.tables[1].foreignKeys.push_back({"c_fk", {"p_id"}, "p", {"id"}, FkAction::NoAction, FkAction::NoAction, true, ""});
  Model want = have;
  want.tables[1].foreignKeys[0].onDelete = FkAction::Cascade;
  EXPECT_EQ(kinds(run(have, want)), (KO{{"DropForeignKey", "c.c_fk"}, {"AddForeignKey", "c.c_fk"}}));
}

TEST(Diff, NotValidConstraintsAndInvalidIndexesAreRepaired) {
  Model have = model({table("t", {col("a", "integer")})});
  have.tables[0].checks.push_back({"pos", "(a > 0)", false, ""});
  auto ix = index("ix", {"a"});
  ix.valid = false;
  have.tables[0].indexes.push_back(ix);
  Model want = model({table("t", {col("a", "integer")})});
  want.tables[0].checks.push_back({"pos", "a > 0", true, ""});
  want.tables[0].indexes.push_back(index("ix", {"a"}));
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"AddCheck", "t.pos"}, {"CreateIndex", "t.ix"}}));
  EXPECT_TRUE(cs[0].repair);
  EXPECT_TRUE(cs[1].repair);
  EXPECT_EQ(cs[0].safety, Safety::Safe);
}

TEST(Diff, PrimaryKeyAddedDroppedAndChanged) {
  Model have = model({table("a", {col("id", "bigint", false)}), table("b", {col("id", "bigint", false)}, {"id"}),
                      table("c", {col("x", "bigint", false), col("y", "bigint", false)}, {"x"})});
  Model want = model({table("a", {col("id", "bigint", false)}, {"id"}), table("b", {col("id", "bigint", false)}),
                      table("c", {col("x", "bigint", false), col("y", "bigint", false)}, {"x", "y"})});
  EXPECT_EQ(kinds(run(have, want)), (KO{{"AddPrimaryKey", "a.a_pkey"},
                                        {"DropPrimaryKey", "b.b_pkey"},
                                        {"DropPrimaryKey", "c.c_pkey"},
                                        {"AddPrimaryKey", "c.c_pkey"}}));
}

TEST(Diff, EnumsCreatedExtendedInOrderAndRebuiltWhenAValueGoes) {
  Model have;
  have.enums = {{"status", {"pending", "shipped"}, ""}, {"mood", {"sad", "ok", "happy"}, ""}};
  have.tables = {table("t", {col("m", "mood")})};
  have.tables[0].columns[0].enumType = "mood";
  Model want;
  want.enums = {{"status", {"new", "pending", "paid", "shipped", "returned"}, ""},
                {"mood", {"ok", "happy"}, ""},
                {"color", {"red"}, ""}};
  want.tables = {table("t", {col("m", "mood")})};
  const auto cs = run(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"AddEnumValue", "status.new"},
                           {"AddEnumValue", "status.paid"},
                           {"AddEnumValue", "status.returned"},
                           {"DropEnumValue", "mood"},
                           {"CreateEnum", "color"}}));
  EXPECT_EQ(std::get<EnumValueAdd>(cs[0].detail).before, std::optional<std::string>("pending"));
  EXPECT_EQ(std::get<EnumValueAdd>(cs[1].detail).after, std::optional<std::string>("pending"));
  const auto& rebuild = std::get<EnumRebuild>(cs[3].detail);
  ASSERT_EQ(rebuild.users.size(), 1u);
  EXPECT_EQ(rebuild.users[0].first, "t");
  EXPECT_EQ(cs[3].safety, Safety::Destructive);
}

TEST(Diff, EnumColumnsCompareByName) {
  Model have;
  have.enums = {{"Order Status", {"a"}, ""}};
  have.tables = {table("t", {col("s", "\"Order Status\"")})};
  have.tables[0].columns[0].enumType = "Order Status";
  Model want = have;
  want.tables[0].columns[0] = col("s", "Order Status");
  EXPECT_TRUE(run(have, want).empty());
}

TEST(Diff, PruneDropsUndeclaredTablesAndEnumsButNeverIgnoredOnes) {
  Model have = model({table("keep", {col("a", "text")}), table("old", {col("a", "text")}),
                      table("alembic_version", {col("v", "text")})});
  have.enums = {{"unused", {"x"}, ""}};
  Model want = model({table("keep", {col("a", "text")})});
  EXPECT_TRUE(run(have, want).empty());  // prune off: undeclared tables are not drift
  Policy policy;
  policy.prune = true;
  policy.ignore = {"alembic_version"};
  const auto cs = run(have, want, policy);
  EXPECT_EQ(kinds(cs), (KO{{"DropEnum", "unused"}, {"DropTable", "old"}}));
  EXPECT_EQ(cs[1].safety, Safety::Destructive);
}

TEST(Diff, IgnoredDeclaredTablesAreNotTouched) {
  Model have = model({table("alembic_version", {col("v", "text")})});
  Model want = model({table("alembic_version", {col("v", "integer")})});
  Policy policy;
  policy.ignore = {"alembic_version"};
  EXPECT_TRUE(run(have, want, policy).empty());
}

TEST(Diff, ExtensionsAreCreatedNeverDropped) {
  Model have;
  have.extensions = {"plpgsql", "citext"};
  Model want;
  want.extensions = {"pgcrypto", "citext"};
  EXPECT_EQ(kinds(run(have, want)), (KO{{"CreateExtension", "pgcrypto"}}));
}

TEST(Diff, SeedRowsAreProposedWithTheirIdentityColumns) {
  Model want = model({table("customers", {col("id", "bigint", false), col("email", "text")}, {"id"})});
  want.tables[0].columns[0].identity = Identity::Always;
  want.seeds.push_back({"customers", {"id", "email"}, {"1", "a@example.com"}, {"id"}, ""});
  auto cs = run(Model{}, want);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[1].object, "customers[id=1]");
  EXPECT_TRUE(cs[1].onNewTable);
  EXPECT_EQ(std::get<SeedInsert>(cs[1].detail).identityColumns, std::vector<std::string>{"id"});
  cs = run(model({table("customers", {col("id", "bigint", false), col("email", "text")}, {"id"})}), want);
  ASSERT_FALSE(cs.empty());
  EXPECT_FALSE(cs.back().onNewTable);
  EXPECT_EQ(cs.back().liveTable, "customers");
}

TEST(Diff, AnEmptyDeclaredCommentMeansNoComment) {
  Model have = model({table("t", {col("a", "text")})});
  Model want = have;
  want.tables[0].comment = "";
  want.tables[0].columns[0].comment = "";
  EXPECT_TRUE(run(have, want).empty());
  have.tables[0].comment = "old";
  const auto cs = run(have, want);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(std::get<Comment>(cs[0].detail).text, std::nullopt);
}
