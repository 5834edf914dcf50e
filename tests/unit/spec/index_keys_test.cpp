// spec.tables[].indexes[]: keys with their options, include, nullsNotDistinct, with; and unique
// constraints' nullsNotDistinct.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

std::string withIndexes(const std::string& indexes) {
  return withSpec("tables:\n  - name: t\n    columns: [{name: id, type: bigint}, {name: email, type: text}, "
                  "{name: body, type: text}]\n    indexes:\n" +
                  indexes);
}

}  // namespace

TEST(IndexKeys, ReadsEveryKeyOptionAndClause) {
  const auto m = parseOk(withIndexes(R"y(      - name: t_lookup_idx
        keys:
          - {expression: "lower(email)"}
          - {column: body, order: desc, nulls: last, opclass: text_pattern_ops, collation: C}
          - {column: id, nulls: first}
        include: [id]
        unique: true
        nullsNotDistinct: true
        with: {fillfactor: 90, deduplicate_items: "off"}
)y"))
                     .model;
  const auto& ix = m.tables[0].indexes.at(0);
  ASSERT_EQ(ix.keys.size(), 3u);
  EXPECT_EQ(ix.keys[0].expression, "lower(email)");
  EXPECT_TRUE(ix.keys[0].column.empty());
  EXPECT_FALSE(ix.keys[0].descending);
  EXPECT_FALSE(ix.keys[0].nullsFirst);
  EXPECT_EQ(ix.keys[0].field, "spec.tables[0].indexes[0].keys[0]");
  EXPECT_EQ(ix.keys[1].column, "body");
  EXPECT_TRUE(ix.keys[1].descending);
  EXPECT_FALSE(ix.keys[1].nullsFirst);
  EXPECT_EQ(ix.keys[1].opclass, "text_pattern_ops");
  EXPECT_EQ(ix.keys[1].collation, "C");
  EXPECT_FALSE(ix.keys[2].descending);
  EXPECT_TRUE(ix.keys[2].nullsFirst);
  EXPECT_EQ(ix.include, std::vector<std::string>{"id"});
  EXPECT_TRUE(ix.nullsNotDistinct);
  EXPECT_EQ(ix.with, (schema::Parameters{{"deduplicate_items", "off"}, {"fillfactor", "90"}}));
}

TEST(IndexKeys, DescendingDefaultsToNullsFirstAsPostgresDoes) {
  const auto m = parseOk(withIndexes("      - keys: [{column: id, order: desc}]\n"));
  EXPECT_TRUE(m.model.tables[0].indexes[0].keys[0].nullsFirst);
}

TEST(IndexKeys, ColumnsShorthandMeansPlainColumnKeys) {
  const auto m = parseOk(withIndexes("      - columns: [email, id]\n"));
  const auto& keys = m.model.tables[0].indexes[0].keys;
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].column, "email");
  EXPECT_FALSE(keys[0].descending || keys[0].nullsFirst || !keys[0].opclass.empty());
}

TEST(IndexKeys, ReadsOperatorClassParameters) {
  const auto m = parseOk(withIndexes(
      "      - {method: gist, keys: [{column: body, opclass: gist_trgm_ops, opclassParameters: {siglen: 32}}]}\n"));
  EXPECT_EQ(m.model.tables[0].indexes[0].keys[0].opclassParameters, (schema::Parameters{{"siglen", "32"}}));
}

TEST(IndexKeys, RejectsKeysThatAreNotExactlyOneThing) {
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: id, expression: \"lower(email)\"}]\n"),
                      "spec.tables[0].indexes[0].keys[0]", "exactly one of column and expression"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{order: desc}]\n"), "spec.tables[0].indexes[0].keys[0]",
                      "exactly one of column and expression"));
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], keys: [{column: id}]}\n"), "spec.tables[0].indexes[0].keys",
                      "either columns or keys"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: []\n"), "spec.tables[0].indexes[0].keys", "at least one key"));
}

TEST(IndexKeys, RejectsBadOptionValues) {
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: id, order: up}]\n"), "spec.tables[0].indexes[0].keys[0].order",
                      "asc or desc"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: id, nulls: middle}]\n"),
                      "spec.tables[0].indexes[0].keys[0].nulls", "first or last"));
  EXPECT_TRUE(rejects(withIndexes("      - {method: gin, keys: [{column: id, order: desc}]}\n"),
                      "spec.tables[0].indexes[0].keys[0].order", "only btree"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: id, opclass: \"int8_ops; DROP TABLE t\"}]\n"),
                      "spec.tables[0].indexes[0].keys[0].opclass", "not an operator class name"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: id, opclassParameters: {siglen: 3}}]\n"),
                      "spec.tables[0].indexes[0].keys[0].opclassParameters", "needs opclass"));
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{expression: \"lower(email)\", collation: C}]\n"),
                      "spec.tables[0].indexes[0].keys[0].collation", "column keys"));
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], with: {\"fill factor\": 90}}\n"),
                      "spec.tables[0].indexes[0].with.fill factor", "not a parameter name"));
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], with: {fillfactor: [90]}}\n"),
                      "spec.tables[0].indexes[0].with.fillfactor", "expected a string"));
}

TEST(IndexKeys, NullsNotDistinctIsForUniqueIndexes) {
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], nullsNotDistinct: true}\n"),
                      "spec.tables[0].indexes[0].nullsNotDistinct", "unique: true"));
}

TEST(IndexKeys, KeyAndIncludeColumnsMustExist) {
  EXPECT_TRUE(rejects(withIndexes("      - keys: [{column: nope}]\n"), "spec.tables[0].indexes[0].keys[0].column",
                      "\"nope\" is not a column of table \"t\""));
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], include: [email, nope]}\n"),
                      "spec.tables[0].indexes[0].include[1]", "is not a column"));
  EXPECT_TRUE(rejects(withIndexes("      - {columns: [id], include: [email, email]}\n"),
                      "spec.tables[0].indexes[0].include[1]", "listed twice"));
}

TEST(UniqueConstraints, ReadNullsNotDistinct) {
  const auto m = parseOk(withSpec(
      "tables:\n  - name: t\n    columns: [{name: a, type: int}]\n    unique: [{columns: [a], nullsNotDistinct: true}]\n"));
  EXPECT_TRUE(m.model.tables[0].uniques[0].nullsNotDistinct);
}
