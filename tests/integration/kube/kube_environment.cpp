// The binary's one control plane, its test ServiceAccount, and each test's namespace.
#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

#include "kube_fixture.hpp"

namespace kube::testing {

namespace {

KubeEnvironment* const registered =
    static_cast<KubeEnvironment*>(::testing::AddGlobalTestEnvironment(new KubeEnvironment));

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An admin client (the plane's client certificate), for what the tests set up around themselves.
std::unique_ptr<Client> adminClient(const controlplane::ControlPlane& plane) {
  auto config = loadKubeconfig(plane.adminKubeconfig());
  if (!config) throw std::runtime_error("the admin kubeconfig: " + config.error().describe());
  auto client = Client::create(*config);
  if (!client) throw std::runtime_error("the admin client: " + client.error().describe());
  return std::move(*client);
}

void mustCall(Client& client, const Request& request) {
  auto r = client.call(request);
  if (!r) throw std::runtime_error(request.method + " " + request.path + ": " + r.error().toError().describe());
}

}  // namespace

KubeEnvironment& environment() { return *registered; }

void KubeEnvironment::SetUp() {
  try {
    const auto started = std::chrono::steady_clock::now();
    plane_ = std::make_unique<controlplane::ControlPlane>(
        controlplane::ControlPlaneOptions{.uncachedResources = {"configmaps"}});
    auto admin = adminClient(*plane_);
    const ResourceType serviceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
    const ResourceType clusterRoleBindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                           "ClusterRoleBinding", false};
    mustCall(*admin, request::create(serviceAccounts, "default",
                                     {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "kube-tests"}}}}));
    mustCall(*admin, request::create(clusterRoleBindings, "",
                                     {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                      {"kind", "ClusterRoleBinding"},
                                      {"metadata", {{"name", "kube-tests"}}},
                                      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "cluster-admin"}}},
                                      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "kube-tests"}, {"namespace", "default"}}}}}));
    // No token controller runs: the token comes from the TokenRequest API.
    Request tokenRequest{"POST", objectPath(serviceAccounts, "default", "kube-tests", "token"), {}, "application/json",
                         nlohmann::json{{"apiVersion", "authentication.k8s.io/v1"},
                                        {"kind", "TokenRequest"},
                                        {"spec", {{"expirationSeconds", 21600}}}}
                             .dump()};
    auto issued = admin->call(tokenRequest);
    if (!issued) throw std::runtime_error("TokenRequest: " + issued.error().toError().describe());
    token_ = (*issued)["status"]["token"];
    std::cout << "[ measure ] control plane up for kube_tests in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
              << " ms\n";
  } catch (const std::exception& e) {
    GTEST_FAIL() << "the control plane for kube_tests: " << e.what();
  }
}

void KubeEnvironment::TearDown() { plane_.reset(); }

ClusterConfig KubeEnvironment::config() const {
  ClusterConfig c;
  c.server = plane_->serverUrl();
  c.caPem = readFile(plane_->pki().caCert);
  c.token = token_;
  return c;
}

void KubeFixture::SetUp() {
  ASSERT_TRUE(environment().token().size()) << "no control plane";
  static std::atomic<int> counter{0};
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  ns_ = "kube-" + std::to_string(++counter) + "-" + name.substr(0, 40);
  dir_ = std::filesystem::temp_directory_path() / ("kube-it-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir_);
  config_ = environment().config();
  config_.ns = ns_;
  auto c = client();
  ASSERT_TRUE(c);
  const nlohmann::json namespaceObject = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
  auto created = c->call(request::create(resources::namespaces(), "", namespaceObject));
  ASSERT_TRUE(created) << created.error().toError().describe();
}

void KubeFixture::TearDown() {
  proxy_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

controlplane::FaultProxy& KubeFixture::proxy(controlplane::FaultProxyOptions options) {
  if (!proxy_) proxy_ = std::make_unique<controlplane::FaultProxy>(environment().plane(), options);
  return *proxy_;
}

ClusterConfig KubeFixture::proxiedConfig() {
  ClusterConfig c = config_;
  c.server = proxy().url();
  return c;
}

namespace {

size_t countSeen(const controlplane::FaultProxy& proxy, const std::string& ns, bool watches) {
  const std::string collection = "/api/v1/namespaces/" + ns + "/configmaps?";
  size_t n = 0;
  for (const auto& r : proxy.requests()) {
    if (r.injected || r.method != "GET" || r.target.rfind(collection, 0) != 0) continue;
    if ((r.target.find("watch=true") != std::string::npos) == watches) ++n;
  }
  return n;
}

}  // namespace

size_t KubeFixture::listsSeen() { return countSeen(proxy(), ns_, false); }
size_t KubeFixture::watchesSeen() { return countSeen(proxy(), ns_, true); }

}  // namespace kube::testing
