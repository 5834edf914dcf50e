// watcher.hpp: every transition of the pure list+watch state machine.
#include <gtest/gtest.h>

#include "kube/watcher.hpp"

namespace {

using namespace kube;
using namespace kube::watcher;
using Phase = State::Phase;

nlohmann::json obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

State watching(const std::string& rv) {
  State s;
  s.phase = Phase::Watching;
  s.resourceVersion = rv;
  return s;
}

TEST(Watcher, StartsWithAFreshList) {
  Step s = start();
  EXPECT_EQ(s.state.phase, Phase::Listing);
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_EQ(std::get<DoList>(s.effects[0]), DoList{""});
}

TEST(Watcher, PaginatesThenRestartsWithEveryPageAndWatchesFromTheListRv) {
  Step s = start();
  s = next(s.state, ListPage{{obj("a", "1"), obj("b", "2")}, "tok1", "10"});
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_EQ(std::get<DoList>(s.effects[0]), DoList{"tok1"});
  EXPECT_EQ(s.state.continueToken, "tok1");
  s = next(s.state, ListPage{{obj("c", "3")}, "", "10"});
  ASSERT_EQ(s.effects.size(), 2u);
  const auto& restarted = std::get<Apply>(s.effects[0]);
  EXPECT_EQ(restarted.kind, Apply::Kind::Restarted);
  ASSERT_EQ(restarted.objects.size(), 3u);
  EXPECT_EQ(restarted.objects[2], obj("c", "3"));
  EXPECT_EQ(std::get<DoWatch>(s.effects[1]), DoWatch{"10"});
  EXPECT_EQ(s.state.phase, Phase::Watching);
  EXPECT_EQ(s.state.resourceVersion, "10");
  EXPECT_TRUE(s.state.listed.empty());
}

TEST(Watcher, EventsApplyAndAdvanceTheRv) {
  State s = watching("10");
  for (auto [type, kind] : {std::pair{"ADDED", Apply::Kind::Added}, std::pair{"MODIFIED", Apply::Kind::Modified},
                            std::pair{"DELETED", Apply::Kind::Deleted}}) {
    Step st = next(s, WatchEvent{type, obj("a", "11")});
    ASSERT_EQ(st.effects.size(), 1u) << type;
    EXPECT_EQ(std::get<Apply>(st.effects[0]).kind, kind);
    EXPECT_EQ(std::get<Apply>(st.effects[0]).object, obj("a", "11"));
    EXPECT_EQ(st.state.resourceVersion, "11");
  }
}

TEST(Watcher, BookmarksOnlyAdvanceTheRv) {
  Step s = next(watching("10"), WatchEvent{"BOOKMARK", {{"kind", "X"}, {"metadata", {{"resourceVersion", "25"}}}}});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(s.state.resourceVersion, "25");
}

TEST(Watcher, StreamEndRewatchesFromTheLastRv) {
  Step s = next(watching("10"), WatchEvent{"BOOKMARK", {{"metadata", {{"resourceVersion", "12"}}}}});
  s = next(s.state, StreamEnded{});
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_EQ(std::get<DoWatch>(s.effects[0]), DoWatch{"12"});
}

TEST(Watcher, StreamsEndingWithoutEventsBackOff) {
  WatcherConfig c;
  Step s = next(watching("10"), StreamEnded{}, c);
  ASSERT_EQ(s.effects.size(), 1u);  // the first empty stream re-watches at once
  s = next(s.state, StreamEnded{}, c);
  ASSERT_EQ(s.effects.size(), 2u);
  EXPECT_EQ(std::get<Backoff>(s.effects[0]).delay, core::Millis(800));
  EXPECT_EQ(std::get<DoWatch>(s.effects[1]), DoWatch{"10"});
  s = next(s.state, WatchEvent{"ADDED", obj("a", "11")}, c);
  s = next(s.state, StreamEnded{}, c);
  EXPECT_EQ(s.effects.size(), 1u);  // an event in between resets it
}

TEST(Watcher, GoneRelistsFromScratchFromAnyPhase) {
  Step s = next(watching("10"), ErrorGone{});
  EXPECT_EQ(s.state.phase, Phase::Listing);
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_EQ(std::get<DoList>(s.effects[0]), DoList{""});
  // a stale continue token mid-pagination also starts over, dropping the pages so far
  Step l = next(start().state, ListPage{{obj("a", "1")}, "tok", "5"});
  l = next(l.state, ErrorGone{});
  EXPECT_TRUE(l.state.listed.empty());
  EXPECT_EQ(std::get<DoList>(l.effects[0]), DoList{""});
}

TEST(Watcher, ErrorEventWith410IsGoneOtherwiseTransient) {
  nlohmann::json gone = {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}};
  Step s = next(watching("10"), WatchEvent{"ERROR", gone});
  EXPECT_EQ(std::get<DoList>(s.effects[0]), DoList{""});
  nlohmann::json internal = {{"kind", "Status"}, {"code", 500}, {"reason", "InternalError"}};
  s = next(watching("10"), WatchEvent{"ERROR", internal});
  ASSERT_EQ(s.effects.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Backoff>(s.effects[0]));
  EXPECT_EQ(std::get<DoWatch>(s.effects[1]), DoWatch{"10"});
}

