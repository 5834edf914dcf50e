// parseDocuments / parseDocument: streams of documents, empty ones, malformed YAML, JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::isInvalid;
using spec::testing::parseOk;

std::string minimal(const std::string& name) {
  return "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: " + name +
         "}\nspec:\n  tables:\n    - name: t\n      columns: [{name: id, type: int}]\n";
}

TEST(ParseDocuments, ReadsEveryDocumentInOrder) {
  auto r = spec::parseDocuments(minimal("one") + "---\n" + minimal("two") + "---\n" + minimal("three"));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "one");
  EXPECT_EQ((*r)[1].name, "two");
  EXPECT_EQ((*r)[2].name, "three");
}

TEST(ParseDocuments, SkipsEmptyDocuments) {
  auto r = spec::parseDocuments("---\n" + minimal("one") + "---\n---\n# only a comment\n---\n" + minimal("two") + "---\n");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].name, "two");
}

TEST(ParseDocuments, PrefixesFieldWithDocumentNumber) {
  auto r = spec::parseDocuments(minimal("one") + "---\n" + minimal("two") + "    - name: u\n      colums: []\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(r.error().field, "document 2: spec.tables[1].colums");
  EXPECT_EQ(r.error().describe().rfind("document 2: spec.tables[1].colums: unknown field", 0), 0u)
      << r.error().describe();
}

TEST(ParseDocuments, CountsEmptyDocumentsInTheNumber) {
  // The number is the document's place in the file, so the user can find it.
  auto r = spec::parseDocuments(minimal("one") + "---\n---\nkind: Nope\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "document 3: apiVersion");
}

TEST(ParseDocuments, PrefixesMessageWhenThereIsNoField) {
  auto r = spec::parseDocuments(minimal("one") + "---\n- a list\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "");
  EXPECT_EQ(r.error().message, "document 2: expected a map, found a list");
}

TEST(ParseDocuments, RejectsInputWithNoDocument) {
  for (const char* text : {"", "---\n", "# nothing\n"}) {
    auto r = spec::parseDocuments(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(r.error().message, "no DatabaseSchema document found");
  }
}

TEST(ParseDocuments, ReportsMalformedYamlWithLineColumnAndDocument) {
  auto r = spec::parseDocuments(minimal("one") + "---\nkind: [DatabaseSchema\nspec: {}\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(r.error().field, "");
  EXPECT_EQ(r.error().message.rfind("document 2: malformed YAML at line ", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find(", column "), std::string::npos) << r.error().message;
}

TEST(ParseDocument, ReportsMalformedYamlWithLineAndColumn) {
  auto r = spec::parseDocument("apiVersion: dbschema.io/v1alpha1\nkind: a: b\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(r.error().message, "malformed YAML at line 2, column 8: mapping values are not allowed in this context");
}

TEST(ParseDocument, RejectsMoreThanOneDocument) {
  auto r = spec::parseDocument(minimal("one") + "---\n" + minimal("two"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "expected one document, found 2");
}

TEST(ParseDocument, ReadsJsonFromTheApiServer) {
  const char* json = R"({
	"apiVersion": "dbschema.io/v1alpha1",
	"kind": "DatabaseSchema",
	"metadata": {"name": "shop", "namespace": "apps", "generation": 7, "uid": "0b6c",
	             "resourceVersion": "123", "creationTimestamp": "2024-01-01T00:00:00Z",
	             "labels": {"app": "shop"}, "managedFields": [{"manager": "kubectl"}],
	             "annotations": {"dbschema.io/allow-destructive": "DropColumn"}},
	"spec": {
	  "connection": {"secretRef": {"name": "db", "key": "url"}},
	  "mode": "Plan", "interval": "90s", "prune": true,
	  "tables": [{"name": "t", "columns": [
	    {"name": "id", "type": "bigint", "identity": "always"},
	    {"name": "flag", "type": "boolean", "nullable": false, "default": "false"},
	    {"name": "n", "type": "int", "default": 0}
	  ], "primaryKey": ["id"]}],
	  "seed": [{"table": "t", "rows": [{"id": 1, "flag": true, "n": null}]}]
	},
	"status": {"phase": "InSync", "observedGeneration": 7}
})";
  const auto r = parseOk(json);
  EXPECT_EQ(r.name, "shop");
  EXPECT_EQ(r.ns, "apps");
  EXPECT_EQ(r.generation, 7);
  EXPECT_EQ(r.mode, spec::Mode::Plan);
  EXPECT_EQ(r.interval, std::chrono::seconds(90));
  EXPECT_TRUE(r.policy.prune);
  EXPECT_EQ(r.approval.kinds, std::set<schema::ChangeKind>{schema::ChangeKind::DropColumn});
  ASSERT_EQ(r.model.tables.size(), 1u);
  const auto& t = r.model.tables[0];
  EXPECT_EQ(t.columns[1].defaultExpr, "false");
  EXPECT_FALSE(t.columns[1].nullable);
  EXPECT_EQ(t.columns[2].defaultExpr, "0");
  ASSERT_EQ(r.model.seeds.size(), 1u);
  EXPECT_EQ(r.model.seeds[0].values, (std::vector<std::optional<std::string>>{"1", "true", std::nullopt}));
}

// The daemon hands the object it holds (nlohmann::json) straight to the reader: the same resource
// as its text gives, strings staying strings and numbers numbers.
TEST(ParseDocument, ReadsTheApiServersObjectAsItsTextReads) {
  const auto object = nlohmann::json::parse(R"({"apiVersion": "dbschema.io/v1alpha1", "kind": "DatabaseSchema",
    "metadata": {"name": "shop", "namespace": "apps", "generation": 7,
                 "annotations": {"dbschema.io/allow-destructive": "DropColumn"}},
    "spec": {"interval": "90s", "prune": true, "tables": [{"name": "t", "columns": [
      {"name": "id", "type": "bigint"}, {"name": "n", "type": "int", "default": 0}, {"name": "y", "type": "text", "default": "'yes'"}]}],
      "seed": [{"table": "t", "rows": [{"id": 1, "n": null, "y": "null"}]}]}})");
  auto fromObject = spec::parseObject(object);
  auto fromText = spec::parseDocument(object.dump());
  ASSERT_TRUE(fromObject) << fromObject.error().describe();
  ASSERT_TRUE(fromText) << fromText.error().describe();
  EXPECT_EQ(fromObject->generation, 7);
  EXPECT_TRUE(fromObject->model == fromText->model);
  EXPECT_EQ(fromObject->annotations, fromText->annotations);
  EXPECT_EQ(fromObject->model.seeds.at(0).values, (std::vector<std::optional<std::string>>{"1", std::nullopt, "null"}));
  auto wrongType = spec::parseObject(nlohmann::json::parse(R"({"apiVersion": "dbschema.io/v1alpha1",
    "kind": "DatabaseSchema", "metadata": {"name": "x"}, "spec": {"prune": "true"}})"));
  EXPECT_TRUE(isInvalid(wrongType, "spec.prune", "expected true or false, found \"true\""));
}

// The preview comes while the file is still being read: once spec.tables holds a few items, with
// the number of tables estimated from the bytes they took. A connection written after the tables
// is not known then, so the preview asks for the strictest TLS.
TEST(ParseDocuments, PreviewsEarlyWithAnEstimateAndNeverWithWeakerTls) {
  auto withTables = [](const std::string& before, int tables, const std::string& after) {
    std::string text = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: t}\nspec:\n" + before +
                       "  tables:\n";
    for (int i = 0; i < tables; ++i) text += "    - {name: t" + std::to_string(1000 + i) + ", columns: [{name: id, type: int}]}\n";
    return text + after;
  };
  std::vector<spec::Preview> previews;
  auto r = spec::parseDocuments(withTables("  schema: app\n  connection: {sslMode: require}\n", 300, ""),
                                [&](const spec::Preview& p) { previews.push_back(p); });
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(previews.size(), 1u);
  EXPECT_NEAR(static_cast<double>(previews[0].tables), 300.0, 3.0);
  EXPECT_EQ(previews[0].schema, "app");
  EXPECT_EQ(previews[0].connection.sslMode, spec::SslMode::Require);

  // Taken before the rest is read: a syntax error near the end does not hold it back.
  previews.clear();
  r = spec::parseDocuments(withTables("  schema: app\n", 300, "    - {name: [\n"),
                           [&](const spec::Preview& p) { previews.push_back(p); });
  EXPECT_FALSE(r);
  ASSERT_EQ(previews.size(), 1u);
  EXPECT_GT(previews[0].tables, 200u);

  // Fewer tables than the sample: counted, not estimated.
  previews.clear();
  r = spec::parseDocuments(withTables("", 5, "  schema: late\n"), [&](const spec::Preview& p) { previews.push_back(p); });
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(previews.size(), 1u);
  EXPECT_EQ(previews[0].tables, 5u);

  previews.clear();
  r = spec::parseDocuments(withTables("", 300, "  connection: {sslMode: disable, allowSelfSigned: true}\n"),
                           [&](const spec::Preview& p) { previews.push_back(p); });
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(previews.size(), 1u);
  EXPECT_TRUE(previews[0].connection.sslModeSet);
  EXPECT_EQ(previews[0].connection.sslMode, spec::SslMode::VerifyFull);
  EXPECT_FALSE(previews[0].connection.allowSelfSigned);
  EXPECT_EQ((*r)[0].connection.sslMode, spec::SslMode::Disable);  // the document itself reads as written
}

TEST(ParseDocument, RejectsJsonStringWhereBooleanIsExpected) {
  auto r = spec::parseDocument(R"({"apiVersion": "dbschema.io/v1alpha1", "kind": "DatabaseSchema",
    "metadata": {"name": "x"}, "spec": {"prune": "true"}})");
  EXPECT_TRUE(isInvalid(r, "spec.prune", "expected true or false, found \"true\""));
}

TEST(ParseDocument, DoesNotKeepAPartialResult) {
  // One bad table late in the document fails the whole document.
  auto r = spec::parseDocuments(minimal("ok") + "---\n" + minimal("bad") + "    - name: ''\n      columns: [{name: a, type: int}]\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "document 2: spec.tables[1].name");
}

}  // namespace
