#pragma once
// The worker loop: take a key, reconcile what the cache holds for it, and let one error policy
// decide when it runs again (after kube-rs' Controller::run with its error_policy, and
// controller-runtime's reconcileHandler). Workers wait on the gate and the queue, never poll.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>

#include <nlohmann/json.hpp>

#include "controller/queue.hpp"
#include "controller/reconciler.hpp"
#include "kube/store.hpp"
#include "metrics/operator_metrics.hpp"

namespace controller {

// Open while this replica leads and its caches are synced: only then do workers take keys.
class WorkGate {
 public:
  void setLeading(bool leading);
  void setSynced();
  bool leading() const;
  bool synced() const;
  bool open() const;
  // Blocks until the gate is open (true) or `stop` is requested (false).
  bool waitOpen(std::stop_token stop) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;
  bool leading_ = false;
  bool synced_ = false;
};

// The one place that decides when a key runs again after its reconcile: a failure backs off per
// key (and the delay is returned); anything else resets the key's backoff and re-checks after
// the outcome's requeueAfter, or not at all when that is zero (only a change brings it back).
std::optional<std::chrono::milliseconds> errorPolicy(const Outcome& outcome, KeyBackoff& backoff, const QueueKey& key);

struct WorkerParts {
  WorkQueue& queue;
  const kube::Store& schemas;
  Reconciler& reconciler;  // shared by every worker: its parse cache holds each resource once
  KeyBackoff& backoff;
  const WorkGate& gate;
  metrics::OperatorMetrics* metrics;  // not owned; none when null
};

class Worker {
 public:
  explicit Worker(WorkerParts parts) : parts_(parts) {}
  // Reconciles keys while the gate is open, until `stop` (the queue shuts down with it).
  void run(std::stop_token stop);

 private:
  void process(const QueueKey& key);
  void forgetGone(const QueueKey& key);
  void reconcile(const QueueKey& key, const nlohmann::json& object);

  WorkerParts parts_;
};

}  // namespace controller
