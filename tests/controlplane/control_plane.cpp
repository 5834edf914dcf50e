#include "controlplane/control_plane.hpp"

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "controlplane/loopback.hpp"
#include "kube/client.hpp"
#include "kube/config.hpp"
#include "support/background.hpp"

namespace controlplane {

namespace {

using namespace std::chrono_literals;

std::string tempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "so-kube-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string tail(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

std::string requireTool(const std::string& name) {
  const std::string path = toolPath(name);
  if (::access(path.c_str(), X_OK) != 0)
    throw std::runtime_error(path + " is missing: `make tools` builds etcd, kube-apiserver and kube-controller-manager");
  return path;
}

// Only what ServiceAccounts do is audited: the operator runs as one, kubectl and the tests as the
// admin, so the log holds the operator's calls and nothing else.
const char* kAuditPolicy = R"(apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts"]
  - level: None
)";

void stop(std::unique_ptr<testsupport::BackgroundProcess>& process) {
  if (!process) return;
  process->signal(SIGTERM);
  if (process->wait(15s) < 0) process->signal(SIGKILL), process->wait(5s);
  process.reset();
}

}  // namespace

std::string toolPath(const std::string& name) {
  const char* dir = std::getenv("KUBE_TOOLS_DIR");
  return std::string(dir && *dir ? dir : SCHEMA_OPERATOR_SOURCE_DIR "/.tools/kube") + "/" + name;
}

ControlPlane::ControlPlane(ControlPlaneOptions options) : options_(options), dir_(tempDir()) {
  try {
    pki_ = makePki(dir_);
    startEtcd();
    startApiServer();
  } catch (...) {
    stop(apiServer_);
    stop(etcd_);
    std::filesystem::remove_all(dir_);
    throw;
  }
}

