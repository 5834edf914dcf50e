#pragma once
// End to end: the real operator binary against a real Kubernetes control plane (etcd and
// kube-apiserver, tests/controlplane) and a real PostgreSQL, driven with the real kubectl the way
// a platform team would. The operator authenticates as the ServiceAccount of deploy/, bound to
// exactly deploy/'s ClusterRole (or, in the namespaced test, its Role): whatever it calls that
// the role does not grant is refused by the real authorizer and fails the test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "controlplane/control_plane.hpp"
#include "controlplane/loopback.hpp"
#include "controlplane/tcp_proxy.hpp"
#include "support/background.hpp"
#include "support/postgres.hpp"
#include "support/process.hpp"

namespace e2e {

using nlohmann::json;
using namespace std::chrono_literals;
using controlplane::freePort;
using controlplane::httpGet;

// The operator's identity in deploy/: ServiceAccount schema-operator in schema-operator-system.
inline constexpr const char* kOperatorUser = "system:serviceaccount:schema-operator-system:schema-operator";

// A control plane with the CRD and deploy/'s ServiceAccount and cluster-wide RBAC applied, and
// kube-controller-manager's garbage collector. Each test works in a namespace of its own, with
// an operator of its own watching only that namespace.
class Cluster {
 public:
  explicit Cluster(controlplane::ControlPlaneOptions options = {});
  // The one most tests share, started on first use.
  static Cluster& shared();

  controlplane::ControlPlane& plane() { return *plane_; }
  const std::string& kubeconfig() const { return plane_->adminKubeconfig(); }  // the admin, for kubectl
  const std::string& operatorKubeconfig() const { return operatorKubeconfig_; }
  const std::string& dir() const { return dir_; }
  testsupport::ProcessResult kubectl(const std::vector<std::string>& args, const std::string& stdinText = "",
                                     const std::string& home = "");
  json get(const std::string& group, const std::string& version, const std::string& resource, const std::string& ns,
           const std::string& name) {
    return plane_->get(group, version, resource, ns, name);
  }
  // A kubeconfig at `path` with a fresh token (TokenRequest API) of ServiceAccount ns/name.
  void writeServiceAccountKubeconfig(const std::string& path, const std::string& ns, const std::string& name,
                                     const std::string& server = "");

 private:
  std::unique_ptr<controlplane::ControlPlane> plane_;
  std::string dir_;
  std::string operatorKubeconfig_;
};

class E2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static testsupport::PostgresServer& pg() { return testsupport::PostgresServer::shared(); }
  // The cluster this fixture's tests run on (a fixture may choose another).
  virtual Cluster& cluster() { return Cluster::shared(); }

  testsupport::ProcessResult kubectl(std::vector<std::string> args, const std::string& stdinText = "");
  // kubectl apply -f - of the text; fails the test when kubectl does.
  void apply(const std::string& yaml);
  // A Secret `name` in this test's namespace with DATABASE_URL = url.
  void secret(const std::string& name, const std::string& url);
  // A DatabaseSchema document: `specBody` is YAML indented under `spec:` (4 spaces deep is
  // not needed: give it with two spaces).
  std::string schemaDoc(const std::string& name, const std::string& specBody, const std::string& annotations = "");
  // deploy/base/leader-election-rbac.yaml (the Role on the Lease and its binding) applied in this
  // test's namespace, and the flags that put the operator's Lease there, with short durations.
  std::vector<std::string> leaderElection();
  // From now on operators reach the API server through a proxy that can cut their connections.
  controlplane::TcpProxy& proxy();

  // The operator, watching this test's namespace, its metrics and probes on free loopback ports
  // (metricsPort(i), probePort(i) for the i-th started). Extra flags appended. It runs with
  // `kubeconfig`, by default the ServiceAccount bound to deploy/'s ClusterRole.
  testsupport::BackgroundProcess& startOperator(const std::vector<std::string>& extra = {}, const std::string& tag = "op",
                                                const std::string& kubeconfig = "");
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
  // The audit log's events of ServiceAccounts since this test began.
  std::vector<json> auditEventsOfThisTest();

  std::string ns_;
  std::string db_;
  std::string home_;
  std::vector<std::unique_ptr<testsupport::BackgroundProcess>> operators_;
  std::vector<std::string> logs_;
  std::vector<std::pair<unsigned short, unsigned short>> ports_;
  std::unique_ptr<controlplane::TcpProxy> proxy_;
  std::string proxyKubeconfig_;
  size_t auditSeen_ = 0;
};

std::string show(const testsupport::ProcessResult& r);

}  // namespace e2e
