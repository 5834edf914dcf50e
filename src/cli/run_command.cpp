#include "cli/run_command.hpp"

#include <csignal>
#include <random>
#include <thread>

#include <malloc.h>
#include <unistd.h>

#include <prometheus/text_serializer.h>

#include "cli/args.hpp"
#include "controller/manager.hpp"
#include "core/version.hpp"
#include "http/bind_address.hpp"
#include "http/probe_server.hpp"
#include "kube/config.hpp"
#include "metrics/operator_metrics.hpp"
#include "metrics/process_metrics.hpp"

namespace cli {

namespace {

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "<hostname>_<8 hex>": unique per process, readable in the Lease.
std::string identity() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  std::mt19937_64 rng{std::random_device{}()};
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return std::string(host) + "_" + suffix;
}

}  // namespace

std::string runUsage() {
  return R"(Usage: schema-operator run [flags]

Runs the controller: watches DatabaseSchema resources and keeps every database aligned with them.
Stops cleanly on SIGTERM or SIGINT: no new work, the step in flight finishes, the lease is released.

Kubernetes:
  --kubeconfig FILE                 kubeconfig to use (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context NAME                    kubeconfig context (default: the current one)
  --namespace NS                    watch only these namespaces (repeatable or comma-separated; default: all)
Reconciling:
  --concurrency N                   reconciles at once (default 4; never two for one resource)
  --connect-timeout SECONDS         database connect timeout (default 10)
  --lock-timeout DURATION           the longest one attempt at a table lock may make the application's
                                    queries wait (default 300ms; a resource's spec.apply.lockTimeout wins)
  --lock-retry-budget DURATION      how long a step keeps trying for its locks (default 5m;
                                    spec.apply.lockRetryBudget wins)
  --statement-timeout DURATION      statement_timeout of a step that blocks writes, 0 for none (default 1m;
                                    spec.apply.statementTimeout wins)
  --lock-retries N                  deprecated and ignored (retries are bounded by --lock-retry-budget)
  --runtime-dir DIR                 where CA bundles from Secrets are written for libpq (default: a private
                                    0700 directory made under $TMPDIR or /tmp, removed at exit)
Leader election (one replica reconciles; the others stand by):
  --leader-elect                    enable it
  --leader-election-namespace NS    the Lease's namespace (default: the pod's namespace, else default)
  --leader-election-id NAME         the Lease's name (default schema-operator)
  --lease-duration DURATION         default 15s
  --renew-deadline DURATION         default 10s
  --retry-period DURATION           default 2s
Observability:
  --metrics-bind-address ADDR       Prometheus /metrics: host:port, :port or 0 for off (default :8080)
  --health-probe-bind-address ADDR  /healthz and /readyz: host:port, :port or 0 for off (default :8081)
  --log-level debug|info|warn|error default info
  --log-format json|text            default json
)";
}

