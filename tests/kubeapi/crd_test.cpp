// The repository's own CRD and examples through kubectl (contract §3, §6, §7, §11): apply, get
// with printer columns, -o yaml / wide, explain and describe.
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.hpp"
#include "util.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Crd : public ClusterSuite<Crd> {
 public:
  static bool withCrd() { return false; }  // applying it is under test here

 protected:
  // The examples in namespace apps, applied once for the tests that read them.
  void applyExamples() {
    cluster().applyCrd();
    if (examplesApplied_) return;
    auto r = kubectl({"apply", "-k", sourcePath("examples/k8s")});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    examplesApplied_ = true;
  }
  // The CRD's openAPIV3Schema, read from the file kubectl applied.
  static json crdSchema() {
    std::ifstream in(sourcePath("crds/databaseschemas.yaml"));
    std::stringstream ss;
    ss << in.rdbuf();
    return kubeapi::yamlToJson(ss.str())["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
  }
  inline static bool examplesApplied_ = false;
};

// Text with every run of whitespace made one space: kubectl explain re-wraps descriptions.
std::string words(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space) out += c;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  return out;
}

TEST_F(Crd, ApplyCreatesAnEstablishedCrdListedByGetCrd) {
  auto r = kubectl({"apply", "-f", sourcePath("crds/")});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "customresourcedefinition.apiextensions.k8s.io/databaseschemas.dbschema.io created\n");

  auto again = kubectl({"apply", "-f", sourcePath("crds/")});
  ASSERT_EQ(again.exitCode, 0) << again.describe();
  EXPECT_EQ(again.out, "customresourcedefinition.apiextensions.k8s.io/databaseschemas.dbschema.io unchanged\n");

  auto get = kubectl({"get", "crd"});
  ASSERT_EQ(get.exitCode, 0) << get.describe();
  EXPECT_EQ(tableHeader(get.out), (std::vector<std::string>{"NAME", "CREATED AT"}));
  auto row = tableRow(get.out, "databaseschemas.dbschema.io");
  EXPECT_EQ(row["CREATED AT"].size(), std::string("2025-01-01T00:00:00Z").size()) << get.out;

  auto established = kubectl({"get", "crd", "databaseschemas.dbschema.io", "-o",
                              "jsonpath={.status.conditions[?(@.type==\"Established\")].status} "
                              "{.status.acceptedNames.kind} {.status.storedVersions}"});
  EXPECT_EQ(established.out, "True DatabaseSchema [\"v1alpha1\"]");
}

TEST_F(Crd, ApplyKustomizedExamplesThenReapply) {
  cluster().applyCrd();
  auto first = kubectl({"apply", "-k", sourcePath("examples/k8s")});
  ASSERT_EQ(first.exitCode, 0) << first.describe();
  examplesApplied_ = true;
  for (const char* line : {"namespace/apps created", "secret/shop-db created", "secret/shop-db-ca created",
                           "databaseschema.dbschema.io/shop created", "databaseschema.dbschema.io/inventory created"})
    EXPECT_NE(first.out.find(line), std::string::npos) << line << "\n" << first.out;
  const json shop = cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", "apps", "shop");
  ASSERT_TRUE(shop.is_object());
  EXPECT_EQ(shop["metadata"]["generation"], 1);

  auto again = kubectl({"apply", "-k", sourcePath("examples/k8s")});
  ASSERT_EQ(again.exitCode, 0) << again.describe();
  EXPECT_NE(again.out.find("namespace/apps unchanged"), std::string::npos) << again.out;
  // stringData is write-only, so kubectl always sends it again: "configured", as on a real cluster.
  EXPECT_NE(again.out.find("secret/shop-db configured"), std::string::npos) << again.out;
  // The server defaults fields inside list items (indexes[].method…), so kubectl's three-way
  // merge patch carries the lists again; the write is a no-op: same resourceVersion, generation.
  const json after = cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", "apps", "shop");
  EXPECT_EQ(after["metadata"]["resourceVersion"], shop["metadata"]["resourceVersion"]);
  EXPECT_EQ(after["metadata"]["generation"], 1);
}

