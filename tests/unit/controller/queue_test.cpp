#include "controller/queue.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <thread>

using namespace controller;
using namespace std::chrono_literals;

namespace {

const QueueKey a{"apps", "a"};
const QueueKey b{"apps", "b"};
const QueueKey c{"apps", "c"};

}  // namespace

TEST(WorkQueue, DeduplicatesKeys) {
  core::ManualClock clock;
  WorkQueue q(clock);
  q.add(a);
  q.add(a);
  q.add(b);
  EXPECT_EQ(q.waiting(), 2u);
  EXPECT_EQ(q.get(0ms), a);
  EXPECT_EQ(q.get(0ms), b);
  EXPECT_EQ(q.get(0ms), std::nullopt);
}

TEST(WorkQueue, AKeyIsNeverHandedOutTwiceAtOnceAndRunsAgainIfAddedInFlight) {
  core::ManualClock clock;
  WorkQueue q(clock);
  q.add(a);
  ASSERT_EQ(q.get(0ms), a);
  q.add(a);  // changed while being reconciled
  EXPECT_EQ(q.get(0ms), std::nullopt);
  EXPECT_EQ(q.inFlight(), 1u);
  q.done(a);
  EXPECT_EQ(q.get(0ms), a);
  q.done(a);
  EXPECT_EQ(q.get(0ms), std::nullopt);
}

TEST(WorkQueue, DelayedKeysWaitAndTheEarliestTimeWins) {
  core::ManualClock clock;
  WorkQueue q(clock);
  q.addAfter(a, 10s);
  EXPECT_EQ(q.get(0ms), std::nullopt);
  q.addAfter(a, 2s);
  clock.advance(2s);
  EXPECT_EQ(q.get(0ms), a);
  q.done(a);
  q.addAfter(b, 5s);
  q.add(b);  // an event now beats the periodic re-check
  EXPECT_EQ(q.get(0ms), b);
}

TEST(WorkQueue, ForgetAndShutdown) {
  core::ManualClock clock;
  WorkQueue q(clock);
  q.add(a);
  q.forget(a);
  EXPECT_EQ(q.get(0ms), std::nullopt);
  q.add(b);
  q.shutdown();
  EXPECT_EQ(q.get(0ms), std::nullopt);
  q.add(c);
  EXPECT_TRUE(q.shuttingDown());
}

TEST(WorkQueue, GetWakesWhenAKeyArrives) {
  WorkQueue q;
  std::thread producer([&] {
    std::this_thread::sleep_for(20ms);
    q.add({"apps", "late"});
  });
  EXPECT_EQ(q.get(5s), (QueueKey{"apps", "late"}));
  producer.join();
}

TEST(WorkQueue, GetWaitsOnTheInjectedClockForTheNextDueKey) {
  core::ManualClock clock;
  WorkQueue q(clock);
  const QueueKey later{"apps", "later"}, latest{"apps", "latest"};
  q.addAfter(later, 10s);
  q.addAfter(latest, 20s);
  const auto before = clock.monotonic();
  EXPECT_EQ(q.get(15s), later);  // waited on the clock, not in real time
  EXPECT_EQ(clock.monotonic() - before, 10s);
  EXPECT_EQ(q.get(5s), std::nullopt);  // the caller's deadline comes first
  EXPECT_EQ(clock.monotonic() - before, 15s);
  EXPECT_EQ(q.get(1h), latest);
  EXPECT_EQ(clock.monotonic() - before, 20s);
}

TEST(KeyBackoff, DoublesToTheCapWithJitterAndForgets) {
  const QueueKey k{"apps", "k"};
  KeyBackoff b(100ms, 1000ms, [] { return 1.0 - 1e-9; });
  EXPECT_NEAR(b.next(k).count(), 100, 1);
  EXPECT_NEAR(b.next(k).count(), 200, 1);
  EXPECT_NEAR(b.next(k).count(), 400, 1);
  EXPECT_NEAR(b.next(k).count(), 800, 1);
  EXPECT_NEAR(b.next(k).count(), 1000, 1);
  EXPECT_NEAR(b.next(k).count(), 1000, 1);
  EXPECT_EQ(b.failures(k), 6);
  b.forget(k);
  EXPECT_NEAR(b.next(k).count(), 100, 1);
  KeyBackoff low(100ms, 1000ms, [] { return 0.0; });
  EXPECT_EQ(low.next(k).count(), 50);  // jitter takes up to half off
}

TEST(WorkQueue, KeysAreNamespaceAndNameNotText) {
  core::ManualClock clock;
  WorkQueue q(clock);
  q.add({"team-a", "orders"});
  q.add({"team-b", "orders"});  // the same name in another namespace is another resource
  q.add({"team-a", "orders"});
  EXPECT_EQ(q.waiting(), 2u);
  EXPECT_EQ(q.get(0ms), (QueueKey{"team-a", "orders"}));
  EXPECT_EQ(q.get(0ms), (QueueKey{"team-b", "orders"}));
}

