// Columns: types, nullability defaults, identity, defaults, comments.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

// One table "t" with the given column list (flow or block YAML at column 0) and extra table keys.
std::string table(const std::string& columns, const std::string& extra = "") {
  return withSpec("tables:\n  - name: t\n    columns: " + columns + "\n" + extra);
}

TEST(Columns, NullableDefaultsToTrue) {
  const auto m = parseOk(table("[{name: a, type: text}]")).model;
  EXPECT_TRUE(m.tables[0].columns[0].nullable);
}

TEST(Columns, PrimaryKeyAndIdentityColumnsDefaultToNotNull) {
  const auto m = parseOk(table("[{name: a, type: int}, {name: b, type: bigint, identity: by-default}, {name: c, type: int}]",
                               "    primaryKey: [a]\n"))
                     .model;
  EXPECT_FALSE(m.tables[0].columns[0].nullable);
  EXPECT_FALSE(m.tables[0].columns[1].nullable);
  EXPECT_TRUE(m.tables[0].columns[2].nullable);
}

TEST(Columns, ExplicitNotNullIsKept) {
  EXPECT_FALSE(parseOk(table("[{name: a, type: text, nullable: false}]")).model.tables[0].columns[0].nullable);
}

TEST(Columns, RejectsNullablePrimaryKeyColumn) {
  EXPECT_TRUE(rejects(table("[{name: x, type: int}, {name: a, type: int, nullable: true}]", "    primaryKey: [a]\n"),
                      "spec.tables[0].columns[1].nullable", "a primary key column cannot be nullable"));
}

TEST(Columns, RejectsNullableIdentityColumn) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int, identity: always, nullable: true}]"),
                      "spec.tables[0].columns[0].nullable", "an identity column cannot be nullable"));
}

TEST(Columns, RejectsIdentityWithDefault) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int, identity: always, default: \"1\"}]"),
                      "spec.tables[0].columns[0].default", "an identity column cannot have a default"));
}

TEST(Columns, RejectsUnknownIdentity) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int, identity: sometimes}]"), "spec.tables[0].columns[0].identity",
                      "must be always or by-default, found \"sometimes\""));
}

TEST(Columns, ReadsIdentityKinds) {
  const auto m = parseOk(table("[{name: a, type: int, identity: always}, {name: b, type: int, identity: by-default}, {name: c, type: int}]")).model;
  EXPECT_EQ(m.tables[0].columns[0].identity, schema::Identity::Always);
  EXPECT_EQ(m.tables[0].columns[1].identity, schema::Identity::ByDefault);
  EXPECT_EQ(m.tables[0].columns[2].identity, schema::Identity::None);
}

TEST(Columns, RequiresType) {
  EXPECT_TRUE(rejects(table("[{name: a}]"), "spec.tables[0].columns[0].type", "must be set"));
  EXPECT_TRUE(rejects(table("[{name: a, type: \"  \"}]"), "spec.tables[0].columns[0].type", "must not be empty"));
}

TEST(Columns, RejectsSerialTypesSuggestingIdentity) {
  auto r = spec::parseDocument(table("[{name: a, type: BigSerial}]"));
  EXPECT_TRUE(spec::testing::isInvalid(r, "spec.tables[0].columns[0].type", "identity"));
  EXPECT_NE(r.error().message.find("bigint"), std::string::npos) << r.error().message;
  EXPECT_TRUE(rejects(table("[{name: a, type: serial}]"), "spec.tables[0].columns[0].type", "identity: by-default"));
  EXPECT_TRUE(rejects(table("[{name: a, type: smallserial}]"), "spec.tables[0].columns[0].type", "smallint"));
  EXPECT_TRUE(rejects(table("[{name: a, type: serial8}]"), "spec.tables[0].columns[0].type", "bigint"));
}

TEST(Columns, DefaultIsTheScalarText) {
  const auto m = parseOk(table(
                             "\n      - {name: a, type: int, default: 0}\n"
                             "      - {name: b, type: text, default: \"'pending'\"}\n"
                             "      - {name: c, type: boolean, default: true}\n"
                             "      - {name: d, type: numeric, default: 1.50}\n"
                             "      - {name: e, type: text, default: ~}\n"
                             "      - {name: f, type: timestamptz, default: now()}\n"))
                     .model;
  const auto& c = m.tables[0].columns;
  EXPECT_EQ(c[0].defaultExpr, "0");
  EXPECT_EQ(c[1].defaultExpr, "'pending'");
  EXPECT_EQ(c[2].defaultExpr, "true");
  EXPECT_EQ(c[3].defaultExpr, "1.50");
  EXPECT_EQ(c[4].defaultExpr, std::nullopt);
  EXPECT_EQ(c[5].defaultExpr, "now()");
}

TEST(Columns, RejectsDefaultThatIsNotAScalar) {
  EXPECT_TRUE(rejects(table("[{name: a, type: text, default: [1, 2]}]"), "spec.tables[0].columns[0].default",
                      "expected a string, found a list"));
  EXPECT_TRUE(rejects(table("[{name: a, type: text, default: \"\"}]"), "spec.tables[0].columns[0].default",
                      "must not be empty"));
}

