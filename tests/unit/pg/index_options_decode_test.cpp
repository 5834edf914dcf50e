// The index catalog's per-key options decoded (pg/catalog_decode): indoption bits, operator
// classes, collations and attoptions onto the keys; reloptions as sorted parameters.
#include <gtest/gtest.h>

#include "pg/catalog_decode.hpp"

TEST(IndexOptionsDecode, IndoptionBitsAreOrderAndNulls) {
  std::vector<schema::IndexKey> keys(4);
  pg::applyKeyOptions(keys, {0, 3, 1, 2}, {}, {}, {});
  EXPECT_FALSE(keys[0].descending);
  EXPECT_FALSE(keys[0].nullsFirst);
  EXPECT_TRUE(keys[1].descending);   // DESC (NULLS FIRST, its default)
  EXPECT_TRUE(keys[1].nullsFirst);
  EXPECT_TRUE(keys[2].descending);   // DESC NULLS LAST
  EXPECT_FALSE(keys[2].nullsFirst);
  EXPECT_FALSE(keys[3].descending);  // ASC NULLS FIRST
  EXPECT_TRUE(keys[3].nullsFirst);
}

TEST(IndexOptionsDecode, ClassesCollationsAndParametersGoToTheirKeys) {
  std::vector<schema::IndexKey> keys(2);
  pg::applyKeyOptions(keys, {0, 0}, {"", "gist_trgm_ops"}, {"C", ""}, {{2, {"siglen=32"}}});
  EXPECT_EQ(keys[0].opclass, "");
  EXPECT_EQ(keys[0].collation, "C");
  EXPECT_TRUE(keys[0].opclassParameters.empty());
  EXPECT_EQ(keys[1].opclass, "gist_trgm_ops");
  EXPECT_EQ(keys[1].collation, "");
  EXPECT_EQ(keys[1].opclassParameters, (schema::Parameters{{"siglen", "32"}}));
}

TEST(IndexOptionsDecode, ParametersSplitAtTheFirstEqualsSignAndSort) {
  EXPECT_EQ(pg::parameters({"fillfactor=90", "autosummarize=on", "odd=a=b"}),
            (schema::Parameters{{"autosummarize", "on"}, {"fillfactor", "90"}, {"odd", "a=b"}}));
  EXPECT_TRUE(pg::parameters({}).empty());
}
