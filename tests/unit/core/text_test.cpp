#include "core/text.hpp"

#include <gtest/gtest.h>

TEST(Trim, DropsWhiteSpaceAtBothEndsOnly) {
  EXPECT_EQ(core::trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(core::trim("ab"), "ab");
  EXPECT_EQ(core::trim(" \n "), "");
  EXPECT_EQ(core::trim(""), "");
}
