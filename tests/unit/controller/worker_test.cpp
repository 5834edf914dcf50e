// worker.hpp: the gate workers wait on, and the one error policy.
#include "controller/worker.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace controller;
using namespace std::chrono_literals;

namespace {

const QueueKey kShop{"apps", "shop"};

Outcome failed() {
  Outcome o;
  o.failed = true;
  o.message = "connection refused";
  return o;
}

Outcome checked(std::chrono::milliseconds requeueAfter) {
  Outcome o;
  o.requeueAfter = requeueAfter;
  return o;
}

}  // namespace

TEST(ErrorPolicy, AFailureBacksOffPerKeyAndASuccessResetsIt) {
  KeyBackoff backoff(100ms, 1000ms, [] { return 1.0 - 1e-9; });
  EXPECT_NEAR(errorPolicy(failed(), backoff, kShop)->count(), 100, 1);
  EXPECT_NEAR(errorPolicy(failed(), backoff, kShop)->count(), 200, 1);
  EXPECT_NEAR(errorPolicy(failed(), backoff, {"apps", "other"})->count(), 100, 1);  // its own count
  EXPECT_EQ(errorPolicy(checked(60s), backoff, kShop), std::optional(std::chrono::milliseconds(60s)));
  EXPECT_EQ(backoff.failures(kShop), 0);
  EXPECT_NEAR(errorPolicy(failed(), backoff, kShop)->count(), 100, 1);
}

TEST(ErrorPolicy, NoRequeueWhenTheOutcomeWaitsForAChange) {
  KeyBackoff backoff(100ms, 1000ms, [] { return 0.5; });
  (void)errorPolicy(failed(), backoff, kShop);
  EXPECT_EQ(errorPolicy(checked(0ms), backoff, kShop), std::nullopt);
  EXPECT_EQ(backoff.failures(kShop), 0);
}

TEST(WorkGate, OpensOnlyWhenLeadingAndSynced) {
  WorkGate gate;
  EXPECT_FALSE(gate.open());
  gate.setLeading(true);
  EXPECT_FALSE(gate.open());
  gate.setSynced();
  EXPECT_TRUE(gate.open());
  EXPECT_TRUE(gate.leading());
  EXPECT_TRUE(gate.synced());
  gate.setLeading(false);
  EXPECT_FALSE(gate.open());
}

TEST(WorkGate, AWaitEndsWhenTheGateOpens) {
  WorkGate gate;
  gate.setSynced();
  std::stop_source stop;
  std::thread leader([&] {
    std::this_thread::sleep_for(20ms);
    gate.setLeading(true);
  });
  EXPECT_TRUE(gate.waitOpen(stop.get_token()));
  leader.join();
}

TEST(WorkGate, AWaitEndsWhenStopIsRequested) {
  WorkGate gate;
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  EXPECT_FALSE(gate.waitOpen(stop.get_token()));
  stopper.join();
}
