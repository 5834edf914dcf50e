// Contract Part 2, table layer: collation, generated, deferrable, match, noInherit, exclusions,
// unlogged as the reader takes them, and the errors that name the field at fault.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

std::string table(const std::string& columns, const std::string& extra = "") {
  return withSpec("tables:\n  - name: t\n    columns: " + columns + "\n" + extra);
}

TEST(TableLayer, ReadsCollationAndGenerated) {
  const auto m = parseOk(table("[{name: email, type: text, collation: C}, {name: lower_email, type: text, "
                               "generated: \"lower(email)\"}, {name: note, type: text, collation: default}]"))
                     .model;
  const auto& cols = m.tables[0].columns;
  EXPECT_EQ(cols[0].collation, std::optional<std::string>("C"));
  EXPECT_EQ(cols[1].generated, std::optional<std::string>("lower(email)"));
  EXPECT_FALSE(cols[1].collation.has_value());
  EXPECT_FALSE(cols[2].collation.has_value()) << "collation: default is the type's own";
}

TEST(TableLayer, AGeneratedColumnHasNoDefaultNorIdentity) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int, default: \"1\", generated: \"2\"}]"),
                      "spec.tables[0].columns[0].generated", "cannot also have a default"));
  EXPECT_TRUE(rejects(table("[{name: a, type: int, identity: always, generated: \"2\"}]"),
                      "spec.tables[0].columns[0].generated", "cannot also be an identity"));
}

