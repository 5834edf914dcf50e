// Keys, constraints and indexes name declared columns; foreign keys reach a declared key.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

const std::string kParent =
    "tables:\n"
    "  - name: p\n"
    "    columns: [{name: id, type: int}, {name: code, type: text}, {name: a, type: int}, {name: b, type: int}]\n"
    "    primaryKey: [id]\n"
    "    unique: [{columns: [code]}, {name: p_ab_key, columns: [a, b]}]\n";

// A child table "c" with columns x, y and the given foreign keys.
std::string child(const std::string& foreignKeys) {
  return withSpec(kParent + "  - name: c\n    columns: [{name: x, type: int}, {name: y, type: int}]\n    foreignKeys: " +
                  foreignKeys + "\n");
}

TEST(References, RejectsPrimaryKeyOnUndeclaredColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], primaryKey: [a, b]}]\n"),
                      "spec.tables[0].primaryKey[1]", "\"b\" is not a column of table \"t\""));
}

TEST(References, RejectsColumnListedTwiceInPrimaryKey) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], primaryKey: [a, a]}]\n"),
                      "spec.tables[0].primaryKey[1]", "listed twice"));
}

TEST(References, RejectsUniqueOnUndeclaredColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], unique: [{columns: [a]}, {columns: [a, zz]}]}]\n"),
                      "spec.tables[0].unique[1].columns[1]", "\"zz\" is not a column of table \"t\""));
}

TEST(References, RejectsIndexOnUndeclaredColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], indexes: [{columns: [b]}]}]\n"),
                      "spec.tables[0].indexes[0].columns[0]", "\"b\" is not a column of table \"t\""));
}

TEST(References, RejectsForeignKeyOnUndeclaredColumn) {
  EXPECT_TRUE(rejects(child("[{columns: [z], references: {table: p, columns: [id]}}]"),
                      "spec.tables[1].foreignKeys[0].columns[0]", "\"z\" is not a column of table \"c\""));
}

TEST(References, RejectsForeignKeyToUndeclaredTable) {
  EXPECT_TRUE(rejects(child("[{columns: [x], references: {table: users, columns: [id]}}]"),
                      "spec.tables[1].foreignKeys[0].references.table", "\"users\" is not a table declared in spec.tables"));
}

TEST(References, RejectsForeignKeyToUndeclaredColumn) {
  EXPECT_TRUE(rejects(child("[{columns: [x], references: {table: p, columns: [uid]}}]"),
                      "spec.tables[1].foreignKeys[0].references.columns[0]", "\"uid\" is not a column of table \"p\""));
}

TEST(References, RejectsForeignKeyColumnCountMismatch) {
  EXPECT_TRUE(rejects(child("[{columns: [x, y], references: {table: p, columns: [id]}}]"),
                      "spec.tables[1].foreignKeys[0].references.columns", "names 1 columns but columns names 2"));
}

TEST(References, RejectsForeignKeyToColumnsThatAreNotAKey) {
  EXPECT_TRUE(rejects(child("[{columns: [x], references: {table: p, columns: [a]}}]"),
                      "spec.tables[1].foreignKeys[0].references.columns",
                      "Postgres requires a foreign key to reference a primary key or unique constraint"));
}

TEST(References, AcceptsForeignKeyToPrimaryKeyUniqueOrUniqueIndex) {
  const auto m = parseOk(withSpec(kParent +
                                  "    indexes: [{name: p_b_idx, columns: [b], unique: true}]\n"
                                  "  - name: c\n    columns: [{name: x, type: int}, {name: y, type: int}, {name: z, type: text}]\n"
                                  "    foreignKeys:\n"
                                  "      - {columns: [x], references: {table: p, columns: [id]}}\n"
                                  "      - {columns: [z], references: {table: p, columns: [code]}}\n"
                                  "      - {columns: [y, x], references: {table: p, columns: [b, a]}}\n"
                                  "      - {columns: [y], references: {table: p, columns: [b]}}\n"))
                     .model;
  EXPECT_EQ(m.tables[1].foreignKeys.size(), 4u);
  EXPECT_EQ(m.tables[1].foreignKeys[2].refColumns, (std::vector<std::string>{"b", "a"}));
}

TEST(References, RejectsForeignKeyToPartialUniqueIndex) {
  EXPECT_TRUE(rejects(withSpec(kParent +
                               "    indexes: [{columns: [b], unique: true, where: b > 0}]\n"
                               "  - name: c\n    columns: [{name: y, type: int}]\n"
                               "    foreignKeys: [{columns: [y], references: {table: p, columns: [b]}}]\n"),
                      "spec.tables[1].foreignKeys[0].references.columns", "neither its primary key"));
}

TEST(References, AcceptsSelfReference) {
  const auto m = parseOk(withSpec("tables:\n  - name: node\n    columns: [{name: id, type: int}, {name: parent, type: int}]\n"
                                  "    primaryKey: [id]\n"
                                  "    foreignKeys: [{columns: [parent], references: {table: node, columns: [id]}}]\n"))
                     .model;
  EXPECT_EQ(m.tables[0].foreignKeys[0].refTable, "node");
}

TEST(References, AcceptsForeignKeyToATableDeclaredLater) {
  const auto m = parseOk(withSpec("tables:\n"
                                  "  - {name: c, columns: [{name: p, type: int}], foreignKeys: [{columns: [p], references: {table: p, columns: [id]}}]}\n"
                                  "  - {name: p, columns: [{name: id, type: int}], primaryKey: [id]}\n"))
                     .model;
  EXPECT_EQ(m.tables[0].foreignKeys[0].refTable, "p");
}

}  // namespace
