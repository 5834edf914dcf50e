// kubectl delete and wait --for=delete (contract §4, §5.4, §11): immediate removal, finalizers
// holding an object in Terminating, and the DELETED event that releases the waiters.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Delete : public NamespaceSuite<Delete> {
 public:
  static bool withShop() { return true; }

 protected:
  void addFinalizer() {
    auto r = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p",
                      R"({"metadata":{"finalizers":["dbschema.io/cleanup"]}})"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
  }
  void removeFinalizer() {
    auto r = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=json", "-p", R"([{"op":"remove","path":"/metadata/finalizers"}])"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
  }
};

TEST_F(Delete, WithoutFinalizersTheObjectIsGone) {
  auto r = kubectl({"-n", ns_, "delete", "databaseschema", "shop"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io \"shop\" deleted\n");
  EXPECT_TRUE(live().is_null());
  auto get = kubectl({"-n", ns_, "get", "dbs", "shop"});
  EXPECT_EQ(get.exitCode, 1);
  EXPECT_EQ(get.err, "Error from server (NotFound): databaseschemas.dbschema.io \"shop\" not found\n");
}

TEST_F(Delete, ObjectsOwnedByTheDeletedOneGoWithIt) {
  const std::string uid = live()["metadata"]["uid"];
  const std::string owned = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shop-plan","ownerReferences":[)"
                            R"({"apiVersion":"dbschema.io/v1alpha1","kind":"DatabaseSchema","name":"shop","uid":")" +
                            uid + R"(","controller":true}]},"data":{"a":"1"}})";
  ASSERT_EQ(kubectl({"-n", ns_, "create", "-f", "-"}, owned).exitCode, 0);
  ASSERT_EQ(kubectl({"-n", ns_, "create", "configmap", "unowned", "--from-literal=a=1"}).exitCode, 0);
  auto r = kubectl({"-n", ns_, "delete", "databaseschema", "shop"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_TRUE(cluster().server().get("", "v1", "configmaps", ns_, "shop-plan").is_null());
  EXPECT_FALSE(cluster().server().get("", "v1", "configmaps", ns_, "unowned").is_null());
}

TEST_F(Delete, WithAFinalizerDeleteWaitsForItsRemoval) {
  addFinalizer();
  auto d = cluster().kubectlBackground({"-n", ns_, "delete", "dbs", "shop", "--timeout=30s"});
  ASSERT_TRUE(eventually([&] { return live()["metadata"].contains("deletionTimestamp"); })) << d->err();
  const json terminating = live();
  EXPECT_EQ(terminating["metadata"]["generation"], 2);  // marking for deletion counts as a change
  EXPECT_EQ(terminating["metadata"]["deletionGracePeriodSeconds"], 0);
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0; })) << d->err();
  EXPECT_TRUE(d->running());
  EXPECT_EQ(d->out(), "databaseschema.dbschema.io \"shop\" deleted\n");

  // Terminating objects stay writable, but take no new finalizers.
  auto more = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p",
                       R"({"metadata":{"finalizers":["dbschema.io/cleanup","dbschema.io/other"]}})"});
  EXPECT_EQ(more.exitCode, 1);
  EXPECT_NE(more.err.find("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
                          "deleted, found new finalizers []string{\"dbschema.io/other\"}"),
            std::string::npos)
      << more.describe();

  removeFinalizer();
  auto r = d->wait(15s);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_TRUE(live().is_null());
}

TEST_F(Delete, TimeoutWhileAFinalizerRemains) {
  addFinalizer();
  auto r = kubectl({"-n", ns_, "delete", "dbs", "shop", "--timeout=1s"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.out, "databaseschema.dbschema.io \"shop\" deleted\n");
  EXPECT_NE(r.err.find("error: timed out waiting for the condition on databaseschemas/shop"), std::string::npos)
      << r.describe();
  EXPECT_TRUE(live()["metadata"].contains("deletionTimestamp"));
}

TEST_F(Delete, WaitFalseReturnsAtOnce) {
  addFinalizer();
  const auto start = std::chrono::steady_clock::now();
  auto r = kubectl({"-n", ns_, "delete", "dbs", "shop", "--wait=false"});
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(live()["metadata"].contains("deletionTimestamp"));
  const std::string rv = live()["metadata"]["resourceVersion"];

  auto again = kubectl({"-n", ns_, "delete", "dbs", "shop", "--wait=false"});
  EXPECT_EQ(again.exitCode, 0) << again.describe();
  EXPECT_EQ(live()["metadata"]["resourceVersion"], rv);  // a repeated DELETE changes nothing
}

TEST_F(Delete, WaitForDeleteEndsWithTheDeletedEvent) {
  addFinalizer();
  ASSERT_EQ(kubectl({"-n", ns_, "delete", "dbs", "shop", "--wait=false"}).exitCode, 0);
  auto held = kubectl({"-n", ns_, "wait", "--for=delete", "dbs/shop", "--timeout=1s"});
  EXPECT_EQ(held.exitCode, 1) << held.describe();

  auto w = cluster().kubectlBackground({"-n", ns_, "wait", "--for=delete", "dbs/shop", "--timeout=30s"});
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0; })) << w->err();
  EXPECT_TRUE(w->running());
  removeFinalizer();
  auto r = w->wait(15s);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop condition met\n");

  auto gone = kubectl({"-n", ns_, "wait", "--for=delete", "dbs/shop", "--timeout=5s"});
  EXPECT_EQ(gone.exitCode, 0) << gone.describe();
}

}  // namespace
}  // namespace kubetest