core::Result<RunArgs> parseRunArgs(const std::vector<std::string>& argv) {
  RunArgs a;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string flag = argv[i];
    std::optional<std::string> inlineValue;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inlineValue = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> core::Result<std::string> {
      if (inlineValue) return *inlineValue;
      if (i + 1 >= argv.size()) return core::invalid(flag, "needs a value");
      return argv[++i];
    };
    auto number = [&](int& out) -> core::Result<void> {
      auto v = value();
      if (!v) return v.error();
      try {
        size_t used = 0;
        out = std::stoi(*v, &used);
        if (used != v->size() || out < 0) throw std::invalid_argument("");
      } catch (...) {
        return core::invalid(flag, "\"" + *v + "\" is not a whole number");
      }
      return {};
    };
    auto duration = [&](std::chrono::milliseconds& out) -> core::Result<void> {
      auto v = value();
      if (!v) return v.error();
      auto d = parseTimeout(*v, flag);
      if (!d) return d.error();
      out = *d;
      return {};
    };
    auto text = [&](std::string& out) -> core::Result<void> {
      auto v = value();
      if (!v) return v.error();
      out = *v;
      return {};
    };
    core::Result<void> r;
    if (flag == "-h" || flag == "--help") a.help = true;
    else if (flag == "--kubeconfig") r = text(a.kubeconfig);
    else if (flag == "--context") r = text(a.context);
    else if (flag == "--namespace" || flag == "-n") {
      auto v = value();
      if (!v) return v.error();
      for (auto& ns : splitComma(*v)) a.namespaces.push_back(ns);
    } else if (flag == "--concurrency") {
      r = number(a.concurrency);
      if (r && a.concurrency < 1) return core::invalid(flag, "must be at least 1");
    } else if (flag == "--leader-elect") {
      a.leaderElect = !inlineValue || *inlineValue == "true";
    } else if (flag == "--leader-election-namespace") r = text(a.leaseNamespace);
    else if (flag == "--leader-election-id") r = text(a.leaseName);
    else if (flag == "--lease-duration") r = duration(a.leaseDuration);
    else if (flag == "--renew-deadline") r = duration(a.renewDeadline);
    else if (flag == "--retry-period") r = duration(a.retryPeriod);
    else if (flag == "--metrics-bind-address") r = text(a.metricsBindAddress);
    else if (flag == "--health-probe-bind-address") r = text(a.healthProbeBindAddress);
    else if (flag == "--log-level") {
      auto v = value();
      if (!v) return v.error();
      auto l = core::log::parseLevel(*v);
      if (!l) return core::invalid(flag, "\"" + *v + "\" is not one of debug, info, warn, error");
      a.logLevel = *l;
    } else if (flag == "--log-format") {
      auto v = value();
      if (!v) return v.error();
      auto f = core::log::parseFormat(*v);
      if (!f) return core::invalid(flag, "\"" + *v + "\" is not json or text");
      a.logFormat = *f;
    } else if (flag == "--connect-timeout") r = number(a.connectTimeoutSeconds);
    else if (flag == "--lock-timeout") r = duration(a.lockTimeout);
    else if (flag == "--lock-retry-budget") r = duration(a.lockRetryBudget);
    else if (flag == "--statement-timeout") r = duration(a.statementTimeout);
    else if (flag == "--lock-retries") {
      int ignored = 0;
      r = number(ignored);
      a.lockRetriesGiven = true;
    }
    else if (flag == "--runtime-dir") r = text(a.runtimeDir);
    else return core::invalid(flag, "unknown flag for run (see schema-operator run --help)");
    if (!r) return r.error();
  }
  for (const auto& [flag, address] : {std::pair{"--metrics-bind-address", a.metricsBindAddress},
                                      std::pair{"--health-probe-bind-address", a.healthProbeBindAddress}}) {
    if (auto parsed = http::parseBindAddress(address, flag); !parsed) return parsed.error();
  }
  if (a.lockTimeout.count() < 1) return core::invalid("--lock-timeout", "must be at least 1ms");
  if (a.renewDeadline >= a.leaseDuration)
    return core::invalid("--renew-deadline", "must be shorter than --lease-duration");
  return a;
}

