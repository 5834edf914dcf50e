// Watches and the watcher against the real API server: events and bookmarks, the server's
// timeout, cancel; the watcher through the fault proxy: dropped streams, a stream cut in the
// middle of an event, 410 after an etcd compaction, and a resume the server keeps failing.
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
  std::string ns;
  std::thread thread;

  RunningWatcher(Client& client, const std::string& ns, WatcherOptions options) : ns(ns) {
    thread = std::thread([this, &client, options, ns] {
      runWatcher(client, cm, ns, store,
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
    auto o = store.get(Key{ns, name});
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

// The resourceVersion the last watch through the proxy started from.
std::string lastWatchedVersion(const controlplane::FaultProxy& proxy) {
  std::string rv;
  for (const auto& r : proxy.requests()) {
    const size_t at = r.target.find("resourceVersion=");
    if (r.target.find("watch=true") == std::string::npos || at == std::string::npos) continue;
    rv = r.target.substr(at + 16, r.target.find('&', at) - at - 16);
  }
  return rv;
}

TEST_F(KubeFixture, WatchDeliversEventsAndBookmarks) {
  // A watch that asks for the initial events (a "watch list", as client-go's reflector makes
  // it): the server sends what exists as ADDED, then a bookmark that says the initial events
  // ended; what is made afterwards follows as it happens.
  auto c = client();
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("before"))));
  WatchParams p;
  p.timeoutSeconds = 10;
  Request watch = request::watch(cm, ns_, p);
  watch.query["sendInitialEvents"] = "true";
  watch.query["resourceVersionMatch"] = "NotOlderThan";
  std::vector<std::string> seen;  // type name
  std::thread writer;
  auto r = c->watch(watch, [&](const nlohmann::json& e) {
    EXPECT_FALSE(resourceVersionOf(e["object"]).empty()) << e.dump();
    const std::string type = e["type"];
    seen.push_back(type + " " + e["object"]["metadata"].value("name", ""));
    if (type == "BOOKMARK") {
      EXPECT_EQ(e["object"]["metadata"]["annotations"].value("k8s.io/initial-events-end", ""), "true") << e.dump();
      writer = std::thread([&] { EXPECT_TRUE(c->call(request::create(cm, ns_, configMap("after")))); });
    }
    return type != "ADDED" || e["object"]["metadata"]["name"] != "after";
  });
  if (writer.joinable()) writer.join();
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED before", "BOOKMARK ", "ADDED after"}));
}

TEST_F(KubeFixture, WatchEndsAtTheServersTimeout) {
  auto c = client();
  WatchParams p;
  p.timeoutSeconds = 1;
  p.allowWatchBookmarks = false;
  auto started = std::chrono::steady_clock::now();
  auto r = c->watch(request::watch(cm, ns_, p), [](const nlohmann::json&) { return true; });
  EXPECT_TRUE(r) << r.error().toError().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(KubeFixture, WatchIsCancelledFromAnotherThread) {
  auto c = client(proxiedConfig());
  std::stop_source stop;
  std::atomic<bool> returned = false;
  std::thread t([&] {
    WatchParams p;
    p.timeoutSeconds = 60;
    auto r = c->watch(request::watch(cm, ns_, p), [](const nlohmann::json&) { return true; }, stop.get_token());
    EXPECT_TRUE(r);
    returned = true;
  });
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));
  stop.request_stop();
  EXPECT_TRUE(eventually([&] { return returned.load(); }, std::chrono::seconds(3)));
  t.join();
  // shutdown() does the same for every watch of a client
  std::thread t2([&] {
    WatchParams p;
    p.timeoutSeconds = 60;
    EXPECT_TRUE(c->watch(request::watch(cm, ns_, p), [](const nlohmann::json&) { return true; }));
  });
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() >= 1; }));
  c->shutdown();
  t2.join();
}

TEST_F(KubeFixture, WatcherFillsTheStoreAndResumesAfterADroppedWatchWithoutLossOrDoubles) {
  auto c = client(proxiedConfig());
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("a", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("b", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("other", {}, {{"suite", "else"}}))));
  RunningWatcher w(*c, ns_, options());
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  EXPECT_EQ(w.store.size(), 2u);
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));

  EXPECT_EQ(proxy().dropWatches(), 1u);
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("c", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::patch(cm, ns_, "a", PatchType::Merge, {{"data", {{"v", "2"}}}})));
  ASSERT_TRUE(c->call(request::remove(cm, ns_, "b")));
  ASSERT_TRUE(eventually([&] { return w.dataOf("a", "v") == "2" && w.store.size() == 2 && w.dataOf("c", "v") == "1"; }));
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));

  EXPECT_EQ(w.changesOf("a"), 2);  // listed, modified
  EXPECT_EQ(w.changesOf("b"), 2);  // listed, deleted
  EXPECT_EQ(w.changesOf("c"), 1);
  EXPECT_EQ(w.changesOf("other"), 0);
  EXPECT_EQ(listsSeen(), 1u);  // resumed, not re-listed
  EXPECT_GE(watchesSeen(), 2u);
}