TEST(Columns, ReadsCommentsAndRenames) {
  const auto m = parseOk(table("[{name: a, type: int, comment: \"the a\", renamedFrom: [old_a, older_a]}]",
                               "    comment: \"\"\n    renamedFrom: [t_old]\n"))
                     .model;
  EXPECT_EQ(m.tables[0].columns[0].comment, "the a");
  EXPECT_EQ(m.tables[0].columns[0].renamedFrom, (std::vector<std::string>{"old_a", "older_a"}));
  EXPECT_EQ(m.tables[0].comment, "");
  EXPECT_EQ(m.tables[0].renamedFrom, std::vector<std::string>{"t_old"});
}

TEST(Tables, RequireAtLeastOneColumn) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t}]\n"), "spec.tables[0].columns", "at least one column"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: []}]\n"), "spec.tables[0].columns", "at least one column"));
}

TEST(Tables, RejectsEmptyPrimaryKey) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    primaryKey: []\n"), "spec.tables[0].primaryKey",
                      "at least one column"));
}

TEST(Tables, ReadsForeignKeyActions) {
  const auto m = parseOk(withSpec(R"(tables:
  - name: p
    columns: [{name: id, type: int}]
    primaryKey: [id]
  - name: c
    columns: [{name: a, type: int}, {name: b, type: int}, {name: d, type: int}, {name: e, type: int}]
    foreignKeys:
      - {columns: [a], references: {table: p, columns: [id]}, onDelete: set null, onUpdate: restrict}
      - {columns: [b], references: {table: p, columns: [id]}, onDelete: set default, onUpdate: no action}
      - {columns: [d], references: {table: p, columns: [id]}, onDelete: cascade}
      - {columns: [e], references: {table: p, columns: [id]}}
)")).model;
  const auto& fks = m.tables[1].foreignKeys;
  ASSERT_EQ(fks.size(), 4u);
  EXPECT_EQ(fks[0].onDelete, schema::FkAction::SetNull);
  EXPECT_EQ(fks[0].onUpdate, schema::FkAction::Restrict);
  EXPECT_EQ(fks[1].onDelete, schema::FkAction::SetDefault);
  EXPECT_EQ(fks[2].onDelete, schema::FkAction::Cascade);
  EXPECT_EQ(fks[3].onDelete, schema::FkAction::NoAction);
  EXPECT_EQ(fks[3].name, "");
}

TEST(Tables, RejectsUnknownForeignKeyAction) {
  EXPECT_TRUE(rejects(withSpec(R"(tables:
  - name: p
    columns: [{name: id, type: int}]
    primaryKey: [id]
    foreignKeys: [{columns: [id], references: {table: p, columns: [id]}, onDelete: CASCADE}]
)"),
                      "spec.tables[0].foreignKeys[0].onDelete", "must be no action, restrict, cascade, set null or set default"));
}

TEST(Tables, ReadsIndexOptions) {
  const auto m = parseOk(table("[{name: a, type: jsonb}, {name: b, type: int}]",
                               "    indexes:\n      - {columns: [a], method: gin}\n"
                               "      - {name: t_b_key, columns: [b, a], unique: true, where: \"b > 0\"}\n"))
                     .model;
  const auto& ix = m.tables[0].indexes;
  ASSERT_EQ(ix.size(), 2u);
  EXPECT_EQ(ix[0].name, "");
  EXPECT_EQ(ix[0].method, "gin");
  EXPECT_FALSE(ix[0].unique);
  EXPECT_EQ(ix[1].keys, (std::vector<schema::IndexKey>{{"b", ""}, {"a", ""}}));
  EXPECT_TRUE(ix[1].unique);
  EXPECT_EQ(ix[1].where, "b > 0");
  EXPECT_EQ(ix[1].method, "btree");
}

TEST(Tables, RejectsIndexMethodThatIsNotALowercaseName) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    indexes: [{columns: [a], method: GIN}]\n"),
                      "spec.tables[0].indexes[0].method", "access method"));
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    indexes: [{columns: [a], method: \"btree; drop\"}]\n"),
                      "spec.tables[0].indexes[0].method", "access method"));
}

TEST(Tables, RequiresCheckExpressionAndIndexColumns) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    checks: [{name: c}]\n"), "spec.tables[0].checks[0].expression",
                      "must be set"));
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    indexes: [{name: i}]\n"), "spec.tables[0].indexes[0].columns",
                      "must be set"));
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    unique: [{columns: []}]\n"), "spec.tables[0].unique[0].columns",
                      "at least one column"));
}

TEST(Tables, RequiresForeignKeyReferences) {
  EXPECT_TRUE(rejects(table("[{name: a, type: int}]", "    foreignKeys: [{columns: [a]}]\n"),
                      "spec.tables[0].foreignKeys[0].references", "must be set"));
}

}  // namespace
