// events.hpp: aggregation of repeats into count patches, no floods.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "kube/events.hpp"

namespace {

using namespace kube;
using namespace kube::testing;
using namespace std::chrono_literals;

ObjectReference shop() {
  return ObjectReference::of({{"apiVersion", "dbschema.io/v1alpha1"},
                              {"kind", "DatabaseSchema"},
                              {"metadata", {{"name", "shop"}, {"namespace", "apps"}, {"uid", "u1"}, {"resourceVersion", "3"}}}});
}

TEST(EventAggregator, RepeatsWithinTheWindowCountUp) {
  EventAggregator a;
  core::TimePoint t = std::chrono::system_clock::from_time_t(1735689600);
  auto first = a.observe(shop(), EventType::Warning, "Drift", "1 change", t);
  EXPECT_TRUE(first.create);
  EXPECT_EQ(first.name.rfind("shop.", 0), 0u);
  auto second = a.observe(shop(), EventType::Warning, "Drift", "1 change", t + 9min);
  EXPECT_FALSE(second.create);
  EXPECT_EQ(second.name, first.name);
  EXPECT_EQ(second.count, 2);
  EXPECT_EQ(second.firstTimestamp, t);
  // other message, reason or type: another event
  EXPECT_TRUE(a.observe(shop(), EventType::Warning, "Drift", "2 changes", t + 9min).create);
  EXPECT_TRUE(a.observe(shop(), EventType::Normal, "Drift", "1 change", t + 9min).create);
  // the window counts from the last occurrence
  auto third = a.observe(shop(), EventType::Warning, "Drift", "1 change", t + 18min);
  EXPECT_FALSE(third.create);
  EXPECT_EQ(third.count, 3);
  auto later = a.observe(shop(), EventType::Warning, "Drift", "1 change", t + 29min);
  EXPECT_TRUE(later.create);
  EXPECT_NE(later.name, first.name);
}

TEST(EventAggregator, NamesAreUniqueOnAFrozenClockAndTheCacheIsBounded) {
  EventAggregator a(10min, 3);
  core::TimePoint t{};
  std::set<std::string> names;
  for (int i = 0; i < 10; ++i)
    names.insert(a.observe(shop(), EventType::Normal, "R", "m" + std::to_string(i), t).name);
  EXPECT_EQ(names.size(), 10u);
  EXPECT_TRUE(a.observe(shop(), EventType::Normal, "R", "m0", t).create);  // evicted
}

TEST(EventRecorder, CreatesOnceThenPatchesCountAndLastTimestamp) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->respond = [](const Request& r) { return json(r.method == "POST" ? 201 : 200, nlohmann::json::parse(r.body)); };
  EventRecorder rec(*f.client, "schema-operator", "pod-1");
  ASSERT_TRUE(rec.record(shop(), EventType::Warning, "Drift", "1 change"));
  clock.advance(30s);
  ASSERT_TRUE(rec.record(shop(), EventType::Warning, "Drift", "1 change"));
  ASSERT_EQ(f.transport->sent.size(), 2u);
  const Request& create = f.transport->sent[0].request;
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.path, "/api/v1/namespaces/apps/events");
  auto ev = nlohmann::json::parse(create.body);
  EXPECT_EQ(ev["involvedObject"]["kind"], "DatabaseSchema");
  EXPECT_EQ(ev["involvedObject"]["uid"], "u1");
  EXPECT_EQ(ev["reason"], "Drift");
  EXPECT_EQ(ev["type"], "Warning");
  EXPECT_EQ(ev["source"]["component"], "schema-operator");
  EXPECT_EQ(ev["count"], 1);
  EXPECT_EQ(ev["firstTimestamp"], ev["lastTimestamp"]);
  const Request& patch = f.transport->sent[1].request;
  EXPECT_EQ(patch.method, "PATCH");
  EXPECT_EQ(patch.contentType, "application/merge-patch+json");
  EXPECT_EQ(patch.path, "/api/v1/namespaces/apps/events/" + ev["metadata"]["name"].get<std::string>());
  auto p = nlohmann::json::parse(patch.body);
  EXPECT_EQ(p["count"], 2);
  EXPECT_NE(p["lastTimestamp"], ev["firstTimestamp"]);
}

TEST(EventRecorder, RecreatesWhenTheServerForgotTheEvent) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->respond = [](const Request& r) {
    if (r.method == "PATCH") return json(404, status(404, "NotFound"));
    return json(201, nlohmann::json::parse(r.body));
  };
  EventRecorder rec(*f.client, "schema-operator");
  ASSERT_TRUE(rec.record(shop(), EventType::Normal, "Applied", "ok"));
  clock.advance(1s);
  ASSERT_TRUE(rec.record(shop(), EventType::Normal, "Applied", "ok"));
  ASSERT_EQ(f.transport->sent.size(), 3u);
  EXPECT_EQ(f.transport->sent[2].request.method, "POST");
  EXPECT_NE(nlohmann::json::parse(f.transport->sent[2].request.body)["metadata"]["name"],
            nlohmann::json::parse(f.transport->sent[0].request.body)["metadata"]["name"]);
}

}  // namespace
