// export of the contract's Part 2 table layer: each field written as a person would, and read
// back by the project's reader as the same declaration.
#include <gtest/gtest.h>

#include "export/document.hpp"
#include "export/yaml_text.hpp"
#include "spec/resource.hpp"
#include "unit/schema/builders.hpp"

using namespace exporting;

namespace {

using testbuild::col;

schema::Model bookings() {
  schema::Model m;
  schema::Table rooms;
  rooms.name = "rooms";
  schema::Column id = col("id", "integer", false);
  schema::Column code = col("code", "text", false);
  code.collation = "C";
  rooms.columns = {id, code};
  rooms.primaryKey = schema::PrimaryKey{"rooms_pkey", {"id"}};
  rooms.uniques.push_back({"rooms_code_key", {"code"}, {}, schema::Deferrable::InitiallyDeferred});
  rooms.unlogged = true;

  schema::Table b;
  b.name = "bookings";
  schema::Column guest = col("guest", "text");
  schema::Column key = col("guest_key", "text");
  key.generated = "lower(guest)";
  b.columns = {col("room_id", "integer"), guest, key, col("cancelled", "boolean")};
  schema::ForeignKey fk;
  fk.name = "bookings_room_fk";
  fk.columns = {"room_id"};
  fk.refTable = "rooms";
  fk.refColumns = {"id"};
  fk.matchFull = true;
  fk.deferrable = schema::Deferrable::InitiallyImmediate;
  b.foreignKeys.push_back(fk);
  schema::Check check;
  check.name = "bookings_room_check";
  check.expression = "(room_id > 0)";
  check.noInherit = true;
  b.checks.push_back(check);
  schema::Exclusion x;
  x.name = "bookings_no_overlap";
  x.elements = {{"room_id", "", "", false, "="}, {"", "lower(guest)", "text_pattern_ops", true, "="}};
  x.where = "NOT cancelled";
  x.definition = "EXCLUDE USING gist (...)";
  b.exclusions.push_back(x);
  m.tables = {rooms, b};
  return m;
}

}  // namespace

TEST(ExportTableLayer, WritesEachFieldAndReadsBackTheSame) {
  Options options;
  options.name = "bookings";
  const Exported out = exportSchema(bookings(), CatalogExtras{}, options);
  const std::string yaml = toYaml(out.document);
  for (const char* line : {
           "        - {name: code, type: text, nullable: false, collation: C}\n",
           "        - {name: guest_key, type: text, generated: lower(guest)}\n",
           "    - name: rooms\n      unlogged: true\n",
           "        - {columns: [code], deferrable: initially-deferred}\n",
           "          match: full\n          deferrable: initially-immediate\n",
           "        - {name: bookings_room_check, expression: \"(room_id > 0)\", noInherit: true}\n",
           "      exclusions:\n        - name: bookings_no_overlap\n          elements:\n",
           "            - {column: room_id, operator: \"=\"}\n",
           "            - {expression: lower(guest), opclass: text_pattern_ops, order: desc, operator: \"=\"}\n",
           "          where: NOT cancelled\n",
       })
    EXPECT_NE(yaml.find(line), std::string::npos) << line << "\n" << yaml;

  auto docs = spec::parseDocuments(yaml);
  ASSERT_TRUE(docs) << docs.error().describe() << "\n" << yaml;
  const schema::Model& read = docs->front().model;
  const schema::Model live = bookings();
  const schema::Table& b = read.tables[0];  // sorted by name
  const schema::Table& rooms = read.tables[1];
  EXPECT_EQ(rooms.columns[1].collation, live.tables[0].columns[1].collation);
  EXPECT_TRUE(rooms.unlogged);
  EXPECT_EQ(rooms.uniques[0].deferrable, schema::Deferrable::InitiallyDeferred);
  EXPECT_EQ(b.columns[2].generated, live.tables[1].columns[2].generated);
  EXPECT_TRUE(b.foreignKeys[0].matchFull);
  EXPECT_EQ(b.foreignKeys[0].deferrable, schema::Deferrable::InitiallyImmediate);
  EXPECT_TRUE(b.checks[0].noInherit);
  ASSERT_EQ(b.exclusions.size(), 1u);
  EXPECT_EQ(b.exclusions[0].elements, live.tables[1].exclusions[0].elements);
  EXPECT_EQ(b.exclusions[0].where, live.tables[1].exclusions[0].where);
  EXPECT_EQ(b.exclusions[0].method, "gist");
}
