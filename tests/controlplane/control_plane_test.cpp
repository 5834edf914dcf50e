// The harness itself: the control plane comes up with its certificates, authenticates the admin
// and ServiceAccount tokens, refuses through RBAC and audits it, forgets history when etcd is
// compacted, and leaves nothing behind; the proxy cuts and refuses connections on demand.
#include "controlplane/control_plane.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <boost/asio.hpp>

#include "controlplane/loopback.hpp"
#include "controlplane/tcp_proxy.hpp"
#include "controlplane/kubectl_path.hpp"
#include "support/process.hpp"

namespace controlplane {
namespace {

using namespace std::chrono_literals;

testsupport::ProcessResult kubectl(const std::string& kubeconfig, const std::vector<std::string>& args,
                                   const std::string& stdinText = "") {
  std::vector<std::string> argv{kubectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string home = std::filesystem::path(kubeconfig).parent_path().string() + "/home";
  return testsupport::runProcess(argv, {{"KUBECONFIG", kubeconfig}, {"HOME", home}}, stdinText, 60s);
}

std::string show(const testsupport::ProcessResult& r) { return "exit " + std::to_string(r.exitCode) + "\n" + r.out + r.err; }

TEST(ControlPlane, ServesTheAdminChecksServiceAccountTokensWithRbacAuditsAndCleansUp) {
  std::string dir;
  {
    ControlPlane plane;
    dir = plane.dir();
    const auto version = kubectl(plane.adminKubeconfig(), {"version", "-o", "json"});
    ASSERT_EQ(version.exitCode, 0) << show(version);
    EXPECT_NE(version.out.find("\"gitVersion\": \"v1.37."), std::string::npos) << version.out;
    EXPECT_EQ(kubectl(plane.adminKubeconfig(), {"auth", "can-i", "*", "*"}).out, "yes\n");

    // A ServiceAccount with a token from the TokenRequest API, allowed to list ConfigMaps only.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"create", "serviceaccount", "reader", "-n", "default"},
          {"create", "role", "reader", "-n", "default", "--verb=list", "--resource=configmaps"},
          {"create", "rolebinding", "reader", "-n", "default", "--role=reader", "--serviceaccount=default:reader"}})
      ASSERT_EQ(kubectl(plane.adminKubeconfig(), args).exitCode, 0) << args[1];
    const auto token = kubectl(plane.adminKubeconfig(), {"create", "token", "reader", "-n", "default"});
    ASSERT_EQ(token.exitCode, 0) << show(token);
    const std::string readerConfig = plane.dir() + "/reader.kubeconfig";
    plane.writeTokenKubeconfig(readerConfig, token.out.substr(0, token.out.find('\n')));
    EXPECT_EQ(kubectl(readerConfig, {"get", "configmaps", "-n", "default"}).exitCode, 0);
    const auto refused = kubectl(readerConfig, {"get", "secrets", "-n", "default"});
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_NE(refused.err.find("Forbidden"), std::string::npos) << show(refused);

    // The audit log holds the ServiceAccount's calls, the refused one with its 403, and not the admin's.
    std::set<std::pair<std::string, int>> seen;
    for (const auto& e : plane.auditEvents()) {
      EXPECT_EQ(e["user"].value("username", ""), "system:serviceaccount:default:reader") << e.dump();
      // kubectl's discovery (/api, /apis) has no objectRef.
      seen.emplace(e.value("objectRef", json::object()).value("resource", ""), e["responseStatus"].value("code", 0));
    }
    EXPECT_TRUE(seen.count({"configmaps", 200})) << plane.auditEvents().size();
    EXPECT_TRUE(seen.count({"secrets", 403}));

    EXPECT_TRUE(plane.get("", "v1", "configmaps", "default", "kube-root-ca.crt").is_null())
        << "no kube-controller-manager runs, so nothing publishes the root CA";
    EXPECT_EQ(plane.get("", "v1", "namespaces", "", "default")["metadata"]["name"], "default");
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(ControlPlane, AWatchFromARevisionEtcdCompactedAwayIsGoneWithoutTheWatchCache) {
  ControlPlane plane(ControlPlaneOptions{.watchCache = false});
  const auto created = kubectl(plane.adminKubeconfig(), {"create", "configmap", "c", "-n", "default", "--from-literal=k=1"});
  ASSERT_EQ(created.exitCode, 0) << show(created);
  const std::string before = plane.get("", "v1", "configmaps", "default", "c")["metadata"]["resourceVersion"];
  // Two changes: the first one's revision must be compacted too. A watch from `before` starts at
  // the revision after it, and one that starts exactly at the compacted revision is still served.
  for (const char* label : {"first=yes", "second=yes"}) {
    const auto changed = kubectl(plane.adminKubeconfig(), {"label", "configmap", "c", "-n", "default", label});
    ASSERT_EQ(changed.exitCode, 0) << show(changed);
  }
  const std::string watch = "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=2&resourceVersion=" + before;

  // Before the compaction the change is replayed from `before`; after it, that history is gone.
  const auto replayed = kubectl(plane.adminKubeconfig(), {"get", "--raw", watch});
  EXPECT_NE(replayed.out.find("\"MODIFIED\""), std::string::npos) << show(replayed);
  EXPECT_GT(plane.compactEtcd(), std::stoll(before));
  const auto gone = kubectl(plane.adminKubeconfig(), {"get", "--raw", watch});
  EXPECT_NE((gone.out + gone.err).find("410"), std::string::npos) << show(gone);
  EXPECT_EQ(gone.out.find("\"MODIFIED\""), std::string::npos) << show(gone);
}

TEST(TcpProxy, CutsOpenConnectionsAndRefusesNewOnesOnDemand) {
  namespace asio = boost::asio;
  using asio::ip::tcp;
  asio::io_context io;
  tcp::acceptor upstream(io, {asio::ip::make_address("127.0.0.1"), 0});
  TcpProxy proxy(upstream.local_endpoint().port());
  auto echoOnce = [&](tcp::socket& client) {
    tcp::socket server(io);
    upstream.accept(server);
    asio::write(client, asio::buffer("ping", 4));
    char got[4];
    asio::read(server, asio::buffer(got));
    asio::write(server, asio::buffer(got));
    asio::read(client, asio::buffer(got));
    EXPECT_EQ(std::string(got, 4), "ping");
    return server;
  };
  tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), proxy.port()});
  tcp::socket server = echoOnce(client);

  EXPECT_EQ(proxy.dropConnections(), 1u);
  char byte;
  boost::system::error_code ec;
  asio::read(client, asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();

  proxy.refuseConnections(true);
  tcp::socket refused(io);
  refused.connect({asio::ip::make_address("127.0.0.1"), proxy.port()});
  asio::read(refused, asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();

  proxy.refuseConnections(false);
  tcp::socket again(io);
  again.connect({asio::ip::make_address("127.0.0.1"), proxy.port()});
  echoOnce(again);
}

}  // namespace
}  // namespace controlplane
