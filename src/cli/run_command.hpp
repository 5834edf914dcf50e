#pragma once
// `schema-operator run`: the controller daemon.
#include <chrono>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "pg/apply.hpp"

namespace cli {

struct RunArgs {
  std::string kubeconfig;
  std::string context;
  std::vector<std::string> namespaces;  // --namespace, repeatable or comma-separated; empty: all
  int concurrency = 4;
  bool leaderElect = false;
  std::string leaseNamespace;           // default: the in-cluster namespace, else "default"
  std::string leaseName = "schema-operator";
  std::chrono::milliseconds leaseDuration{15000};
  std::chrono::milliseconds renewDeadline{10000};
  std::chrono::milliseconds retryPeriod{2000};
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  core::log::Level logLevel = core::log::Level::Info;
  core::log::Format logFormat = core::log::Format::Json;
  int connectTimeoutSeconds = 10;
  std::chrono::milliseconds lockTimeout = pg::kDefaultLockTimeout;
  std::chrono::milliseconds lockRetryBudget = pg::kDefaultLockRetryBudget;
  std::chrono::milliseconds statementTimeout = pg::kDefaultStatementTimeout;
  bool lockRetriesGiven = false;  // the deprecated --lock-retries: accepted, warned about, ignored
  std::string runtimeDir;  // empty: a private directory made for the process (controller::RuntimeDir)
  bool help = false;
};

core::Result<RunArgs> parseRunArgs(const std::vector<std::string>& argv);
std::string runUsage();

// Runs the controller until SIGTERM or SIGINT; 0 after a clean stop, 1 when it cannot start.
int runOperator(const std::vector<std::string>& argv, Io& io);

}  // namespace cli
