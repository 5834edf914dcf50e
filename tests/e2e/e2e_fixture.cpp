#include "e2e_fixture.hpp"
#include "kubectl_path.hpp"

#include <atomic>
#include <fstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace e2e {

namespace {

std::string tempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string show(const testsupport::ProcessResult& r) {
  return "exit " + std::to_string(r.exitCode) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

}  // namespace

unsigned short freePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::pair<int, std::string> httpGet(unsigned short port, const std::string& target) {
  namespace bhttp = boost::beast::http;
  try {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.expires_after(10s);
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    return {static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return {0, ""};
  }
}

Cluster& Cluster::shared() {
  static Cluster cluster;
  return cluster;
}

Cluster::Cluster() {
  dir_ = tempDir("so-e2e-");
  api_ = std::make_unique<kubeapi::Server>(kubeapi::ServerOptions{});
  api_->start();
  kubeconfig_ = api_->writeKubeconfig(dir_ + "/kubeconfig");
  const auto crd = kubectl({"apply", "-f", std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/crds/databaseschemas.yaml"});
  if (crd.exitCode != 0) throw std::runtime_error("kubectl apply of the CRD failed: " + show(crd));
}

testsupport::ProcessResult Cluster::kubectl(const std::vector<std::string>& args, const std::string& stdinText,
                                            const std::string& home) {
  std::vector<std::string> argv{kubeapi::kubectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  // A HOME of its own: the kubectl dispatcher caches /version per server URL under ~/.kube.
  const std::string h = home.empty() ? dir_ + "/home" : home;
  std::filesystem::create_directories(h);
  return testsupport::runProcess(argv, {{"HOME", h}, {"KUBECONFIG", kubeconfig_}}, stdinText, 60s);
}

void E2ETest::SetUp() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = info->name();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ns_ = "e2e-" + std::to_string(++counter) + "-" + base.substr(0, 30);
  home_ = cluster().dir() + "/home-" + ns_;
  db_ = pg().createDatabase("e2e");
  const auto created = kubectl({"create", "namespace", ns_});
  ASSERT_EQ(created.exitCode, 0) << show(created);
}

void E2ETest::TearDown() {
  for (auto& op : operators_) {
    op->signal(SIGTERM);
    op->wait(15s);
  }
  if (HasFailure()) {
    std::cerr << "--- operator logs of " << ns_ << "\n" << operatorLogs() << "\n";
  }
}

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

testsupport::BackgroundProcess& E2ETest::startOperator(const std::vector<std::string>& extra, const std::string& tag) {
  std::vector<std::string> argv{SCHEMA_OPERATOR_BINARY, "run",        "--kubeconfig", cluster().kubeconfig(),
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

json E2ETest::get(const std::string& name) {
  return cluster().api().get("dbschema.io", "v1alpha1", "databaseschemas", ns_, name);
}

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
