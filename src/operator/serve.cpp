#include "operator/serve.hpp"

#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <stop_token>
#include <thread>

#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

#include <prometheus/text_serializer.h>

#include "controller/manager.hpp"
#include "core/version.hpp"
#include "http/probe_server.hpp"
#include "kube/config.hpp"
#include "metrics/operator_metrics.hpp"
#include "metrics/process_metrics.hpp"

namespace operator_ {

namespace {

// glibc gives each thread that allocates an arena of its own; the workers' short-lived plans
// then pin pages in several arenas. Two keep the daemon's resident size near what it holds.
// A fixed mmap threshold stops glibc raising it (and the trim threshold with it) after the
// first big catalog read is freed: blocks from 64 KiB go straight back to the system when
// freed, and free space above 128 KiB at the top of a heap is returned at once.
void tuneAllocator() {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

// SIGTERM and SIGINT are taken by one thread with sigwait and turned into a stop request. The
// signals are blocked before any other thread starts, so every thread inherits the block.
class SignalWatch {
 public:
  SignalWatch() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }
  // Starts the waiting thread; call once the servers and the manager exist.
  void start() {
    waiter_ = std::thread([this] {
      int sig = 0;
      sigwait(&signals_, &sig);
      if (!stop_.stop_requested())
        core::log::info("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      stop_.request_stop();
    });
  }
  ~SignalWatch() {
    if (!waiter_.joinable()) return;
    // The manager may have stopped for another reason while the waiter is still in sigwait.
    if (!stop_.stop_requested()) {
      stop_.request_stop();
      pthread_kill(waiter_.native_handle(), SIGTERM);
    }
    waiter_.join();
  }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  std::stop_token token() const { return stop_.get_token(); }

 private:
  sigset_t signals_;
  std::stop_source stop_;
  std::thread waiter_;
};

// "<hostname>_<8 hex>": unique per process, readable in the Lease.
std::string identity() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  std::mt19937_64 rng{std::random_device{}()};
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return std::string(host) + "_" + suffix;
}

core::Result<std::unique_ptr<kube::Client>> connectToCluster(const Options& options,
                                                              metrics::OperatorMetrics& operatorMetrics) {
  kube::LoadOptions load;
  load.kubeconfig = options.kubeconfig;
  load.context = options.context;
  auto config = kube::loadConfig(load);
  if (!config) {
    core::log::error("cannot load the Kubernetes configuration", {{"error", config.error().describe()}});
    return config.error();
  }
  kube::ClientOptions clientOptions;
  clientOptions.onRequest = [&operatorMetrics](const std::string& method, const std::string& host, int status) {
    operatorMetrics.apiClient().requested(method, host, status);
  };
  auto client = kube::Client::create(*config, std::move(clientOptions));
  if (!client) core::log::error("cannot create the Kubernetes client", {{"error", client.error().describe()}});
  return client;
}

core::Result<std::shared_ptr<controller::RuntimeDir>> runtimeDirectory(const Options& options) {
  auto dir = options.runtimeDir.empty() ? controller::RuntimeDir::makePrivate()
                                        : controller::RuntimeDir::use(options.runtimeDir);
  if (!dir) core::log::error("cannot prepare the runtime directory", {{"error", dir.error().describe()}});
  return dir;
}

controller::ManagerOptions managerOptions(const Options& options, const kube::ClusterConfig& cluster) {
  controller::ManagerOptions m;
  m.namespaces = options.namespaces;
  m.concurrency = options.concurrency;
  m.leaderElect = options.leaderElect;
  m.lease.ns = !options.leaseNamespace.empty() ? options.leaseNamespace
               : !cluster.ns.empty()          ? cluster.ns
                                              : "default";
  m.lease.name = options.leaseName;
  m.lease.identity = identity();
  m.lease.durations = {options.leaseDuration, options.renewDeadline, options.retryPeriod};
  m.reconciler.connectTimeoutSeconds = options.connectTimeoutSeconds;
  m.reconciler.apply.lockTimeout = options.lockTimeout;
  m.reconciler.apply.lockRetryBudget = options.lockRetryBudget;
  m.reconciler.apply.statementTimeout = options.statementTimeout;
  if (options.lockRetriesGiven)
    core::log::warn("--lock-retries is deprecated and ignored: a step retries until --lock-retry-budget is spent", {});
  return m;
}

// /metrics: the process's own collectors, then the operator's series.
core::Result<std::unique_ptr<http::ProbeServer>> serveMetrics(const std::optional<http::BindAddress>& address,
                                                               metrics::OperatorMetrics& operatorMetrics) {
  if (!address) return std::unique_ptr<http::ProbeServer>();
  const auto processMetrics = std::make_shared<metrics::ProcessCollector>();
  auto exposition = [&operatorMetrics, processMetrics] {
    http::Response r{200, prometheus::TextSerializer().Serialize(processMetrics->Collect()),
                     "text/plain; version=0.0.4; charset=utf-8"};
    operatorMetrics.appendExposition(r.body);
    return r;
  };
  auto started = http::ProbeServer::start(*address, {{"/metrics", exposition}}, "--metrics-bind-address");
  if (!started) {
    core::log::error("cannot serve metrics", {{"address", address->str()}, {"error", started.error().describe()}});
    return started.error();
  }
  core::log::info("serving metrics", {{"address", address->str()}, {"path", "/metrics"}});
  return started;
}

// /healthz: the manager's loop turns; /readyz: caches synced and the leader election settled.
core::Result<std::unique_ptr<http::ProbeServer>> serveProbes(const std::optional<http::BindAddress>& address,
                                                              const controller::Manager& manager) {
  if (!address) return std::unique_ptr<http::ProbeServer>();
  auto healthz = [&manager] {
    return manager.alive() ? http::Response{200, "ok\n"} : http::Response{500, "the loop is stuck\n"};
  };
  auto readyz = [&manager] {
    if (!manager.synced()) return http::Response{503, "caches not synced\n"};
    if (!manager.ready()) return http::Response{503, "leader election not settled\n"};
    return http::Response{200, manager.leading() ? "ok: leader\n" : "ok: standby\n"};
  };
  auto started = http::ProbeServer::start(*address, {{"/healthz", healthz}, {"/readyz", readyz}});
  if (!started) {
    core::log::error("cannot serve health probes", {{"error", started.error().describe()}});
    return started.error();
  }
  core::log::info("serving health probes", {{"address", address->str()}, {"paths", "/healthz,/readyz"}});
  return started;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ",") + item;
  return s;
}

void logStart(const kube::Client& client, const Options& options, const controller::ManagerOptions& m) {
  core::log::info("starting", {{"server", client.config().server},
                               {"namespaces", options.namespaces.empty() ? "all" : joined(options.namespaces)},
                               {"leader_elect", options.leaderElect ? "true" : "false"},
                               {"identity", m.lease.identity}});
}

}  // namespace

int serve(const Options& options, std::ostream& log) {
  core::log::configure(options.logLevel, options.logFormat, &log);
  tuneAllocator();
  SignalWatch signals;  // before any thread starts

  // Before the client, which reports every request to it.
  metrics::OperatorMetrics operatorMetrics(core::kVersion);
  auto client = connectToCluster(options, operatorMetrics);
  if (!client) return 1;
  controller::ManagerOptions managerSettings = managerOptions(options, (*client)->config());
  auto runtimeDir = runtimeDirectory(options);
  if (!runtimeDir) return 1;
  managerSettings.reconciler.runtimeDir = *runtimeDir;
  managerSettings.metrics = &operatorMetrics;
  auto metricsServer = serveMetrics(options.metricsAddress, operatorMetrics);
  if (!metricsServer) return 1;

  controller::Manager manager(**client, managerSettings);
  auto probes = serveProbes(options.probeAddress, manager);
  if (!probes) return 1;
  signals.start();
  logStart(**client, options, managerSettings);
  manager.run(signals.token());
  return 0;
}

}  // namespace operator_
