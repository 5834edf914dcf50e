// store.hpp: change detection, nothing lost nor doubled across re-lists.
#include <gtest/gtest.h>

#include <thread>

#include "kube/store.hpp"

namespace {

using namespace kube;

nlohmann::json obj(const std::string& name, const std::string& rv, const std::string& ns = "ns") {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", rv}}}};
}

TEST(Store, UpsertReportsNewAndChangedButNotSameRv) {
  Store s;
  EXPECT_EQ(s.upsert(obj("a", "1")), (Key{"ns", "a"}));
  EXPECT_FALSE(s.upsert(obj("a", "1")));  // a replayed event
  EXPECT_EQ(s.upsert(obj("a", "2")), (Key{"ns", "a"}));
  EXPECT_EQ(s.get(Key{"ns", "a"})->at("metadata").at("resourceVersion"), "2");
}

TEST(Store, EraseReportsOnlyKnownKeys) {
  Store s;
  s.upsert(obj("a", "1"));
  EXPECT_EQ(s.erase(obj("a", "3")), (Key{"ns", "a"}));
  EXPECT_FALSE(s.erase(obj("a", "3")));
  EXPECT_FALSE(s.get(Key{"ns", "a"}));
}

TEST(Store, ReplaceAllReportsOnlyDifferencesAndMarksSynced) {
  Store s;
  EXPECT_FALSE(s.synced());
  auto first = s.replaceAll({obj("a", "1"), obj("b", "2"), obj("c", "3")});
  EXPECT_EQ(first.size(), 3u);
  EXPECT_TRUE(s.synced());
  // after a 410: a unchanged, b modified, c deleted meanwhile, d new
  auto second = s.replaceAll({obj("a", "1"), obj("b", "5"), obj("d", "6")});
  std::sort(second.begin(), second.end());
  EXPECT_EQ(second, (std::vector<Key>{{"ns", "b"}, {"ns", "c"}, {"ns", "d"}}));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_FALSE(s.get(Key{"ns", "c"}));
  EXPECT_TRUE(s.replaceAll({obj("a", "1"), obj("b", "5"), obj("d", "6")}).empty());
}

TEST(Store, KeysSeparateNamespacesAndClusterScope) {
  Store s;
  s.upsert(obj("a", "1", "x"));
  s.upsert(obj("a", "1", "y"));
  s.upsert(nlohmann::json{{"metadata", {{"name", "node1"}, {"resourceVersion", "1"}}}});
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(Key::of(obj("a", "1", "x")).str(), "x/a");
  EXPECT_EQ((Key{"", "node1"}).str(), "node1");
  EXPECT_EQ(s.list().size(), 3u);
}

TEST(Store, ObjectsWithoutRvCompareByContent) {
  Store s;
  nlohmann::json o = {{"metadata", {{"name", "a"}}}, {"spec", 1}};
  EXPECT_TRUE(s.upsert(o));
  EXPECT_FALSE(s.upsert(o));
  o["spec"] = 2;
  EXPECT_TRUE(s.upsert(o));
}

TEST(Store, WaitSyncedTimesOutThenSucceeds) {
  Store s;
  EXPECT_FALSE(s.waitSynced(std::chrono::milliseconds(1)));
  s.replaceAll({});
  EXPECT_TRUE(s.waitSynced(std::chrono::milliseconds(1)));
}

TEST(Store, WaitSyncedUntilStopEndsWithTheFirstListOrTheStop) {
  Store listed;
  std::thread watcher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    listed.replaceAll({});
  });
  std::stop_source never;
  EXPECT_TRUE(listed.waitSynced(never.get_token()));
  watcher.join();

  Store unlisted;
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  EXPECT_FALSE(unlisted.waitSynced(stop.get_token()));
  stopper.join();
}

TEST(Store, RepackStoresTheSameVersionAgainThroughTheTransformButNeverAnotherVersion) {
  bool keepData = false;  // what the transform decides, beyond the object itself
  Store s([&](nlohmann::json o) {
    if (!keepData) o.erase("data");
    return o;
  });
  nlohmann::json v1 = obj("a", "1");
  v1["data"] = {{"k", "djE="}};
  ASSERT_TRUE(s.upsert(v1));
  EXPECT_FALSE(s.get({"ns", "a"})->contains("data"));
  EXPECT_FALSE(s.upsert(v1)) << "upsert keeps a version it has";

  keepData = true;
  EXPECT_TRUE(s.repack(v1));
  EXPECT_EQ(s.get({"ns", "a"})->at("data").at("k"), "djE=");

  nlohmann::json v2 = obj("a", "2");
  v2["data"] = {{"k", "djI="}};
  ASSERT_TRUE(s.upsert(v2));
  EXPECT_FALSE(s.repack(v1)) << "an older read must not overwrite what the watch delivered since";
  EXPECT_EQ(s.get({"ns", "a"})->at("data").at("k"), "djI=");
  EXPECT_FALSE(s.repack(obj("b", "1"))) << "repack never adds an object";
  EXPECT_FALSE(s.get({"ns", "b"}));
}

TEST(Store, KeepsWhatTheTransformLeavesFromUpsertsAndLists) {
  Store s([](nlohmann::json o) {
    o["metadata"].erase("managedFields");
    return o;
  });
  nlohmann::json big = obj("a", "1");
  big["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "kubectl"}}});
  ASSERT_TRUE(s.upsert(big));
  EXPECT_FALSE(s.get({"ns", "a"})->at("metadata").contains("managedFields"));
  EXPECT_FALSE(s.upsert(big)) << "the same resourceVersion is no change, transformed or not";
  nlohmann::json newer = obj("a", "2");
  newer["metadata"]["managedFields"] = nlohmann::json::array();
  EXPECT_TRUE(s.upsert(newer));
  EXPECT_EQ(resourceVersionOf(*s.get({"ns", "a"})), "2");
  s.replaceAll({big, obj("b", "3")});
  EXPECT_FALSE(s.get({"ns", "a"})->at("metadata").contains("managedFields"));
}

}  // namespace
