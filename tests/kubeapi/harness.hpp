#pragma once
// The proof suite's harness: one API test server per test suite, the real kubectl run against it
// as a child process (its own KUBECONFIG and HOME, so kubectl's caches start empty for every
// server), and a direct HTTPS client for requests kubectl cannot make.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness_http.hpp"
#include "harness_process.hpp"
#include "harness_table.hpp"
#include "server.hpp"

namespace kubetest {

using namespace std::chrono_literals;

bool kubectlAvailable();
std::string sourcePath(const std::string& relative);  // a file of the repository
// Polls cond every 20 ms until it holds or the time is up.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 10s);

class Cluster {
 public:
  explicit Cluster(kubeapi::ServerOptions opts = {});
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  kubeapi::Server& server() { return *server_; }
  const std::string& dir() const { return dir_; }
  const std::string& kubeconfig() const { return kubeconfig_; }

  ProcResult kubectl(const std::vector<std::string>& args, const std::string& stdinText = "",
                     std::chrono::milliseconds timeout = 30s);
  // kubectl left running (get -w, wait): read its output while it runs, wait for its exit.
  std::unique_ptr<Process> kubectlBackground(const std::vector<std::string>& args);

  // A request as another client sends it: bearer token, the server's CA, User-Agent
  // schema-operator/0.1 unless headers say otherwise.
  HttpResult http(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& contentType = "application/json", const Headers& headers = {});

  std::string writeFile(const std::string& name, const std::string& text) const;  // in dir(); returns the path
  // Creates a namespace through the API (setup, not under test); throws when it fails.
  void createNamespace(const std::string& name);
  // kubectl apply -f crds/ of the repository; throws when it fails.
  void applyCrd();

 private:
  std::unique_ptr<kubeapi::Server> server_;
  std::string token_, dir_, kubeconfig_, home_;
};

// A DatabaseSchema manifest with the fewest fields the CRD requires; `spec` is YAML lines
// indented by two spaces, added under spec after the connection.
std::string schemaDoc(const std::string& name, const std::string& ns, const std::string& spec = "",
                      const std::string& metadata = "");
// A namespace name from the running test's name: "t-" + lower-case, dashes, at most 63 characters.
std::string testNamespace();

// One API server (and kubectl home) per test suite: `class X : public ClusterSuite<X>`.
// A suite may define `static kubeapi::ServerOptions options()` and `static bool withCrd()`.
template <class Suite>
class ClusterSuite : public ::testing::Test {
 public:
  static kubeapi::ServerOptions options() { return {}; }
  static bool withCrd() { return true; }

  static void SetUpTestSuite() {
    if (!kubectlAvailable()) return;
    try {
      cluster_ = std::make_unique<Cluster>(Suite::options());
      if (Suite::withCrd()) cluster_->applyCrd();
    } catch (const std::exception& e) {
      setupError_ = e.what();
    }
  }
  static void TearDownTestSuite() { cluster_.reset(); }

 protected:
  void SetUp() override {
    // kubectl is a test dependency `make deps` installs: without it these tests fail, never skip.
    ASSERT_TRUE(kubectlAvailable()) << "kubectl is not installed: run make deps";
    ASSERT_TRUE(setupError_.empty()) << setupError_;
  }
  static Cluster& cluster() { return *cluster_; }
  ProcResult kubectl(const std::vector<std::string>& args, const std::string& stdinText = "",
                     std::chrono::milliseconds timeout = 30s) {
    return cluster_->kubectl(args, stdinText, timeout);
  }

  inline static std::unique_ptr<Cluster> cluster_;
  inline static std::string setupError_;
};

// A ClusterSuite whose every test runs in a namespace of its own, made in SetUp. A suite may
// define `static bool withShop()` to have the DatabaseSchema "shop" applied there first (with
// `static std::string shopSpec()` as extra spec lines). No watch outlives its test.
template <class Suite>
class NamespaceSuite : public ClusterSuite<Suite> {
 public:
  static bool withShop() { return false; }
  static std::string shopSpec() { return ""; }

 protected:
  void SetUp() override {
    ClusterSuite<Suite>::SetUp();
    if (this->IsSkipped() || this->HasFatalFailure()) return;
    ns_ = testNamespace();
    this->cluster().createNamespace(ns_);
    if (!Suite::withShop()) return;
    auto r = this->kubectl({"apply", "-f", "-"}, schemaDoc("shop", ns_, Suite::shopSpec()));
    ASSERT_EQ(r.exitCode, 0) << r.describe();
  }
  void TearDown() override {
    if (this->cluster_) this->cluster().server().dropWatches();
  }
  // The DatabaseSchema `name` of this test's namespace as the server stores it.
  nlohmann::json live(const std::string& name = "shop") {
    return this->cluster().server().get("dbschema.io", "v1alpha1", "databaseschemas", ns_, name);
  }
  std::string collection() const { return "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas"; }
  std::string item(const std::string& name = "shop") const { return collection() + "/" + name; }

  std::string ns_;
};

}  // namespace kubetest
