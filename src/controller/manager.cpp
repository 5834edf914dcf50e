#include "controller/manager.hpp"

#include <malloc.h>

#include <random>
#include <thread>

#include "core/log.hpp"
#include "kube/events.hpp"
#include "kube/watcher.hpp"

namespace controller {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

long long monotonicSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double unitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string stringAt(const json& o, std::initializer_list<const char*> path) {
  const json* at = &o;
  for (const char* k : path) {
    if (!at->is_object() || !at->contains(k)) return "";
    at = &(*at)[k];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

// "<process tag>-<sequence>": unique within the process and short enough to read.
std::string reconcileIdFor(unsigned long long sequence) {
  static const unsigned long long processTag = std::random_device{}() & 0xffffffULL;
  char id[32];
  std::snprintf(id, sizeof id, "%06llx-%llu", processTag, sequence);
  return id;
}

// The caches keep what reconciles read. Of a DatabaseSchema: all but managedFields and kubectl's
// last-applied copy of it, which together are most of its size.
json cachedSchema(json o) {
  if (!o.contains("metadata")) return o;
  json& m = o["metadata"];
  m.erase("managedFields");
  if (m.contains("annotations") && m["annotations"].is_object()) {
    m["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
    if (m["annotations"].empty()) m.erase("annotations");
  }
  return o;
}

// One Secret, read with a list narrowed to its name rather than a GET: the operator's RBAC grants
// list and watch on Secrets, not get (deploy/rbac). nullopt when it does not exist.
core::Result<std::optional<json>> readSecret(kube::Client& client, const kube::Key& secret) {
  kube::ListParams one;
  one.fieldSelector = "metadata.name=" + secret.name;
  auto got = client.send(kube::request::list(kube::resources::secret(), secret.ns, one));
  if (!got) return got.error();
  auto items = got->find("items");
  if (items == got->end() || !items->is_array() || items->empty()) return std::optional<json>();
  return std::optional<json>(std::move(items->front()));
}

// The Secrets a DatabaseSchema names: its connection's and its CA bundle's.
std::vector<kube::Key> secretsNamedBy(const json& schema) {
  const kube::Key key = kube::Key::of(schema);
  std::vector<kube::Key> named;
  for (const char* ref : {"secretRef", "rootCertRef"}) {
    const std::string name = stringAt(schema, {"spec", "connection", ref, "name"});
    if (!name.empty() && (named.empty() || named.front().name != name)) named.push_back({key.ns, name});
  }
  return named;
}

// The ConfigMap holding a resource's whole plan: replaced when status names one, created (with a
// name the server makes from generateName, so no ConfigMap of the user's is ever overwritten)
// when it names none or the named one is gone. RBAC: create and update on configmaps.
core::Result<std::string> publishPlan(kube::Client& client, json configMap, const std::string& knownName) {
  const std::string ns = configMap["metadata"].value("namespace", "");
  const json generateName = configMap["metadata"]["generateName"];
  if (!knownName.empty()) {
    configMap["metadata"]["name"] = knownName;
    configMap["metadata"].erase("generateName");
    auto replaced = client.call(kube::request::replace(kube::resources::configMap(), ns, knownName, configMap));
    if (replaced) return knownName;
    if (!replaced.error().isNotFound()) return replaced.error().toError();
    configMap["metadata"].erase("name");
    configMap["metadata"]["generateName"] = generateName;
  }
  auto created = client.send(kube::request::create(kube::resources::configMap(), ns, configMap));
  if (!created) return created.error();
  return stringAt(*created, {"metadata", "name"});
}

}  // namespace

kube::ResourceType databaseSchemas() { return {"dbschema.io", "v1alpha1", "databaseschemas", "DatabaseSchema", true}; }

Manager::Manager(kube::Client& client, ManagerOptions options)
    : client_(client),
      options_(std::move(options)),
      schemas_(cachedSchema),
      secrets_([this](const kube::Key& secret) { return readSecret(client_, secret); }),
      backoff_(options_.backoffBase, options_.backoffCap, unitRandom) {
  if (!options_.reconciler.unitRandom) options_.reconciler.unitRandom = unitRandom;
  if (options_.leaderElect)
    elector_ = std::make_unique<kube::LeaderElector>(
        client_, options_.lease, [this] { becomeLeader(); },
        [this] {
          core::log::warn("lost leadership: standing by", {{"identity", options_.lease.identity}});
          leading_ = false;
          if (options_.metrics) options_.metrics->setLeader(false);
        });
}

void Manager::becomeLeader() {
  if (options_.leaderElect) core::log::info("became leader", {{"identity", options_.lease.identity}});
  leading_ = true;
  if (options_.metrics) options_.metrics->setLeader(true);
  for (const auto& k : schemas_.keys()) queue_.add(k.str());  // everything is checked on takeover
}

bool Manager::ready() const { return synced_.load() && (!elector_ || elector_->settled()); }

bool Manager::alive() const {
  // Workers and the watch loop stamp the heartbeat; a loop stuck for minutes is not alive.
  return monotonicSeconds() - heartbeat_.load() < 120;
}

void Manager::enqueueUsersOf(const kube::Key& secret) {
  for (const auto& user : secrets_.usersOf(secret)) queue_.add(user.str());
}

void Manager::onSchemaEvent(const kube::Key& key) {
  // Only what can change the outcome starts a reconcile: the spec (generation), the annotations
  // (the approval), deletion. Status writes, ours above all, do not: their watch events would
  // otherwise double every reconcile. Drift in the database is found by the interval re-check.
  const auto object = schemas_.get(key);
  secrets_.setNamedBy(key, object ? secretsNamedBy(*object) : std::vector<kube::Key>{});
  std::string fingerprint;
  if (object) {
    const json& m = (*object)["metadata"];
    fingerprint = m.value("uid", "") + "|" + std::to_string(m.value("generation", 0LL)) + "|" +
                  m.value("annotations", json::object()).dump() + "|" + (m.contains("deletionTimestamp") ? "deleting" : "");
  }
  {
    std::lock_guard lock(triggersMutex_);
    auto it = triggers_.find(key.str());
    if (object && it != triggers_.end() && it->second == fingerprint) return;
    if (object) triggers_[key.str()] = fingerprint;
    else if (it != triggers_.end()) triggers_.erase(it);
  }
  queue_.add(key.str());
}

void Manager::watchResources(std::stop_token stop) {
  std::vector<std::string> scopes = options_.namespaces;
  if (scopes.empty()) scopes.push_back("");  // all namespaces
  std::vector<std::jthread> watchers;
  auto onError = [](const std::string& what) { core::log::warn("watch interrupted", {{"error", what}}); };
  for (const auto& ns : scopes) {
    kube::WatcherOptions opts;
    opts.onError = onError;
    watchers.emplace_back([this, ns, opts, stop] {
      kube::runWatcher(client_, databaseSchemas(), ns, schemas_, [this](const kube::Key& k) { onSchemaEvent(k); },
                       stop, opts);
    });
    // Secrets come in smaller pages: one can hold up to 1 MiB (Helm keeps its releases in them),
    // and a page is held whole while it is decoded.
    kube::WatcherOptions secretOpts = opts;
    secretOpts.config.pageSize = 50;
    watchers.emplace_back([this, ns, secretOpts, stop] {
      kube::runWatcher(client_, kube::resources::secret(), ns, secrets_.store(),
                       [this](const kube::Key& k) { enqueueUsersOf(k); }, stop, secretOpts);
    });
  }
  long long lastTrim = monotonicSeconds();
  while (!stop.stop_requested()) {
    if (!synced_ && schemas_.synced() && secrets_.store().synced()) {
      synced_ = true;
      core::log::info("caches synced", {{"databaseschemas", std::to_string(schemas_.size())},
                                        {"secrets", std::to_string(secrets_.store().size())}});
    }
    heartbeat_ = monotonicSeconds();
    if (heartbeat_ - lastTrim >= 10) {
      // Reconciles build and drop whole catalogs; glibc keeps the freed pages unless asked.
      // Handing them back every ten seconds keeps the resident size near what is in use.
      ::malloc_trim(0);
      lastTrim = heartbeat_;
    }
    std::this_thread::sleep_for(100ms);
  }
  // The watchers end with `stop` (and the client's shutdown); jthreads join here.
}

core::Result<std::string> Manager::writeStatus(const ObjectRef& ref, const json& status) {
  auto current = schemas_.get({ref.ns, ref.name});
  if (!current) return core::Error{core::ErrorKind::Conflict, "the object is gone", ""};
  json object = *current;
  object["status"] = status;
  // The resourceVersion the reconcile read: a newer object (a spec change meanwhile) is a 409,
  // and the reconcile runs again on what changed.
  object["metadata"]["resourceVersion"] = ref.resourceVersion;
  auto written = client_.send(kube::request::replaceStatus(databaseSchemas(), ref.ns, ref.name, object));
  if (!written) return written.error();
  // The cache learns our own write at once, so its watch event is not mistaken for a change.
  schemas_.upsert(*written);
  return (*written)["metadata"].value("resourceVersion", "");
}

std::unique_ptr<Reconciler> Manager::makeReconciler(std::stop_token stop) {
  kube::EventRecorder& recorder = *recorder_;
  ReconcilerOptions ro = options_.reconciler;
  ro.apply.stopRequested = [stop] { return stop.stop_requested(); };
  ro.publishPlan = [this](const json& configMap, const std::string& knownName) {
    return publishPlan(client_, configMap, knownName);
  };
  return std::make_unique<Reconciler>(
      pool_,
      [this](const std::string& ns, const std::string& name) { return secrets_.get({ns, name}); },
      [this](const ObjectRef& ref, const json& status) { return writeStatus(ref, status); },
      [&recorder](const EventNote& e) {
        kube::ObjectReference ref;
        ref.apiVersion = "dbschema.io/v1alpha1";
        ref.kind = "DatabaseSchema";
        ref.ns = e.object.ns;
        ref.name = e.object.name;
        ref.uid = e.object.uid;
        ref.resourceVersion = e.object.resourceVersion;
        auto recorded = recorder.record(ref, e.warning ? kube::EventType::Warning : kube::EventType::Normal, e.reason,
                                        e.message);
        if (!recorded) core::log::warn("event not recorded", {{"reason", e.reason}, {"error", recorded.error().describe()}});
      },
      ro);
}

void Manager::work(std::stop_token stop, Reconciler& reconciler) {
  while (!stop.stop_requested()) {
    heartbeat_ = monotonicSeconds();
    if (!leading_ || !synced_) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    auto key = queue_.get(500ms);
    if (!key) continue;
    const auto slash = key->find('/');
    const kube::Key k{key->substr(0, slash), key->substr(slash + 1)};
    auto object = schemas_.get(k);
    if (!object || object->at("metadata").contains("deletionTimestamp")) {
      // Deleted: nothing in the database is ever dropped for it, and its series go.
      if (options_.metrics) options_.metrics->resourceGone(k.ns, k.name);
      reconciler.forget(k.ns, k.name);
      queue_.forget(*key);
      backoff_.forget(*key);
      queue_.done(*key);
      continue;
    }
    // Every line about one reconcile carries its id, so a run is found in interleaved logs.
    const std::string reconcileId = reconcileIdFor(nextReconcile_.fetch_add(1));
    const auto started = std::chrono::steady_clock::now();
    const Outcome outcome = reconciler.reconcile(*object);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
    if (options_.metrics) {
      options_.metrics->resourceChecked(outcome.sample);
      options_.metrics->reconcileFinished(!outcome.failed, std::chrono::duration<double>(elapsed).count());
    }
    if (outcome.failed) {
      const auto delay = backoff_.next(*key);
      core::log::warn("reconcile failed", {{"namespace", k.ns}, {"name", k.name}, {"reconcile_id", reconcileId}, {"error", outcome.message},
                                           {"retry_in_ms", std::to_string(delay.count())}});
      queue_.addAfter(*key, delay);
    } else {
      backoff_.forget(*key);
      core::log::info("reconciled", {{"namespace", k.ns}, {"name", k.name}, {"reconcile_id", reconcileId},
                                     {"in_sync", outcome.sample.inSync ? "true" : "false"}, {"duration_ms", std::to_string(ms.count())}});
      if (outcome.requeueAfter.count() > 0) queue_.addAfter(*key, outcome.requeueAfter);
    }
    queue_.done(*key);
  }
}

void Manager::run(std::stop_token stop) {
  heartbeat_ = monotonicSeconds();
  // One recorder for every worker, so a repeated event is counted whichever worker repeats it.
  recorder_ = std::make_unique<kube::EventRecorder>(client_, options_.component);
  std::stop_source internal;
  std::stop_callback relay(stop, [&] {
    core::log::info("stopping: no new work; the step in flight finishes");
    queue_.shutdown();
    internal.request_stop();
  });

  std::jthread watch([this, token = internal.get_token()] { watchResources(token); });

  std::jthread election;
  if (elector_) election = std::jthread([this, token = internal.get_token()] { elector_->run(token); });
  else becomeLeader();

  {
    // One reconciler for every worker: its parse cache holds each resource once.
    const std::unique_ptr<Reconciler> reconciler = makeReconciler(internal.get_token());
    std::vector<std::jthread> workers;
    for (int i = 0; i < std::max(1, options_.concurrency); ++i)
      workers.emplace_back([this, &reconciler, token = internal.get_token()] { work(token, *reconciler); });
  }  // workers joined: every reconcile in flight has finished its step

  if (election.joinable()) election.join();  // the elector releases the lease as it stops
  client_.shutdown();                        // ends the watch streams
  watch.join();
  core::log::info("stopped");
}

}  // namespace controller
