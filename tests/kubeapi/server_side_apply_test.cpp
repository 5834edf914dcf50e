// kubectl apply --server-side (contract §4.1, §5.6): create on apply, field ownership and its
// conflicts, and kubectl's migration of a client-side-applied object to server-side apply.
#include <algorithm>

#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class ServerSideApply : public NamespaceSuite<ServerSideApply> {
 protected:
  std::vector<std::string> managers() {
    std::vector<std::string> out;
    const json object = live();
    for (const auto& e : object["metadata"]["managedFields"])
      out.push_back(e["manager"].get<std::string>() + "/" + e["operation"].get<std::string>());
    return out;
  }
};

TEST_F(ServerSideApply, OwnershipAndConflicts) {
  const std::string doc = schemaDoc("shop", ns_, "  mode: Plan\n");
  auto created = kubectl({"apply", "--server-side", "-f", "-"}, doc);
  ASSERT_EQ(created.exitCode, 0) << created.describe();
  EXPECT_EQ(created.out, "databaseschema.dbschema.io/shop serverside-applied\n");
  EXPECT_EQ(managers(), std::vector<std::string>{"kubectl/Apply"});
  const std::string rv = live()["metadata"]["resourceVersion"];

  auto same = kubectl({"apply", "--server-side", "-f", "-"}, doc);
  ASSERT_EQ(same.exitCode, 0) << same.describe();
  EXPECT_EQ(live()["metadata"]["resourceVersion"], rv);  // nothing changed, nothing written

  // Another manager takes spec.mode; applying a different value now conflicts with it.
  ASSERT_EQ(kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p", R"({"spec":{"mode":"Apply"}})"}).exitCode, 0);
  auto conflict = kubectl({"apply", "--server-side", "-f", "-"}, doc);
  EXPECT_EQ(conflict.exitCode, 1);
  EXPECT_NE(conflict.err.find("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using dbschema.io/v1alpha1: .spec.mode"),
            std::string::npos)
      << conflict.describe();
  EXPECT_EQ(live()["spec"]["mode"], "Apply");

  auto forced = kubectl({"apply", "--server-side", "--force-conflicts", "-f", "-"}, doc);
  ASSERT_EQ(forced.exitCode, 0) << forced.describe();
  EXPECT_EQ(live()["spec"]["mode"], "Plan");
  EXPECT_EQ(managers(), std::vector<std::string>{"kubectl/Apply"});  // kubectl-patch lost its only field
}

TEST_F(ServerSideApply, MigratesAClientSideAppliedObject) {
  const std::string doc = schemaDoc("shop", ns_, "  mode: Plan\n");
  ASSERT_EQ(kubectl({"apply", "-f", "-"}, doc).exitCode, 0);
  EXPECT_EQ(managers(), std::vector<std::string>{"kubectl-client-side-apply/Update"});

  // kubectl applies, then replaces the client-side manager's entry with a JSON patch of
  // managedFields: the server must keep that write although nothing else changes.
  auto r = kubectl({"apply", "--server-side", "-f", "-"}, doc);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  auto owners = managers();
  EXPECT_EQ(std::count(owners.begin(), owners.end(), "kubectl/Apply"), 1) << ::testing::PrintToString(owners);
  EXPECT_EQ(std::count(owners.begin(), owners.end(), "kubectl-client-side-apply/Update"), 0)
      << ::testing::PrintToString(owners);

  // Owned by kubectl now: the next apply may drop a field without any conflict.
  auto changed = kubectl({"apply", "--server-side", "-f", "-"}, schemaDoc("shop", ns_, "  mode: Apply\n"));
  EXPECT_EQ(changed.exitCode, 0) << changed.describe();
  EXPECT_EQ(live()["spec"]["mode"], "Apply");
}

TEST_F(ServerSideApply, ApplyNeedsAFieldManager) {
  auto r = cluster().http("PATCH", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas/shop",
                          R"({"apiVersion":"dbschema.io/v1alpha1","kind":"DatabaseSchema","metadata":{"name":"shop"}})",
                          "application/apply-patch+yaml");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["details"]["causes"][0]["field"], "fieldManager");
}

}  // namespace
}  // namespace kubetest