TEST(Watcher, RelistAfterGoneRestartsWithTheNewWorld) {
  // a and b known; while disconnected b was deleted and c added: the Restarted list has a and c
  State s = watching("10");
  Step st = next(s, ErrorGone{});
  st = next(st.state, ListPage{{obj("a", "1"), obj("c", "20")}, "", "21"});
  const auto& r = std::get<Apply>(st.effects[0]);
  EXPECT_EQ(r.kind, Apply::Kind::Restarted);
  EXPECT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(std::get<DoWatch>(st.effects[1]), DoWatch{"21"});
}

TEST(Watcher, TransientErrorsBackOffExponentiallyUpToTheCapAndRetryTheSameStep) {
  WatcherConfig c;
  c.backoff.initial = core::Millis(100);
  c.backoff.max = core::Millis(1000);
  Step s = next(start().state, ListPage{{}, "tok", "5"}, c);
  std::vector<long long> delays;
  for (int i = 0; i < 6; ++i) {
    s = next(s.state, Error{"boom"}, c);
    ASSERT_EQ(s.effects.size(), 2u);
    delays.push_back(std::get<Backoff>(s.effects[0]).delay.count());
    EXPECT_EQ(std::get<DoList>(s.effects[1]), DoList{"tok"});  // the same page again
  }
  EXPECT_EQ(delays, (std::vector<long long>{100, 200, 400, 800, 1000, 1000}));
  // success resets the backoff
  s = next(s.state, ListPage{{}, "", "9"}, c);
  EXPECT_EQ(s.state.failures, 0);
  s = next(s.state, Error{"watch failed"}, c);
  EXPECT_EQ(std::get<Backoff>(s.effects[0]).delay, core::Millis(100));
  EXPECT_EQ(std::get<DoWatch>(s.effects[1]), DoWatch{"9"});
}

TEST(Watcher, AWatchThatKeepsFailingIsGivenUpForAFreshList) {
  // The real API server answers a watch it cannot resume with a 500 (an HTTP answer or an ERROR
  // event), not a 410: retrying the same resourceVersion would fail forever.
  WatcherConfig c;
  c.backoff.initial = core::Millis(100);
  c.relistAfterWatchFailures = 3;
  nlohmann::json internal = {{"kind", "Status"}, {"code", 500}, {"reason", "InternalError"}};
  Step s = next(watching("10"), Error{"watch: 500"}, c);
  EXPECT_EQ(std::get<DoWatch>(s.effects.at(1)), DoWatch{"10"});
  s = next(s.state, WatchEvent{"ERROR", internal}, c);
  EXPECT_EQ(std::get<DoWatch>(s.effects.at(1)), DoWatch{"10"});
  s = next(s.state, Error{"watch: 500"}, c);
  EXPECT_EQ(s.state.phase, Phase::Listing);
  ASSERT_EQ(s.effects.size(), 2u);
  EXPECT_EQ(std::get<Backoff>(s.effects[0]).delay, core::Millis(400));  // still backing off
  EXPECT_EQ(std::get<DoList>(s.effects[1]), DoList{""});
  // A failing list goes on backing off from there; a list that succeeds watches again.
  s = next(s.state, Error{"list: 500"}, c);
  EXPECT_EQ(std::get<Backoff>(s.effects.at(0)).delay, core::Millis(800));
  EXPECT_EQ(std::get<DoList>(s.effects.at(1)), DoList{""});
  s = next(s.state, ListPage{{obj("a", "1")}, "", "30"}, c);
  EXPECT_EQ(s.state.failures, 0);
  EXPECT_EQ(std::get<Apply>(s.effects.at(0)).kind, Apply::Kind::Restarted);
  EXPECT_EQ(std::get<DoWatch>(s.effects.at(1)), DoWatch{"30"});
  // An event in between resets the count: failures must be consecutive.
  s = next(s.state, Error{"watch: 500"}, c);
  s = next(s.state, Error{"watch: 500"}, c);
  s = next(s.state, WatchEvent{"ADDED", obj("b", "31")}, c);
  s = next(s.state, Error{"watch: 500"}, c);
  s = next(s.state, Error{"watch: 500"}, c);
  EXPECT_EQ(std::get<DoWatch>(s.effects.at(1)), DoWatch{"31"});
}

TEST(Watcher, IgnoresInputsThatDoNotFitThePhase) {
  Step s = next(start().state, WatchEvent{"ADDED", obj("a", "1")});
  EXPECT_TRUE(s.effects.empty());
  s = next(watching("3"), ListPage{{obj("a", "1")}, "", "4"});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(s.state.resourceVersion, "3");
}

}  // namespace
