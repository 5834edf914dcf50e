// Unknown fields, duplicate keys and wrong YAML types, each named by its path.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::rejects;
using spec::testing::withSpec;

TEST(UnknownFields, RejectsUnknownFieldWithPath) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    colums: [{name: a, type: int}]\n"), "spec.tables[0].colums",
                      "unknown field"));
}

TEST(UnknownFields, SuggestsTheNearestField) {
  auto r = spec::parseDocument(withSpec("tables:\n  - name: t\n    colums: [{name: a, type: int}]\n"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unknown field; did you mean \"columns\"?");
}

TEST(UnknownFields, RejectsUnknownFieldInSpec) {
  EXPECT_TRUE(rejects(withSpec("tabels: []\n"), "spec.tabels", "unknown field"));
}

TEST(UnknownFields, RejectsUnknownFieldDeepInside) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    columns: [{name: a, type: int}]\n    foreignKeys:\n"
                               "      - columns: [a]\n        references: {table: t, columns: [a], schema: x}\n"),
                      "spec.tables[0].foreignKeys[0].references.schema", "unknown field"));
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    columns: [{name: a, type: int, primary: true}]\n"),
                      "spec.tables[0].columns[0].primary", "unknown field"));
  EXPECT_TRUE(rejects(withSpec("connection: {secretRef: {name: a, key: b, namespace: c}}\n"),
                      "spec.connection.secretRef.namespace", "unknown field"));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e, values: [a], labels: [b]}]\n"), "spec.enums[0].labels",
                      "unknown field"));
}

TEST(UnknownFields, RejectsDuplicateKey) {
  EXPECT_TRUE(rejects(withSpec("schema: a\nschema: b\n"), "spec.schema", "duplicate key"));
}

TEST(WrongTypes, RejectsMapWhereListIsExpected) {
  EXPECT_TRUE(rejects(withSpec("tables: {name: t}\n"), "spec.tables", "expected a list, found a map"));
}

TEST(WrongTypes, RejectsListWhereStringIsExpected) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: [t]\n    columns: [{name: a, type: int}]\n"), "spec.tables[0].name",
                      "expected a string, found a list"));
}

TEST(WrongTypes, RejectsNonBooleanNullable) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    columns: [{name: a, type: int, nullable: maybe}]\n"),
                      "spec.tables[0].columns[0].nullable", "expected true or false, found \"maybe\""));
}

TEST(WrongTypes, RejectsYaml11AndQuotedBooleans) {
  EXPECT_TRUE(rejects(withSpec("prune: yes\n"), "spec.prune", "expected true or false"));
  EXPECT_TRUE(rejects(withSpec("prune: \"false\"\n"), "spec.prune", "expected true or false"));
}

TEST(WrongTypes, RejectsScalarWhereMapIsExpected) {
  EXPECT_TRUE(rejects(withSpec("connection: db\n"), "spec.connection", "expected a map, found a text value"));
  EXPECT_TRUE(rejects(withSpec("tables: [t]\n"), "spec.tables[0]", "expected a map, found \"t\""));
}

TEST(WrongTypes, ShortensLongValuesInMessages) {
  auto r = spec::parseDocument(withSpec("prune: " + std::string(500, 'x') + "\n"));
  ASSERT_FALSE(r);
  EXPECT_LT(r.error().message.size(), 120u) << r.error().message;
}

TEST(WrongTypes, RejectsListItemOfWrongType) {
  EXPECT_TRUE(rejects(withSpec("extensions: [pgcrypto, {name: x}]\n"), "spec.extensions[1]",
                      "expected a string, found a map"));
  EXPECT_TRUE(rejects(withSpec("ignore: [a, ~]\n"), "spec.ignore[1]", "must not be null"));
}

TEST(WrongTypes, RejectsSpecThatIsAList) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: [a]\n", "spec",
                      "expected a map, found a list"));
}

TEST(WrongTypes, RejectsNonTextKey) {
  EXPECT_TRUE(rejects(withSpec("? [a, b]\n: c\n"), "spec", "keys must be text"));
}

}  // namespace
