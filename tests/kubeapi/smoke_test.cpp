#include <gtest/gtest.h>

#include "server.hpp"

TEST(Smoke, StartsAndStops) {
  kubeapi::Server s;
  s.start();
  EXPECT_NE(s.port(), 0);
  s.stop();
}
