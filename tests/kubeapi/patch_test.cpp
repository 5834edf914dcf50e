// Changing a custom resource with kubectl (contract §4, §5.2, §5.3): annotate, merge and JSON
// patches, the 415 of a strategic patch on a CR, and the status subresource.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Patch : public NamespaceSuite<Patch> {
 public:
  static bool withShop() { return true; }
  static std::string shopSpec() { return "  mode: Apply\n  ignore: [alembic_version]\n"; }

 protected:
  ProcResult patch(const std::vector<std::string>& args) {
    std::vector<std::string> all{"-n", ns_, "patch", "databaseschema", "shop"};
    all.insert(all.end(), args.begin(), args.end());
    return kubectl(all);
  }
};

TEST_F(Patch, AnnotateChangesMetadataOnly) {
  auto r = kubectl({"-n", ns_, "annotate", "dbs", "shop", "dbschema.io/allow-destructive=true"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop annotated\n");
  EXPECT_EQ(live()["metadata"]["annotations"]["dbschema.io/allow-destructive"], "true");
  EXPECT_EQ(live()["metadata"]["generation"], 1);  // metadata changes leave generation alone

  auto again = kubectl({"-n", ns_, "annotate", "dbs", "shop", "dbschema.io/allow-destructive=DropColumn"});
  EXPECT_NE(again.exitCode, 0);  // kubectl refuses to overwrite without --overwrite
  auto overwrite = kubectl({"-n", ns_, "annotate", "--overwrite", "dbs", "shop", "dbschema.io/allow-destructive=DropColumn"});
  ASSERT_EQ(overwrite.exitCode, 0) << overwrite.describe();
  EXPECT_EQ(live()["metadata"]["annotations"]["dbschema.io/allow-destructive"], "DropColumn");
  auto remove = kubectl({"-n", ns_, "annotate", "dbs", "shop", "dbschema.io/allow-destructive-"});
  ASSERT_EQ(remove.exitCode, 0) << remove.describe();
  EXPECT_FALSE(live()["metadata"]["annotations"].contains("dbschema.io/allow-destructive"));
}

TEST_F(Patch, MergePatchChangesSpecAndGeneration) {
  const std::string rv = live()["metadata"]["resourceVersion"];
  auto r = patch({"--type=merge", "-p", R"({"spec":{"mode":"Plan","ignore":null}})"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop patched\n");
  const json after = live();
  EXPECT_EQ(after["spec"]["mode"], "Plan");
  EXPECT_FALSE(after["spec"].contains("ignore"));  // null removes, RFC 7386
  EXPECT_EQ(after["metadata"]["generation"], 2);
  EXPECT_NE(after["metadata"]["resourceVersion"], rv);

  auto same = patch({"--type=merge", "-p", R"({"spec":{"mode":"Plan"}})"});
  EXPECT_EQ(same.out, "databaseschema.dbschema.io/shop patched (no change)\n") << same.describe();
  EXPECT_EQ(live()["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"]);

  auto invalid = patch({"--type=merge", "-p", R"({"spec":{"mode":"Sometimes"}})"});
  EXPECT_NE(invalid.exitCode, 0);
  EXPECT_NE(invalid.err.find("spec.mode: Unsupported value: \"Sometimes\""), std::string::npos) << invalid.describe();
}

TEST_F(Patch, JsonPatchAppliesAllOrNothing) {
  auto ok = patch({"--type=json", "-p",
                   R"([{"op":"test","path":"/spec/mode","value":"Apply"},{"op":"replace","path":"/spec/mode","value":"Plan"},)"
                   R"({"op":"add","path":"/spec/ignore/-","value":"flyway_schema_history"}])"});
  ASSERT_EQ(ok.exitCode, 0) << ok.describe();
  EXPECT_EQ(live()["spec"]["mode"], "Plan");
  EXPECT_EQ(live()["spec"]["ignore"], json({"alembic_version", "flyway_schema_history"}));
  const json before = live();

  // The test op fails (mode is Plan now): nothing of the patch is applied.
  auto failed = patch({"--type=json", "-p",
                       R"([{"op":"replace","path":"/spec/schema","value":"other"},{"op":"test","path":"/spec/mode","value":"Apply"}])"});
  EXPECT_EQ(failed.exitCode, 1);
  // As from kube-apiserver, whose 422 for a patch that does not apply carries a fixed message.
  EXPECT_EQ(failed.err, "The request is invalid: the server rejected our request due to an error in our request\n")
      << failed.describe();
  EXPECT_EQ(live(), before);

  auto raw = cluster().http("PATCH", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas/shop",
                            R"([{"op":"test","path":"/spec/mode","value":"Apply"}])", "application/json-patch+json");
  EXPECT_EQ(raw.status, 422);
  EXPECT_EQ(raw.json()["reason"], "Invalid");
  EXPECT_EQ(raw.json()["message"], "the server rejected our request due to an error in our request");
  EXPECT_EQ(raw.json()["details"], json::object());
}

TEST_F(Patch, StrategicPatchOnACustomResourceIsUnsupported) {
  const json before = live();
  auto r = patch({"-p", R"({"spec":{"mode":"Plan"}})"});  // kubectl's default type: strategic
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("error: application/strategic-merge-patch+json is not supported by dbschema.io/v1alpha1, "
                       "Kind=DatabaseSchema: the body of the request was in an unknown format - accepted media types "
                       "include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
            std::string::npos)
      << r.describe();
  EXPECT_EQ(live(), before);

  auto raw = cluster().http("PATCH", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas/shop",
                            R"({"spec":{"mode":"Plan"}})", "application/strategic-merge-patch+json");
  EXPECT_EQ(raw.status, 415);
  EXPECT_EQ(raw.json()["reason"], "UnsupportedMediaType");

  // Built-in kinds do take strategic patches.
  ASSERT_EQ(kubectl({"-n", ns_, "create", "configmap", "c", "--from-literal=a=1"}).exitCode, 0);
  auto cm = kubectl({"-n", ns_, "patch", "configmap", "c", "-p", R"({"data":{"b":"2"}})"});
  ASSERT_EQ(cm.exitCode, 0) << cm.describe();
  EXPECT_EQ(cluster().server().get("", "v1", "configmaps", ns_, "c")["data"], json({{"a", "1"}, {"b", "2"}}));
}

TEST_F(Patch, StatusSubresourceKeepsGeneration) {
  const json before = live();
  auto r = patch({"--subresource=status", "--type=merge", "-p",
                  R"({"spec":{"mode":"Plan"},"status":{"phase":"InSync","observedGeneration":1}})"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop patched\n");
  const json after = live();
  EXPECT_EQ(after["status"]["phase"], "InSync");
  EXPECT_EQ(after["metadata"]["generation"], 1);
  EXPECT_NE(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_EQ(after["spec"]["mode"], "Apply");  // /status takes only status

  auto get = kubectl({"-n", ns_, "get", "dbs", "shop", "--subresource=status", "-o", "jsonpath={.status.phase}"});
  EXPECT_EQ(get.out, "InSync") << get.describe();
}

TEST_F(Patch, StatusIsIgnoredOnTheMainEndpoint) {
  ASSERT_EQ(patch({"--subresource=status", "--type=merge", "-p", R"({"status":{"phase":"InSync"}})"}).exitCode, 0);
  const json before = live();
  auto r = patch({"--type=merge", "-p", R"({"status":{"phase":"Error"}})"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop patched (no change)\n");
  EXPECT_EQ(live(), before);

  // Nor does create take a status.
  auto created = kubectl({"apply", "-f", "-"}, schemaDoc("born", ns_, "", "") + "status:\n  phase: InSync\n");
  ASSERT_EQ(created.exitCode, 0) << created.describe();
  EXPECT_FALSE(cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", ns_, "born").contains("status"));
}

}  // namespace
}  // namespace kubetest