TEST_F(KubeFixture, WatcherResumesAfterAStreamCutInTheMiddleOfAnEvent) {
  auto c = client(proxiedConfig());
  std::mutex m;
  std::vector<std::string> errors;
  WatcherOptions o = options();
  o.config.backoff.initial = std::chrono::milliseconds(50);
  o.onError = [&](const std::string& e) {
    std::lock_guard l(m);
    errors.push_back(e);
  };
  RunningWatcher w(*c, ns_, o);
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));

  // The ADDED event of `cut` reaches the watcher half written; the rest never comes.
  proxy().cutNextWatchEvent("/namespaces/" + ns_ + "/configmaps");
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("cut", {{"v", "1"}}))));
  ASSERT_TRUE(eventually([&] { return w.dataOf("cut", "v") == "1"; })) << "the change was lost with the stream";
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("after", {{"v", "1"}}))));
  ASSERT_TRUE(eventually([&] { return w.dataOf("after", "v") == "1"; }));
  EXPECT_EQ(w.changesOf("cut"), 1);  // not applied half, nor twice
  std::lock_guard l(m);
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("watch configmaps in " + ns_), std::string::npos) << errors[0];
  EXPECT_GE(watchesSeen(), 2u);
  EXPECT_EQ(listsSeen(), 1u);  // the watch resumed from the last whole event
}

TEST_F(KubeFixture, WatcherRelistsAfter410AndTheStoreEndsRight) {
  auto c = client(proxiedConfig());
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(c->call(request::create(cm, ns_, configMap(n, {{"v", "1"}}))));
  WatcherOptions o = options();
  o.config.backoff.initial = std::chrono::seconds(2);  // a window in which the watcher is away
  RunningWatcher w(*c, ns_, o);
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));

  // The next watch fails (the watcher backs off 2 s); meanwhile the world changes and etcd
  // forgets the history, so resuming gets 410 and the watcher must re-list.
  proxy().inject({"GET", "watch=true", 503, 1, 0, -1});
  proxy().dropWatches();
  ASSERT_TRUE(c->call(request::remove(cm, ns_, "b")));
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("d", {{"v", "1"}}))));
  ASSERT_TRUE(c->call(request::patch(cm, ns_, "c", PatchType::Merge, {{"data", {{"v", "2"}}}})));
  environment().plane().compactEtcd();

  ASSERT_TRUE(eventually([&] { return listsSeen() >= 2; }));
  ASSERT_TRUE(eventually([&] { return w.store.size() == 3 && w.dataOf("d", "v") == "1" && w.dataOf("c", "v") == "2"; }));
  auto keys = w.store.keys();
  EXPECT_EQ(keys, (std::vector<Key>{{ns_, "a"}, {ns_, "c"}, {ns_, "d"}}));
  EXPECT_EQ(w.changesOf("a"), 1);  // unchanged across the re-list: not reported again
  EXPECT_EQ(w.changesOf("b"), 2);  // listed, then gone in the re-list
  EXPECT_EQ(w.changesOf("c"), 2);
  EXPECT_EQ(w.changesOf("d"), 1);
  // and it keeps watching from the new list
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("e"))));
  EXPECT_TRUE(eventually([&] { return w.changesOf("e") == 1; }));
}

TEST_F(KubeFixture, WatcherRelistsWhenTheServerKeepsFailingItsResume) {
  auto c = client(proxiedConfig());
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("a", {{"v", "1"}}))));
  WatcherOptions o = options();
  o.config.backoff.initial = std::chrono::milliseconds(100);
  RunningWatcher w(*c, ns_, o);
  ASSERT_TRUE(w.store.waitSynced(std::chrono::seconds(10)));
  ASSERT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));
  const std::string held = lastWatchedVersion(proxy());
  ASSERT_FALSE(held.empty());

  // etcd compacted to exactly the watcher's revision: the server still serves a watch from it
  // (it starts after it), so the watcher resumes with no re-list and nothing lost.
  environment().plane().compactEtcdTo(std::stoll(held));
  proxy().dropWatches();
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("b", {{"v", "1"}}))));
  ASSERT_TRUE(eventually([&] { return w.dataOf("b", "v") == "1"; }));
  EXPECT_EQ(listsSeen(), 1u);

  // Now every watch fails with 500, as from a server that cannot serve the revision asked for:
  // after a few failures in a row the watcher gives its revision up and lists afresh, which
  // finds what changed meanwhile.
  proxy().inject({"GET", "watch=true", 500, 1000, 0, -1});
  proxy().dropWatches();
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("c", {{"v", "1"}}))));
  EXPECT_TRUE(eventually([&] { return w.dataOf("c", "v") == "1"; }, std::chrono::seconds(15)))
      << "the watcher kept resuming from the same revision";
  EXPECT_GE(listsSeen(), 2u);
  // The first re-list came right after three failed resumes (WatcherConfig::relistAfterWatchFailures).
  std::vector<std::string> sequence;
  for (const auto& r : proxy().requests())
    if (r.method == "GET" && r.target.find("/namespaces/" + ns_ + "/configmaps?") != std::string::npos)
      sequence.push_back(r.injected ? "failed" : r.target.find("watch=true") != std::string::npos ? "watch" : "list");
  const auto firstFailure = std::find(sequence.begin(), sequence.end(), "failed");
  ASSERT_LE(firstFailure + 4, sequence.end());
  EXPECT_EQ(std::vector<std::string>(firstFailure, firstFailure + 4),
            (std::vector<std::string>{"failed", "failed", "failed", "list"}));

  // Once the server serves watches again, the watcher watches on.
  proxy().stopInjecting();
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("d"))));
  EXPECT_TRUE(eventually([&] { return w.changesOf("d") == 1; }, std::chrono::seconds(15)));
  EXPECT_TRUE(eventually([&] { return proxy().openWatches() == 1; }));
}

}  // namespace
