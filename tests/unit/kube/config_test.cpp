// config.hpp + auth.hpp: kubeconfig and in-cluster loading, token rotation, no token printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "kube/auth.hpp"
#include "kube/config.hpp"

namespace {

using namespace kube;
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("kube-config-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& content) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
};

Getenv envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// "-----BEGIN CERTIFICATE-----\nX\n" in base64
const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nX\n";
const std::string kCaB64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClgK";

std::string kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& ctx = "user: u, namespace: apps") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
         "clusters:\n- name: c\n  cluster:\n" + cluster +
         "users:\n- name: u\n  user:\n" + user +
         "contexts:\n- name: x\n  context: {cluster: c, " + ctx + "}\n";
}

TEST(Kubeconfig, ReadsServerInlineCaTokenAndNamespace) {
  auto c = parseKubeconfig(kubeconfig("    server: https://127.0.0.1:6443\n    certificate-authority-data: " + kCaB64 +
                                          "\n    tls-server-name: api.local\n",
                                      "    token: s3cret\n"),
                           "cfg", "/nowhere");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->server, "https://127.0.0.1:6443");
  EXPECT_EQ(c->caPem, kCaPem);
  EXPECT_EQ(c->tlsServerName, "api.local");
  EXPECT_EQ(c->token, "s3cret");
  EXPECT_EQ(c->ns, "apps");
  EXPECT_FALSE(c->insecureSkipTlsVerify);
}

TEST(Kubeconfig, ReadsFilesRelativeToTheKubeconfig) {
  TempDir d;
  d.write("pki/ca.crt", kCaPem);
  d.write("pki/client.crt", "CERT");
  d.write("pki/client.key", "KEY");
  d.write("token", "from-file\n");
  std::string path = d.write("config", kubeconfig("    server: https://h:1\n    certificate-authority: pki/ca.crt\n",
                                                  "    client-certificate: pki/client.crt\n    client-key: " +
                                                      (d.path / "pki/client.key").string() +
                                                      "\n    tokenFile: token\n"));
  auto c = loadKubeconfig(path);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->caPem, kCaPem);
  EXPECT_EQ(c->clientCertPem, "CERT");
  EXPECT_EQ(c->clientKeyPem, "KEY");
  EXPECT_EQ(c->tokenFile, (d.path / "token").string());
  EXPECT_EQ(c->token, "from-file");
}

TEST(Kubeconfig, ReadsInlineClientCertificateAndInsecureFlag) {
  auto c = parseKubeconfig(kubeconfig("    server: https://h:1\n    insecure-skip-tls-verify: true\n",
                                      "    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n"),
                           "cfg", "");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_TRUE(c->insecureSkipTlsVerify);
  EXPECT_EQ(c->clientCertPem, "CERT");
  EXPECT_EQ(c->clientKeyPem, "KEY");
  EXPECT_EQ(c->ns, "apps");
}

TEST(Kubeconfig, DefaultsNamespaceAndAllowsNoUser) {
  auto c = parseKubeconfig(
      "current-context: x\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:8080'}}]\n"
      "contexts: [{name: x, context: {cluster: c}}]\n",
      "cfg", "");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->ns, "default");
  EXPECT_TRUE(c->token.empty());
}

TEST(Kubeconfig, ContextOverrideWins) {
  std::string text =
      "current-context: a\nclusters: [{name: c1, cluster: {server: 'https://one:1'}}, {name: c2, cluster: {server: "
      "'https://two:2'}}]\ncontexts: [{name: a, context: {cluster: c1}}, {name: b, context: {cluster: c2, namespace: "
      "z}}]\n";
  EXPECT_EQ(parseKubeconfig(text, "cfg", "")->server, "https://one:1");
  auto b = parseKubeconfig(text, "cfg", "", "b");
  EXPECT_EQ(b->server, "https://two:2");
  EXPECT_EQ(b->ns, "z");
}

