// kubectl wait --for=condition=Ready (contract §4.1, §5.2, §5.7): met only when the condition is
// True for the current generation, timing out otherwise, and surviving a 410 on re-watch.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Wait : public NamespaceSuite<Wait> {
 public:
  static bool withShop() { return true; }
  // No bookmarks during a test: they would move kubectl past the compaction the 410 test needs.
  static kubeapi::ServerOptions options() {
    kubeapi::ServerOptions o;
    o.bookmarkIntervalMs = 600000;
    return o;
  }

 protected:
  // Writes status.conditions[Ready] the way the operator does: through /status.
  void setReady(const std::string& status, int observedGeneration) {
    const json patch = {{"status",
                         {{"observedGeneration", observedGeneration},
                          {"conditions",
                           {{{"type", "Ready"}, {"status", status}, {"reason", status == "True" ? "InSync" : "Drifted"},
                             {"message", "set by the test"}, {"lastTransitionTime", "2025-01-01T00:00:00Z"},
                             {"observedGeneration", observedGeneration}}}}}}};
    auto r = kubectl({"-n", ns_, "patch", "dbs", "shop", "--subresource=status", "--type=merge", "-p", patch.dump()});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
  }
  ProcResult waitReady(const std::string& timeout) {
    return kubectl({"-n", ns_, "wait", "--for=condition=Ready", "databaseschema/shop", "--timeout=" + timeout});
  }
  size_t lists() {
    size_t n = 0;
    for (const auto& c : cluster().server().calls()) n += c.verb == "list" && c.resource == "databaseschemas" && c.ns == ns_;
    return n;
  }
};

TEST_F(Wait, ConditionMetWhenReadyIsWritten) {
  auto w = cluster().kubectlBackground({"-n", ns_, "wait", "--for=condition=Ready", "dbs/shop", "--timeout=20s"});
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0; })) << w->err();
  EXPECT_TRUE(w->running());
  setReady("True", 1);
  auto r = w->wait(15s);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop condition met\n");
}

TEST_F(Wait, TimesOutWhileNotReady) {
  setReady("False", 1);
  auto r = waitReady("1s");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("error: timed out waiting for the condition on databaseschemas/shop"), std::string::npos)
      << r.describe();
}

TEST_F(Wait, StaleObservedGenerationDoesNotCount) {
  auto spec = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p", R"({"spec":{"mode":"Plan"}})"});
  ASSERT_EQ(spec.exitCode, 0) << spec.describe();
  ASSERT_EQ(cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", ns_, "shop")["metadata"]["generation"], 2);
  setReady("True", 1);  // True, but about generation 1
  auto stale = waitReady("1s");
  EXPECT_EQ(stale.exitCode, 1) << stale.describe();

  setReady("True", 2);
  auto current = waitReady("10s");
  EXPECT_EQ(current.exitCode, 0) << current.describe();
}

TEST_F(Wait, MissingObjectIsAnError) {
  auto r = kubectl({"-n", ns_, "wait", "--for=condition=Ready", "dbs/nosuch", "--timeout=5s"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("databaseschemas.dbschema.io \"nosuch\" not found"), std::string::npos) << r.describe();
}

TEST_F(Wait, RelistsAfterTheWatchExpires) {
  auto w = cluster().kubectlBackground({"-n", ns_, "wait", "--for=condition=Ready", "dbs/shop", "--timeout=30s"});
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0; })) << w->err();
  const size_t listsBefore = lists();
  // Another object changes (kubectl's watch, on shop only, sees nothing of it), history is
  // compacted past kubectl's position, and the stream ends: its re-watch gets 410 Expired.
  ASSERT_EQ(kubectl({"apply", "-f", "-"}, schemaDoc("other", ns_)).exitCode, 0);
  cluster().server().compact();
  cluster().server().dropWatches();
  // client-go answers the 410 with a fresh list, then watches from there.
  ASSERT_TRUE(eventually([&] { return lists() > listsBefore && cluster().server().openWatches() > 0; }, 15s))
      << "lists " << lists() << " watches " << cluster().server().openWatches() << "\n" << w->err();
  EXPECT_TRUE(w->running());
  setReady("True", 1);
  auto r = w->wait(20s);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop condition met\n");
}

}  // namespace
}  // namespace kubetest
