// Leader election with real Leases and the event recorder with real Events, on the real API server.
#include <atomic>
#include <thread>

#include "kube/events.hpp"
#include "kube/lease.hpp"
#include "kube_fixture.hpp"

namespace {

using namespace kube;
using namespace kube::testing;
using namespace std::chrono_literals;

TEST_F(KubeFixture, LeaseAcquireRenewAndTakeoverBetweenTwoClients) {
  core::ManualClock clock;
  auto ca = client(config_, clock);
  auto cb = client(config_, clock);
  LeaderElector a(*ca, {ns_, "schema-operator", "a", {}}, {}, {});
  LeaderElector b(*cb, {ns_, "schema-operator", "b", {}}, {}, {});
  ASSERT_TRUE(*a.tryAcquireOrRenew());
  EXPECT_FALSE(*b.tryAcquireOrRenew());
  clock.advance(2s);
  ASSERT_TRUE(*a.tryAcquireOrRenew());  // renew
  clock.advance(10s);
  EXPECT_FALSE(*b.tryAcquireOrRenew());  // renewed 10 s ago, 15 s lease
  clock.advance(6s);
  ASSERT_TRUE(*b.tryAcquireOrRenew());  // expired: takeover
  EXPECT_FALSE(*a.tryAcquireOrRenew());
  auto lease = environment().plane().get("coordination.k8s.io", "v1", "leases", ns_, "schema-operator");
  auto spec = leaseSpecOf(lease);
  EXPECT_EQ(spec.holderIdentity, "b");
  EXPECT_EQ(spec.leaseTransitions, 1);
  EXPECT_EQ(spec.leaseDurationSeconds, 15);
}

TEST_F(KubeFixture, LeaderLoopHandsOverOnRelease) {
  auto ca = client();
  auto cb = client();
  LeaseDurations fast{1000ms, 600ms, 50ms};
  std::atomic<int> aLeads = 0, bLeads = 0, aStops = 0;
  LeaderElector a(*ca, {ns_, "op", "a", fast}, [&] { ++aLeads; }, [&] { ++aStops; });
  LeaderElector b(*cb, {ns_, "op", "b", fast}, [&] { ++bLeads; }, {});
  std::stop_source stopA, stopB;
  std::thread ta([&] { a.run(stopA.get_token()); });
  ASSERT_TRUE(eventually([&] { return a.isLeader(); }));
  std::thread tb([&] { b.run(stopB.get_token()); });
  // b stays standby while a renews (several of b's retry periods)
  auto until = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < until) ASSERT_FALSE(b.isLeader()), std::this_thread::sleep_for(10ms);
  stopA.request_stop();
  ta.join();
  EXPECT_EQ(aStops, 1);
  // released: empty holder (or already b's, which retries every 50 ms)
  std::string holder = leaseSpecOf(environment().plane().get("coordination.k8s.io", "v1", "leases", ns_, "op")).holderIdentity;
  EXPECT_TRUE(holder == "" || holder == "b") << holder;
  // so b takes over without waiting for the lease to expire
  ASSERT_TRUE(eventually([&] { return b.isLeader(); }, 2s));
  stopB.request_stop();
  tb.join();
  EXPECT_EQ(aLeads, 1);
  EXPECT_EQ(bLeads, 1);
}

TEST_F(KubeFixture, EventsAreAggregated) {
  auto c = client();
  auto created = c->call(request::create(resources::configMap(), ns_, configMap("subject")));
  ASSERT_TRUE(created);
  (*created)["apiVersion"] = "v1";
  (*created)["kind"] = "ConfigMap";
  EventRecorder rec(*c, "schema-operator", "test-host");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(rec.record(ObjectReference::of(*created), EventType::Warning, "Drift", "2 changes"));
  ASSERT_TRUE(rec.record(ObjectReference::of(*created), EventType::Normal, "Applied", "done"));
  auto list = c->call(request::list(resources::event(), ns_));
  ASSERT_TRUE(list) << list.error().toError().describe();
  ASSERT_EQ((*list)["items"].size(), 2u);
  for (const auto& e : (*list)["items"]) {
    EXPECT_EQ(e["involvedObject"]["name"], "subject");
    EXPECT_EQ(e["source"]["component"], "schema-operator");
    if (e["reason"] == "Drift") {
      EXPECT_EQ(e["count"], 3);
      EXPECT_EQ(e["type"], "Warning");
      EXPECT_EQ(e["metadata"]["name"].get<std::string>().rfind("subject.", 0), 0u);
    } else {
      EXPECT_EQ(e["count"], 1);
    }
  }
}

}  // namespace
