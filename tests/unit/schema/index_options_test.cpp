// Index keys with options, INCLUDE, NULLS NOT DISTINCT and storage parameters: changes in, exact
// SQL out; and the server-version needs they bring.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/plan.hpp"
#include "schema/render.hpp"
#include "schema/version_needs.hpp"

using namespace schema;
using namespace testbuild;

namespace {

IndexKey expressionKey(std::string expression) {
  IndexKey k;
  k.expression = std::move(expression);
  return k;
}

IndexKey columnKey(std::string column) {
  IndexKey k;
  k.column = std::move(column);
  return k;
}

Model users() { return model({table("users", {col("id", "bigint", false), col("email", "text"), col("name", "text")}, {"id"})}); }

std::vector<std::pair<std::string, std::string>> kinds(const std::vector<Change>& cs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : cs) out.emplace_back(std::string(toString(c.kind)), c.object);
  return out;
}
using KO = std::vector<std::pair<std::string, std::string>>;

std::vector<Change> changes(const Model& have, const Model& want) { return diff(have, want, Policy{}, Canon{}); }

}  // namespace

TEST(IndexOptions, EveryKeyOptionAndClauseIsRenderedInPostgresOrder) {
  Model have = users();
  Model want = users();
  Index ix;
  ix.name = "users_lookup_idx";
  ix.keys.push_back(expressionKey("lower(email)"));
  IndexKey created = columnKey("name");
  created.descending = true;
  created.nullsFirst = false;
  created.collation = "C";
  created.opclass = "text_pattern_ops";
  ix.keys.push_back(created);
  ix.include = {"id"};
  ix.unique = true;
  ix.nullsNotDistinct = true;
  ix.with = {{"fillfactor", "90"}};
  ix.where = "id > 0";
  want.tables[0].indexes.push_back(ix);
  const Plan p = plan(changes(have, want), "public");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].statements,
            std::vector<std::string>{
                R"(CREATE UNIQUE INDEX CONCURRENTLY "users_lookup_idx" ON "public"."users" USING "btree" ((lower(email)), )"
                R"("name" COLLATE "C" "text_pattern_ops" DESC NULLS LAST) INCLUDE ("id") NULLS NOT DISTINCT )"
                R"(WITH ("fillfactor" = '90') WHERE id > 0)"});
}

TEST(IndexOptions, OrderSaysNullsOnlyWhereTheyAreNotTheDefault) {
  IndexKey k = columnKey("a");
  EXPECT_EQ(indexKeySql(k), R"("a")");
  k.nullsFirst = true;
  EXPECT_EQ(indexKeySql(k), R"("a" NULLS FIRST)");
  k.descending = true;
  EXPECT_EQ(indexKeySql(k), R"("a" DESC)");
  k.nullsFirst = false;
  EXPECT_EQ(indexKeySql(k), R"("a" DESC NULLS LAST)");
}

TEST(IndexOptions, OperatorClassParametersAreQuotedNamesAndLiterals) {
  IndexKey k = columnKey("body");
  k.opclass = "gist_trgm_ops";
  k.opclassParameters = {{"siglen", "32'); DROP TABLE t; --"}};
  EXPECT_EQ(indexKeySql(k), R"("body" "gist_trgm_ops" ("siglen" = '32''); DROP TABLE t; --'))");
}

TEST(IndexOptions, EachKeyOptionIsPartOfTheDefinition) {
  Index base;
  base.name = "ix";
  base.keys.push_back(columnKey("email"));
  auto variant = [&](auto change) {
    Model have = users();
    have.tables[0].indexes.push_back(base);
    Model want = users();
    Index declared = base;
    change(declared);
    want.tables[0].indexes.push_back(declared);
    return kinds(changes(have, want));
  };
  const KO rebuilt{{"DropIndex", "users.ix"}, {"CreateIndex", "users.ix"}};
  EXPECT_EQ(variant([](Index&) {}), KO{});
  EXPECT_EQ(variant([](Index& i) { i.keys[0].descending = true; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.keys[0].nullsFirst = true; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.keys[0].opclass = "text_pattern_ops"; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.keys[0].collation = "C"; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.include = {"name"}; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.unique = true, i.nullsNotDistinct = true; }), rebuilt);
  EXPECT_EQ(variant([](Index& i) { i.keys[0] = expressionKey("lower(email)"); }), rebuilt);
}

