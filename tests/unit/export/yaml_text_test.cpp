// The writer is the reader's inverse: what export writes, spec::parseDocuments reads back as the
// same text, for every string YAML could read as something else.
#include "export/yaml_text.hpp"

#include <gtest/gtest.h>

#include "spec/resource.hpp"

using namespace exporting;
using Json = nlohmann::ordered_json;

namespace {

Json documentWithColumn(const std::string& name, const std::string& comment) {
  Json doc;
  doc["apiVersion"] = "dbschema.io/v1alpha1";
  doc["kind"] = "DatabaseSchema";
  doc["metadata"]["name"] = "t";
  Json column{{"name", name}, {"type", "text"}, {"comment", comment}};
  doc["spec"]["tables"] = Json::array({Json{{"name", name}, {"comment", comment}, {"columns", Json::array({column})}}});
  return doc;
}

}  // namespace

TEST(YamlText, HostileStringsReadBackAsTheSameText) {
  const std::vector<std::string> hostile = {
      "on", "No", "yes", "OFF", "y", "N", "true", "False", "null", "~", "NULL",  // YAML 1.1 and 1.2 words
      "123", "0x1F", "1e5", "0777", ".inf", "-.5", "1_000", "12:30",             // numbers, sexagesimal
      "select", "Order", "MixedCase", "a b", " leading", "trailing ", "a  b",     // spaces
      "a: b", "a:b", "#hash", "a #b", "x # y", "key:", "- dash", "-", "?", "? q",  // indicators
      "quote\"d", "it's", "back\\slash", "new\nline", "tab\there", "cr\rx",       // escapes
      "[list]", "{map}", "a,b", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick", "|", ">",
      "\xC3\xA9t\xC3\xA9", "nel\xC2\x85x", "ls\xE2\x80\xA8x", "\xEF\xBB\xBF" "bom", "<<", "=", "a=b", "x>", "*", "a*b", "/etc", "1/2",
  };
  for (const auto& text : hostile) {
    const std::string yaml = toYaml(documentWithColumn(text, text));
    auto docs = spec::parseDocuments(yaml);
    ASSERT_TRUE(docs) << text << "\n" << yaml << "\n" << docs.error().describe();
    ASSERT_EQ(docs->size(), 1u);
    const schema::Table& t = docs->front().model.tables.at(0);
    EXPECT_EQ(t.name, text) << yaml;
    EXPECT_EQ(t.comment, text) << yaml;
    EXPECT_EQ(t.columns.at(0).name, text) << yaml;
    EXPECT_EQ(t.columns.at(0).comment, text) << yaml;
  }
}

TEST(YamlText, PlainWhereNothingCanBeMisread) {
  EXPECT_EQ(yamlScalar("orders"), "orders");
  EXPECT_EQ(yamlScalar("character varying(320)"), "character varying(320)");
  EXPECT_EQ(yamlScalar("timestamp with time zone"), "timestamp with time zone");
  EXPECT_EQ(yamlScalar("on"), "\"on\"");
  EXPECT_EQ(yamlScalar("numeric(10,2)"), "\"numeric(10,2)\"");
  EXPECT_EQ(yamlScalar("now()"), "now()");
  EXPECT_EQ(yamlScalar("'pending'::order_status"), "\"'pending'::order_status\"");
  EXPECT_EQ(yamlScalar("total >= 0"), "total >= 0");
  EXPECT_EQ(yamlScalar("dbschema.io/v1alpha1"), "dbschema.io/v1alpha1");
}

TEST(YamlText, CommentsCannotEndTheirLine) {
  const std::string yaml = toYaml(Json{{"kind", "x"}}, {"view evil\nkind: Injected", "ls\xE2\x80\xA8kind: x"});
  EXPECT_EQ(yaml, "# view evil\\x0Akind: Injected\n# ls\\Lkind: x\nkind: x\n");
}

TEST(YamlText, SmallItemsOnOneLineTheOutlineInBlocks) {
  Json doc;
  doc["apiVersion"] = "dbschema.io/v1alpha1";
  doc["metadata"]["name"] = "shop";
  doc["spec"]["connection"]["secretRef"] = Json{{"name", "shop-db"}, {"key", "DATABASE_URL"}};
  doc["spec"]["ignore"] = Json::array({"alembic_version"});
  doc["spec"]["tables"] = Json::array(
      {Json{{"name", "orders"},
            {"columns", Json::array({Json{{"name", "id"}, {"type", "bigint"}, {"identity", "always"}}})},
            {"primaryKey", Json::array({"id"})}}});
  EXPECT_EQ(toYaml(doc),
            "apiVersion: dbschema.io/v1alpha1\n"
            "metadata:\n"
            "  name: shop\n"
            "spec:\n"
            "  connection:\n"
            "    secretRef: {name: shop-db, key: DATABASE_URL}\n"
            "  ignore: [alembic_version]\n"
            "  tables:\n"
            "    - name: orders\n"
            "      columns:\n"
            "        - {name: id, type: bigint, identity: always}\n"
            "      primaryKey: [id]\n");
}
