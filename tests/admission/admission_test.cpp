// The CRD and the user-facing RBAC on the real API server (tests/controlplane): `kubectl apply` of
// a DatabaseSchema that cannot work is refused with the field at fault and a message that says
// why, and nothing is stored; what is valid is accepted; ordered lists reorder under server-side
// apply; `kubectl get all` does not list DatabaseSchemas; the default view and edit roles cover
// DatabaseSchemas once deploy/base/aggregated-roles.yaml is applied (kube-controller-manager's
// aggregation controller fills them, as in a cluster). The rules' offline twins are in
// crds/check.py; this is the server's own verdict.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "controller/report_events.hpp"
#include "controlplane/control_plane.hpp"
#include "controlplane/kubectl_path.hpp"
#include "support/background.hpp"
#include "support/process.hpp"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kSourceDir = SCHEMA_OPERATOR_SOURCE_DIR;

// A valid DatabaseSchema in the shape of examples/k8s/shop.yaml, as JSON (kubectl reads it too).
json shop() {
  return json::parse(R"({
    "apiVersion": "dbschema.io/v1alpha1", "kind": "DatabaseSchema",
    "metadata": {"name": "shop", "namespace": "default"},
    "spec": {
      "connection": {"secretRef": {"name": "shop-db", "key": "DATABASE_URL"}},
      "interval": "5m",
      "enums": [{"name": "order_status", "values": ["pending", "paid", "shipped"]}],
      "tables": [
        {"name": "customers",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "email", "type": "text"}],
         "primaryKey": ["id"],
         "unique": [{"name": "customers_email_key", "columns": ["email"]}]},
        {"name": "orders",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "line", "type": "integer"},
                     {"name": "customer_id", "type": "bigint"}, {"name": "status", "type": "order_status"}],
         "primaryKey": ["id", "line"],
         "foreignKeys": [{"name": "orders_customer_fk", "columns": ["customer_id"],
                          "references": {"table": "customers", "columns": ["id"]}}],
         "indexes": [{"name": "orders_customer_idx", "columns": ["customer_id"]},
                     {"name": "orders_status_idx", "columns": ["status", "id"]}]}
      ]}})");
}

class Admission : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plane_ = std::make_unique<controlplane::ControlPlane>();
    const auto crd = kubectl({"apply", "-f", kSourceDir + "/crds/databaseschemas.yaml"});
    ASSERT_EQ(crd.exitCode, 0) << show(crd);  // a rule that does not compile, or costs too much, fails here
    const auto established = kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                                      "crd/databaseschemas.dbschema.io"});
    ASSERT_EQ(established.exitCode, 0) << show(established);
  }
  static void TearDownTestSuite() { plane_.reset(); }

  static testsupport::ProcessResult kubectl(const std::vector<std::string>& args, const std::string& stdinText = "") {
    std::vector<std::string> argv{controlplane::kubectlPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string home = plane_->dir() + "/home";
    std::filesystem::create_directories(home);
    return testsupport::runProcess(argv, {{"KUBECONFIG", plane_->adminKubeconfig()}, {"HOME", home}}, stdinText, 60s);
  }
  static std::string show(const testsupport::ProcessResult& r) {
    return "exit " + std::to_string(r.exitCode) + "\n" + r.out + r.err;
  }

  // The server's verdict on `doc`, stored for real (so a refused one is seen to leave nothing).
  testsupport::ProcessResult apply(const json& doc) { return kubectl({"apply", "-f", "-"}, doc.dump()); }

  // Refused, with every one of `expected` in kubectl's error (the server's message).
  void expectRefused(const json& doc, const std::vector<std::string>& expected) {
    const auto r = apply(doc);
    EXPECT_NE(r.exitCode, 0) << "accepted: " << doc["spec"].dump();
    for (const auto& text : expected) EXPECT_NE(r.err.find(text), std::string::npos) << "missing: " << text << "\n" << show(r);
    EXPECT_EQ(kubectl({"get", "dbs", "shop", "-n", "default"}).exitCode, 1) << "a refused apply stored the resource";
  }
  void expectAccepted(const json& doc) {
    const auto r = kubectl({"apply", "--dry-run=server", "-f", "-"}, doc.dump());
    EXPECT_EQ(r.exitCode, 0) << doc["spec"].dump() << "\n" << show(r);
  }

  static json& table(json& doc, size_t i) { return doc["spec"]["tables"][i]; }

  static inline std::unique_ptr<controlplane::ControlPlane> plane_;
};

TEST_F(Admission, AValidResourceIsAccepted) {
  expectAccepted(shop());
  json interval = shop();
  interval["spec"]["interval"] = "1s";
  expectAccepted(interval);
  interval["spec"]["interval"] = "0.5s500ms";
  expectAccepted(interval);
  json unnamed = shop();
  for (auto& x : table(unnamed, 1)["indexes"]) x.erase("name");  // unnamed indexes have no name to clash
  expectAccepted(unnamed);
}

