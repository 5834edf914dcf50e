#pragma once
// The daemon: watches DatabaseSchemas (and the Secrets they name) into local caches, feeds their
// keys to the work queue (sources.hpp), and runs reconciles on worker threads (worker.hpp) while
// this replica leads.
#include <atomic>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "controller/queue.hpp"
#include "controller/reconciler.hpp"
#include "controller/secret_cache.hpp"
#include "controller/sources.hpp"
#include "controller/worker.hpp"
#include "kube/client.hpp"
#include "kube/events.hpp"
#include "kube/lease.hpp"
#include "kube/store.hpp"
#include "metrics/operator_metrics.hpp"

namespace controller {

struct ManagerOptions {
  std::vector<std::string> namespaces;  // empty: all namespaces
  int concurrency = 4;                  // reconciles at once (never two for one resource)
  bool leaderElect = false;
  kube::LeaderElectionConfig lease;     // namespace, name, identity, durations
  ReconcilerOptions reconciler;
  std::chrono::milliseconds backoffBase{1000};
  std::chrono::milliseconds backoffCap{std::chrono::minutes(5)};
  std::string component = "schema-operator";  // Events' source
  metrics::OperatorMetrics* metrics = nullptr;  // not owned; none when null
};

class Manager {
 public:
  Manager(kube::Client& client, ManagerOptions options);

  // Runs until `stop`: then takes no new work, lets reconciles in flight finish their current
  // step, releases the lease and returns.
  void run(std::stop_token stop);

  bool synced() const { return gate_.synced(); }    // every cache has its first list
  bool leading() const { return gate_.leading(); }  // this replica reconciles
  bool alive() const;                               // the housekeeping loop turned recently
  // Caches synced and, with leader election, the lease read once: leading or standing by.
  bool ready() const;

 private:
  void becomeLeader();
  void stopLeading();
  void awaitCaches(std::stop_token stop);  // opens the gate's "synced" half once every cache listed
  void keepHouse(std::stop_token stop);    // heartbeat and memory trim, every few seconds
  std::jthread startElection(std::stop_token stop);
  void runWorkers(std::stop_token stop);   // returns when every worker has stopped
  std::unique_ptr<Reconciler> makeReconciler(std::stop_token stop);

  kube::Client& client_;
  ManagerOptions options_;
  kube::Store schemas_;
  SecretCache secrets_;  // data only of the Secrets a DatabaseSchema names
  WorkQueue queue_;
  KeyBackoff backoff_;
  Sources sources_;      // watch events → queue_
  ConnectionPool pool_;
  WorkGate gate_;        // leading and synced: workers take keys
  std::unique_ptr<kube::EventRecorder> recorder_;
  std::unique_ptr<kube::LeaderElector> elector_;  // with --leader-elect; lives as long as the manager
  std::atomic<long long> heartbeat_{0};
};

}  // namespace controller
