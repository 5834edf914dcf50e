// secret_cache.hpp: the data of named Secrets only; a Secret seen before it was named is read once.
#include <gtest/gtest.h>

#include "controller/secret_cache.hpp"

namespace {

using controller::SecretCache;
using nlohmann::json;

json secret(const std::string& name, const std::string& rv, const std::string& value) {
  return {{"metadata",
           {{"name", name},
            {"namespace", "apps"},
            {"resourceVersion", rv},
            {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{\"data\":\"copy\"}"}}}}},
          {"data", {{"DATABASE_URL", value}}}};
}

const kube::Key kShopDb{"apps", "shop-db"};
const kube::Key kOther{"apps", "other"};
const kube::Key kShop{"apps", "shop"};
const kube::Key kBilling{"apps", "billing"};

// The API server as the cache's fetch sees it, counting reads.
struct FakeApi {
  std::map<kube::Key, json> objects;
  std::optional<core::Error> failure;
  int reads = 0;
  SecretCache::Fetch fetch() {
    return [this](const kube::Key& k) -> core::Result<std::optional<json>> {
      ++reads;
      if (failure) return *failure;
      auto it = objects.find(k);
      return it == objects.end() ? std::optional<json>() : std::optional<json>(it->second);
    };
  }
};

std::string urlIn(const core::Result<std::optional<json>>& got) {
  if (!got || !*got) return "<none>";
  return (**got)["data"].value("DATABASE_URL", "<no key>");
}

TEST(SecretCache, HoldsTheDataOnlyOfSecretsADatabaseSchemaNames) {
  FakeApi api;
  SecretCache cache(api.fetch());
  cache.setNamedBy(kShop, {kShopDb});
  cache.store().replaceAll({secret("shop-db", "1", "dXJs"), secret("other", "2", "c2VjcmV0")});
  EXPECT_EQ(cache.store().size(), 2u) << "every Secret is known";
  EXPECT_EQ(cache.held(), 1u) << "only the named one's data is kept";
  const auto other = cache.store().get(kOther);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->contains("data"));
  EXPECT_FALSE((*other)["metadata"].contains("annotations")) << "nor the last-applied copy of it";
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "dXJs");
  EXPECT_EQ(api.reads, 0) << "a named Secret is read from the cache";
}

TEST(SecretCache, ASecretSeenBeforeItWasNamedIsReadOnceThenFollowedByTheWatch) {
  FakeApi api;
  SecretCache cache(api.fetch());
  cache.store().replaceAll({secret("shop-db", "1", "djE=")});
  EXPECT_EQ(cache.held(), 0u);

  cache.setNamedBy(kShop, {kShopDb});
  api.objects[kShopDb] = secret("shop-db", "1", "djE=");
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "djE=");
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "djE=");
  EXPECT_EQ(api.reads, 1) << "read once, then kept";
  EXPECT_EQ(cache.held(), 1u);

  ASSERT_TRUE(cache.store().upsert(secret("shop-db", "2", "djI=")));  // rotated: the watch event
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "djI=");
  EXPECT_EQ(api.reads, 1);
}

TEST(SecretCache, AReadOfAnotherVersionThanTheCacheHoldsIsUsedButNotKept) {
  FakeApi api;
  SecretCache cache(api.fetch());
  cache.store().replaceAll({secret("shop-db", "2", "djI=")});
  cache.setNamedBy(kShop, {kShopDb});
  // The read answers with a version the watch has not delivered (or has passed): it serves this
  // reconcile, but only the version the cache holds may be filled in.
  api.objects[kShopDb] = secret("shop-db", "3", "djM=");
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "djM=");
  EXPECT_EQ(cache.held(), 0u);
  ASSERT_TRUE(cache.store().upsert(secret("shop-db", "3", "djM=")));  // its watch event, now named
  EXPECT_EQ(cache.held(), 1u);
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "djM=");
  EXPECT_EQ(api.reads, 1);
}

TEST(SecretCache, ASecretNoLongerNamedLosesItsDataAndOneStillNamedKeepsIt) {
  FakeApi api;
  SecretCache cache(api.fetch());
  cache.setNamedBy(kShop, {kShopDb});
  cache.setNamedBy(kBilling, {kShopDb, kOther});
  cache.store().replaceAll({secret("shop-db", "1", "dXJs"), secret("other", "2", "Y2E=")});
  EXPECT_EQ(cache.held(), 2u);
  EXPECT_EQ(cache.usersOf(kShopDb), (std::vector<kube::Key>{kBilling, kShop}));

  cache.setNamedBy(kBilling, {});  // billing deleted
  EXPECT_EQ(cache.usersOf(kShopDb), (std::vector<kube::Key>{kShop}));
  EXPECT_TRUE(cache.usersOf(kOther).empty());
  EXPECT_EQ(cache.held(), 1u) << "shop still names shop-db; nothing names other";
  EXPECT_FALSE(cache.store().get(kOther)->contains("data"));
  EXPECT_EQ(urlIn(cache.get(kShopDb)), "dXJs");
  EXPECT_EQ(api.reads, 0);
}

TEST(SecretCache, AMissingSecretIsNoneAndAFailedReadIsAnError) {
  FakeApi api;
  SecretCache cache(api.fetch());
  cache.setNamedBy(kShop, {kShopDb});
  auto absent = cache.get(kShopDb);
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent) << "not in the cache: it does not exist (or its event is on the way)";
  EXPECT_EQ(api.reads, 0);

  cache.setNamedBy(kShop, {});
  cache.store().replaceAll({secret("shop-db", "1", "dXJs")});
  cache.setNamedBy(kShop, {kShopDb});
  api.failure = core::transient("connection refused");
  auto failed = cache.get(kShopDb);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, core::ErrorKind::Transient);
  api.failure.reset();
  auto deleted = cache.get(kShopDb);  // deleted since; its watch event not yet in
  ASSERT_TRUE(deleted);
  EXPECT_FALSE(*deleted);
  EXPECT_EQ(api.reads, 2);
}

}  // namespace
