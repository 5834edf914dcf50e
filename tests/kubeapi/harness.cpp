#include "harness.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "kubectl_path.hpp"

namespace kubetest {

namespace {
using kubeapi::kubectlPath;
}  // namespace

bool kubectlAvailable() { return access(kubectlPath().c_str(), X_OK) == 0; }

std::string sourcePath(const std::string& relative) { return std::string(KUBEAPI_SOURCE_DIR) + "/" + relative; }

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Cluster::Cluster(kubeapi::ServerOptions opts) : token_(opts.token) {
  char tmpl[] = "/tmp/kubeapi-proof-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  home_ = dir_ + "/home";
  std::filesystem::create_directories(home_);
  server_ = std::make_unique<kubeapi::Server>(opts);
  server_->start();
  kubeconfig_ = server_->writeKubeconfig(dir_ + "/kubeconfig");
}

Cluster::~Cluster() {
  server_->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

ProcResult Cluster::kubectl(const std::vector<std::string>& args, const std::string& stdinText,
                            std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{kubectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, {{"KUBECONFIG", kubeconfig_}, {"HOME", home_}}, dir_, stdinText);
  return p.wait(timeout);
}

std::unique_ptr<Process> Cluster::kubectlBackground(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kubectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<Process>(argv, std::map<std::string, std::string>{{"KUBECONFIG", kubeconfig_}, {"HOME", home_}},
                                   dir_);
}

HttpResult Cluster::http(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& contentType, const Headers& headers) {
  Headers all{{"Authorization", "Bearer " + token_}};
  if (!body.empty()) all.push_back({"Content-Type", contentType});
  all.insert(all.end(), headers.begin(), headers.end());
  return httpRequest(server_->url(), server_->caPem(), method, target, body, all);
}

std::string Cluster::writeFile(const std::string& name, const std::string& text) const {
  const std::string path = dir_ + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

void Cluster::createNamespace(const std::string& name) {
  auto r = http("POST", "/api/v1/namespaces", nlohmann::json{{"metadata", {{"name", name}}}}.dump());
  if (r.status != 201) throw std::runtime_error("creating namespace " + name + ": " + std::to_string(r.status) + " " + r.body);
}

void Cluster::applyCrd() {
  auto r = kubectl({"apply", "-f", sourcePath("crds/")});
  if (r.exitCode != 0) throw std::runtime_error("kubectl apply -f crds/: " + r.describe());
}

std::string schemaDoc(const std::string& name, const std::string& ns, const std::string& spec, const std::string& metadata) {
  return "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\n" + metadata + "spec:\n  connection:\n    secretRef: {name: " + name + "-db, key: DATABASE_URL}\n" + spec;
}

std::string testNamespace() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string out = "t-";
  for (char c : std::string(info->name())) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (out.back() != '-') out += '-';
  }
  if (out.size() > 63) out.resize(63);
  while (out.back() == '-') out.pop_back();
  return out;
}

}  // namespace kubetest
