// The ownership claim (pg/claim.hpp) on a real PostgreSQL: one owner per schema, plan reads and
// never writes, a re-created resource takes its own claim back, a release frees it.
#include "pg/claim.hpp"

#include <thread>

#include "pg_fixture.hpp"

namespace {

using pgtest::server;

class ClaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = server().createDatabase("claim");
    conn_ = pgtest::connectTo(db_);
  }
  std::string claims() {
    return server().queryValue(db_, "SELECT string_agg(schema_name || '=' || owner_namespace || '/' || owner_name || '#' || "
                                    "owner_uid, ',' ORDER BY schema_name) FROM schema_operator.claims");
  }
  std::string db_;
  std::unique_ptr<pqxx::connection> conn_;
};

const pg::Owner kShop{"apps", "shop", "uid-1"};
const pg::Owner kCopy{"apps", "shop-copy", "uid-2"};

}  // namespace

TEST_F(ClaimTest, TheFirstApplierOwnsTheSchemaAndASecondResourceIsRefusedByName) {
  auto first = pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Take);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_FALSE(first->conflict);
  EXPECT_EQ(claims(), "public=apps/shop#uid-1");

  auto second = pg::claimSchema(*conn_, "public", kCopy, pg::ClaimMode::Take);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_TRUE(second->conflict);
  ASSERT_TRUE(second->holder);
  EXPECT_EQ(second->holder->describe(), "apps/shop");
  const std::string message = second->conflictMessage("public");
  EXPECT_NE(message.find("managed by DatabaseSchema apps/shop (uid uid-1)"), std::string::npos) << message;
  EXPECT_NE(message.find("database " + db_), std::string::npos) << message;
  EXPECT_EQ(claims(), "public=apps/shop#uid-1");

  // Another schema of the same database is free; the same resource again is no conflict.
  EXPECT_FALSE(pg::claimSchema(*conn_, "billing", kCopy, pg::ClaimMode::Take)->conflict);
  EXPECT_FALSE(pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Take)->conflict);
}

TEST_F(ClaimTest, ReadingWritesNothingAndStillFindsTheConflict) {
  auto none = pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Read);
  ASSERT_TRUE(none) << none.error().describe();
  EXPECT_FALSE(none->conflict);
  EXPECT_FALSE(none->holder);
  EXPECT_EQ(server().queryValue(db_, "SELECT count(*) FROM pg_namespace WHERE nspname = 'schema_operator'"), "0");

  ASSERT_TRUE(pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Take));
  auto read = pg::claimSchema(*conn_, "public", kCopy, pg::ClaimMode::Read);
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->conflict);
}

TEST_F(ClaimTest, TheCliAndTheOperatorAreOneOwnerByNamespaceAndNameAndARecreatedResourceTakesItsClaimBack) {
  // The CLI has no uid, and a document without a namespace is in "default", as kubectl puts it.
  ASSERT_FALSE(pg::claimSchema(*conn_, "public", {"", "shop", ""}, pg::ClaimMode::Take)->conflict);
  EXPECT_EQ(claims(), "public=default/shop#");
  ASSERT_FALSE(pg::claimSchema(*conn_, "public", {"default", "shop", "uid-7"}, pg::ClaimMode::Take)->conflict);
  EXPECT_EQ(claims(), "public=default/shop#uid-7");
  ASSERT_FALSE(pg::claimSchema(*conn_, "public", {"default", "shop", "uid-8"}, pg::ClaimMode::Take)->conflict);
  EXPECT_EQ(claims(), "public=default/shop#uid-8");
  // The release of the deleted resource (uid-7) leaves the new one's claim alone.
  EXPECT_FALSE(*pg::releaseClaim(*conn_, "public", {"default", "shop", "uid-7"}));
  EXPECT_EQ(claims(), "public=default/shop#uid-8");
}

TEST_F(ClaimTest, AReleasedClaimCanBeTakenByAnotherResource) {
  ASSERT_TRUE(pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Take));
  auto released = pg::releaseClaim(*conn_, "public", kShop);
  ASSERT_TRUE(released) << released.error().describe();
  EXPECT_TRUE(*released);
  auto taken = pg::claimSchema(*conn_, "public", kCopy, pg::ClaimMode::Take);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(taken->conflict);
  EXPECT_EQ(claims(), "public=apps/shop-copy#uid-2");
}

TEST_F(ClaimTest, TheClaimsSchemaCannotBeManaged) {
  auto refused = pg::claimSchema(*conn_, "schema_operator", kShop, pg::ClaimMode::Take);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "spec.schema");
}

TEST_F(ClaimTest, ConcurrentFirstClaimsOfTwoSchemasBothSucceed) {
  // Two processes creating the claims table at once: the creation is serialised, neither fails.
  auto other = pgtest::connectTo(db_);
  std::optional<core::Result<pg::Claim>> a, b;
  std::thread t([&] { a = pg::claimSchema(*conn_, "one", kShop, pg::ClaimMode::Take); });
  b = pg::claimSchema(*other, "two", kCopy, pg::ClaimMode::Take);
  t.join();
  ASSERT_TRUE(*a) << a->error().describe();
  ASSERT_TRUE(*b) << b->error().describe();
  EXPECT_EQ(claims(), "one=apps/shop#uid-1,two=apps/shop-copy#uid-2");
}

TEST_F(ClaimTest, ARoleThatMayNotCreateTheClaimsSchemaIsToldWhatToGrant) {
  server().exec(db_, "DO $$ BEGIN CREATE ROLE claim_nobody; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  pqxx::nontransaction(*conn_).exec("SET ROLE claim_nobody");
  auto refused = pg::claimSchema(*conn_, "public", kShop, pg::ClaimMode::Take);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, core::ErrorKind::Invalid);
  EXPECT_NE(refused.error().message.find("grant CREATE on the database"), std::string::npos) << refused.error().message;
}