struct BadCase {
  std::string text, field, inMessage;
};

TEST(Kubeconfig, ErrorsNameTheFileAndTheField) {
  const std::vector<BadCase> cases = {
      {"clusters: []\n", "current-context", "no current-context"},
      {"current-context: nope\ncontexts: []\n", "current-context", "\"nope\" is not defined"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n", "contexts[x].context.cluster",
       "\"c\" is not defined"},
      {kubeconfig("    certificate-authority-data: " + kCaB64 + "\n", "    token: t\n"), "clusters[c].cluster.server",
       "server is required"},
      {kubeconfig("    server: ftp://h\n", "    token: t\n"), "clusters[c].cluster.server", "https://"},
      {kubeconfig("    server: https://h\n    certificate-authority-data: '%%%'\n", "    token: t\n"),
       "clusters[c].cluster.certificate-authority-data", "base64"},
      {kubeconfig("    server: https://h\n    certificate-authority: /no/such/ca.crt\n", "    token: t\n"),
       "clusters[c].cluster.certificate-authority", "/no/such/ca.crt"},
      {kubeconfig("    server: https://h\n    insecure-skip-tls-verify: maybe\n", "    token: t\n"),
       "clusters[c].cluster.insecure-skip-tls-verify", "true or false"},
      {kubeconfig("    server: https://h\n", "    client-certificate-data: Q0VSVA==\n"),
       "users[u].user.client-key", "together"},
      {kubeconfig("    server: https://h\n", "    exec: {command: aws}\n"), "users[u].user.exec", "not supported"},
      {kubeconfig("    server: https://h\n", "    tokenFile: /no/such/token\n"), "users[u].user.tokenFile",
       "/no/such/token"},
      {kubeconfig("    server: https://h\n", "    token: t\n", "user: ghost"), "contexts[x].context.user",
       "\"ghost\" is not defined"},
      {"clusters: {a: 1}\n", "clusters", "must be a list"},
      {"[unclosed", "", "not valid YAML"},
  };
  for (const auto& bad : cases) {
    auto c = parseKubeconfig(bad.text, "/home/me/.kube/config", "");
    ASSERT_FALSE(c) << bad.text;
    EXPECT_EQ(c.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(c.error().field, bad.field) << bad.text;
    EXPECT_NE(c.error().message.find("/home/me/.kube/config"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find(bad.inMessage), std::string::npos) << c.error().message;
  }
}

TEST(Kubeconfig, ErrorsAndDescriptionsNeverShowTheToken) {
  auto c = parseKubeconfig(kubeconfig("    server: https://h\n", "    token: TOPSECRET\n"), "cfg", "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->describe().find("TOPSECRET"), std::string::npos);
  EXPECT_NE(c->describe().find("token=***"), std::string::npos);
  auto bad = parseKubeconfig(kubeconfig("    server: https://h\n", "    token: TOPSECRET\n    client-key-data: S0VZ\n"),
                             "cfg", "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().describe().find("TOPSECRET"), std::string::npos);
}

TEST(Kubeconfig, MergesAColonSeparatedListFirstWins) {
  TempDir d;
  std::string a = d.write("a", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
                               "users: [{name: u, user: {token: first}}]\n");
  std::string b = d.write("b", "current-context: y\nclusters: [{name: c, cluster: {server: 'https://b:1'}}]\n"
                               "users: [{name: u, user: {token: second}}]\n");
  auto c = loadKubeconfig(a + ":" + (d.path / "missing").string() + ":" + b);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->server, "https://b:1");
  EXPECT_EQ(c->token, "first");
}

TEST(Kubeconfig, MissingSingleFileIsAnError) {
  auto c = loadKubeconfig("/no/such/kubeconfig");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("/no/such/kubeconfig"), std::string::npos);
}

TEST(InCluster, ReadsEnvTokenCaAndNamespace) {
  TempDir d;
  d.write("token", "sa-token\n");
  d.write("ca.crt", kCaPem);
  d.write("namespace", "operators");
  auto c = loadInCluster(envOf({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
                         d.path.string());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->server, "https://10.0.0.1:443");
  EXPECT_EQ(c->token, "sa-token");
  EXPECT_EQ(c->tokenFile, (d.path / "token").string());
  EXPECT_EQ(c->caPem, kCaPem);
  EXPECT_EQ(c->ns, "operators");
  auto v6 = loadInCluster(envOf({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
                          d.path.string());
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");
}

TEST(InCluster, FailsWithoutEnvOrFiles) {
  TempDir d;
  auto noEnv = loadInCluster(envOf({}), d.path.string());
  ASSERT_FALSE(noEnv);
  EXPECT_NE(noEnv.error().message.find("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"),
            std::string::npos);
  auto noToken = loadInCluster(envOf({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}),
                               d.path.string());
  ASSERT_FALSE(noToken);
  EXPECT_EQ(noToken.error().field, "token");
}

TEST(LoadConfig, PrefersFlagThenEnvThenInClusterThenHome) {
  TempDir d;
  std::string flag = d.write("flag", "current-context: x\nclusters: [{name: c, cluster: {server: 'https://flag:1'}}]\n"
                                     "contexts: [{name: x, context: {cluster: c}}]\n");
  std::string env = d.write("env", "current-context: x\nclusters: [{name: c, cluster: {server: 'https://env:1'}}]\n"
                                   "contexts: [{name: x, context: {cluster: c}}]\n");
  d.write("home/.kube/config", "current-context: x\nclusters: [{name: c, cluster: {server: 'https://home:1'}}]\n"
                               "contexts: [{name: x, context: {cluster: c}}]\n");
  d.write("sa/token", "t");
  d.write("sa/ca.crt", kCaPem);
  std::string home = (d.path / "home").string();
  LoadOptions o;
  o.serviceAccountDir = (d.path / "sa").string();
  o.kubeconfig = flag;
  o.env = envOf({{"KUBECONFIG", env}, {"HOME", home}});
  EXPECT_EQ(loadConfig(o)->server, "https://flag:1");
  o.kubeconfig.clear();
  EXPECT_EQ(loadConfig(o)->server, "https://env:1");
  o.env = envOf({{"HOME", home}, {"KUBERNETES_SERVICE_HOST", "k"}, {"KUBERNETES_SERVICE_PORT", "6443"}});
  EXPECT_EQ(loadConfig(o)->server, "https://k:6443");
  o.env = envOf({{"HOME", home}});
  EXPECT_EQ(loadConfig(o)->server, "https://home:1");
}

TEST(BearerAuth, ReReadsTheTokenFileEveryMinuteAndAfterInvalidate) {
  TempDir d;
  std::string file = d.write("token", "one\n");
  ClusterConfig c;
  c.token = "one";
  c.tokenFile = file;
  core::ManualClock clock;
  BearerAuth auth(c, clock);
  EXPECT_EQ(auth.header(), "Bearer one");
  d.write("token", "two\n");
  clock.advance(std::chrono::seconds(30));
  EXPECT_EQ(auth.header(), "Bearer one");  // not yet
  clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(auth.header(), "Bearer two");
  d.write("token", "three");
  auth.invalidate();  // after a 401
  EXPECT_EQ(auth.header(), "Bearer three");
  fs::remove(file);  // mid-rotation: keep the last good token
  auth.invalidate();
  EXPECT_EQ(auth.header(), "Bearer three");
}

TEST(BearerAuth, StaticTokenOrNone) {
  core::ManualClock clock;
  ClusterConfig c;
  EXPECT_FALSE(BearerAuth(c, clock).header());
  c.token = "abc";
  EXPECT_EQ(BearerAuth(c, clock).header(), "Bearer abc");
}

}  // namespace
