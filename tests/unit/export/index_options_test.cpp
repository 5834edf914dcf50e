// exporting::exportSchema writes index keys with their options, INCLUDE, NULLS NOT DISTINCT and
// storage parameters, and the reader reads them back as the same indexes.
#include <gtest/gtest.h>

#include "export/document.hpp"
#include "export/yaml_text.hpp"
#include "spec/resource.hpp"

using namespace exporting;

namespace {

schema::Model people() {
  schema::Model m;
  schema::Table t;
  t.name = "people";
  for (const char* name : {"id", "email", "city", "seen", "search"}) {
    schema::Column c;
    c.name = name;
    c.type = std::string(name) == "search" ? "tsvector" : "text";
    t.columns.push_back(c);
  }
  schema::Index lower;
  lower.name = "people_lower_idx";  // Postgres named it after the function: kept
  schema::IndexKey expression;
  expression.expression = "lower(email)";
  lower.keys = {expression};
  lower.unique = true;
  lower.nullsNotDistinct = true;
  schema::Index recent;
  recent.name = "people_seen_city_id_idx";  // the name Postgres and the engine both give: left out
  schema::IndexKey seen;
  seen.column = "seen";
  seen.descending = true;  // NULLS FIRST is DESC's default: not written
  seen.nullsFirst = true;
  schema::IndexKey city;
  city.column = "city";
  city.opclass = "text_pattern_ops";
  city.collation = "C";
  city.nullsFirst = true;
  recent.keys = {seen, city};
  recent.include = {"id"};
  recent.with = {{"fillfactor", "80"}};
  schema::Index search;
  search.name = "people_search_idx";
  search.method = "gist";
  schema::IndexKey body;
  body.column = "search";
  body.opclass = "tsvector_ops";
  body.opclassParameters = {{"siglen", "24"}};
  search.keys = {body};
  t.indexes = {lower, recent, search};
  schema::Unique cityKey{"people_city_key", {"city"}, {}};
  cityKey.nullsNotDistinct = true;
  t.uniques.push_back(cityKey);
  m.tables.push_back(t);
  return m;
}

CatalogExtras extras() {
  CatalogExtras x;
  x.relationNames = {"people", "people_lower_idx", "people_seen_city_id_idx", "people_search_idx", "people_city_key"};
  x.constraintNames = {"people_city_key"};
  return x;
}

Options options() {
  Options o;
  o.name = "people";
  return o;
}

}  // namespace

TEST(ExportIndexOptions, WritesKeysWhereColumnsCannotSayThem) {
  const Exported out = exportSchema(people(), extras(), options());
  const std::string yaml = toYaml(out.document);
  EXPECT_NE(yaml.find("      unique:\n        - {columns: [city], nullsNotDistinct: true}\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("      indexes:\n"
                      "        - name: people_lower_idx\n"
                      "          keys:\n"
                      "            - {expression: lower(email)}\n"
                      "          unique: true\n"
                      "          nullsNotDistinct: true\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("        - keys:\n"
                      "            - {column: seen, order: desc}\n"
                      "            - {column: city, nulls: first, opclass: text_pattern_ops, collation: C}\n"
                      "          include: [id]\n"
                      "          with: {fillfactor: \"80\"}\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("name: people_seen_city_id_idx"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("{column: search, opclass: tsvector_ops, opclassParameters: {siglen: \"24\"}}"), std::string::npos)
      << yaml;
  EXPECT_TRUE(out.leftOut.empty());
}

TEST(ExportIndexOptions, ReadsBackAsTheSameIndexes) {
  const schema::Model live = people();
  const Exported out = exportSchema(live, extras(), options());
  auto docs = spec::parseDocuments(toYaml(out.document));
  ASSERT_TRUE(docs) << docs.error().describe() << "\n" << toYaml(out.document);
  const schema::Table& read = docs->front().model.tables.at(0);
  ASSERT_EQ(read.indexes.size(), 3u);
  const size_t exportOrder[] = {0, 2, 1};  // sorted by name: lower, search, seen
  for (size_t i = 0; i < read.indexes.size(); ++i) {
    const schema::Index& got = read.indexes[i];
    const schema::Index& want = live.tables[0].indexes[exportOrder[i]];
    ASSERT_EQ(got.keys.size(), want.keys.size()) << want.name;
    for (size_t k = 0; k < got.keys.size(); ++k) {
      schema::IndexKey key = got.keys[k];
      key.field.clear();
      EXPECT_EQ(key, want.keys[k]) << want.name << " key " << k;
    }
    EXPECT_EQ(got.include, want.include) << want.name;
    EXPECT_EQ(got.with, want.with) << want.name;
    EXPECT_EQ(got.nullsNotDistinct, want.nullsNotDistinct) << want.name;
    EXPECT_EQ(got.method, want.method) << want.name;
  }
  EXPECT_TRUE(read.uniques.at(0).nullsNotDistinct);
}
