// runWatcher over a scripted transport: effects executed, store and change keys right.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "kube/watcher.hpp"

namespace {

using namespace kube;
using namespace kube::testing;

const ResourceType dbs{"dbschema.io", "v1alpha1", "databaseschemas", "DatabaseSchema", true};

nlohmann::json obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"name", name}, {"namespace", "apps"}, {"resourceVersion", rv}}}};
}
nlohmann::json listOf(std::vector<nlohmann::json> items, const std::string& rv, const std::string& cont = "") {
  nlohmann::json m = {{"resourceVersion", rv}};
  if (!cont.empty()) m["continue"] = cont;
  return {{"kind", "DatabaseSchemaList"}, {"metadata", m}, {"items", items}};
}
std::string event(const std::string& type, const nlohmann::json& o) {
  return nlohmann::json{{"type", type}, {"object", o}}.dump();
}

TEST(RunWatcher, ListsPagesWatchesResumesAndRelistsAfterGone) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  int lists = 0;
  f.transport->respond = [&](const Request& r) -> ApiResult<HttpResponse> {
    ++lists;
    if (lists == 1) return json(200, listOf({obj("a", "1")}, "5", "page2"));
    if (lists == 2) return json(200, listOf({obj("b", "2")}, "5"));
    if (lists == 3) return json(503, status(503, "ServiceUnavailable"));
    // after 410: b deleted meanwhile, a modified, c new
    return json(200, listOf({obj("a", "30"), obj("c", "31")}, "32"));
  };
  f.transport->streams.push_back(
      StreamScript{{event("ADDED", obj("x", "6")), event("BOOKMARK", {{"metadata", {{"resourceVersion", "9"}}}})}});
  f.transport->streams.push_back(StreamScript{{event("MODIFIED", obj("x", "10")), event("DELETED", obj("x", "11")),
                                               event("ERROR", status(410, "Expired", "too old")),
                                               event("ADDED", obj("never", "99"))}});
  Store store;
  std::vector<std::string> changes;
  std::stop_source stop;
  f.transport->onStreamsExhausted = [&] { stop.request_stop(); };
  WatcherOptions options;
  options.jitter = [] { return 1.0; };
  options.labelSelector = "team=db";
  runWatcher(*f.client, dbs, "apps", store, [&](const Key& k) { changes.push_back(k.str()); }, stop.get_token(),
             options);

  // requests: two pages, the watch from the list RV, the re-watch from the bookmark RV
  ASSERT_GE(f.transport->sent.size(), 4u);
  EXPECT_EQ(f.transport->sent[0].request.query.at("limit"), "500");
  EXPECT_EQ(f.transport->sent[0].request.query.at("labelSelector"), "team=db");
  EXPECT_EQ(f.transport->sent[1].request.query.at("continue"), "page2");
  ASSERT_EQ(f.transport->watches.size(), 3u);
  EXPECT_EQ(f.transport->watches[0].request.query.at("resourceVersion"), "5");
  EXPECT_EQ(f.transport->watches[0].request.query.at("allowWatchBookmarks"), "true");
  EXPECT_EQ(f.transport->watches[0].request.query.at("timeoutSeconds"), "290");
  EXPECT_EQ(f.transport->watches[1].request.query.at("resourceVersion"), "9");
  EXPECT_EQ(f.transport->watches[2].request.query.at("resourceVersion"), "32");
  // the 503 on the re-list backed off once (jitter 1 = the full 800 ms)
  EXPECT_EQ(clock.sleeps(), (std::vector<core::Millis>{core::Millis(800)}));

  ASSERT_EQ(changes.size(), 8u);
  std::sort(changes.begin() + 5, changes.end());  // a re-list reports its keys in no promised order
  EXPECT_EQ(changes, (std::vector<std::string>{"apps/a", "apps/b", "apps/x", "apps/x", "apps/x",  // list, watch
                                               "apps/a", "apps/b", "apps/c"}));               // re-list diff
  EXPECT_TRUE(store.synced());
  auto keys = store.keys();
  EXPECT_EQ(keys, (std::vector<Key>{{"apps", "a"}, {"apps", "c"}}));
  EXPECT_FALSE(store.get(Key{"apps", "never"}));
}

}  // namespace
