#include "controller/manager.hpp"

#include <malloc.h>

#include "controller/cluster_io.hpp"
#include "core/log.hpp"
#include "core/random.hpp"

namespace controller {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

long long monotonicSeconds(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.monotonic().time_since_epoch()).count();
}

}  // namespace

Manager::Manager(kube::Client& client, ManagerOptions options)
    : client_(client),
      options_(std::move(options)),
      schemas_(cachedSchema),
      secrets_([this](const kube::Key& secret) { return readSecret(client_, secret); }),
      queue_(client.clock()),
      backoff_(options_.backoffBase, options_.backoffCap, core::unitRandom),
      sources_(schemas_, secrets_, queue_) {
  if (options_.metrics) queue_.instrument(&options_.metrics->workQueue());
  if (!options_.reconciler.unitRandom) options_.reconciler.unitRandom = core::unitRandom;
  if (!options_.reconciler.clock) options_.reconciler.clock = &client_.clock();
  if (options_.leaderElect)
    elector_ = std::make_unique<kube::LeaderElector>(
        client_, options_.lease, [this] { becomeLeader(); }, [this] { stopLeading(); });
}

void Manager::becomeLeader() {
  if (options_.leaderElect) core::log::info("became leader", {{"identity", options_.lease.identity}});
  gate_.setLeading(true);
  if (options_.metrics) options_.metrics->setLeader(true);
  sources_.enqueueAll();  // everything is checked on takeover
}

void Manager::stopLeading() {
  core::log::warn("lost leadership: standing by", {{"identity", options_.lease.identity}});
  gate_.setLeading(false);
  if (options_.metrics) options_.metrics->setLeader(false);
}

bool Manager::ready() const { return synced() && (!elector_ || elector_->settled()); }

bool Manager::alive() const {
  // The housekeeping loop stamps the heartbeat; a process stuck for minutes is not alive.
  return monotonicSeconds(client_.clock()) - heartbeat_.load() < 120;
}

void Manager::awaitCaches(std::stop_token stop) {
  if (!schemas_.waitSynced(stop) || !secrets_.store().waitSynced(stop)) return;
  gate_.setSynced();
  core::log::info("caches synced", {{"databaseschemas", std::to_string(schemas_.size())},
                                    {"secrets", std::to_string(secrets_.store().size())}});
}

void Manager::keepHouse(std::stop_token stop) {
  while (core::systemClock().sleepFor(10s, stop)) {
    heartbeat_ = monotonicSeconds(client_.clock());
    // Reconciles build and drop whole catalogs; glibc keeps the freed pages unless asked.
    // Handing them back every ten seconds keeps the resident size near what is in use.
    ::malloc_trim(0);
  }
}

std::jthread Manager::startElection(std::stop_token stop) {
  if (!elector_) {
    becomeLeader();
    return {};
  }
  return std::jthread([this, stop] { elector_->run(stop); });
}

std::unique_ptr<Reconciler> Manager::makeReconciler(std::stop_token stop) {
  kube::EventRecorder& recorder = *recorder_;
  ReconcilerOptions ro = options_.reconciler;
  ro.apply.stopRequested = [stop] { return stop.stop_requested(); };
  ro.publishPlan = [this](const json& configMap, const std::string& knownName) {
    return publishPlan(client_, configMap, knownName);
  };
  return std::make_unique<Reconciler>(
      pool_, [this](const std::string& ns, const std::string& name) { return secrets_.get({ns, name}); },
      [this](const ObjectRef& ref, const json& status) { return writeSchemaStatus(client_, schemas_, ref, status); },
      [&recorder](const EventNote& note) { recordEvent(recorder, note); }, ro);
}

void Manager::runWorkers(std::stop_token stop) {
  // One reconciler for every worker: its parse cache holds each resource once.
  const std::unique_ptr<Reconciler> reconciler = makeReconciler(stop);
  const WorkerParts parts{queue_, schemas_, *reconciler, backoff_, gate_, options_.metrics};
  std::vector<std::jthread> workers;
  for (int i = 0; i < std::max(1, options_.concurrency); ++i)
    workers.emplace_back([parts, stop] { Worker(parts).run(stop); });
}  // workers joined: every reconcile in flight has finished its step

void Manager::run(std::stop_token stop) {
  heartbeat_ = monotonicSeconds(client_.clock());
  // One recorder for every worker, so a repeated event is counted whichever worker repeats it.
  recorder_ = std::make_unique<kube::EventRecorder>(client_, options_.component);
  std::stop_source internal;
  std::stop_callback relay(stop, [&] {
    core::log::info("stopping: no new work; the step in flight finishes");
    queue_.shutdown();
    internal.request_stop();
  });
  const std::stop_token token = internal.get_token();
  std::vector<std::jthread> watches = startWatches(client_, options_.namespaces, schemas_, secrets_, sources_, token);
  std::jthread caches([this, token] { awaitCaches(token); });
  std::jthread housekeeping([this, token] { keepHouse(token); });
  std::jthread election = startElection(token);
  runWorkers(token);
  if (election.joinable()) election.join();  // the elector releases the lease as it stops
  client_.shutdown();                        // ends the watch streams
  watches.clear();                           // and joins their threads
  core::log::info("stopped");
}

}  // namespace controller
