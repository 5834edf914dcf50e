// partitionBy and partitionOf: what is read, and the errors that name the field at fault.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

// A partitioned table "events" with `key` as its partitionBy, then `more` (YAML list items).
std::string events(const std::string& key, const std::string& more = "") {
  return withSpec("tables:\n  - name: events\n    columns: [{name: id, type: bigint, nullable: false}, "
                  "{name: at, type: date}]\n    partitionBy: " + key + "\n" + more);
}

const char* kKey = "{strategy: range, columns: [at]}";

}  // namespace

TEST(Partitions, ReadsTheKeyAndPartitionsWhichGetTheirParentsColumns) {
  const auto m = parseOk(events(kKey, R"y(  - name: events_2026
    partitionOf: {table: events, bounds: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"}
    checks: [{name: c, expression: "id > 0"}]
    indexes: [{columns: [id]}]
  - name: events_rest
    partitionOf: {table: events, default: true}
)y")).model;
  ASSERT_EQ(m.tables.size(), 3u);
  ASSERT_TRUE(m.tables[0].partitionBy);
  EXPECT_EQ(m.tables[0].partitionBy->strategy, "range");
  EXPECT_EQ(m.tables[0].partitionBy->columns, std::vector<std::string>{"at"});
  EXPECT_EQ(m.tables[0].partitionBy->field, "spec.tables[0].partitionBy");
  ASSERT_TRUE(m.tables[1].partitionOf);
  EXPECT_EQ(m.tables[1].partitionOf->table, "events");
  EXPECT_EQ(m.tables[1].partitionOf->bounds, "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
  EXPECT_EQ(m.tables[1].columns, m.tables[0].columns);
  EXPECT_EQ(m.tables[2].partitionOf->bounds, "DEFAULT");
  const auto byExpression = parseOk(events("{strategy: list, expressions: [\"date_part('year', at)\"]}")).model;
  EXPECT_EQ(byExpression.tables[0].partitionBy->expressions, std::vector<std::string>{"date_part('year', at)"});
}

TEST(Partitions, RejectsAKeyThatIsNotOneOfColumnsOrExpressions) {
  EXPECT_TRUE(rejects(events("{strategy: range}"), "spec.tables[0].partitionBy", "either columns or expressions"));
  EXPECT_TRUE(rejects(events("{strategy: range, columns: [at], expressions: [\"id\"]}"), "spec.tables[0].partitionBy",
                      "either columns or expressions"));
  EXPECT_TRUE(rejects(events("{strategy: interval, columns: [at]}"), "spec.tables[0].partitionBy.strategy",
                      "range, list or hash"));
  EXPECT_TRUE(rejects(events("{strategy: range, columns: [nope]}"), "spec.tables[0].partitionBy.columns[0]",
                      "\"nope\" is not a column of table \"events\""));
  EXPECT_TRUE(rejects(events("{strategy: list, columns: [id, at]}"), "spec.tables[0].partitionBy", "exactly one"));
}

TEST(Partitions, APartitionDeclaresNoColumnsKeysOrForeignKeys) {
  for (const char* key : {"columns: [{name: x, type: int}]", "primaryKey: [id]", "unique: [{columns: [id]}]",
                          "foreignKeys: [{columns: [id], references: {table: events, columns: [id]}}]"}) {
    const std::string part = std::string("  - name: p\n    partitionOf: {table: events, default: true}\n    ") + key + "\n";
    const std::string field = std::string(key).substr(0, std::string(key).find(':'));
    EXPECT_TRUE(rejects(events(kKey, part), "spec.tables[1]." + field, "a partition declares no " + field)) << key;
  }
}

TEST(Partitions, RejectsBoundsThatAreNotBoundsAndAParentThatIsNotPartitioned) {
  EXPECT_TRUE(rejects(events(kKey, "  - name: p\n    partitionOf: {table: events}\n"),
                      "spec.tables[1].partitionOf.bounds", "must be set"));
  EXPECT_TRUE(rejects(events(kKey, "  - name: p\n    partitionOf: {table: events, bounds: \"IN (1)\"}\n"),
                      "spec.tables[1].partitionOf.bounds", "must start with FOR VALUES"));
  EXPECT_TRUE(rejects(events(kKey, "  - name: p\n    partitionOf: {table: events, bounds: \"FOR VALUES IN (1)\", default: true}\n"),
                      "spec.tables[1].partitionOf.default", "not both"));
  EXPECT_TRUE(rejects(events(kKey, "  - name: p\n    partitionOf: {table: nowhere, default: true}\n"),
                      "spec.tables[1].partitionOf.table", "\"nowhere\" is not a table declared in spec.tables"));
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: plain\n    columns: [{name: id, type: int}]\n"
                               "  - name: p\n    partitionOf: {table: plain, default: true}\n"),
                      "spec.tables[1].partitionOf.table", "\"plain\" is not partitioned"));
}
