#include "controller/worker.hpp"

#include <atomic>
#include <cstdio>

#include "core/log.hpp"
#include "core/random.hpp"

namespace controller {

namespace {

// "<process tag>-<sequence>": unique within the process and short enough to read.
std::string nextReconcileId() {
  static const unsigned long long processTag = core::randomBits() & 0xffffffULL;
  static std::atomic<unsigned long long> sequence{1};
  char id[32];
  std::snprintf(id, sizeof id, "%06llx-%llu", processTag, sequence.fetch_add(1));
  return id;
}

void logOutcome(const QueueKey& key, const std::string& reconcileId, const Outcome& outcome,
                std::optional<std::chrono::milliseconds> retry, std::chrono::milliseconds took) {
  if (outcome.failed)
    core::log::warn("reconcile failed", {{"namespace", key.ns}, {"name", key.name}, {"reconcile_id", reconcileId},
                                         {"error", outcome.message}, {"retry_in_ms", std::to_string(retry->count())}});
  else
    core::log::info("reconciled", {{"namespace", key.ns}, {"name", key.name}, {"reconcile_id", reconcileId},
                                   {"in_sync", outcome.sample.inSync ? "true" : "false"},
                                   {"duration_ms", std::to_string(took.count())}});
}

}  // namespace

void WorkGate::setLeading(bool leading) {
  {
    std::lock_guard lock(mutex_);
    leading_ = leading;
  }
  changed_.notify_all();
}

void WorkGate::setSynced() {
  {
    std::lock_guard lock(mutex_);
    synced_ = true;
  }
  changed_.notify_all();
}

bool WorkGate::leading() const {
  std::lock_guard lock(mutex_);
  return leading_;
}

bool WorkGate::synced() const {
  std::lock_guard lock(mutex_);
  return synced_;
}

bool WorkGate::open() const {
  std::lock_guard lock(mutex_);
  return leading_ && synced_;
}

bool WorkGate::waitOpen(std::stop_token stop) const {
  std::unique_lock lock(mutex_);
  return changed_.wait(lock, stop, [this] { return leading_ && synced_; });
}

std::optional<std::chrono::milliseconds> errorPolicy(const Outcome& outcome, KeyBackoff& backoff, const QueueKey& key) {
  if (outcome.failed) return backoff.next(key);
  backoff.forget(key);
  if (outcome.requeueAfter.count() > 0) return outcome.requeueAfter;
  return std::nullopt;
}

void Worker::run(std::stop_token stop) {
  while (parts_.gate.waitOpen(stop)) {
    const auto key = parts_.queue.get();
    if (!key) return;  // shut down
    if (parts_.gate.open()) {
      process(*key);
    } else {
      // Leadership went while this worker waited: the key waits for the next leader's turn.
      parts_.queue.done(*key);
      parts_.queue.add(*key);
    }
  }
}

void Worker::process(const QueueKey& key) {
  const auto object = parts_.schemas.get(key);
  if (!object || object->at("metadata").contains("deletionTimestamp")) forgetGone(key);
  else reconcile(key, *object);
  parts_.queue.done(key);
}

void Worker::forgetGone(const QueueKey& key) {
  // Deleted: nothing in the database is ever dropped for it, and its series go.
  if (parts_.metrics) parts_.metrics->resourceGone(key.ns, key.name);
  parts_.reconciler.forget(key.ns, key.name);
  parts_.queue.forget(key);
  parts_.backoff.forget(key);
}

void Worker::reconcile(const QueueKey& key, const nlohmann::json& object) {
  // Every line about one reconcile carries its id, so a run is found in interleaved logs.
  const std::string reconcileId = nextReconcileId();
  const auto started = std::chrono::steady_clock::now();
  const Outcome outcome = parts_.reconciler.reconcile(object);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  if (parts_.metrics) {
    parts_.metrics->resourceChecked(outcome.sample);
    parts_.metrics->reconcileFinished(!outcome.failed, std::chrono::duration<double>(elapsed).count());
  }
  const auto requeue = errorPolicy(outcome, parts_.backoff, key);
  logOutcome(key, reconcileId, outcome, requeue, std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
  if (!requeue) return;
  if (outcome.failed) parts_.queue.retryAfter(key, *requeue);
  else parts_.queue.addAfter(key, *requeue);
}

}  // namespace controller