TEST_F(Admission, ASystemSchemaIsRefused) {
  for (const std::string schema : {"pg_catalog", "pg_toast", "pg_temp_3", "information_schema"}) {
    json doc = shop();
    doc["spec"]["schema"] = schema;
    expectRefused(doc, {"spec.schema", "must not be a system schema"});
  }
}

TEST_F(Admission, AnIntervalUnderOneSecondIsRefused) {
  for (const std::string interval : {"500ms", "999999us", "0.9s"}) {
    json doc = shop();
    doc["spec"]["interval"] = interval;
    expectRefused(doc, {"spec.interval", "must be at least 1s"});
  }
}

TEST_F(Admission, KeyColumnsNotDeclaredInTheTableAreRefusedByName) {
  json pk = shop();
  table(pk, 1)["primaryKey"] = {"id", "position"};
  expectRefused(pk, {"spec.tables[1].primaryKey", "primaryKey names a column that is not declared in table \"orders\""});
  json unique = shop();
  table(unique, 0)["unique"][0]["columns"] = {"mail"};
  expectRefused(unique, {"spec.tables[0].unique", "unique constraint names a column that is not declared in table \"customers\""});
  json index = shop();
  table(index, 1)["indexes"][1]["columns"] = {"state", "id"};
  expectRefused(index, {"spec.tables[1].indexes", "index names a column that is not declared in table \"orders\""});
  json fk = shop();
  table(fk, 1)["foreignKeys"][0]["columns"] = {"customer"};
  expectRefused(fk, {"spec.tables[1].foreignKeys", "foreign key names a column that is not declared in table \"orders\""});
}

TEST_F(Admission, DuplicateNamesAreRefused) {
  json tables = shop();
  tables["spec"]["tables"].push_back(table(tables, 1));
  expectRefused(tables, {"spec.tables[2]", "Duplicate value"});
  json columns = shop();
  table(columns, 0)["columns"].push_back({{"name", "email"}, {"type", "varchar(320)"}});
  expectRefused(columns, {"spec.tables[0].columns[2]", "Duplicate value"});
  json enums = shop();
  enums["spec"]["enums"].push_back({{"name", "order_status"}, {"values", {"x"}}});
  expectRefused(enums, {"spec.enums[1]", "Duplicate value"});
  json indexes = shop();
  table(indexes, 1)["indexes"][1]["name"] = "orders_customer_idx";
  expectRefused(indexes, {"spec.tables[1].indexes", "two indexes of table \"orders\" have the same name"});
  json key = shop();
  table(key, 1)["primaryKey"] = {"id", "id"};
  expectRefused(key, {"spec.tables[1].primaryKey", "primaryKey names a column more than once in table \"orders\""});
}

TEST_F(Admission, OrderedListsAreReplacedWholeByServerSideApply) {
  // The team applies the resource; later another field manager (a second pipeline, a person with
  // --force-conflicts) applies a new key and enum order. As sets, the lists would be merged item by
  // item: the team would keep owning its items, so they would stay, in their old places.
  json doc = shop();
  doc["metadata"]["name"] = "ordered";
  auto applyAs = [&](const std::string& manager, const json& d) {
    return kubectl({"apply", "--server-side", "--force-conflicts", "--field-manager=" + manager, "-f", "-"}, d.dump());
  };
  ASSERT_EQ(applyAs("team", doc).exitCode, 0);
  table(doc, 1)["primaryKey"] = {"line", "id"};
  doc["spec"]["enums"][0]["values"] = {"paid", "shipped"};
  table(doc, 0)["primaryKey"] = {"email"};
  const auto reordered = applyAs("release", doc);
  ASSERT_EQ(reordered.exitCode, 0) << show(reordered);
  const json stored = plane_->get("dbschema.io", "v1alpha1", "databaseschemas", "default", "ordered");
  EXPECT_EQ(stored["spec"]["tables"][1]["primaryKey"], json({"line", "id"}));
  EXPECT_EQ(stored["spec"]["tables"][0]["primaryKey"], json({"email"})) << "not merged with the team's [id]";
  EXPECT_EQ(stored["spec"]["enums"][0]["values"], json({"paid", "shipped"})) << "not merged with the team's labels";
  EXPECT_EQ(kubectl({"delete", "dbs", "ordered", "-n", "default"}).exitCode, 0);
}

TEST_F(Admission, KubectlGetAllDoesNotListDatabaseSchemas) {
  const auto all = kubectl({"api-resources", "--categories=all", "-o", "name"});
  ASSERT_EQ(all.exitCode, 0) << show(all);
  EXPECT_NE(all.out.find("pods"), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find("databaseschemas"), std::string::npos) << all.out;
}

