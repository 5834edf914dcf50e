// The keys of a pg_get_partkeydef text, as export writes them back.
#include <gtest/gtest.h>

#include "pg/catalog_decode.hpp"

TEST(PartitionKeyParts, SplitsAtTopLevelCommasOnly) {
  EXPECT_EQ(pg::partitionKeyParts("RANGE (created_at)"), std::vector<std::string>{"created_at"});
  EXPECT_EQ(pg::partitionKeyParts("HASH (user_id, device)"), (std::vector<std::string>{"user_id", "device"}));
  EXPECT_EQ(pg::partitionKeyParts("LIST (lower(region))"), std::vector<std::string>{"lower(region)"});
  EXPECT_EQ(pg::partitionKeyParts("RANGE (date_part('year'::text, at), \"Odd, name\", (a + b))"),
            (std::vector<std::string>{"date_part('year'::text, at)", "\"Odd, name\"", "(a + b)"}));
  EXPECT_EQ(pg::partitionKeyParts("LIST (((kind || ','::text) || ')'::text))"),
            std::vector<std::string>{"((kind || ','::text) || ')'::text)"});
}

TEST(PartitionKeyParts, NamesTheStrategies) {
  EXPECT_EQ(pg::partitionStrategyOf('r'), "range");
  EXPECT_EQ(pg::partitionStrategyOf('l'), "list");
  EXPECT_EQ(pg::partitionStrategyOf('h'), "hash");
}
