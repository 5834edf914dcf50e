// core/time.hpp: RFC 3339 as Kubernetes writes it (Time, MicroTime) and reads it.
#include "core/time.hpp"

#include <gtest/gtest.h>

namespace {

using std::chrono::system_clock;

TEST(Time, RoundTripsTimeAndMicroTime) {
  const core::TimePoint t = system_clock::from_time_t(1735689600) + std::chrono::microseconds(123456);
  EXPECT_EQ(core::formatTime(t), "2025-01-01T00:00:00Z");
  EXPECT_EQ(core::formatMicroTime(t), "2025-01-01T00:00:00.123456Z");
  EXPECT_EQ(core::parseTime("2025-01-01T00:00:00.123456Z"), t);
  EXPECT_EQ(core::parseTime("2025-01-01T01:00:00.123456+01:00"), t);
  EXPECT_EQ(core::parseTime("2025-01-01T00:00:00Z"), system_clock::from_time_t(1735689600));
  EXPECT_EQ(core::formatTime(system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(core::parseTime("2026-11-24T10:00:00Z"), system_clock::from_time_t(1795514400));
}

TEST(Time, FractionsOfAnyLengthAreKeptToMicroseconds) {
  const core::TimePoint base = system_clock::from_time_t(1735689600);
  EXPECT_EQ(core::parseTime("2025-01-01T00:00:00.5Z"), base + std::chrono::milliseconds(500));
  EXPECT_EQ(core::parseTime("2025-01-01T00:00:00.123456789Z"), base + std::chrono::microseconds(123456));
  EXPECT_EQ(core::parseTime("2025-01-01T00:00:00.000001-00:30"),
            base + std::chrono::minutes(30) + std::chrono::microseconds(1));
}

TEST(Time, MalformedTextIsNoTime) {
  for (const char* bad : {"yesterday", "", "2025-01-01", "2025-01-01T00:00:00", "2025-01-01T00:00:00Zjunk",
                          "2025-13-01T00:00:00Z", "2025-01-01 00:00:00Z", "2025-01-01T00:00:00+0100"})
    EXPECT_EQ(core::parseTime(bad), std::nullopt) << bad;
}

}  // namespace
