#pragma once
// One reconcile of one DatabaseSchema, in named steps: resolve its connection (Secret, CA file),
// connect (reusing connections) and hold the ownership claim, run the engine in the resource's
// mode with its approval, say what happened in Events, and write status when it changed.
// Kubernetes is reached only through the functions it is given, so the reconciler is tested
// against a real PostgreSQL without an API server.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/connection_source.hpp"
#include "controller/connections.hpp"
#include "controller/runtime_dir.hpp"
#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "controller/status.hpp"
#include "core/error.hpp"
#include "kube/store.hpp"
#include "metrics/resource_sample.hpp"
#include "pg/apply.hpp"
#include "pg/claim.hpp"
#include "spec/resource.hpp"

namespace controller {

struct ObjectRef {
  std::string ns;
  std::string name;
  std::string uid;
  std::string resourceVersion;
};

struct EventNote {
  ObjectRef object;
  bool warning = false;
  std::string reason;
  std::string message;
};

// Writes status through the status subresource; a core::ErrorKind::Conflict error on 409.
// Returns the resourceVersion the object has after the write (a reconcile that writes twice, as one
// waiting for a lock does, writes the second time over its own first write).
using StatusWriter = std::function<core::Result<std::string>(const ObjectRef& object, const nlohmann::json& status)>;
using EventSink = std::function<void(const EventNote& event)>;
// Writes the ConfigMap holding a resource's whole plan (plan_configmap.hpp): replaces the one named
// `knownName` (empty: none yet, or gone) or creates one; returns the name it has.
using PlanPublisher =
    std::function<core::Result<std::string>(const nlohmann::json& configMap, const std::string& knownName)>;

struct ReconcilerOptions {
  // CA bundles from Secrets are written here for libpq; nullptr: a private one made on first use.
  std::shared_ptr<RuntimeDir> runtimeDir;
  int connectTimeoutSeconds = 10;
  pg::ApplyOptions apply;
  std::chrono::milliseconds lockWait{30000};
  core::Clock* clock = nullptr;           // not owned; the system clock when unset
  core::Jitter unitRandom;                // jitter in [0, 1); 0.5 when unset
  PlanPublisher publishPlan;              // unset: the plan is only in status (tests without an API server)
};

struct Outcome {
  bool failed = false;                       // the error policy backs off and retries
  std::chrono::milliseconds requeueAfter{0}; // when not failed: re-check after this (the interval, jittered)
  std::string message;                       // what failed, for logs
  metrics::ResourceSample sample;            // what the check found, for the metrics
};

class Reconciler {
 public:
  Reconciler(ConnectionPool& pool, SecretLookup secrets, StatusWriter writeStatus, EventSink events,
             ReconcilerOptions options);

  // `resource` is the object as the API serves it (metadata, spec, status). Thread-safe: one
  // reconciler serves every worker (never two reconciles of one resource at once).
  Outcome reconcile(const nlohmann::json& resource);
  // The resource is gone: drop what was kept for it, and release the ownership claim this
  // process took for it (best effort: a database that does not answer keeps the claim).
  void forget(const std::string& ns, const std::string& name);

 private:
  // How a check ended, which decides its Outcome (finish): re-checked at the interval, retried
  // with backoff, or left until the resource changes (a spec that cannot work as it is).
  enum class Ending { Checked, Failed, AwaitsChange };
  struct Check;  // one reconcile's state: what it read, what it observed, how it ended

  Check begin(const nlohmann::json& resource) const;
  core::Result<spec::DatabaseSchema> parse(const nlohmann::json& resource);
  // The steps after parsing: resolve and connect, hold the claim, run the engine.
  void examine(Check& check, const spec::DatabaseSchema& r);
  bool holdClaim(Check& check, const spec::DatabaseSchema& r, const pg::ConnectionOptions& options,
                 ConnectionPool::Lease& lease);
  void runEngine(Check& check, const spec::DatabaseSchema& r, ConnectionPool::Lease& lease);
  void emitEvents(const Check& check);
  void fail(Check& check, FailureKind kind, const std::string& reason, const core::Error& e,
            Ending ending = Ending::Failed);
  void writeStatus(Check& check);
  void reportLockWait(Check& check, const pg::LockWait& wait);
  Outcome finish(Check& check);
  std::chrono::milliseconds jittered(std::chrono::seconds interval) const;
  // The ConfigMap with the whole plan, when it must be (re)written: status.plan.configMapRef.
  std::optional<nlohmann::json> publishPlan(const ObjectRef& ref, const nlohmann::json& previous,
                                            const schema::Plan& plan);
  // Remembers the claim this process made for `key`, releasing the one it replaces (the spec
  // moved to another schema or database).
  void rememberClaim(const kube::Key& key, const pg::ConnectionOptions& options, const std::string& schemaName,
                     const pg::Owner& owner, pqxx::connection& current);

  ConnectionPool& pool_;
  StatusWriter writeStatus_;
  EventSink events_;
  ReconcilerOptions options_;
  ConnectionSource connections_;
  // Parsed resources by namespace/name, kept while uid, metadata.annotations and spec stay the
  // same: parsing a large schema costs more than a whole in-sync check. Small ones are not kept.
  std::mutex cacheMutex_;
  std::map<kube::Key, std::pair<std::string, spec::DatabaseSchema>> parsed_;
  // The ownership claims this process took, by namespace/name: released when the resource is
  // deleted (forget). A claim taken by a process that has since ended stays until released by
  // hand (README, "One owner per schema").
  struct HeldClaim {
    pg::ConnectionOptions connection;
    std::string schema;
    pg::Owner owner;
  };
  std::mutex claimsMutex_;
  std::map<kube::Key, HeldClaim> claims_;
};

}  // namespace controller