TEST(IndexOptions, ExpressionKeysCompareAsPostgresPrintsThem) {
  Model have = users();
  Index live;
  live.name = "users_lower_idx";
  live.keys.push_back(expressionKey("lower(email)"));
  have.tables[0].indexes.push_back(live);
  Model want = users();
  Index declared = live;
  declared.keys[0].expression = "(lower(email))";  // parentheses the author added
  want.tables[0].indexes.push_back(declared);
  EXPECT_TRUE(changes(have, want).empty());
  want.tables[0].indexes[0].keys[0].expression = "upper(email)";
  EXPECT_EQ(kinds(changes(have, want)), (KO{{"DropIndex", "users.users_lower_idx"}, {"CreateIndex", "users.users_lower_idx"}}));
}

TEST(IndexOptions, StorageParametersChangeInPlace) {
  Model have = users();
  Index live;
  live.name = "users_email_idx";
  live.keys.push_back(columnKey("email"));
  live.with = {{"deduplicate_items", "off"}, {"fillfactor", "70"}};
  have.tables[0].indexes.push_back(live);
  Model want = users();
  Index declared = live;
  declared.name = "";  // matched by definition: the live name is altered
  declared.with = {{"fillfactor", "90"}};
  want.tables[0].indexes.push_back(declared);
  const auto cs = changes(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"AlterIndex", "users.users_email_idx"}}));
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].safety, Safety::Safe);
  const auto steps = render(cs[0], "public");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].statements, (std::vector<std::string>{
                                     R"(ALTER INDEX "public"."users_email_idx" RESET ("deduplicate_items"))",
                                     R"(ALTER INDEX "public"."users_email_idx" SET ("fillfactor" = '90'))"}));
  EXPECT_TRUE(steps[0].transactional);
}

TEST(IndexOptions, UnnamedIndexesAreNamedFromKeysAndIncludeAsPostgresDoes) {
  Model want = users();
  Index ix;
  ix.keys.push_back(expressionKey("lower(email)"));
  ix.keys.push_back(columnKey("name"));
  ix.include = {"id"};
  want.tables[0].indexes.push_back(ix);
  const auto cs = changes(users(), want);
  EXPECT_EQ(kinds(cs), (KO{{"CreateIndex", "users.users_expr_name_id_idx"}}));
}

TEST(IndexOptions, UniqueConstraintNullsNotDistinctIsPartOfItsDefinition) {
  Model have = users();
  have.tables[0].uniques.push_back({"users_email_key", {"email"}, ""});
  Model want = users();
  Unique u{"users_email_key", {"email"}, ""};
  u.nullsNotDistinct = true;
  want.tables[0].uniques.push_back(u);
  const auto cs = changes(have, want);
  EXPECT_EQ(kinds(cs), (KO{{"DropUnique", "users.users_email_key"}, {"AddUnique", "users.users_email_key"}}));
  const auto steps = render(cs[1], "public");
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].statements[0],
            R"(CREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "public"."users" ("email") NULLS NOT DISTINCT)");
}

TEST(VersionNeeds, NullsNotDistinctNeedsFifteenAndNamesTheField) {
  Model want = users();
  want.tables[0].field = "spec.tables[0]";
  Index plain;
  plain.keys.push_back(columnKey("email"));
  plain.field = "spec.tables[0].indexes[0]";
  Index nnd = plain;
  nnd.unique = nnd.nullsNotDistinct = true;
  nnd.field = "spec.tables[0].indexes[1]";
  want.tables[0].indexes = {plain, nnd};
  EXPECT_EQ(versionNeeds(want), (std::vector<VersionNeed>{{"spec.tables[0].indexes[1].nullsNotDistinct", 15}}));
  const auto error = unsupportedOn(want, 14);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, core::ErrorKind::Invalid);
  EXPECT_EQ(error->describe(),
            "spec.tables[0].indexes[1].nullsNotDistinct: needs PostgreSQL 15 or later; the server is 14");
  EXPECT_FALSE(unsupportedOn(want, 15));
  EXPECT_FALSE(unsupportedOn(want, 18));

  Model constraint = users();
  Unique u{"users_email_key", {"email"}, "spec.tables[0].unique[0]"};
  u.nullsNotDistinct = true;
  constraint.tables[0].uniques.push_back(u);
  ASSERT_TRUE(unsupportedOn(constraint, 14));
  EXPECT_EQ(unsupportedOn(constraint, 14)->field, "spec.tables[0].unique[0].nullsNotDistinct");
}
