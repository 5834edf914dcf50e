// lease.hpp: the pure decision, and the elector against a scripted in-memory Lease.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "kube/lease.hpp"

namespace {

using namespace kube;
using namespace kube::testing;
using namespace std::chrono_literals;

TEST(LeaseDecide, FreeExpiredOursOrHeld) {
  core::TimePoint now = std::chrono::system_clock::from_time_t(1735689600);
  LeaseDurations d;
  EXPECT_EQ(decide(LeaseSpec{}, now, "me", d), LeaseAction::Acquire);
  EXPECT_EQ(decide(LeaseSpec{"me", 15, now - 1h, now - 1h, 0}, now, "me", d), LeaseAction::Renew);
  EXPECT_EQ(decide(LeaseSpec{"other", 15, now, now - 14s, 0}, now, "me", d), LeaseAction::Standby);
  EXPECT_EQ(decide(LeaseSpec{"other", 15, now, now - 15s, 0}, now, "me", d), LeaseAction::Acquire);
  EXPECT_EQ(decide(LeaseSpec{"other", 60, now, now - 30s, 0}, now, "me", d), LeaseAction::Standby);  // its duration
  EXPECT_EQ(decide(LeaseSpec{"other", 0, now, now - 10s, 0}, now, "me", d), LeaseAction::Standby);   // ours: 15 s
  EXPECT_EQ(decide(LeaseSpec{"other", 15, {}, {}, 0}, now, "me", d), LeaseAction::Acquire);
}

// A Lease kept in memory with resourceVersion checks, like the API server.
struct LeaseServer {
  std::optional<nlohmann::json> lease;
  int rv = 0;
  bool down = false;
  std::vector<std::string> verbs;

