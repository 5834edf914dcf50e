#pragma once
// End to end: the real operator binary against the Kubernetes API test server and a real
// PostgreSQL, driven with the real kubectl the way a platform team would.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server.hpp"
#include "support/background.hpp"
#include "support/postgres.hpp"
#include "support/process.hpp"

namespace e2e {

using nlohmann::json;
using namespace std::chrono_literals;

// One API server for the whole suite (the CRD registered once); each test works in a namespace
// of its own, with an operator of its own watching only that namespace.
class Cluster {
 public:
  static Cluster& shared();
  kubeapi::Server& api() { return *api_; }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const std::string& dir() const { return dir_; }
  testsupport::ProcessResult kubectl(const std::vector<std::string>& args, const std::string& stdinText = "",
                                     const std::string& home = "");

 private:
  Cluster();
  std::unique_ptr<kubeapi::Server> api_;
  std::string dir_;
  std::string kubeconfig_;
};

class E2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static testsupport::PostgresServer& pg() { return testsupport::PostgresServer::shared(); }
  Cluster& cluster() { return Cluster::shared(); }

  testsupport::ProcessResult kubectl(std::vector<std::string> args, const std::string& stdinText = "");
  // kubectl apply -f - of the text; fails the test when kubectl does.
  void apply(const std::string& yaml);
  // A Secret `name` in this test's namespace with DATABASE_URL = url.
  void secret(const std::string& name, const std::string& url);
  // A DatabaseSchema document: `specBody` is YAML indented under `spec:` (4 spaces deep is
  // not needed: give it with two spaces).
  std::string schemaDoc(const std::string& name, const std::string& specBody, const std::string& annotations = "");

  // The operator, watching this test's namespace, its metrics and probes on free loopback ports
  // (metricsPort(i), probePort(i) for the i-th started). Extra flags appended.
  testsupport::BackgroundProcess& startOperator(const std::vector<std::string>& extra = {}, const std::string& tag = "op");
  unsigned short metricsPort(size_t i = 0) const { return ports_.at(i).first; }
  unsigned short probePort(size_t i = 0) const { return ports_.at(i).second; }

  json get(const std::string& name);
  std::string condition(const json& object, const std::string& type, const std::string& field = "status");
  bool ready(const std::string& name);  // Ready True and observedGeneration current
  bool waitReady(const std::string& name, std::chrono::milliseconds timeout = 30s);
  // Waits until status.lastCheckedTime of `name` has moved `times` times from its value now: the
  // operator has checked the resource again, the last of those checks begun after this call. For
  // tests that show that nothing happened: they wait for the checks that could have done it.
  bool waitChecks(const std::string& name, int times, std::chrono::milliseconds timeout = 30s);
  std::string operatorLogs() const;

  std::string ns_;
  std::string db_;
  std::string home_;
  std::vector<std::unique_ptr<testsupport::BackgroundProcess>> operators_;
  std::vector<std::string> logs_;
  std::vector<std::pair<unsigned short, unsigned short>> ports_;
};

// A port nothing listens on now (bound to 0 and released).
unsigned short freePort();
// GET http://127.0.0.1:port/target: the status code and body; status 0 when nothing answers.
std::pair<int, std::string> httpGet(unsigned short port, const std::string& target);

}  // namespace e2e