TEST(WorkQueue, GetWithoutATimeoutWaitsForAKey) {
  WorkQueue q;
  std::thread producer([&] {
    std::this_thread::sleep_for(20ms);
    q.add({"apps", "late"});
  });
  EXPECT_EQ(q.get(), (QueueKey{"apps", "late"}));
  producer.join();
}

TEST(WorkQueue, GetWithoutATimeoutWakesForADelayedKeyWhenItIsDue) {
  WorkQueue q;
  q.addAfter({"apps", "soon"}, 30ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(q.get(), (QueueKey{"apps", "soon"}));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 25ms);
}

TEST(WorkQueue, GetWithoutATimeoutEndsOnShutdown) {
  WorkQueue q;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    q.shutdown();
  });
  EXPECT_EQ(q.get(), std::nullopt);
  stopper.join();
}

namespace {

// What an instrumented queue reported, read back from its metrics' text.
struct InstrumentedQueue {
  prometheus::Registry registry;
  metrics::WorkQueueMetrics metrics{registry, "databaseschema"};
  core::ManualClock clock;
  WorkQueue queue{clock};
  InstrumentedQueue() { queue.instrument(&metrics); }

  std::string text() {
    std::string out = prometheus::TextSerializer().Serialize(registry.Collect());
    metrics.appendGauges(out);
    return out;
  }
  bool has(const std::string& line) {
    const std::string t = text();
    return t.find(line + "\n") != std::string::npos;
  }
};

}  // namespace

TEST(WorkQueueMetrics, AddsCountKeysQueuedOnceAndDepthCountsOnlyReadyKeys) {
  InstrumentedQueue q;
  q.queue.add(a);
  q.queue.add(a);                 // already queued: not another add
  q.queue.addAfter(b, 10s);       // queued, not ready for 10s
  EXPECT_TRUE(q.has(R"(workqueue_adds_total{name="databaseschema"} 2)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_depth{name="databaseschema"} 1)")) << q.text();
  q.clock.advance(10s);           // b's delay ran out: ready without any event
  EXPECT_TRUE(q.has(R"(workqueue_depth{name="databaseschema"} 2)")) << q.text();
}

TEST(WorkQueueMetrics, WaitIsMeasuredFromDueAndWorkFromTakeAndRunningWorkIsAGauge) {
  InstrumentedQueue q;
  q.queue.addAfter(a, 5s);
  q.clock.advance(7s);            // due at 5s, taken at 7s: waited 2s
  ASSERT_EQ(q.queue.get(0ms), a);
  EXPECT_TRUE(q.has(R"(workqueue_queue_duration_seconds_sum{name="databaseschema"} 2)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_depth{name="databaseschema"} 0)")) << q.text();
  q.clock.advance(3s);
  EXPECT_TRUE(q.has(R"(workqueue_longest_running_processor_seconds{name="databaseschema"} 3)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_unfinished_work_seconds{name="databaseschema"} 3)")) << q.text();
  q.queue.done(a);
  EXPECT_TRUE(q.has(R"(workqueue_work_duration_seconds_sum{name="databaseschema"} 3)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_work_duration_seconds_count{name="databaseschema"} 1)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_longest_running_processor_seconds{name="databaseschema"} 0)")) << q.text();
}

TEST(WorkQueueMetrics, RetriesCountFailedKeysQueuedAgain) {
  InstrumentedQueue q;
  q.queue.add(a);
  ASSERT_EQ(q.queue.get(0ms), a);
  q.queue.done(a);
  q.queue.retryAfter(a, 1s);
  q.queue.addAfter(b, 1s);        // a re-check, not a retry
  EXPECT_TRUE(q.has(R"(workqueue_retries_total{name="databaseschema"} 1)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_adds_total{name="databaseschema"} 3)")) << q.text();
}

TEST(WorkQueueMetrics, AQueueGoneBeforeItsMetricsIsNotReadAtTheNextScrape) {
  prometheus::Registry registry;
  metrics::WorkQueueMetrics m(registry, "databaseschema");
  {
    core::ManualClock clock;
    WorkQueue queue(clock);
    queue.instrument(&m);
    queue.add(a);
  }
  std::string text;
  m.appendGauges(text);  // would read the destroyed queue (ASan in CI) if it were still followed
  EXPECT_NE(text.find(R"(workqueue_depth{name="databaseschema"} 0)"), std::string::npos) << text;
}

TEST(WorkQueueMetrics, AKeyAddedWhileInFlightIsOneAddWhenItRunsAgain) {
  InstrumentedQueue q;
  q.queue.add(a);
  ASSERT_EQ(q.queue.get(0ms), a);
  q.queue.add(a);  // changed while being reconciled
  q.queue.add(a);
  q.queue.done(a);  // queued again now: not a third add
  EXPECT_TRUE(q.has(R"(workqueue_adds_total{name="databaseschema"} 2)")) << q.text();
  EXPECT_TRUE(q.has(R"(workqueue_depth{name="databaseschema"} 1)")) << q.text();
}
