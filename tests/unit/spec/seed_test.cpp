// spec.seed: rows flattened into schema::SeedRow and checked against the declared tables.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

const std::string kTables =
    "tables:\n"
    "  - name: users\n"
    "    columns: [{name: id, type: int}, {name: email, type: text}, {name: note, type: text}]\n"
    "    primaryKey: [id]\n"
    "  - name: settings\n"
    "    columns: [{name: key, type: text}, {name: scope, type: text}, {name: value, type: text}]\n";

std::string withSeed(const std::string& seed) { return withSpec(kTables + "seed:\n" + seed); }

TEST(Seed, FlattensRowsWithFieldsAndPrimaryKey) {
  const auto seeds = parseOk(withSeed("  - table: users\n    rows:\n"
                                      "      - {id: 1, email: a@example.com}\n"
                                      "      - {email: \"b@example.com\", id: 2, note: ~}\n"
                                      "  - table: settings\n    rows: [{key: theme, scope: global}]\n"))
                         .model.seeds;
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(seeds[0].field, "spec.seed[0].rows[0]");
  EXPECT_EQ(seeds[1].field, "spec.seed[0].rows[1]");
  EXPECT_EQ(seeds[1].table, "users");
  EXPECT_EQ(seeds[1].columns, (std::vector<std::string>{"email", "id", "note"}));
  EXPECT_EQ(seeds[1].values, (std::vector<std::optional<std::string>>{"b@example.com", "2", std::nullopt}));
  EXPECT_EQ(seeds[1].key, std::vector<std::string>{"id"});
  EXPECT_EQ(seeds[1].object(), "users[id=2]");
  EXPECT_EQ(seeds[2].field, "spec.seed[1].rows[0]");
  EXPECT_EQ(seeds[2].key, (std::vector<std::string>{"key", "scope"}));
  EXPECT_EQ(seeds[2].object(), "settings[key=theme,scope=global]");
}

TEST(Seed, RejectsUndeclaredTable) {
  EXPECT_TRUE(rejects(withSeed("  - table: people\n    rows: []\n"), "spec.seed[0].table",
                      "\"people\" is not a table declared in spec.tables"));
}

TEST(Seed, RejectsUndeclaredColumn) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{id: 1}, {id: 2, emial: x}]\n"), "spec.seed[0].rows[1].emial",
                      "\"emial\" is not a column of table \"users\""));
}

TEST(Seed, RequiresPrimaryKeyColumns) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{email: x}]\n"), "spec.seed[0].rows[0]",
                      "must give primary key column \"id\" of table \"users\""));
}

TEST(Seed, RejectsNullPrimaryKeyValue) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{id: null}]\n"), "spec.seed[0].rows[0].id",
                      "must not be null"));
}

TEST(Seed, AllowsNullInTablesWithoutPrimaryKey) {
  const auto seeds = parseOk(withSeed("  - table: settings\n    rows: [{key: a, value: null}]\n")).model.seeds;
  EXPECT_EQ(seeds[0].values[1], std::nullopt);
  EXPECT_EQ(seeds[0].key, (std::vector<std::string>{"key", "value"}));
}

TEST(Seed, RejectsMapOrListValues) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{id: 1, note: {a: b}}]\n"), "spec.seed[0].rows[0].note",
                      "found a map"));
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{id: 1, note: [a]}]\n"), "spec.seed[0].rows[0].note",
                      "found a list"));
}

TEST(Seed, RejectsRowThatIsNotAMapOrIsEmpty) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [[1]]\n"), "spec.seed[0].rows[0]", "expected a map"));
  EXPECT_TRUE(rejects(withSeed("  - table: settings\n    rows: [{}]\n"), "spec.seed[0].rows[0]", "at least one column"));
}

TEST(Seed, RejectsTheSameRowTwice) {
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    rows: [{id: 1, email: a}]\n"
                               "  - table: users\n    rows: [{id: 1, email: b}]\n"),
                      "spec.seed[1].rows[0]", "same row (same key) as spec.seed[0].rows[0]"));
}

TEST(Seed, RejectsRowMissingANotNullColumnWithoutDefault) {
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: id, type: int}, {name: n, type: text, nullable: false}], primaryKey: [id]}]\n"
                               "seed: [{table: t, rows: [{id: 1}]}]\n"),
                      "spec.seed[0].rows[0]", "must give column \"n\": it is NOT NULL with no default"));
}

TEST(Seed, RequiresTableAndRows) {
  EXPECT_TRUE(rejects(withSeed("  - rows: []\n"), "spec.seed[0].table", "must be set"));
  EXPECT_TRUE(rejects(withSeed("  - table: users\n"), "spec.seed[0].rows", "must be set"));
  EXPECT_TRUE(rejects(withSeed("  - table: users\n    row: []\n"), "spec.seed[0].row", "unknown field"));
}

}  // namespace
