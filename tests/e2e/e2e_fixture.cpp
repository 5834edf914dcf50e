#include "e2e_fixture.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "controlplane/kubectl_path.hpp"

namespace e2e {

namespace {

std::string source(const std::string& relative) { return std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/" + relative; }

std::string readSource(const std::string& relative) {
  std::ifstream in(source(relative));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string show(const testsupport::ProcessResult& r) {
  return "exit " + std::to_string(r.exitCode) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

Cluster& Cluster::shared() {
  static Cluster cluster;
  return cluster;
}

Cluster::Cluster(controlplane::ControlPlaneOptions options)
    : plane_(std::make_unique<controlplane::ControlPlane>(options)), dir_(plane_->dir() + "/e2e") {
  std::filesystem::create_directories(dir_);
  auto mustKubectl = [&](const std::vector<std::string>& args, const std::string& what) {
    const auto r = kubectl(args);
    if (r.exitCode != 0) throw std::runtime_error(what + " failed: " + show(r));
    return r.out;
  };
  // What a cluster administrator installs from deploy/, as it is: the CRD, the operator's
  // namespace and ServiceAccount, the ClusterRole and its binding.
  mustKubectl({"apply", "-f", source("crds/databaseschemas.yaml")}, "kubectl apply of the CRD");
  // kubectl wait gives up at once, rather than waiting, while the new CRD has no conditions at all
  // ("accessor error: <nil>"): asked again until the API server has written some.
  for (int attempt = 1;; ++attempt) {
    const auto r = kubectl({"wait", "--for=condition=Established", "crd/databaseschemas.dbschema.io", "--timeout=30s"});
    if (r.exitCode == 0) break;
    if (attempt == 50 || r.err.find("accessor error") == std::string::npos)
      throw std::runtime_error("waiting for the CRD failed: " + show(r));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const char* file : {"deploy/base/namespace.yaml", "deploy/base/serviceaccount.yaml", "deploy/rbac/cluster-role.yaml",
                           "deploy/rbac/cluster-role-binding.yaml"})
    mustKubectl({"apply", "-f", source(file)}, std::string("kubectl apply of ") + file);
  operatorKubeconfig_ = dir_ + "/operator.kubeconfig";
  writeServiceAccountKubeconfig(operatorKubeconfig_, "schema-operator-system", "schema-operator");
  // Owned objects (the plan's ConfigMap) go with their owner, as in a cluster.
  plane_->startGarbageCollector();
}

void Cluster::writeServiceAccountKubeconfig(const std::string& path, const std::string& ns, const std::string& name,
                                            const std::string& server) {
  // No token controller runs: a token comes from the TokenRequest API, as a projected volume's does.
  const auto token = kubectl({"create", "token", name, "-n", ns, "--duration=6h"});
  if (token.exitCode != 0) throw std::runtime_error("kubectl create token failed: " + show(token));
  std::string value = token.out;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  plane_->writeTokenKubeconfig(path, value, server);
}

testsupport::ProcessResult Cluster::kubectl(const std::vector<std::string>& args, const std::string& stdinText,
                                            const std::string& home) {
  std::vector<std::string> argv{controlplane::kubectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  // A HOME of its own: kubectl caches discovery per server URL under ~/.kube.
  const std::string h = home.empty() ? dir_ + "/home" : home;
  std::filesystem::create_directories(h);
  return testsupport::runProcess(argv, {{"HOME", h}, {"KUBECONFIG", kubeconfig()}}, stdinText, 60s);
}

void E2ETest::SetUp() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = info->name();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ns_ = "e2e-" + std::to_string(++counter) + "-" + base.substr(0, 30);
  while (ns_.back() == '-') ns_.pop_back();
  home_ = cluster().dir() + "/home-" + ns_;
  db_ = pg().createDatabase("e2e");
  auditSeen_ = cluster().plane().auditEvents().size();
  const auto created = kubectl({"create", "namespace", ns_});
  ASSERT_EQ(created.exitCode, 0) << show(created);
}

void E2ETest::TearDown() {
  for (auto& op : operators_) {
    op->signal(SIGTERM);
    op->wait(15s);
  }
  // Least privilege, proven by the real authorizer: any call the role did not grant was refused
  // (403) and fails the test, whatever the test itself checked.
  std::string refused;
  for (const auto& event : auditEventsOfThisTest())
    if (event.value("responseStatus", json::object()).value("code", 0) == 403)
      refused += "  " + event.value("verb", "") + " " + event.value("requestURI", "") + " by " +
                 event["user"].value("username", "") + "\n";
  EXPECT_TRUE(refused.empty()) << "the API server refused calls the operator made:\n" << refused;
  if (HasFailure()) std::cerr << "--- operator logs of " << ns_ << "\n" << operatorLogs() << "\n";
}

std::vector<json> E2ETest::auditEventsOfThisTest() { return cluster().plane().auditEvents(auditSeen_); }

testsupport::ProcessResult E2ETest::kubectl(std::vector<std::string> args, const std::string& stdinText) {
  return cluster().kubectl(args, stdinText, home_);
}

void E2ETest::apply(const std::string& yaml) {
  const auto r = kubectl({"apply", "-n", ns_, "-f", "-"}, yaml);
  ASSERT_EQ(r.exitCode, 0) << show(r) << "\n" << yaml;
}

void E2ETest::secret(const std::string& name, const std::string& url) {
  json s = {{"apiVersion", "v1"},
            {"kind", "Secret"},
            {"metadata", {{"name", name}, {"namespace", ns_}}},
            {"stringData", {{"DATABASE_URL", url}}}};
  apply(s.dump());
}

std::string E2ETest::schemaDoc(const std::string& name, const std::string& specBody, const std::string& annotations) {
  std::string doc = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: " + name +
                    "\n  namespace: " + ns_ + "\n";
  if (!annotations.empty()) doc += "  annotations:\n" + annotations;
  doc += "spec:\n" + specBody;
  return doc;
}

std::vector<std::string> E2ETest::leaderElection() {
  // The file as shipped, moved from the operator's namespace into this test's; the binding's
  // subject (indented deeper) stays the operator's ServiceAccount.
  std::string rbac = readSource("deploy/base/leader-election-rbac.yaml");
  const std::string from = "\n  namespace: schema-operator-system\n", to = "\n  namespace: " + ns_ + "\n";
  int moved = 0;
  for (size_t at = rbac.find(from); at != std::string::npos; at = rbac.find(from, at + to.size()), ++moved)
    rbac.replace(at, from.size(), to);
  EXPECT_EQ(moved, 2) << "deploy/base/leader-election-rbac.yaml: expected a Role and a RoleBinding";
  apply(rbac);
  return {"--leader-elect", "--leader-election-namespace", ns_, "--lease-duration", "3s", "--renew-deadline", "2s",
          "--retry-period", "500ms"};
}

controlplane::TcpProxy& E2ETest::proxy() {
  if (!proxy_) {
    proxy_ = std::make_unique<controlplane::TcpProxy>(cluster().plane().apiPort());
    proxyKubeconfig_ = cluster().dir() + "/operator-via-proxy-" + ns_ + ".kubeconfig";
    cluster().writeServiceAccountKubeconfig(proxyKubeconfig_, "schema-operator-system", "schema-operator",
                                            "https://127.0.0.1:" + std::to_string(proxy_->port()));
  }
  return *proxy_;
}

testsupport::BackgroundProcess& E2ETest::startOperator(const std::vector<std::string>& extra, const std::string& tag,
                                                       const std::string& kubeconfig) {
  const std::string config = !kubeconfig.empty() ? kubeconfig
                             : proxy_            ? proxyKubeconfig_
                                                 : cluster().operatorKubeconfig();
  std::vector<std::string> argv{SCHEMA_OPERATOR_BINARY, "run",        "--kubeconfig", config,
                                "--namespace",          ns_,          "--log-format", "text",
                                "--runtime-dir",        cluster().dir() + "/runtime-" + ns_};
  ports_.emplace_back(freePort(), freePort());
  for (const auto& flag : {std::pair{"--metrics-bind-address", ports_.back().first},
                           std::pair{"--health-probe-bind-address", ports_.back().second}}) {
    argv.push_back(flag.first);
    argv.push_back("127.0.0.1:" + std::to_string(flag.second));
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string log = cluster().dir() + "/" + ns_ + "-" + tag + ".log";
  logs_.push_back(log);
  operators_.push_back(std::make_unique<testsupport::BackgroundProcess>(argv, std::map<std::string, std::string>{}, log));
  return *operators_.back();
}

json E2ETest::get(const std::string& name) { return cluster().get("dbschema.io", "v1alpha1", "databaseschemas", ns_, name); }

std::string E2ETest::condition(const json& object, const std::string& type, const std::string& field) {
  if (!object.contains("status") || !object["status"].contains("conditions")) return "";
  for (const auto& c : object["status"]["conditions"])
    if (c.value("type", "") == type) return c.value(field, "");
  return "";
}

bool E2ETest::ready(const std::string& name) {
  const json o = get(name);
  if (o.is_null() || !o.contains("status")) return false;
  return condition(o, "Ready") == "True" &&
         o["status"].value("observedGeneration", -1LL) == o["metadata"].value("generation", 0LL);
}

bool E2ETest::waitReady(const std::string& name, std::chrono::milliseconds timeout) {
  return testsupport::eventually([&] { return ready(name); }, timeout);
}

bool E2ETest::waitChecks(const std::string& name, int times, std::chrono::milliseconds timeout) {
  auto lastChecked = [&] { return get(name).value("status", json::object()).value("lastCheckedTime", ""); };
  std::string seen = lastChecked();
  int moved = 0;
  return testsupport::eventually(
      [&] {
        const std::string now = lastChecked();
        if (now != seen) seen = now, ++moved;
        return moved >= times;
      },
      timeout);
}

std::string E2ETest::operatorLogs() const {
  std::string all;
  for (const auto& l : logs_) {
    std::ifstream in(l);
    std::stringstream ss;
    ss << in.rdbuf();
    all += "== " + l + "\n" + ss.str();
  }
  return all;
}

}  // namespace e2e
