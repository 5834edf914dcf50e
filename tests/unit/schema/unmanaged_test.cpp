// What is said about unmanaged objects (src/schema/unmanaged.cpp): counts by kind for the gauge,
// and the few named in a strict refusal.
#include "schema/unmanaged.hpp"

#include <gtest/gtest.h>

using schema::UnmanagedObject;

namespace {

std::vector<UnmanagedObject> objects(size_t n) {
  std::vector<UnmanagedObject> out;
  for (size_t i = 0; i < n; ++i) out.push_back({i % 2 ? "Trigger" : "View", "o" + std::to_string(i)});
  return out;
}

}  // namespace

TEST(Unmanaged, CountsEachKindPresentAndNoOther) {
  const auto counts = schema::countByKind(objects(5));
  EXPECT_EQ(counts, (std::map<std::string, int>{{"Trigger", 2}, {"View", 3}}));
  EXPECT_TRUE(schema::countByKind({}).empty());
}

TEST(Unmanaged, NamesAFewAndCountsTheRest) {
  EXPECT_EQ(schema::describeFew(objects(1), 3), "View o0");
  EXPECT_EQ(schema::describeFew(objects(2), 3), "View o0 and Trigger o1");
  EXPECT_EQ(schema::describeFew(objects(3), 3), "View o0, Trigger o1 and View o2");
  EXPECT_EQ(schema::describeFew(objects(5), 3), "View o0, Trigger o1, View o2 and 2 more");
}

TEST(Unmanaged, AStrictRefusalSaysHowManyNamesAFewAndThatNothingIsApplied) {
  EXPECT_EQ(schema::strictRefusal(objects(1)),
            "strict: 1 object in the schema is of a kind the resource does not manage (View o0); nothing is "
            "applied while it exists");
  EXPECT_EQ(schema::strictRefusal(objects(7)),
            "strict: 7 objects in the schema are of a kind the resource does not manage (View o0, Trigger o1, "
            "View o2, Trigger o3, View o4 and 2 more); nothing is applied while they exist");
}