  ApiResult<HttpResponse> handle(const Request& r) {
    verbs.push_back(r.method);
    if (down) return transportError("connection refused");
    if (r.method == "GET") return lease ? json(200, *lease) : json(404, status(404, "NotFound"));
    auto body = nlohmann::json::parse(r.body);
    if (r.method == "POST") {
      if (lease) return json(409, status(409, "AlreadyExists"));
      body["metadata"]["resourceVersion"] = std::to_string(++rv);
      lease = body;
      return json(201, body);
    }
    if (r.method == "PUT") {
      if (!lease) return json(404, status(404, "NotFound"));
      if (body["metadata"]["resourceVersion"] != (*lease)["metadata"]["resourceVersion"])
        return json(409, status(409, "Conflict"));
      body["metadata"]["resourceVersion"] = std::to_string(++rv);
      lease = body;
      return json(200, body);
    }
    return json(405, status(405, "MethodNotAllowed"));
  }
};

struct Candidate {
  FakeClient fake;
  std::unique_ptr<LeaderElector> elector;
  int started = 0, stopped = 0;
  Candidate(core::ManualClock& clock, LeaseServer& server, const std::string& identity) {
    fake = makeFakeClient(clock);
    fake.transport->respond = [&server](const Request& r) { return server.handle(r); };
    elector = std::make_unique<LeaderElector>(*fake.client, LeaderElectionConfig{"kube-system", "op", identity, {}},
                                              [this] { ++started; }, [this] { ++stopped; });
  }
};

TEST(LeaderElector, CreatesTheLeaseWhenMissingThenRenewsIt) {
  core::ManualClock clock;
  LeaseServer server;
  Candidate a(clock, server, "a");
  ASSERT_TRUE(*a.elector->tryAcquireOrRenew());
  EXPECT_EQ(server.verbs, (std::vector<std::string>{"GET", "POST"}));
  auto spec = leaseSpecOf(*server.lease);
  EXPECT_EQ(spec.holderIdentity, "a");
  EXPECT_EQ(spec.leaseDurationSeconds, 15);
  EXPECT_EQ(spec.renewTime, std::chrono::time_point_cast<std::chrono::microseconds>(clock.now()));
  clock.advance(2s);
  ASSERT_TRUE(*a.elector->tryAcquireOrRenew());
  EXPECT_EQ(server.verbs.back(), "PUT");
  auto renewed = leaseSpecOf(*server.lease);
  EXPECT_EQ(renewed.acquireTime, spec.acquireTime);
  EXPECT_EQ(*renewed.renewTime - *spec.renewTime, 2s);
  EXPECT_EQ(renewed.leaseTransitions, 0);
  // lease calls time out under renewDeadline/2 and are not retried by the client
  EXPECT_EQ(a.fake.transport->sent.back().timeout, core::Millis(5000));
}

TEST(LeaderElector, StandsByWhileHeldAndTakesOverWhenExpired) {
  core::ManualClock clock;
  LeaseServer server;
  Candidate a(clock, server, "a"), b(clock, server, "b");
  ASSERT_TRUE(*a.elector->tryAcquireOrRenew());
  clock.advance(10s);
  EXPECT_FALSE(*b.elector->tryAcquireOrRenew());
  clock.advance(6s);  // a stopped renewing 16 s ago
  ASSERT_TRUE(*b.elector->tryAcquireOrRenew());
  auto spec = leaseSpecOf(*server.lease);
  EXPECT_EQ(spec.holderIdentity, "b");
  EXPECT_EQ(spec.leaseTransitions, 1);
  EXPECT_FALSE(*a.elector->tryAcquireOrRenew());
}

TEST(LeaderElector, LosingTheRaceIsAConflictNotAnError) {
  core::ManualClock clock;
  LeaseServer server;
  Candidate a(clock, server, "a"), b(clock, server, "b");
  ASSERT_TRUE(*a.elector->tryAcquireOrRenew());
  clock.advance(20s);
  // b reads the expired lease, then a renews before b writes
  b.fake.transport->respond = [&](const Request& r) {
    if (r.method == "PUT") {
      clock.advance(1ms);
      EXPECT_TRUE(*a.elector->tryAcquireOrRenew());
    }
    return server.handle(r);
  };
  auto r = b.elector->tryAcquireOrRenew();
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(leaseSpecOf(*server.lease).holderIdentity, "a");
}

TEST(LeaderElector, RunLeadsLosesAfterRenewDeadlineAndReleasesOnStop) {
  core::ManualClock clock;
  LeaseServer server;
  Candidate a(clock, server, "a");
  std::stop_source stop;
  int rounds = 0;
  a.fake.transport->respond = [&](const Request& r) {
    if (r.method == "GET") {
      ++rounds;
      if (rounds == 1) EXPECT_FALSE(a.elector->isLeader());
      if (rounds == 2) EXPECT_TRUE(a.elector->isLeader());
      server.down = rounds >= 3 && rounds < 10;  // renewals fail for 7 rounds = 14 s > 10 s
      if (rounds == 12) stop.request_stop();
    }
    return server.handle(r);
  };
  a.elector->run(stop.get_token());
  EXPECT_EQ(a.started, 2);  // led, lost after the deadline, led again
  EXPECT_EQ(a.stopped, 2);  // the loss, and the stop
  EXPECT_FALSE(a.elector->isLeader());
  EXPECT_EQ(leaseSpecOf(*server.lease).holderIdentity, "");  // released
  for (auto d : clock.sleeps()) EXPECT_EQ(d, 2s);
}

TEST(LeaderElector, KeepsLeadingThroughShortOutages) {
  core::ManualClock clock;
  LeaseServer server;
  Candidate a(clock, server, "a");
  std::stop_source stop;
  int rounds = 0;
  a.fake.transport->respond = [&](const Request& r) {
    if (r.method == "GET" && ++rounds == 8) stop.request_stop();
    server.down = rounds >= 3 && rounds < 6;  // 3 failed renewals = 6 s < 10 s
    return server.handle(r);
  };
  a.elector->run(stop.get_token());
  EXPECT_EQ(a.started, 1);
  EXPECT_EQ(a.stopped, 1);  // only at the stop
}

}  // namespace