int runOperator(const std::vector<std::string>& argv, Io& io) {
  auto parsed = parseRunArgs(argv);
  if (!parsed) {
    io.err << "error: " << parsed.error().describe() << "\n";
    return 1;
  }
  const RunArgs& args = *parsed;
  if (args.help) {
    io.out << runUsage();
    return 0;
  }
  core::log::configure(args.logLevel, args.logFormat, &io.err);
  // glibc gives each thread that allocates an arena of its own; the workers' short-lived plans
  // then pin pages in several arenas. Two keep the daemon's resident size near what it holds.
  mallopt(M_ARENA_MAX, 2);
  // A fixed mmap threshold stops glibc raising it (and the trim threshold with it) after the
  // first big catalog read is freed: blocks from 64 KiB go straight back to the system when
  // freed, and free space above 128 KiB at the top of a heap is returned at once.
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);

  // Signals are taken by one thread with sigwait; every other thread inherits the block.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  kube::LoadOptions load;
  load.kubeconfig = args.kubeconfig;
  load.context = args.context;
  auto config = kube::loadConfig(load);
  if (!config) {
    core::log::error("cannot load the Kubernetes configuration", {{"error", config.error().describe()}});
    return 1;
  }
  auto client = kube::Client::create(*config);
  if (!client) {
    core::log::error("cannot create the Kubernetes client", {{"error", client.error().describe()}});
    return 1;
  }

  controller::ManagerOptions options;
  options.namespaces = args.namespaces;
  options.concurrency = args.concurrency;
  options.leaderElect = args.leaderElect;
  options.lease.ns = !args.leaseNamespace.empty() ? args.leaseNamespace
                     : !config->ns.empty()         ? config->ns
                                                   : "default";
  options.lease.name = args.leaseName;
  options.lease.identity = identity();
  options.lease.durations = {args.leaseDuration, args.renewDeadline, args.retryPeriod};
  auto runtimeDir = args.runtimeDir.empty() ? controller::RuntimeDir::makePrivate()
                                            : controller::RuntimeDir::use(args.runtimeDir);
  if (!runtimeDir) {
    core::log::error("cannot prepare the runtime directory", {{"error", runtimeDir.error().describe()}});
    return 1;
  }
  options.reconciler.runtimeDir = *runtimeDir;
  options.reconciler.connectTimeoutSeconds = args.connectTimeoutSeconds;
  options.reconciler.apply.lockTimeout = args.lockTimeout;
  options.reconciler.apply.lockRetryBudget = args.lockRetryBudget;
  options.reconciler.apply.statementTimeout = args.statementTimeout;
  if (args.lockRetriesGiven)
    core::log::warn("--lock-retries is deprecated and ignored: a step retries until --lock-retry-budget is spent", {});

  metrics::OperatorMetrics operatorMetrics(core::kVersion);
  options.metrics = &operatorMetrics;
  const auto processMetrics = std::make_shared<metrics::ProcessCollector>();
  std::unique_ptr<http::ProbeServer> metricsServer;
  if (const auto address = *http::parseBindAddress(args.metricsBindAddress, "--metrics-bind-address")) {
    auto started = http::ProbeServer::start(
        *address,
        {{"/metrics",
          [&operatorMetrics, processMetrics] {
            http::Response r{200, prometheus::TextSerializer().Serialize(processMetrics->Collect()),
                             "text/plain; version=0.0.4; charset=utf-8"};
            operatorMetrics.appendExposition(r.body);
            return r;
          }}},
        "--metrics-bind-address");
    if (!started) {
      core::log::error("cannot serve metrics", {{"address", address->str()}, {"error", started.error().describe()}});
      return 1;
    }
    metricsServer = std::move(*started);
    core::log::info("serving metrics", {{"address", address->str()}, {"path", "/metrics"}});
  }

  controller::Manager manager(**client, options);
  std::unique_ptr<http::ProbeServer> probes;
  if (const auto address = *http::parseBindAddress(args.healthProbeBindAddress, "--health-probe-bind-address")) {
    auto started = http::ProbeServer::start(
        *address, {{"/healthz", [&manager] {
                      return manager.alive() ? http::Response{200, "ok\n"} : http::Response{500, "the loop is stuck\n"};
                    }},
                   {"/readyz", [&manager] {
                      if (!manager.synced()) return http::Response{503, "caches not synced\n"};
                      if (!manager.ready()) return http::Response{503, "leader election not settled\n"};
                      return http::Response{200, manager.leading() ? "ok: leader\n" : "ok: standby\n"};
                    }}});
    if (!started) {
      core::log::error("cannot serve health probes", {{"error", started.error().describe()}});
      return 1;
    }
    probes = std::move(*started);
    core::log::info("serving health probes", {{"address", address->str()}, {"paths", "/healthz,/readyz"}});
  }
  std::stop_source stop;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    core::log::info("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    stop.request_stop();
  });
  core::log::info("starting", {{"server", (*client)->config().server},
                               {"namespaces", args.namespaces.empty() ? "all" : [&] {
                                  std::string s;
                                  for (const auto& n : args.namespaces) s += (s.empty() ? "" : ",") + n;
                                  return s;
                                }()},
                               {"leader_elect", args.leaderElect ? "true" : "false"},
                               {"identity", options.lease.identity}});
  manager.run(stop.get_token());
  // The waiter may still be in sigwait when the manager stopped for another reason.
  if (!stop.stop_requested()) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}

}  // namespace cli
