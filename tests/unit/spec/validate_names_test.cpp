// Duplicates and clashes, reported at the second occurrence.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(Names, RejectsDuplicateTable) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - {name: a, columns: [{name: x, type: int}]}\n"
                               "  - {name: b, columns: [{name: x, type: int}]}\n"
                               "  - {name: a, columns: [{name: x, type: int}]}\n"),
                      "spec.tables[2].name", "duplicate table name \"a\" (first declared at spec.tables[0].name)"));
}

TEST(Names, RejectsDuplicateColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: x, type: int}, {name: y, type: int}, {name: x, type: text}]}]\n"),
                      "spec.tables[0].columns[2].name", "duplicate column name \"x\""));
}

TEST(Names, AllowsSameColumnNameInDifferentTables) {
  EXPECT_EQ(parseOk(withSpec("tables:\n  - {name: a, columns: [{name: id, type: int}]}\n"
                             "  - {name: b, columns: [{name: id, type: int}]}\n"))
                .model.tables.size(),
            2u);
}

TEST(Names, RejectsDuplicateEnumAndEnumValue) {
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e, values: [a]}, {name: e, values: [b]}]\n"), "spec.enums[1].name",
                      "duplicate enum name \"e\""));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e, values: [a, b, a]}]\n"), "spec.enums[0].values[2]",
                      "duplicate enum value \"a\""));
}

TEST(Names, RejectsEnumNamedLikeATable) {
  EXPECT_TRUE(rejects(withSpec("enums: [{name: t, values: [a]}]\ntables: [{name: t, columns: [{name: x, type: int}]}]\n"),
                      "spec.enums[0].name", "type of the same name"));
}

TEST(Names, RejectsDuplicateExtension) {
  EXPECT_TRUE(rejects(withSpec("extensions: [pgcrypto, citext, pgcrypto]\n"), "spec.extensions[2]", "duplicate extension"));
}

TEST(Names, RejectsDuplicateConstraintNamesWithinATable) {
  const std::string table = "tables:\n  - name: t\n    columns: [{name: a, type: int}, {name: b, type: int}]\n    primaryKey: [a]\n";
  EXPECT_TRUE(rejects(withSpec(table + "    unique: [{name: k, columns: [a]}, {name: k, columns: [b]}]\n"),
                      "spec.tables[0].unique[1].name", "duplicate constraint name \"k\""));
  EXPECT_TRUE(rejects(withSpec(table + "    unique: [{name: k, columns: [b]}]\n    checks: [{name: k, expression: a > 0}]\n"),
                      "spec.tables[0].checks[0].name", "duplicate constraint name \"k\""));
  EXPECT_TRUE(rejects(withSpec(table + "    checks: [{name: k, expression: a > 0}]\n"
                                       "    foreignKeys: [{name: k, columns: [b], references: {table: t, columns: [a]}}]\n"),
                      "spec.tables[0].checks[0].name", "duplicate constraint name \"k\""));
}

TEST(Names, AllowsUnnamedConstraintsAndSameCheckNameInTwoTables) {
  EXPECT_EQ(parseOk(withSpec("tables:\n"
                             "  - {name: a, columns: [{name: x, type: int}], checks: [{name: pos, expression: x > 0}, {expression: x < 9}, {expression: x < 8}]}\n"
                             "  - {name: b, columns: [{name: x, type: int}], checks: [{name: pos, expression: x > 0}]}\n"))
                .model.tables[0]
                .checks.size(),
            3u);
}

TEST(Names, RejectsDuplicateIndexNameAcrossTables) {
  EXPECT_TRUE(rejects(withSpec("tables:\n"
                               "  - {name: a, columns: [{name: x, type: int}], indexes: [{name: ix, columns: [x]}]}\n"
                               "  - {name: b, columns: [{name: x, type: int}], indexes: [{name: ix, columns: [x]}]}\n"),
                      "spec.tables[1].indexes[0].name",
                      "duplicate index or unique constraint name \"ix\" (first declared at spec.tables[0].indexes[0].name)"));
}

TEST(Names, RejectsIndexNamedLikeAUniqueConstraint) {
  EXPECT_TRUE(rejects(withSpec("tables:\n"
                               "  - {name: a, columns: [{name: x, type: int}], unique: [{name: k, columns: [x]}]}\n"
                               "  - {name: b, columns: [{name: x, type: int}], indexes: [{name: k, columns: [x]}]}\n"),
                      "spec.tables[1].indexes[0].name", "duplicate index or unique constraint name \"k\""));
}

TEST(Names, RejectsIndexNamedLikeATable) {
  EXPECT_TRUE(rejects(withSpec("tables:\n"
                               "  - {name: a, columns: [{name: x, type: int}], indexes: [{name: b, columns: [x]}]}\n"
                               "  - {name: b, columns: [{name: x, type: int}]}\n"),
                      "spec.tables[0].indexes[0].name", "is the name of the table declared at spec.tables[1].name"));
}

TEST(Names, RejectsTableRenamedFromADeclaredTable) {
  EXPECT_TRUE(rejects(withSpec("tables:\n"
                               "  - {name: a, columns: [{name: x, type: int}]}\n"
                               "  - {name: b, columns: [{name: x, type: int}], renamedFrom: [old, a]}\n"),
                      "spec.tables[1].renamedFrom[1]", "\"a\" is a table declared at spec.tables[0].name"));
}

TEST(Names, RejectsColumnRenamedFromADeclaredColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}, {name: b, type: int, renamedFrom: [a]}]}]\n"),
                      "spec.tables[0].columns[1].renamedFrom[0]", "is a column declared at spec.tables[0].columns[0].name"));
}

TEST(Names, RejectsTwoColumnsRenamedFromTheSameName) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int, renamedFrom: [z]}, {name: b, type: int, renamedFrom: [z]}]}]\n"),
                      "spec.tables[0].columns[1].renamedFrom[0]", "duplicate renamedFrom name \"z\""));
}

TEST(Names, RejectsAnIgnoredTableListedTwice) {
  EXPECT_TRUE(rejects(withSpec("ignore: [alembic_version, flyway_schema_history, alembic_version]\n"), "spec.ignore[2]",
                      "duplicate ignored table \"alembic_version\" (first declared at spec.ignore[0])"));
}

TEST(Names, RejectsIgnoredTableThatIsDeclared) {
  EXPECT_TRUE(rejects(withSpec("ignore: [other, t]\ntables: [{name: t, columns: [{name: a, type: int}]}]\n"), "spec.ignore[1]",
                      "cannot be both managed and ignored"));
}

}  // namespace
