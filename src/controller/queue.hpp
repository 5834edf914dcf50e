#pragma once
// The reconcile work queue: keys ("namespace/name") de-duplicated, at most one in flight per key,
// delayed re-adds (the earliest wins), and a key re-added while in flight runs once more after.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/backoff.hpp"
#include "core/clock.hpp"

namespace controller {

// Delays and waits are measured on `clock`'s monotonic time, so a test's ManualClock drives them.
class WorkQueue {
 public:
  explicit WorkQueue(core::Clock& clock = core::systemClock());

  void add(const std::string& key) { addAfter(key, std::chrono::milliseconds(0)); }
  // Ready after `delay`; a key already waiting keeps whichever time is earlier.
  void addAfter(const std::string& key, std::chrono::milliseconds delay);
  // A ready key not in flight, waiting at most `wait` for one; nullopt on timeout or shutdown.
  std::optional<std::string> get(std::chrono::milliseconds wait);
  // The key's reconcile finished; if it was added meanwhile it becomes ready again.
  void done(const std::string& key);
  // Forget a waiting key (its object is gone).
  void forget(const std::string& key);
  void shutdown();
  bool shuttingDown() const;

  size_t waiting() const;   // keys queued (ready or delayed)
  size_t inFlight() const;

 private:
  using Time = core::Monotonic;
  void schedule(const std::string& key, Time at);  // with mutex_ held

  core::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Time> due_;               // queued keys and when they are ready
  std::set<std::pair<Time, std::string>> order_;  // the same, by time
  std::set<std::string> processing_;
  std::map<std::string, Time> dirty_;             // added while in flight: ready at this time after done()
  bool shutdown_ = false;
};

// Per-key backoff for failed reconciles: core::backoffDelay from `base`, doubling per failure up
// to `cap`, jittered into [0.5, 1.0) of the value so many failing keys do not retry in step.
class KeyBackoff {
 public:
  KeyBackoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, core::Jitter unitRandom);
  std::chrono::milliseconds next(const std::string& key);
  void forget(const std::string& key);
  int failures(const std::string& key) const;

 private:
  core::BackoffPolicy policy_;
  core::Jitter random_;
  mutable std::mutex mutex_;
  std::map<std::string, int> failures_;
};

}  // namespace controller
