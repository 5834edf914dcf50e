// spec.strict (src/spec/document.cpp): refuse to apply while unmanaged objects exist.
#include <gtest/gtest.h>

#include "spec_test_util.hpp"

using namespace spec::testing;

TEST(StrictField, DefaultsToFalseAndReadsTrue) {
  EXPECT_FALSE(parseOk(withSpec("tables: []\n")).strict);
  EXPECT_TRUE(parseOk(withSpec("strict: true\n")).strict);
  EXPECT_FALSE(parseOk(withSpec("strict: false\n")).strict);
}

TEST(StrictField, OnlyABooleanIsAccepted) {
  EXPECT_TRUE(rejects(withSpec("strict: yes\n"), "spec.strict", "expected true or false"));
  EXPECT_TRUE(rejects(withSpec("strict: \"true\"\n"), "spec.strict", "expected true or false"));
}
