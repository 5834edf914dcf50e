// export of partitioned tables and partitions: written with partitionBy and partitionOf, read back
// by the project's reader as the same partitioning.
#include <gtest/gtest.h>

#include "export/document.hpp"
#include "export/yaml_text.hpp"
#include "spec/resource.hpp"

using namespace exporting;

namespace {

schema::Column column(std::string name, std::string type) {
  schema::Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = false;
  return c;
}

// events partitioned by range, two partitions (one the default, one with a check of its own),
// and logs by an expression; as pg::inspect reads them (a partition has its parent's columns).
schema::Model partitioned() {
  schema::Model m;
  schema::Table events;
  events.name = "events";
  events.columns = {column("id", "bigint"), column("at", "date")};
  events.partitionBy = schema::PartitionBy{"range", {"at"}, {}, "RANGE (at)", {}};
  schema::Table y2026 = events;
  y2026.name = "events_2026";
  y2026.partitionBy.reset();
  y2026.partitionOf = schema::PartitionOf{"events", "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')", {}};
  y2026.checks.push_back({"events_2026_check", "id > 0", true, {}});
  y2026.comment = "this year";
  schema::Table rest = y2026;
  rest.name = "events_rest";
  rest.checks.clear();
  rest.comment.reset();
  rest.partitionOf->bounds = "DEFAULT";
  schema::Table logs;
  logs.name = "logs";
  logs.columns = {column("kind", "text")};
  logs.partitionBy = schema::PartitionBy{"list", {}, {"lower(kind)"}, "LIST (lower(kind))", {}};
  m.tables = {events, y2026, rest, logs};
  return m;
}

}  // namespace

TEST(ExportPartitions, WritesTheKeyAndPartitionsWithoutTheirColumns) {
  Options options;
  options.name = "p";
  const Exported out = exportSchema(partitioned(), CatalogExtras{}, options);
  const std::string yaml = toYaml(out.document);
  EXPECT_NE(yaml.find("    - name: events\n"
                      "      partitionBy: {strategy: range, columns: [at]}\n"
                      "      columns:\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("    - name: events_2026\n"
                      "      comment: this year\n"
                      "      partitionOf: {table: events, bounds: \"FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')\"}\n"
                      "      checks:\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("    - {name: events_rest, partitionOf: {table: events, default: true}}\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("partitionBy: {strategy: list, expressions: [lower(kind)]}"), std::string::npos) << yaml;
}

TEST(ExportPartitions, ReadsBackAsTheSamePartitioning) {
  Options options;
  options.name = "p";
  const Exported out = exportSchema(partitioned(), CatalogExtras{}, options);
  auto docs = spec::parseDocuments(toYaml(out.document));
  ASSERT_TRUE(docs) << docs.error().describe();
  const schema::Model& m = docs->at(0).model;
  ASSERT_EQ(m.tables.size(), 4u);
  EXPECT_EQ(m.tables[0].partitionBy->columns, std::vector<std::string>{"at"});
  EXPECT_EQ(m.tables[1].partitionOf->table, "events");
  EXPECT_EQ(m.tables[1].partitionOf->bounds, "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
  EXPECT_EQ(m.tables[1].columns.size(), 2u);  // its parent's
  EXPECT_EQ(m.tables[2].partitionOf->bounds, "DEFAULT");
  EXPECT_EQ(m.tables[3].partitionBy->expressions, std::vector<std::string>{"lower(kind)"});
}

TEST(ExportPartitions, APartitionOfATableLeftOutIsLeftOutToo) {
  CatalogExtras extras;
  extras.unexpressible.push_back({Scope::Table, "table", "events", "events", "unlogged"});
  Options options;
  options.name = "p";
  const Exported out = exportSchema(partitioned(), extras, options);
  const auto& ignore = out.document["spec"]["ignore"];
  EXPECT_EQ(ignore.dump(), R"(["events","events_2026","events_rest"])");
}
