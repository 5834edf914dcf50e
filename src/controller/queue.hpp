#pragma once
// The reconcile work queue: keys (a resource's namespace and name, as a value) de-duplicated, at
// most one in flight per key, delayed re-adds (the earliest wins), and a key re-added while in
// flight runs once more after.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "kube/store.hpp"
#include "metrics/workqueue_metrics.hpp"

namespace controller {

// What the queue holds: which resource to reconcile, never what it looked like.
using QueueKey = kube::Key;

// Delays and waits are measured on `clock`'s monotonic time, so a test's ManualClock drives them.
class WorkQueue {
 public:
  explicit WorkQueue(core::Clock& clock = core::systemClock());
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Reports adds, retries, waits and work to `metrics` (not owned; it must outlive the queue or
  // be instrumented again) and lets it read the queue's depth and running work at each scrape.
  void instrument(metrics::WorkQueueMetrics* metrics);

  void add(const QueueKey& key) { addAfter(key, std::chrono::milliseconds(0)); }
  // Ready after `delay`; a key already waiting keeps whichever time is earlier.
  void addAfter(const QueueKey& key, std::chrono::milliseconds delay);
  // addAfter for a key whose reconcile failed: the same, and counted as a retry.
  void retryAfter(const QueueKey& key, std::chrono::milliseconds delay);
  // A ready key not in flight, waiting at most `wait` for one; nullopt on timeout or shutdown.
  std::optional<QueueKey> get(std::chrono::milliseconds wait);
  // A ready key not in flight, waiting as long as it takes; nullopt once the queue shuts down.
  std::optional<QueueKey> get();
  // The key's reconcile finished; if it was added meanwhile it becomes ready again.
  void done(const QueueKey& key);
  // Forget a waiting key (its object is gone).
  void forget(const QueueKey& key);
  void shutdown();
  bool shuttingDown() const;

  size_t waiting() const;   // keys queued (ready or delayed)
  size_t inFlight() const;
  metrics::QueueSnapshot snapshot() const;  // ready keys and the age of each reconcile in flight

 private:
  using Time = core::Monotonic;
  bool schedule(const QueueKey& key, Time at);  // with mutex_ held; true when the key was not queued
  // Waits for a ready key until `deadline` (none: until shutdown).
  std::optional<QueueKey> take(std::optional<Time> deadline);
  QueueKey pop();                               // the first ready key, now in flight; mutex_ held

  core::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<QueueKey, Time> due_;               // queued keys and when they are ready
  std::set<std::pair<Time, QueueKey>> order_;  // the same, by time
  std::map<QueueKey, Time> processing_;        // keys in flight and when they were taken
  std::map<QueueKey, Time> dirty_;             // added while in flight: ready at this time after done()
  bool shutdown_ = false;
  metrics::WorkQueueMetrics* metrics_ = nullptr;
};

// Per-key backoff for failed reconciles: core::backoffDelay from `base`, doubling per failure up
// to `cap`, jittered into [0.5, 1.0) of the value so many failing keys do not retry in step.
class KeyBackoff {
 public:
  KeyBackoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, core::Jitter unitRandom);
  std::chrono::milliseconds next(const QueueKey& key);
  void forget(const QueueKey& key);
  int failures(const QueueKey& key) const;

 private:
  core::BackoffPolicy policy_;
  core::Jitter random_;
  mutable std::mutex mutex_;
  std::map<QueueKey, int> failures_;
};

}  // namespace controller
