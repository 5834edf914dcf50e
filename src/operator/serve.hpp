#pragma once
// The daemon's composition root: allocator settings, signals, the Kubernetes client, the metrics
// and probe servers and the controller manager, wired together and run until SIGTERM or SIGINT.
// The command line (cli/) only fills Options and calls serve().
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "http/bind_address.hpp"
#include "pg/apply.hpp"

namespace operator_ {

struct Options {
  std::string kubeconfig;               // empty: $KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;                  // empty: the kubeconfig's current context
  std::vector<std::string> namespaces;  // watched namespaces; empty: all
  int concurrency = 4;
  bool leaderElect = false;
  std::string leaseNamespace;           // empty: the in-cluster namespace, else "default"
  std::string leaseName = "schema-operator";
  std::chrono::milliseconds leaseDuration{15000};
  std::chrono::milliseconds renewDeadline{10000};
  std::chrono::milliseconds retryPeriod{2000};
  std::optional<http::BindAddress> metricsAddress = http::BindAddress{"0.0.0.0", 8080};  // nullopt: off
  std::optional<http::BindAddress> probeAddress = http::BindAddress{"0.0.0.0", 8081};    // nullopt: off
  core::log::Level logLevel = core::log::Level::Info;
  core::log::Format logFormat = core::log::Format::Json;
  int connectTimeoutSeconds = 10;
  std::chrono::milliseconds lockTimeout = pg::kDefaultLockTimeout;
  std::chrono::milliseconds lockRetryBudget = pg::kDefaultLockRetryBudget;
  std::chrono::milliseconds statementTimeout = pg::kDefaultStatementTimeout;
  bool lockRetriesGiven = false;  // the deprecated --lock-retries: accepted, warned about, ignored
  std::string runtimeDir;  // empty: a private directory made for the process (controller::RuntimeDir)
};

// Runs the controller until SIGTERM or SIGINT, logging to `log`; 0 after a clean stop, 1 when it
// cannot start (the reason is logged).
int serve(const Options& options, std::ostream& log);

}  // namespace operator_
