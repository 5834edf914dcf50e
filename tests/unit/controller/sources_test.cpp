// sources.hpp: which watch events become queue keys.
#include "controller/sources.hpp"

#include <gtest/gtest.h>

using namespace controller;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json schema(const std::string& uid, long long generation, const std::string& resourceVersion) {
  return {{"metadata",
           {{"name", "shop"}, {"namespace", "apps"}, {"uid", uid}, {"generation", generation},
            {"resourceVersion", resourceVersion}}},
          {"spec", {{"connection", {{"secretRef", {{"name", "shop-db"}, {"key", "DATABASE_URL"}}}}}}}};
}

const kube::Key kShop{"apps", "shop"};

// The caches and queue a manager gives its sources, with no API server behind them.
struct Fixture {
  kube::Store schemas{cachedSchema};
  SecretCache secrets{[](const kube::Key&) -> core::Result<std::optional<json>> { return std::optional<json>(); }};
  WorkQueue queue;
  Sources sources{schemas, secrets, queue};

  // The watcher's part: the cache takes the object, then the source hears of the key.
  void seen(const json& object) {
    schemas.upsert(object);
    sources.onSchemaChange(kube::Key::of(object));
  }
  // Takes and finishes every queued key; how many there were.
  int drained() {
    int n = 0;
    while (auto key = queue.get(0ms)) {
      queue.done(*key);
      ++n;
    }
    return n;
  }
};

}  // namespace

TEST(SchemaPredicates, EachNamesOneKindOfChange) {
  const SchemaTrigger base = SchemaTrigger::of(schema("uid-1", 1, "10"));
  SchemaTrigger respec = base;
  respec.generation = 2;
  SchemaTrigger approved = base;
  approved.annotations = {{"dbschema.io/allow-destructive", "sha256:ab"}};
  SchemaTrigger deleting = base;
  deleting.deleting = true;
  SchemaTrigger recreated = base;
  recreated.uid = "uid-2";

  EXPECT_TRUE(created(std::nullopt, base));
  EXPECT_TRUE(created(base, recreated));
  EXPECT_FALSE(created(base, respec));
  EXPECT_TRUE(generationChanged(base, respec));
  EXPECT_FALSE(generationChanged(base, approved));
  EXPECT_TRUE(annotationsChanged(base, approved));
  EXPECT_FALSE(annotationsChanged(base, deleting));
  EXPECT_TRUE(deletionStarted(base, deleting));
  EXPECT_FALSE(deletionStarted(base, respec));
  EXPECT_FALSE(worthReconciling(base, base));
  for (const auto& changed : {respec, approved, deleting, recreated}) EXPECT_TRUE(worthReconciling(base, changed));
  EXPECT_TRUE(deleted(std::nullopt));
  EXPECT_FALSE(deleted(std::optional<json>(json::object())));
}

TEST(Sources, AStatusWriteIsNotAChangeButSpecAnnotationsAndDeletionAre) {
  Fixture f;
  f.seen(schema("uid-1", 1, "10"));
  EXPECT_EQ(f.drained(), 1);

  json written = schema("uid-1", 1, "11");
  written["status"] = {{"phase", "InSync"}};
  f.seen(written);  // our own status write coming back through the watch
  EXPECT_EQ(f.drained(), 0);

  json respec = schema("uid-1", 2, "12");
  f.seen(respec);
  EXPECT_EQ(f.drained(), 1);

  json approved = respec;
  approved["metadata"]["resourceVersion"] = "13";
  approved["metadata"]["annotations"] = {{"dbschema.io/allow-destructive", "sha256:ab"}};
  f.seen(approved);
  EXPECT_EQ(f.drained(), 1);

  json lastApplied = approved;  // kubectl's copy is dropped by the cache: no change
  lastApplied["metadata"]["resourceVersion"] = "14";
  lastApplied["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
  f.seen(lastApplied);
  EXPECT_EQ(f.drained(), 0);

  json deleting = lastApplied;
  deleting["metadata"]["resourceVersion"] = "15";
  deleting["metadata"]["deletionTimestamp"] = "2026-12-07T03:00:00Z";
  f.seen(deleting);
  EXPECT_EQ(f.drained(), 1);

  f.schemas.erase(deleting);
  f.sources.onSchemaChange(kShop);
  EXPECT_EQ(f.drained(), 1);
  f.seen(schema("uid-2", 1, "20"));  // created again under the same name
  EXPECT_EQ(f.drained(), 1);
}

TEST(Sources, ASecretChangeEnqueuesTheSchemasNamingIt) {
  Fixture f;
  f.seen(schema("uid-1", 1, "10"));
  f.drained();
  f.sources.onSecretChange({"apps", "shop-db"});
  EXPECT_EQ(f.queue.get(0ms), kShop);
  f.sources.onSecretChange({"apps", "unrelated"});
  f.sources.onSecretChange({"other", "shop-db"});  // the same name in another namespace
  EXPECT_EQ(f.queue.waiting(), 0u);
}

TEST(Sources, EnqueueAllTakesEveryCachedSchema) {
  Fixture f;
  json billing = schema("uid-b", 1, "10");
  billing["metadata"]["name"] = "billing";
  f.schemas.upsert(schema("uid-1", 1, "10"));
  f.schemas.upsert(billing);
  f.sources.enqueueAll();
  EXPECT_EQ(f.drained(), 2);
}

TEST(SecretsNamedBy, TheConnectionAndTheCaSecretOnce) {
  json s = schema("uid-1", 1, "10");
  EXPECT_EQ(secretsNamedBy(s), (std::vector<kube::Key>{{"apps", "shop-db"}}));
  s["spec"]["connection"]["rootCertRef"] = {{"name", "shop-ca"}, {"key", "ca.crt"}};
  EXPECT_EQ(secretsNamedBy(s), (std::vector<kube::Key>{{"apps", "shop-db"}, {"apps", "shop-ca"}}));
  s["spec"]["connection"]["rootCertRef"]["name"] = "shop-db";
  EXPECT_EQ(secretsNamedBy(s), (std::vector<kube::Key>{{"apps", "shop-db"}}));
}
