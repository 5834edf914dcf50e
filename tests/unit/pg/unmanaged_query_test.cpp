// The unmanaged-objects query as text (src/pg/unmanaged_query.cpp): what it reads follows which
// kinds are managed and the server's version. What it finds is tested on real servers
// (tests/integration/pg/unmanaged_test.cpp).
#include "pg/unmanaged_query.hpp"

#include <gtest/gtest.h>

namespace {

bool reads(const std::string& query, const std::string& kind) {
  return query.find("'" + kind + "'::text AS kind") != std::string::npos;
}

const pg::ManagedKind kNone = [](std::string_view) { return false; };

}  // namespace

TEST(UnmanagedQuery, ReadsEveryListableKindWhenNoneIsManaged) {
  const std::string query = pg::unmanagedObjectsQuery(150000, kNone);
  const auto kinds = pg::listableKinds();
  EXPECT_GE(kinds.size(), 30u);
  for (auto kind : kinds) EXPECT_TRUE(reads(query, std::string(kind))) << kind;
  // The schema is the query's one parameter; catalogs are always qualified.
  EXPECT_NE(query.find("nspname = $1"), std::string::npos);
  EXPECT_EQ(query.find(" FROM pg_class"), std::string::npos);
}

// The one edit that makes a kind managed (schema::isManagedKind) takes it off the list.
TEST(UnmanagedQuery, AManagedKindIsNotReadAtAll) {
  const pg::ManagedKind views = [](std::string_view kind) { return kind == "View" || kind == "MaterializedView"; };
  const std::string query = pg::unmanagedObjectsQuery(150000, views);
  EXPECT_FALSE(reads(query, "View"));
  EXPECT_FALSE(reads(query, "MaterializedView"));
  EXPECT_TRUE(reads(query, "Trigger"));
  EXPECT_TRUE(reads(query, "ForeignTable"));
}

TEST(UnmanagedQuery, WithEveryKindManagedItReadsNothing) {
  const std::string query = pg::unmanagedObjectsQuery(150000, [](std::string_view) { return true; });
  EXPECT_NE(query.find("WHERE false"), std::string::npos) << query;
  EXPECT_EQ(query.find("pg_catalog.pg_"), std::string::npos) << query;
}

// pg_publication_namespace (FOR TABLES IN SCHEMA) came with 15.
TEST(UnmanagedQuery, SchemaPublicationsAreAskedOfFifteenAndLaterOnly) {
  EXPECT_EQ(pg::unmanagedObjectsQuery(140010, kNone).find("pg_publication_namespace"), std::string::npos);
  EXPECT_NE(pg::unmanagedObjectsQuery(150000, kNone).find("pg_publication_namespace"), std::string::npos);
  EXPECT_TRUE(reads(pg::unmanagedObjectsQuery(140010, kNone), "Publication"));
}