TEST(TableLayer, ReadsConstraintOptionsAndUnlogged) {
  const auto m = parseOk(withSpec(R"(tables:
  - name: p
    unlogged: true
    columns: [{name: id, type: int}]
    primaryKey: [id]
  - name: t
    columns: [{name: id, type: int}, {name: p_id, type: int}]
    unique:
      - {columns: [id], deferrable: initially-deferred}
      - {columns: [p_id], deferrable: false}
    foreignKeys:
      - {columns: [p_id], references: {table: p, columns: [id]}, match: full, deferrable: initially-immediate}
    checks:
      - {expression: "id > 0", noInherit: true}
)"))
                     .model;
  EXPECT_TRUE(m.tables[0].unlogged);
  EXPECT_FALSE(m.tables[1].unlogged);
  const auto& t = m.tables[1];
  EXPECT_EQ(t.uniques[0].deferrable, schema::Deferrable::InitiallyDeferred);
  EXPECT_EQ(t.uniques[1].deferrable, schema::Deferrable::No);
  EXPECT_EQ(t.foreignKeys[0].deferrable, schema::Deferrable::InitiallyImmediate);
  EXPECT_TRUE(t.foreignKeys[0].matchFull);
  EXPECT_TRUE(t.checks[0].noInherit);
}

TEST(TableLayer, RejectsUnknownDeferrableAndMatch) {
  EXPECT_TRUE(rejects(table("[{name: id, type: int}]", "    unique: [{columns: [id], deferrable: true}]\n"),
                      "spec.tables[0].unique[0].deferrable", "must be false, initially-immediate or initially-deferred"));
  EXPECT_TRUE(rejects(withSpec(R"(tables:
  - name: t
    columns: [{name: id, type: int}]
    primaryKey: [id]
    foreignKeys: [{columns: [id], references: {table: t, columns: [id]}, match: partial}]
)"),
                      "spec.tables[0].foreignKeys[0].match", "must be full or simple"));
}

TEST(TableLayer, ReadsExclusions) {
  const auto m = parseOk(table("[{name: room, type: int}, {name: during, type: tstzrange}, {name: cancelled, type: boolean}]",
                               R"(    exclusions:
      - name: no_overlap
        elements:
          - {column: room, operator: "="}
          - {expression: "during", operator: "&&", opclass: range_ops, order: desc}
        where: "NOT cancelled"
)"))
                     .model;
  const auto& x = m.tables[0].exclusions.at(0);
  EXPECT_EQ(x.name, "no_overlap");
  EXPECT_EQ(x.method, "gist");
  ASSERT_EQ(x.elements.size(), 2u);
  EXPECT_EQ(x.elements[0].column, "room");
  EXPECT_EQ(x.elements[0].op, "=");
  EXPECT_EQ(x.elements[1].expression, "during");
  EXPECT_EQ(x.elements[1].opclass, "range_ops");
  EXPECT_TRUE(x.elements[1].descending);
  EXPECT_EQ(x.where, std::optional<std::string>("NOT cancelled"));
}

TEST(TableLayer, RejectsBadExclusions) {
  const std::string columns = "[{name: a, type: int}]";
  EXPECT_TRUE(rejects(table(columns, "    exclusions: [{name: x, elements: [{column: a, operator: \"=) WHERE (true\"}]}]\n"),
                      "spec.tables[0].exclusions[0].elements[0].operator", "is not an operator"));
  EXPECT_TRUE(rejects(table(columns, "    exclusions: [{name: x, elements: [{column: a, expression: a, operator: \"=\"}]}]\n"),
                      "spec.tables[0].exclusions[0].elements[0]", "exactly one of column and expression"));
  EXPECT_TRUE(rejects(table(columns, "    exclusions: [{name: x, elements: []}]\n"), "spec.tables[0].exclusions[0].elements",
                      "at least one element"));
  EXPECT_TRUE(rejects(table(columns, "    exclusions: [{name: x, elements: [{column: b, operator: \"=\"}]}]\n"),
                      "spec.tables[0].exclusions[0].elements[0].column", "is not a column of table"));
  EXPECT_TRUE(rejects(table(columns, "    exclusions: [{name: x, method: \"gist; drop\", elements: [{column: a, operator: \"=\"}]}]\n"),
                      "spec.tables[0].exclusions[0].method", "is not an access method name"));
  EXPECT_TRUE(rejects(table(columns, "    unique: [{name: x, columns: [a]}]\n    exclusions: [{name: x, elements: [{column: a, operator: \"=\"}]}]\n"),
                      "spec.tables[0].exclusions[0].name", "x"));
}

}  // namespace

TEST(TableLayer, ReadsRowLevelSecurityOnlyWhereDeclared) {
  const auto m = parseOk(withSpec(R"(tables:
  - name: a
    columns: [{name: id, type: int}]
    rowLevelSecurity: {enabled: true}
  - name: b
    columns: [{name: id, type: int}]
    rowLevelSecurity: {enabled: true, forced: true}
  - name: c
    columns: [{name: id, type: int}]
)"))
                     .model;
  EXPECT_EQ(m.tables[0].rowLevelSecurity, (schema::RowSecurity{true, false}));
  EXPECT_EQ(m.tables[1].rowLevelSecurity, (schema::RowSecurity{true, true}));
  EXPECT_FALSE(m.tables[2].rowLevelSecurity.has_value()) << "not declared: not managed";
  EXPECT_TRUE(rejects(table("[{name: id, type: int}]", "    rowLevelSecurity: {enabled: yes please}\n"),
                      "spec.tables[0].rowLevelSecurity.enabled", ""));
  EXPECT_TRUE(rejects(table("[{name: id, type: int}]", "    rowLevelSecurity: {enabled: true, bypass: true}\n"),
                      "spec.tables[0].rowLevelSecurity.bypass", ""));
}

TEST(TableLayer, ReadsGrantsOnlyWhereDeclaredAndRefusesWordsGrantDoesNotTake) {
  const auto m = parseOk(withSpec(R"(grants: [{role: app, privileges: [usage]}]
tables:
  - name: a
    columns: [{name: id, type: int}, {name: note, type: text}]
    grants:
      - {role: PUBLIC, privileges: [select, Insert, SELECT]}
      - {role: support, privileges: [SELECT], columns: [note, id]}
  - name: b
    columns: [{name: id, type: int}]
)"))
                     .model;
  ASSERT_TRUE(m.schemaGrants.has_value());
  EXPECT_EQ((*m.schemaGrants)[0].privileges, std::vector<std::string>{"USAGE"});
  ASSERT_TRUE(m.tables[0].grants.has_value());
  EXPECT_EQ((*m.tables[0].grants)[0].role, "public");
  EXPECT_EQ((*m.tables[0].grants)[0].privileges, (std::vector<std::string>{"INSERT", "SELECT"}));
  EXPECT_EQ((*m.tables[0].grants)[1].columns, (std::vector<std::string>{"id", "note"}));
  EXPECT_FALSE(m.tables[1].grants.has_value()) << "not declared: not managed";
  EXPECT_TRUE(rejects(table("[{name: id, type: int}]", "    grants: [{role: app, privileges: [DELETE], columns: [id]}]\n"),
                      "spec.tables[0].grants[0].privileges[0]", "(on columns)"));
  EXPECT_TRUE(rejects(withSpec("grants: [{role: app, privileges: [SELECT]}]\ntables: []\n"), "spec.grants[0].privileges[0]",
                      "must be CREATE or USAGE"));
  EXPECT_TRUE(rejects(withSpec("grants: [{role: app, privileges: [USAGE], columns: [a]}]\n"), "spec.grants[0].columns", ""));
}
