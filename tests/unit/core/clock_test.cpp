// core/clock.hpp: the manual clock tests drive, and the real one's stop.
#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using namespace std::chrono_literals;

TEST(ManualClock, WallAndMonotonicTimeMoveTogetherByHand) {
  core::ManualClock clock;
  const auto wall = clock.now();
  const auto mono = clock.monotonic();
  clock.advance(2s);
  EXPECT_EQ(clock.now() - wall, 2s);
  EXPECT_EQ(clock.monotonic() - mono, 2s);
  EXPECT_TRUE(clock.sleepFor(3s, {}));
  EXPECT_EQ(clock.now() - wall, 5s);
  EXPECT_EQ(clock.sleeps(), std::vector<core::Millis>{3s});
}

TEST(ManualClock, AWaitPassesItsWholeLengthAtOnce) {
  core::ManualClock clock;
  std::mutex m;
  std::condition_variable cv;
  std::unique_lock lock(m);
  const auto before = clock.monotonic();
  clock.waitFor(cv, lock, 10s);
  EXPECT_EQ(clock.monotonic() - before, 10s);
}

TEST(SystemClock, ASleepEndsWhenStopped) {
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(core::systemClock().sleepFor(60s, stop.get_token()));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  stopper.join();
}

}  // namespace
