// parseDuration: Kubernetes (Go) durations of at least one second.
#include <gtest/gtest.h>

#include "spec/resource.hpp"

namespace {

using std::chrono::seconds;

seconds ok(const std::string& text) {
  auto r = spec::parseDuration(text, "spec.interval");
  if (!r) {
    ADD_FAILURE() << text << ": " << r.error().describe();
    return seconds(0);
  }
  return *r;
}

TEST(ParseDuration, ReadsSingleUnits) {
  EXPECT_EQ(ok("30s"), seconds(30));
  EXPECT_EQ(ok("90s"), seconds(90));
  EXPECT_EQ(ok("5m"), seconds(300));
  EXPECT_EQ(ok("1h"), seconds(3600));
  EXPECT_EQ(ok("1s"), seconds(1));
}

TEST(ParseDuration, ReadsCompoundAndFractionalDurations) {
  EXPECT_EQ(ok("1h30m"), seconds(5400));
  EXPECT_EQ(ok("2h45m30s"), seconds(9930));
  EXPECT_EQ(ok("1.5h"), seconds(5400));
  EXPECT_EQ(ok("1500ms"), seconds(1));  // whole seconds, rounded down
  EXPECT_EQ(ok("+10s"), seconds(10));
  EXPECT_EQ(ok("1000000000ns"), seconds(1));
  EXPECT_EQ(ok("2000000us"), seconds(2));
  EXPECT_EQ(ok("1m0.5s"), seconds(60));
}

TEST(ParseDuration, RejectsMalformedNamingTheField) {
  for (const char* text : {"", "5", "300", "5 m", "m", "5d", "1h30", ".s", "1..5s", "five minutes", "5M"}) {
    auto r = spec::parseDuration(text, "spec.interval");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(r.error().field, "spec.interval");
    EXPECT_NE(r.error().message.find("is not a duration"), std::string::npos) << r.error().message;
  }
}

TEST(ParseDuration, RejectsLessThanOneSecond) {
  for (const char* text : {"0", "0s", "999ms", "-5m", "0.5s"}) {
    auto r = spec::parseDuration(text, "spec.interval");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().field, "spec.interval");
    EXPECT_NE(r.error().message.find("must be at least 1s"), std::string::npos) << r.error().message;
  }
}

TEST(ParseDuration, RejectsOverflow) {
  auto r = spec::parseDuration("9999999999999h", "spec.interval");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "spec.interval");
}

}  // namespace
