#pragma once
// The client against a real kube-apiserver and etcd (tests/controlplane): one control plane for
// the whole binary (a global test environment), a namespace of its own per test. Tests
// authenticate as a ServiceAccount bound to cluster-admin, with a bearer token, so the same
// credentials also work through the fault proxy (controlplane::FaultProxy) that a test puts in
// front of the server for what the server does not do on demand.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "controlplane/control_plane.hpp"
#include "controlplane/fault_proxy.hpp"
#include "kube/client.hpp"
#include "kube/config.hpp"
#include "kube/store.hpp"

namespace kube::testing {

// The control plane every test of the binary shares. ConfigMaps are watched from etcd, not the
// API server's cache, so compacting etcd makes a resume from an older resourceVersion 410 Gone;
// everything else keeps the cache.
class KubeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  controlplane::ControlPlane& plane() { return *plane_; }
  // A bearer token of ServiceAccount default/kube-tests, bound to cluster-admin.
  const std::string& token() const { return token_; }
  // The plane's URL, its CA and the token: what each test's clients start from.
  ClusterConfig config() const;

 private:
  std::unique_ptr<controlplane::ControlPlane> plane_;
  std::string token_;
};

KubeEnvironment& environment();

class KubeFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A fault proxy in front of the API server, made on first use; proxiedConfig() reaches the
  // server through it.
  controlplane::FaultProxy& proxy(controlplane::FaultProxyOptions options = {});
  ClusterConfig proxiedConfig();
  // How many requests the proxy passed to the server for configmaps in this test's namespace:
  // lists (GETs of the collection without watch) or watches.
  size_t listsSeen();
  size_t watchesSeen();

  std::unique_ptr<Client> client(ClusterConfig config, core::Clock& clock = core::systemClock(),
                                 ClientOptions options = {}) {
    auto c = Client::create(config, options, clock, [] { return 1.0; });
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
  }
  std::unique_ptr<Client> client() { return client(config_); }

  std::filesystem::path dir_;
  std::string ns_;        // this test's namespace
  ClusterConfig config_;  // straight to the API server, namespace ns_
  std::unique_ptr<controlplane::FaultProxy> proxy_;
};

// Waits (never sleeps blindly) until `done` holds, polling every few ms up to `timeout`.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

inline nlohmann::json configMap(const std::string& name, const std::map<std::string, std::string>& data = {},
                                const std::map<std::string, std::string>& labels = {{"suite", "kube"}}) {
  nlohmann::json o = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
  if (!labels.empty()) o["metadata"]["labels"] = labels;
  return o;
}

}  // namespace kube::testing
