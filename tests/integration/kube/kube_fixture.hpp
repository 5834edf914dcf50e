#pragma once
// A TLS kube test server per test and a Client configured from the kubeconfig it writes.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include "kube/client.hpp"
#include "kube/config.hpp"
#include "kube/store.hpp"
#include "kubeapi/server.hpp"

namespace kube::testing {

class KubeFixture : public ::testing::Test {
 protected:
  void SetUp() override { startServer(kubeapi::ServerOptions{}); }
  void TearDown() override {
    if (server_) server_->stop();
    std::filesystem::remove_all(dir_);
  }

  void startServer(kubeapi::ServerOptions options) {
    if (server_) server_->stop();
    dir_ = std::filesystem::temp_directory_path() / ("kube-it-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    server_ = std::make_unique<kubeapi::Server>(options);
    server_->start();
    kubeconfig_ = server_->writeKubeconfig((dir_ / "kubeconfig").string());
    auto c = loadKubeconfig(kubeconfig_);
    ASSERT_TRUE(c) << c.error().describe();
    config_ = *c;
  }

  std::unique_ptr<Client> client(ClusterConfig config, core::Clock& clock = core::systemClock(),
                                 ClientOptions options = {}) {
    auto c = Client::create(config, options, clock, [] { return 1.0; });
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
  }
  std::unique_ptr<Client> client() { return client(config_); }

  std::filesystem::path dir_;
  std::unique_ptr<kubeapi::Server> server_;
  std::string kubeconfig_;
  ClusterConfig config_;
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
