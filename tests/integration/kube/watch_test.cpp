// Watches and the watcher against the kube test server: bookmarks, dropped streams, 410, cancel.
#include <atomic>
#include <map>
#include <thread>

#include "kube/store.hpp"
#include "kube/watcher.hpp"
#include "kube_fixture.hpp"

namespace {

using namespace kube;
using namespace kube::testing;

const ResourceType cm = resources::configMap();

// A watcher on its own thread with a record of every change key.
struct RunningWatcher {
  Store store;
  std::mutex m;
  std::map<std::string, int> changes;
  std::stop_source stop;
  std::thread thread;

  RunningWatcher(Client& client, WatcherOptions options) {
    thread = std::thread([this, &client, options] {
      runWatcher(client, cm, "default", store,
                 [this](const Key& k) {
                   std::lock_guard l(m);
                   ++changes[k.name];
                 },
                 stop.get_token(), options);
    });
  }
  ~RunningWatcher() {
    stop.request_stop();
    thread.join();
  }
  int changesOf(const std::string& name) {
    std::lock_guard l(m);
    return changes.count(name) ? changes[name] : 0;
  }
  std::string dataOf(const std::string& name, const std::string& key) {
    auto o = store.get(Key{"default", name});
    if (!o || !(*o)["data"].contains(key)) return "";
    return (*o)["data"][key];
  }
};

WatcherOptions options() {
  WatcherOptions o;
  o.labelSelector = "suite=kube";
  o.jitter = [] { return 1.0; };
  return o;
}

size_t countCalls(const kubeapi::Server& s, const std::string& verb) {
  size_t n = 0;
  for (const auto& c : s.calls())
    if (c.verb == verb && c.resource == "configmaps") ++n;
  return n;
}

TEST_F(KubeFixture, WatchDeliversEventsAndBookmarks) {
  auto c = client();
  auto list = c->call(request::list(cm, "default"));
  ASSERT_TRUE(list);
  WatchParams p;
  p.resourceVersion = (*list)["metadata"]["resourceVersion"];
  p.timeoutSeconds = 5;
  std::vector<std::string> types;
  std::thread writer([&] { c->call(request::create(cm, "default", configMap("w1"))); });
  auto r = c->watch(request::watch(cm, "default", p), [&](const nlohmann::json& e) {
    types.push_back(e["type"]);
    EXPECT_FALSE(resourceVersionOf(e["object"]).empty());
    bool sawBookmark = std::find(types.begin(), types.end(), "BOOKMARK") != types.end();
    bool sawAdded = std::find(types.begin(), types.end(), "ADDED") != types.end();
    return !(sawBookmark && sawAdded);
  });
  writer.join();
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_NE(std::find(types.begin(), types.end(), "ADDED"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "BOOKMARK"), types.end());
}

TEST_F(KubeFixture, WatchEndsAtTheServersTimeout) {
  auto c = client();
  WatchParams p;
  p.timeoutSeconds = 1;
  p.allowWatchBookmarks = false;
  auto started = std::chrono::steady_clock::now();
  auto r = c->watch(request::watch(cm, "default", p), [](const nlohmann::json&) { return true; });
  EXPECT_TRUE(r) << r.error().toError().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(KubeFixture, WatchIsCancelledFromAnotherThread) {
  auto c = client();
  std::stop_source stop;
  std::atomic<bool> returned = false;
  std::thread t([&] {
    WatchParams p;
    p.timeoutSeconds = 60;
    auto r = c->watch(request::watch(cm, "default", p), [](const nlohmann::json&) { return true; }, stop.get_token());
    EXPECT_TRUE(r);
    returned = true;
  });
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  stop.request_stop();
  EXPECT_TRUE(eventually([&] { return returned.load(); }, std::chrono::seconds(3)));
  t.join();
  // shutdown() does the same for every watch of a client
  std::thread t2([&] {
    WatchParams p;
    p.timeoutSeconds = 60;
    EXPECT_TRUE(c->watch(request::watch(cm, "default", p), [](const nlohmann::json&) { return true; }));
  });
  ASSERT_TRUE(eventually([&] { return server_->openWatches() >= 1; }));
  c->shutdown();
  t2.join();
}

TEST_F(KubeFixture, WatcherFillsTheStoreAndResumesAfterADroppedWatchWithoutLossOrDoubles) {
  auto c = client();
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("a", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("b", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("other", {}, {{"suite", "else"}}))));
  RunningWatcher w(*c, options());
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  EXPECT_EQ(w.store.size(), 2u);
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));

  server_->dropWatches();
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("c", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::patch(cm, "default", "a", PatchType::Merge, {{"data", {{"v", "2"}}}})));
  ASSERT_TRUE(c->call(request::remove(cm, "default", "b")));
  ASSERT_TRUE(eventually([&] { return w.dataOf("a", "v") == "2" && w.store.size() == 2 && w.dataOf("c", "v") == "1"; }));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));

  EXPECT_EQ(w.changesOf("a"), 2);  // listed, modified
  EXPECT_EQ(w.changesOf("b"), 2);  // listed, deleted
  EXPECT_EQ(w.changesOf("c"), 1);
  EXPECT_EQ(w.changesOf("other"), 0);
  EXPECT_EQ(countCalls(*server_, "list"), 1u);  // resumed, not re-listed
  EXPECT_GE(countCalls(*server_, "watch"), 2u);
}

TEST_F(KubeFixture, WatcherRelistsAfter410AndTheStoreEndsRight) {
  auto c = client();
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(c->call(request::create(cm, "default", configMap(n, {{"v", "1"}}))));
  WatcherOptions o = options();
  o.config.backoff.initial = std::chrono::seconds(2);  // a window in which the watcher is away
  RunningWatcher w(*c, o);
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));

  // The next watch fails (the watcher backs off 2 s); meanwhile the world changes and history is
  // compacted, so resuming gets 410 and the watcher must re-list.
  server_->failNext("GET", "watch=true", 503, 1);
  server_->dropWatches();
  ASSERT_TRUE(c->call(request::remove(cm, "default", "b")));
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("d", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::patch(cm, "default", "c", PatchType::Merge, {{"data", {{"v", "2"}}}})));
  server_->compact();

  ASSERT_TRUE(eventually([&] { return countCalls(*server_, "list") >= 2; }));
  ASSERT_TRUE(eventually([&] { return w.store.size() == 3 && w.dataOf("d", "v") == "1" && w.dataOf("c", "v") == "2"; }));
  auto keys = w.store.keys();
  EXPECT_EQ(keys, (std::vector<Key>{{"default", "a"}, {"default", "c"}, {"default", "d"}}));
  EXPECT_EQ(w.changesOf("a"), 1);  // unchanged across the re-list: not reported again
  EXPECT_EQ(w.changesOf("b"), 2);  // listed, then gone in the re-list
  EXPECT_EQ(w.changesOf("c"), 2);
  EXPECT_EQ(w.changesOf("d"), 1);
  // and it keeps watching from the new list
  ASSERT_TRUE(c->call(request::create(cm, "default", configMap("e"))));
  EXPECT_TRUE(eventually([&] { return w.changesOf("e") == 1; }));
}

}  // namespace