TEST_F(Admission, TheDefaultViewAndEditRolesCoverDatabaseSchemas) {
  // Only the aggregation controller: it copies the labelled ClusterRoles' rules into view/edit/admin.
  testsupport::BackgroundProcess aggregator(
      {controlplane::toolPath("kube-controller-manager"), "--kubeconfig=" + plane_->adminKubeconfig(),
       "--controllers=clusterrole-aggregation-controller", "--leader-elect=false", "--secure-port=0"},
      {}, plane_->dir() + "/aggregation-controller.log");
  const auto roles = kubectl({"apply", "-f", kSourceDir + "/deploy/base/aggregated-roles.yaml"});
  ASSERT_EQ(roles.exitCode, 0) << show(roles);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"create", "namespace", "team"},
        {"create", "rolebinding", "developers", "-n", "team", "--clusterrole=edit", "--user=alice"},
        {"create", "rolebinding", "auditors", "-n", "team", "--clusterrole=view", "--user=bob"}})
    ASSERT_EQ(kubectl(args).exitCode, 0) << args[1];
  auto can = [&](const std::string& user, const std::string& verb, const std::string& resource) {
    return kubectl({"auth", "can-i", verb, resource, "-n", "team", "--as", user}).out;
  };
  ASSERT_TRUE(testsupport::eventually([&] { return can("alice", "create", "databaseschemas.dbschema.io") == "yes\n"; },
                                      60s))
      << aggregator.output();
  for (const std::string verb : {"get", "list", "watch", "create", "update", "patch", "delete"})
    EXPECT_EQ(can("alice", verb, "databaseschemas.dbschema.io"), "yes\n") << "edit: " << verb;
  const auto status = kubectl({"auth", "can-i", "update", "databaseschemas.dbschema.io", "--subresource=status", "-n",
                               "team", "--as", "alice"});
  EXPECT_EQ(status.out, "no\n") << "status is the operator's";
  ASSERT_TRUE(testsupport::eventually([&] { return can("bob", "list", "databaseschemas.dbschema.io") == "yes\n"; }, 60s));
  EXPECT_EQ(can("bob", "get", "databaseschemas.dbschema.io"), "yes\n");
  EXPECT_EQ(can("bob", "create", "databaseschemas.dbschema.io"), "no\n");
  EXPECT_EQ(can("bob", "list", "databaseschemas.dbschema.io"), "yes\n");

  // And as alice herself: the apply the app team makes goes through, in her namespace only.
  json doc = shop();
  doc["metadata"]["namespace"] = "team";
  const auto applied = kubectl({"apply", "--as", "alice", "-f", "-"}, doc.dump());
  EXPECT_EQ(applied.exitCode, 0) << show(applied);
  doc["metadata"]["namespace"] = "default";
  const auto elsewhere = kubectl({"apply", "--as", "alice", "-f", "-"}, doc.dump());
  EXPECT_NE(elsewhere.exitCode, 0);
  EXPECT_NE(elsewhere.err.find("forbidden"), std::string::npos) << show(elsewhere);
}

TEST_F(Admission, TheApprovalEventsCommandWorksAsPasted) {
  // The command the DestructiveChangesPending Event prints, run word for word, twice: the second
  // approval (a newer plan) replaces the first, as --overwrite makes it.
  json doc = shop();
  doc["metadata"]["name"] = "approve-me";
  doc["metadata"]["namespace"] = "team-b";
  ASSERT_EQ(kubectl({"create", "namespace", "team-b"}).exitCode, 0);
  ASSERT_EQ(apply(doc).exitCode, 0);
  for (const std::string hash : {"sha256:" + std::string(64, 'a'), "sha256:" + std::string(64, 'b')}) {
    engine::Report report;
    schema::Change drop;
    drop.kind = schema::ChangeKind::DropColumn;
    drop.object = "orders.legacy";
    drop.safety = schema::Safety::Destructive;
    report.remaining.drift = {drop};
    report.remaining.destructive = 1;
    report.remaining.hash = hash;
    const auto events = controller::eventsFor({"team-b", "approve-me", "uid", "1"}, report, "", spec::Mode::Apply);
    ASSERT_EQ(events.size(), 1u);
    const std::string& message = events[0].message;
    const size_t at = message.find("kubectl ");
    ASSERT_NE(at, std::string::npos) << message;
    std::vector<std::string> words;  // as a shell splits it: the Event needs no quoting
    std::istringstream in(message.substr(at + 8));
    for (std::string w; in >> w;) words.push_back(w);
    const auto pasted = kubectl(words);
    ASSERT_EQ(pasted.exitCode, 0) << message << "\n" << show(pasted);
    const json stored = plane_->get("dbschema.io", "v1alpha1", "databaseschemas", "team-b", "approve-me");
    EXPECT_EQ(stored["metadata"]["annotations"]["dbschema.io/allow-destructive"], hash);
  }
}

}  // namespace
