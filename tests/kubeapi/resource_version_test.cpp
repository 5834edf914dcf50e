// resourceVersion semantics (contract §5.1): one growing counter, optimistic concurrency on
// replace, preconditions in patches, and the collection's version on lists.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class ResourceVersion : public NamespaceSuite<ResourceVersion> {
 public:
  static bool withShop() { return true; }
};

TEST_F(ResourceVersion, ReplaceWithAStaleVersionConflicts) {
  auto yaml = kubectl({"-n", ns_, "get", "dbs", "shop", "-o", "yaml"});
  ASSERT_EQ(yaml.exitCode, 0) << yaml.describe();
  const std::string path = cluster().writeFile("shop-" + ns_ + ".yaml", yaml.out);
  ASSERT_EQ(kubectl({"-n", ns_, "annotate", "dbs", "shop", "touched=yes"}).exitCode, 0);

  auto stale = kubectl({"replace", "-f", path});
  EXPECT_EQ(stale.exitCode, 1);
  EXPECT_NE(stale.err.find("Error from server (Conflict): error when replacing \"" + path +
                           "\": Operation cannot be fulfilled on databaseschemas.dbschema.io \"shop\": the object has "
                           "been modified; please apply your changes to the latest version and try again"),
            std::string::npos)
      << stale.describe();
  EXPECT_EQ(live()["metadata"]["annotations"]["touched"], "yes");

  auto fresh = kubectl({"-n", ns_, "get", "dbs", "shop", "-o", "json"});
  json edited = json::parse(fresh.out);
  edited["spec"]["mode"] = "Plan";
  auto replaced = kubectl({"replace", "-f", "-"}, edited.dump());
  ASSERT_EQ(replaced.exitCode, 0) << replaced.describe();
  EXPECT_EQ(replaced.out, "databaseschema.dbschema.io/shop replaced\n");
  EXPECT_EQ(live()["spec"]["mode"], "Plan");
  EXPECT_EQ(live()["metadata"]["generation"], 2);
}

TEST_F(ResourceVersion, DirectWritesCheckTheVersion) {
  json current = live();
  const std::string rv = current["metadata"]["resourceVersion"];
  ASSERT_EQ(kubectl({"-n", ns_, "label", "dbs", "shop", "tier=gold"}).exitCode, 0);

  auto stale = cluster().http("PUT", item(), current.dump());
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json()["reason"], "Conflict");
  EXPECT_EQ(stale.json()["details"], json({{"name", "shop"}, {"group", "dbschema.io"}, {"kind", "databaseschemas"}}));

  current["metadata"].erase("resourceVersion");
  auto unconditional = cluster().http("PUT", item(), current.dump());
  EXPECT_EQ(unconditional.status, 422);
  EXPECT_EQ(unconditional.json()["message"],
            "DatabaseSchema.dbschema.io \"shop\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
            "specified for an update");

  // A patch is unconditional unless it names a resourceVersion.
  auto patchStale = cluster().http("PATCH", item(), json{{"metadata", {{"resourceVersion", rv}}}}.dump(),
                                   "application/merge-patch+json");
  EXPECT_EQ(patchStale.status, 409);
  auto patchAny = cluster().http("PATCH", item(), R"({"spec":{"mode":"Plan"}})", "application/merge-patch+json");
  EXPECT_EQ(patchAny.status, 200);
  EXPECT_GT(std::stoull(patchAny.json()["metadata"]["resourceVersion"].get<std::string>()), std::stoull(rv));
}

TEST_F(ResourceVersion, NoOpWritesKeepTheVersion) {
  const json current = live();
  const std::string rv = current["metadata"]["resourceVersion"];
  auto put = cluster().http("PUT", item(), current.dump());
  EXPECT_EQ(put.status, 200) << put.body;
  auto putStatus = cluster().http("PUT", item() + "/status", current.dump());
  EXPECT_EQ(putStatus.status, 200) << putStatus.body;
  auto merge = cluster().http("PATCH", item(), "{}", "application/merge-patch+json");
  EXPECT_EQ(merge.status, 200) << merge.body;
  EXPECT_EQ(live()["metadata"]["resourceVersion"], rv);  // no write, no event

  // Only managedFields change (how kubectl hands fields from client-side to server-side apply):
  // that is a write.
  json managed = current["metadata"]["managedFields"];
  ASSERT_TRUE(managed.is_array() && !managed.empty());
  managed[0]["manager"] = "renamed";
  auto mf = cluster().http("PATCH", item(), json::array({{{"op", "replace"}, {"path", "/metadata/managedFields"}, {"value", managed}}}).dump(),
                           "application/json-patch+json");
  EXPECT_EQ(mf.status, 200) << mf.body;
  EXPECT_EQ(live()["metadata"]["managedFields"][0]["manager"], "renamed");
  EXPECT_NE(live()["metadata"]["resourceVersion"], rv);
}

TEST_F(ResourceVersion, OneCounterAcrossKindsAndTheListVersion) {
  auto cm = kubectl({"-n", ns_, "create", "configmap", "c", "--from-literal=a=1", "-o", "jsonpath={.metadata.resourceVersion}"});
  ASSERT_EQ(cm.exitCode, 0) << cm.describe();
  auto dbs = kubectl({"apply", "-f", "-", "-o", "jsonpath={.metadata.resourceVersion}"}, schemaDoc("second", ns_));
  ASSERT_EQ(dbs.exitCode, 0) << dbs.describe();
  EXPECT_GT(std::stoull(dbs.out), std::stoull(cm.out));

  auto list = cluster().http("GET", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas");
  ASSERT_EQ(list.status, 200);
  // The collection's version is the server's latest, not its newest item's (that is dbs.out here).
  EXPECT_GE(std::stoull(list.json()["metadata"]["resourceVersion"].get<std::string>()), std::stoull(dbs.out));
  EXPECT_EQ(list.json()["kind"], "DatabaseSchemaList");
  EXPECT_EQ(list.json()["items"].size(), 2u);
}

}  // namespace
}  // namespace kubetest
