// spec.apply: the lock budgets of docs/online-ddl.md, as durations to the millisecond.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

using spec::testing::isInvalid;
using spec::testing::parseOk;
using spec::testing::withSpec;
using namespace std::chrono_literals;

TEST(ApplySettings, AreReadToTheMillisecondAndUnsetByDefault) {
  const auto r = parseOk(withSpec("apply:\n  lockTimeout: 250ms\n  lockRetryBudget: 2m30s\n  statementTimeout: \"0\"\n"));
  EXPECT_EQ(r.apply.lockTimeout, 250ms);
  EXPECT_EQ(r.apply.lockRetryBudget, 150s);
  EXPECT_EQ(r.apply.statementTimeout, 0ms);
  const auto none = parseOk(withSpec("tables: []\n"));
  EXPECT_EQ(none.apply, spec::ApplySettings{});
  const auto partial = parseOk(withSpec("apply: {lockTimeout: 1.5s}\n"));
  EXPECT_EQ(partial.apply.lockTimeout, 1500ms);
  EXPECT_FALSE(partial.apply.lockRetryBudget);
}

TEST(ApplySettings, BadValuesAreRefusedNamingTheField) {
  EXPECT_TRUE(isInvalid(spec::parseDocument(withSpec("apply: {lockTimeout: soon}\n")), "spec.apply.lockTimeout",
                        "is not a duration"));
  // lock_timeout 0 would mean: queue for ever, the stall this setting exists to bound.
  EXPECT_TRUE(isInvalid(spec::parseDocument(withSpec("apply: {lockTimeout: \"0\"}\n")), "spec.apply.lockTimeout",
                        "must be at least 1ms"));
  EXPECT_TRUE(isInvalid(spec::parseDocument(withSpec("apply: {lockRetryBudget: -1s}\n")), "spec.apply.lockRetryBudget",
                        "must be at least 0ms"));
  EXPECT_TRUE(isInvalid(spec::parseDocument(withSpec("apply: {lockRetries: 5}\n")), "spec.apply.lockRetries",
                        "unknown field"));
}