TEST_F(Crd, ReapplySaysUnchangedOrConfigured) {
  cluster().applyCrd();
  const std::string ns = testNamespace();
  cluster().createNamespace(ns);
  const std::string doc = schemaDoc("plain", ns, "  mode: Plan\n");
  auto created = kubectl({"apply", "-f", "-"}, doc);
  ASSERT_EQ(created.exitCode, 0) << created.describe();
  EXPECT_EQ(created.out, "databaseschema.dbschema.io/plain created\n");

  auto same = kubectl({"apply", "-f", "-"}, doc);
  EXPECT_EQ(same.out, "databaseschema.dbschema.io/plain unchanged\n") << same.describe();

  auto changed = kubectl({"apply", "-f", "-"}, schemaDoc("plain", ns, "  mode: Apply\n"));
  EXPECT_EQ(changed.out, "databaseschema.dbschema.io/plain configured\n") << changed.describe();
  const json live = cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", ns, "plain");
  EXPECT_EQ(live["spec"]["mode"], "Apply");
  EXPECT_EQ(live["metadata"]["generation"], 2);
}

TEST_F(Crd, GetAllNamespacesShowsPrinterColumns) {
  applyExamples();
  // What the operator would report, written through the status subresource.
  auto st = kubectl({"-n", "apps", "patch", "dbs", "shop", "--subresource=status", "--type=merge", "-p",
                     R"({"status":{"phase":"Drifted","drift":{"count":3},"plan":{"destructive":1},)"
                     R"("conditions":[{"type":"Ready","status":"False","reason":"Drifted","message":"3 differences",)"
                     R"("lastTransitionTime":"2025-01-01T00:00:00Z"}]}})"});
  ASSERT_EQ(st.exitCode, 0) << st.describe();

  auto r = kubectl({"get", "dbs", "-A"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(tableHeader(r.out),
            (std::vector<std::string>{"NAMESPACE", "NAME", "PHASE", "DRIFT", "DESTRUCTIVE", "MODE", "AGE"}));
  auto shop = tableRow(r.out, "shop");
  EXPECT_EQ(shop["NAMESPACE"], "apps");
  EXPECT_EQ(shop["PHASE"], "Drifted");
  EXPECT_EQ(shop["DRIFT"], "3");
  EXPECT_EQ(shop["DESTRUCTIVE"], "1");
  EXPECT_EQ(shop["MODE"], "Apply");
  EXPECT_FALSE(shop["AGE"].empty());
  EXPECT_NE(shop["AGE"].find_first_of("smhd"), std::string::npos) << shop["AGE"];  // a human age, not a timestamp
  auto inventory = tableRow(r.out, "inventory");
  EXPECT_EQ(inventory["MODE"], "Plan");
  EXPECT_EQ(inventory["PHASE"], "");  // no status yet: the cell is empty

  auto wide = kubectl({"get", "dbs", "-n", "apps", "-o", "wide"});
  ASSERT_EQ(wide.exitCode, 0) << wide.describe();
  EXPECT_EQ(tableHeader(wide.out), (std::vector<std::string>{"NAME", "PHASE", "DRIFT", "DESTRUCTIVE", "MODE", "AGE",
                                                             "SCHEMA", "LAST CHECKED", "MESSAGE"}));
  EXPECT_EQ(tableRow(wide.out, "shop")["SCHEMA"], "public");
  EXPECT_EQ(tableRow(wide.out, "shop")["MESSAGE"], "3 differences");
  EXPECT_EQ(tableRow(wide.out, "inventory")["SCHEMA"], "inventory");

  auto byShortName = kubectl({"get", "databaseschema", "-n", "apps", "shop", "--no-headers"});
  EXPECT_EQ(byShortName.out.rfind("shop ", 0), 0u) << byShortName.describe();
}

TEST_F(Crd, GetYamlShowsTheStoredObject) {
  applyExamples();
  auto r = kubectl({"get", "dbs", "-n", "apps", "-o", "yaml"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  const json list = kubeapi::yamlToJson(r.out);
  EXPECT_EQ(list["kind"], "List");
  ASSERT_EQ(list["items"].size(), 2u) << r.out;
  const json& inventory = list["items"][0];
  EXPECT_EQ(inventory["metadata"]["name"], "inventory");
  EXPECT_EQ(inventory["apiVersion"], "dbschema.io/v1alpha1");
  EXPECT_EQ(inventory["kind"], "DatabaseSchema");
  EXPECT_EQ(inventory["metadata"]["labels"]["app.kubernetes.io/part-of"], "shop");
  EXPECT_FALSE(inventory["metadata"].contains("managedFields"));  // kubectl strips them
  EXPECT_FALSE(inventory["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(inventory["metadata"]["resourceVersion"].get<std::string>().empty());
  EXPECT_EQ(inventory["spec"]["tables"][1]["columns"][1]["name"], "sku");
  EXPECT_EQ(inventory["spec"]["prune"], false);  // a default the manifest left out

  auto one = kubectl({"get", "dbs", "-n", "apps", "shop", "-o", "json"});
  ASSERT_EQ(one.exitCode, 0) << one.describe();
  const json shop = json::parse(one.out);
  EXPECT_EQ(shop["spec"]["tables"][0]["name"], "customers");
  EXPECT_TRUE(shop["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
  auto managed = kubectl({"get", "dbs", "-n", "apps", "shop", "-o", "json", "--show-managed-fields"});
  EXPECT_EQ(json::parse(managed.out)["metadata"]["managedFields"][0]["manager"], "kubectl-client-side-apply");
}

TEST_F(Crd, ExplainTeachesTheFieldFromTheCrd) {
  cluster().applyCrd();
  auto r = kubectl({"explain", "databaseschemas.spec.tables.columns"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_NE(r.out.find("KIND:       DatabaseSchema"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FIELD: columns <[]Object>"), std::string::npos) << r.out;

  const json columns = crdSchema()["properties"]["spec"]["properties"]["tables"]["items"]["properties"]["columns"];
  const std::string description = columns["description"];
  EXPECT_NE(words(r.out).find(words(description)), std::string::npos) << description << "\n" << r.out;
  const json& item = columns["items"];
  for (const auto& [field, schema] : item["properties"].items())
    EXPECT_NE(r.out.find("  " + field + "\t<"), std::string::npos) << field << "\n" << r.out;
  for (const auto& required : item["required"])
    EXPECT_NE(r.out.find("  " + required.get<std::string>() + "\t<string> -required-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("enum: always, by-default"), std::string::npos) << r.out;

  auto top = kubectl({"explain", "dbs"});
  ASSERT_EQ(top.exitCode, 0) << top.describe();
  EXPECT_NE(words(top.out).find(words(crdSchema()["description"])), std::string::npos) << top.out;
  // spec's own description, and required, from the CRD too.
  EXPECT_NE(words(top.out).find(words(crdSchema()["properties"]["spec"]["description"])), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("spec\t<Object> -required-"), std::string::npos) << top.out;
}

TEST_F(Crd, DescribeShowsSpecStatusAndEvents) {
  applyExamples();
  const json shop = cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", "apps", "shop");
  ASSERT_TRUE(shop.is_object());
  // An Event about shop as the operator records it; describe finds it by the object's uid.
  const json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", "shop.17a0"}, {"namespace", "apps"}}},
      {"involvedObject",
       {{"apiVersion", "dbschema.io/v1alpha1"}, {"kind", "DatabaseSchema"}, {"name", "shop"}, {"namespace", "apps"},
        {"uid", shop["metadata"]["uid"]}}},
      {"reason", "DriftDetected"},
      {"message", "3 differences between the declaration and the database"},
      {"type", "Warning"},
      {"source", {{"component", "schema-operator"}}},
      {"firstTimestamp", kubeapi::nowRfc3339()},
      {"lastTimestamp", kubeapi::nowRfc3339()},
      {"count", 1}};
  ASSERT_EQ(cluster().http("POST", "/api/v1/namespaces/apps/events", event.dump()).status, 201);
  ASSERT_EQ(cluster().http("PATCH", "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop/status",
                           R"({"status":{"phase":"Drifted"}})", "application/merge-patch+json")
                .status,
            200);

  auto r = kubectl({"describe", "databaseschema", "shop", "-n", "apps"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  // describe aligns values per block, so the spacing after each label varies.
  for (const char* line : {"^Name: +shop$", "^Namespace: +apps$", "^API Version: +dbschema.io/v1alpha1$",
                           "^Kind: +DatabaseSchema$", "^  Generation: +1$", "^Spec:$", "^  Mode: +Apply$",
                           "^    Secret Ref:$", "^      Name: +shop-db$", "^Status:$", "^  Phase: +Drifted$", "^Events:"})
    EXPECT_TRUE(std::regex_search(r.out, std::regex(line, std::regex::multiline))) << line << "\n" << r.out;
  const std::string events = r.out.substr(r.out.find("Events:"));
  EXPECT_NE(events.find("Warning  DriftDetected"), std::string::npos) << events;
  EXPECT_NE(events.find("schema-operator  3 differences between the declaration and the database"), std::string::npos)
      << events;
}

}  // namespace
}  // namespace kubetest
