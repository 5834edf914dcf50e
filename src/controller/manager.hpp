#pragma once
// The daemon: watches DatabaseSchemas (and the Secrets they name) into local caches, feeds their
// keys to the work queue, and runs reconciles on worker threads while this replica leads.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "controller/queue.hpp"
#include "controller/reconciler.hpp"
#include "controller/secret_cache.hpp"
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

  bool synced() const { return synced_.load(); }   // every cache has its first list
  bool leading() const { return leading_.load(); }  // this replica reconciles
  bool alive() const;                               // the loop turned recently
  // Caches synced and, with leader election, the lease read once: leading or standing by.
  bool ready() const;

 private:
  void becomeLeader();
  void watchResources(std::stop_token stop);
  void onSchemaEvent(const kube::Key& key);
  void enqueueUsersOf(const kube::Key& secret);
  std::unique_ptr<Reconciler> makeReconciler(std::stop_token stop);
  void work(std::stop_token stop, Reconciler& reconciler);
  core::Result<std::string> writeStatus(const ObjectRef& ref, const nlohmann::json& status);

  kube::Client& client_;
  ManagerOptions options_;
  kube::Store schemas_;
  SecretCache secrets_;  // data only of the Secrets a DatabaseSchema names
  WorkQueue queue_;
  Backoff backoff_;
  ConnectionPool pool_;
  std::unique_ptr<kube::EventRecorder> recorder_;
  std::unique_ptr<kube::LeaderElector> elector_;  // with --leader-elect; lives as long as the manager
  std::atomic<bool> synced_{false};
  std::atomic<bool> leading_{false};
  std::atomic<long long> heartbeat_{0};
  std::atomic<unsigned long long> nextReconcile_{1};
  std::mutex triggersMutex_;
  std::map<std::string, std::string> triggers_;  // key → what last started a reconcile (see onSchemaEvent)
};

kube::ResourceType databaseSchemas();

}  // namespace controller
