#pragma once
// Sources: watch events in, queue keys out (after controller-runtime's source + predicates and
// kube-rs' `watches`). A DatabaseSchema event enqueues its own key when a predicate says the change
// can alter what a reconcile does; a Secret event enqueues the DatabaseSchemas that name it.
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/queue.hpp"
#include "controller/secret_cache.hpp"
#include "kube/client.hpp"
#include "kube/store.hpp"

namespace controller {

// What of a DatabaseSchema can change what a reconcile does. Status and resourceVersion are not
// in it: status writes, ours above all, would otherwise double every reconcile.
struct SchemaTrigger {
  std::string uid;
  long long generation = 0;        // moves with every spec change
  nlohmann::json annotations;      // the approval (dbschema.io/allow-destructive) lives here
  bool deleting = false;           // metadata.deletionTimestamp is set

  static SchemaTrigger of(const nlohmann::json& schema);
};

// Predicates over the trigger a key last reconciled for (`before`) and the one it has now.
bool created(const std::optional<SchemaTrigger>& before, const SchemaTrigger& now);  // new, or re-created (uid)
bool generationChanged(const SchemaTrigger& before, const SchemaTrigger& now);
bool annotationsChanged(const SchemaTrigger& before, const SchemaTrigger& now);
bool deletionStarted(const SchemaTrigger& before, const SchemaTrigger& now);
// The object left the cache: always worth a reconcile (its metrics and claim are dropped).
bool deleted(const std::optional<nlohmann::json>& object);
// Any of the above. Drift in the database is found by the interval re-check, not by events.
bool worthReconciling(const std::optional<SchemaTrigger>& before, const SchemaTrigger& now);

// The Secrets a DatabaseSchema names: its connection's and its CA bundle's.
std::vector<kube::Key> secretsNamedBy(const nlohmann::json& schema);

// What the DatabaseSchema cache keeps of an object: all but managedFields and kubectl's
// last-applied copy of it, which together are most of its size.
nlohmann::json cachedSchema(nlohmann::json schema);

// Maps watch events to queue keys. Thread-safe: each watcher calls it from its own thread.
class Sources {
 public:
  Sources(const kube::Store& schemas, SecretCache& secrets, WorkQueue& queue)
      : schemas_(schemas), secrets_(secrets), queue_(queue) {}

  void onSchemaChange(const kube::Key& key);  // the DatabaseSchema `key` changed in the cache
  void onSecretChange(const kube::Key& key);  // the Secret `key` changed in the cache
  void enqueueAll();                          // every cached DatabaseSchema (leadership taken)

 private:
  // Records `object`'s trigger for `key`; true when the change is worth a reconcile.
  bool passes(const kube::Key& key, const std::optional<nlohmann::json>& object);

  const kube::Store& schemas_;
  SecretCache& secrets_;
  WorkQueue& queue_;
  std::mutex mutex_;
  std::map<kube::Key, SchemaTrigger> triggers_;  // key → what last started a reconcile
};

// The list+watch loops feeding `schemas`, `secrets` and `sources`: one pair per namespace (""
// in `namespaces`, or none: all namespaces). They run until `stop` and the client's shutdown.
std::vector<std::jthread> startWatches(kube::Client& client, const std::vector<std::string>& namespaces,
                                       kube::Store& schemas, SecretCache& secrets, Sources& sources,
                                       std::stop_token stop);

kube::ResourceType databaseSchemas();

}  // namespace controller
