// Configuration against the real API server: in-cluster files, token rotation, concurrency.
#include <fstream>
#include <thread>

#include "kube_fixture.hpp"

namespace {

using namespace kube;
using namespace kube::testing;

Getenv envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_F(KubeFixture, InClusterConfigReachesTheServer) {
  auto sa = dir_ / "serviceaccount";
  std::filesystem::create_directories(sa);
  std::ofstream(sa / "token") << config_.token << "\n";
  std::ofstream(sa / "ca.crt") << config_.caPem;
  std::ofstream(sa / "namespace") << ns_;
  auto c = loadInCluster(envOf({{"KUBERNETES_SERVICE_HOST", "127.0.0.1"},
                                {"KUBERNETES_SERVICE_PORT", std::to_string(environment().plane().apiPort())}}),
                         sa.string());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->ns, ns_);
  auto r = client(*c)->call(request::get(resources::namespaces(), "", c->ns));
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ((*r)["metadata"]["name"], ns_);
}

TEST_F(KubeFixture, RotatedTokenFileIsReReadAfterA401) {
  auto file = dir_ / "token";
  std::ofstream(file) << "expired-token";
  ClusterConfig c = config_;
  c.token = "expired-token";
  c.tokenFile = file.string();
  auto cl = client(c);
  auto bad = cl->call(request::get(resources::namespaces(), "", "default"));
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().isUnauthorized());
  std::ofstream(file) << config_.token;  // the kubelet rotated the projected token
  auto good = cl->call(request::get(resources::namespaces(), "", "default"));
  EXPECT_TRUE(good) << good.error().toError().describe();
}

TEST_F(KubeFixture, OneClientServesManyThreads) {
  auto c = client();
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (c->call(request::create(resources::configMap(), ns_, configMap(name))) &&
            c->call(request::get(resources::configMap(), ns_, name)))
          ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 80);
}

}  // namespace
