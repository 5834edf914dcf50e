#pragma once
// list+watch as a pure state machine (after kube-rs' watcher): next(State, Input) returns the
// new state and the effects to run, in order. The driver runWatcher() runs them against a
// Client and a Store. Paginated initial list (limit 500), then a watch from the list's
// resourceVersion with bookmarks and timeoutSeconds; bookmarks and events advance the RV; a
// stream that ends is re-watched from the last RV (after a backoff when streams keep ending
// without a single event, so a misbehaving server cannot make it spin); 410 Gone re-lists from scratch (Restarted
// replaces the cache, so objects deleted meanwhile become deletions); transient errors back off
// exponentially up to a cap, retrying the same step, except that a watch failing
// relistAfterWatchFailures times in a row re-lists instead.
#include <functional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"
#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "kube/request.hpp"
#include "kube/store.hpp"

namespace kube {

struct WatcherConfig {
  int pageSize = 500;
  int watchTimeoutSeconds = 290;
  core::BackoffPolicy backoff{core::Millis(800), std::chrono::seconds(30), 2.0};
  // Watches failing this many times in a row (not with 410) are given up for a fresh list: a
  // resume the server cannot serve is not always answered 410 (an internal error from its
  // storage is a 500, a proxy in between has its own codes), and retrying the same
  // resourceVersion would then fail forever while every change is missed.
  int relistAfterWatchFailures = 3;
};

namespace watcher {

// ---- inputs ----
struct ListPage {
  std::vector<nlohmann::json> items;
  std::string continueToken;
  std::string resourceVersion;
};
struct WatchEvent {
  std::string type;  // ADDED MODIFIED DELETED BOOKMARK ERROR
  nlohmann::json object;
};
struct StreamEnded {};
struct ErrorGone {};  // 410 on a list, a watch, or a watch ERROR event
struct Error {
  std::string message;
};
using Input = std::variant<ListPage, WatchEvent, StreamEnded, ErrorGone, Error>;

// ---- effects ----
struct DoList {
  std::string continueToken;
  bool operator==(const DoList&) const = default;
};
struct DoWatch {
  std::string resourceVersion;
  bool operator==(const DoWatch&) const = default;
};
// Sleep before the next effect. `delay` is the un-jittered exponential step; the driver
// scales it into [delay/2, delay] with its injected jitter.
struct Backoff {
  core::Millis delay;
  bool operator==(const Backoff&) const = default;
};
struct Apply {
  enum class Kind { Added, Modified, Deleted, Restarted };
  Kind kind;
  nlohmann::json object;                 // Added / Modified / Deleted
  std::vector<nlohmann::json> objects;   // Restarted: every object
  bool operator==(const Apply&) const = default;
};
using Effect = std::variant<DoList, DoWatch, Backoff, Apply>;

struct State {
  enum class Phase { Listing, Watching };
  Phase phase = Phase::Listing;
  std::string continueToken;                // the page being fetched
  std::vector<nlohmann::json> listed;       // pages so far of the current list
  std::string resourceVersion;              // where the next watch starts
  int failures = 0;                         // consecutive errors, for the backoff
  int idleStreams = 0;                      // streams in a row that ended without any event
  bool operator==(const State&) const = default;
};

struct Step {
  State state;
  std::vector<Effect> effects;
};

// The first step: a fresh list.
Step start();
Step next(const State& state, const Input& input, const WatcherConfig& config = {});

// ERROR watch events carry a Status: 410 → ErrorGone, anything else → Error.
Input classifyErrorEvent(const nlohmann::json& status);

}  // namespace watcher

struct WatcherOptions {
  WatcherConfig config;
  std::string labelSelector;
  std::string fieldSelector;
  Jitter jitter = core::randomJitter();
  std::function<void(const std::string&)> onError;  // for logs; may be empty
};

// Runs list+watch until `stop`, keeping `store` current and calling onChange for every key
// whose object changed (see Store). Blocks the calling thread.
void runWatcher(Client& client, const ResourceType& type, const std::string& ns, Store& store,
                const std::function<void(const Key&)>& onChange, std::stop_token stop,
                const WatcherOptions& options = {});

}  // namespace kube