ControlPlane::~ControlPlane() {
  admin_.reset();
  stop(controllerManager_);
  stop(apiServer_);
  stop(etcd_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void ControlPlane::waitReady(testsupport::BackgroundProcess& process, const std::string& what,
                             const std::function<bool()>& ready) const {
  const bool up = testsupport::eventually([&] { return !process.running() || ready(); }, 60s);
  if (!up || !process.running())
    throw std::runtime_error(what + (process.running() ? " did not become ready in 60 s" : " exited") + "; its log:\n" +
                             tail(process.output(), 6000));
}

void ControlPlane::startEtcd() {
  etcdPort_ = freePort();
  etcdPeerPort_ = freePort();
  const std::string client = "http://127.0.0.1:" + std::to_string(etcdPort_);
  const std::string peer = "http://127.0.0.1:" + std::to_string(etcdPeerPort_);
  etcd_ = std::make_unique<testsupport::BackgroundProcess>(
      std::vector<std::string>{requireTool("etcd"), "--name=test", "--data-dir=" + dir_ + "/etcd",
                               "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
                               "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
                               "--initial-cluster=test=" + peer,
                               // A throwaway store: durability buys the tests nothing but time.
                               "--unsafe-no-fsync", "--log-level=warn"},
      std::map<std::string, std::string>{}, dir_ + "/etcd.log");
  waitReady(*etcd_, "etcd", [&] { return httpGet(etcdPort_, "/health").second.find("\"true\"") != std::string::npos; });
}

void ControlPlane::startApiServer() {
  apiPort_ = freePort();
  writeFile(dir_ + "/audit-policy.yaml", kAuditPolicy);
  std::vector<std::string> argv{requireTool("kube-apiserver"),
                                "--etcd-servers=http://127.0.0.1:" + std::to_string(etcdPort_),
                                "--bind-address=127.0.0.1",
                                "--advertise-address=127.0.0.1",
                                // The kubernetes Service's endpoints would have to be a routable address.
                                "--endpoint-reconciler-type=none",
                                "--secure-port=" + std::to_string(apiPort_),
                                "--cert-dir=" + dir_ + "/apiserver",
                                "--tls-cert-file=" + pki_.servingCert,
                                "--tls-private-key-file=" + pki_.servingKey,
                                "--client-ca-file=" + pki_.caCert,
                                "--authorization-mode=RBAC",
                                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                                "--service-account-key-file=" + pki_.serviceAccountPub,
                                "--service-account-signing-key-file=" + pki_.serviceAccountKey,
                                "--service-cluster-ip-range=10.0.0.0/24",
                                "--audit-policy-file=" + dir_ + "/audit-policy.yaml",
                                "--audit-log-path=" + dir_ + "/audit.log",
                                "--profiling=false"};
  if (!options_.watchCache) argv.push_back("--watch-cache=false");
  std::string uncached;
  for (const auto& resource : options_.uncachedResources) uncached += (uncached.empty() ? "" : ",") + resource + "#0";
  if (!uncached.empty()) argv.push_back("--watch-cache-sizes=" + uncached);
  apiServer_ = std::make_unique<testsupport::BackgroundProcess>(argv, std::map<std::string, std::string>{},
                                                                dir_ + "/kube-apiserver.log");

  adminKubeconfig_ = dir_ + "/admin.kubeconfig";
  writeFile(adminKubeconfig_, "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: " + serverUrl() +
                                  "\n    certificate-authority: " + pki_.caCert +
                                  "\nusers:\n- name: admin\n  user:\n    client-certificate: " + pki_.adminCert +
                                  "\n    client-key: " + pki_.adminKey +
                                  "\ncontexts:\n- name: test\n  context: {cluster: test, user: admin, namespace: default}\n"
                                  "current-context: test\n");
  auto config = kube::loadKubeconfig(adminKubeconfig_);
  if (!config) throw std::runtime_error("the admin kubeconfig does not load: " + config.error().message);
  auto transport = kube::makeHttpTransport(*config);
  if (!transport) throw std::runtime_error("no transport for the admin: " + transport.error().message);
  const kube::Request readyz{"GET", "/readyz", {}, "", ""};
  waitReady(*apiServer_, "kube-apiserver", [&] {
    auto r = (*transport)->roundTrip(readyz, {}, 5s);
    return r && r->status == 200;
  });
  kube::ClientOptions clientOptions;
  clientOptions.transport.userAgent = "controlplane-test-admin";
  auto client = kube::Client::create(*config, clientOptions);
  if (!client) throw std::runtime_error("no admin client: " + client.error().message);
  admin_ = std::move(*client);
}

void ControlPlane::startGarbageCollector() {
  if (controllerManager_) return;
  controllerManager_ = std::make_unique<testsupport::BackgroundProcess>(
      std::vector<std::string>{requireTool("kube-controller-manager"), "--kubeconfig=" + adminKubeconfig_,
                               "--controllers=garbage-collector-controller", "--leader-elect=false", "--secure-port=0"},
      std::map<std::string, std::string>{}, dir_ + "/kube-controller-manager.log");
}

void ControlPlane::writeTokenKubeconfig(const std::string& path, const std::string& token,
                                        const std::string& server) const {
  writeFile(path, "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: " +
                      (server.empty() ? serverUrl() : server) + "\n    certificate-authority: " + pki_.caCert +
                      "\nusers:\n- name: token\n  user:\n    token: " + token +
                      "\ncontexts:\n- name: test\n  context: {cluster: test, user: token, namespace: default}\n"
                      "current-context: test\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

json ControlPlane::get(const std::string& group, const std::string& version, const std::string& resource,
                       const std::string& ns, const std::string& name) const {
  const kube::ResourceType type{group, version, resource, "", !ns.empty()};
  auto r = admin_->call(kube::request::get(type, ns, name));
  if (r) return *r;
  if (r.error().isNotFound()) return nullptr;
  throw std::runtime_error("GET " + resource + " " + ns + "/" + name + ": " + r.error().message);
}

long long ControlPlane::compactEtcd() const {
  // etcd's gRPC gateway: the same calls etcdctl makes, as JSON over HTTP (int64s are strings).
  const auto [statusCode, status] = httpRequest(etcdPort_, "POST", "/v3/maintenance/status", "{}");
  if (statusCode != 200) throw std::runtime_error("etcd status: " + std::to_string(statusCode) + " " + status);
  const long long revision = std::stoll(json::parse(status)["header"]["revision"].get<std::string>());
  compactEtcdTo(revision);
  return revision;
}

void ControlPlane::compactEtcdTo(long long revision) const {
  const json compaction = {{"revision", std::to_string(revision)}, {"physical", true}};
  const auto [code, body] = httpRequest(etcdPort_, "POST", "/v3/kv/compaction", compaction.dump());
  if (code != 200) throw std::runtime_error("etcd compaction: " + std::to_string(code) + " " + body);
}

std::vector<json> ControlPlane::auditEvents(size_t skip) const {
  std::vector<json> events;
  std::istringstream lines(readFile(dir_ + "/audit.log"));
  size_t seen = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || seen++ < skip) continue;
    // The server may be writing the last line right now: a torn one is left for the next read.
    json event = json::parse(line, nullptr, false);
    if (!event.is_discarded()) events.push_back(std::move(event));
  }
  return events;
}

std::string ControlPlane::apiServerLogTail(size_t bytes) const {
  return tail(readFile(dir_ + "/kube-apiserver.log"), bytes);
}

}  // namespace controlplane
