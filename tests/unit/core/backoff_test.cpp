// core/backoff.hpp: exponential growth, the cap, and the jitter every retrying caller shares.
#include "core/backoff.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

TEST(Backoff, GrowsByTheFactorUpToTheCap) {
  const core::BackoffPolicy p{100ms, 1000ms, 2.0};
  EXPECT_EQ(core::backoffDelay(p, 1), 100ms);
  EXPECT_EQ(core::backoffDelay(p, 2), 200ms);
  EXPECT_EQ(core::backoffDelay(p, 4), 800ms);
  EXPECT_EQ(core::backoffDelay(p, 5), 1000ms);
  EXPECT_EQ(core::backoffDelay(p, 5000), 1000ms);  // no overflow far past the cap
  EXPECT_EQ(core::backoffDelay(p, 0), 100ms);
  EXPECT_EQ(core::backoffDelay({800ms, 30s, 3.0}, 3), 7200ms);
}

TEST(Backoff, WithoutACapItKeepsDoublingAndNeverOverflows) {
  const core::BackoffPolicy p{200ms};
  EXPECT_EQ(core::backoffDelay(p, 3), 800ms);
  EXPECT_EQ(core::backoffDelay(p, 100000), std::chrono::milliseconds::max());
}

TEST(Backoff, JitterScalesIntoTheUpperHalf) {
  EXPECT_EQ(core::jittered(1000ms, 0.0), 500ms);
  EXPECT_EQ(core::jittered(1000ms, 0.5), 750ms);
  EXPECT_EQ(core::jittered(1000ms, 1.0), 1000ms);
  EXPECT_EQ(core::jittered(1000ms, 7.0), 1000ms);  // clamped
}

TEST(Backoff, CountsItsRetriesAndResets) {
  core::Backoff plain({100ms, 300ms, 2.0});
  EXPECT_EQ(plain.next(), 100ms);
  EXPECT_EQ(plain.next(), 200ms);
  EXPECT_EQ(plain.next(), 300ms);
  EXPECT_EQ(plain.retries(), 3);
  plain.reset();
  EXPECT_EQ(plain.next(), 100ms);
  core::Backoff low({100ms, 300ms, 2.0}, [] { return 0.0; });
  EXPECT_EQ(low.next(), 50ms);
  EXPECT_EQ(low.next(), 100ms);
}

}  // namespace
