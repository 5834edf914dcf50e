// Reaching the server as kubectl does (contract §1, §2, §5.5, §11): TLS with the CA from the
// kubeconfig, the bearer token, discovery, paged lists; and who made each call.
#include <algorithm>

#include "harness.hpp"

namespace kubetest {
namespace {

class Access : public ClusterSuite<Access> {};

size_t count(const std::vector<kubeapi::CallRecord>& calls, const std::string& verb, const std::string& resource) {
  size_t n = 0;
  for (const auto& c : calls) n += c.verb == verb && c.resource == resource;
  return n;
}

TEST_F(Access, VersionOverTlsWithTheKubeconfigToken) {
  ASSERT_EQ(cluster().server().url().rfind("https://127.0.0.1:", 0), 0u);
  auto r = kubectl({"version"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_NE(r.out.find("Client Version: v1.32"), std::string::npos) << r.out;
  // The dispatcher runs the built-in v1.32 client only when the server says minor 32.
  EXPECT_NE(r.out.find("Server Version: v1.32.0"), std::string::npos) << r.out;
}

TEST_F(Access, ServerCertificateIsCheckedAgainstTheCa) {
  // The same server without its CA in the kubeconfig: kubectl must refuse the certificate.
  const std::string noCa = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " +
                           cluster().server().url() +
                           "\nusers:\n- name: u\n  user:\n    token: test-token\ncontexts:\n- name: x\n  context:\n"
                           "    cluster: c\n    user: u\ncurrent-context: x\n";
  auto r = kubectl({"--kubeconfig", cluster().writeFile("no-ca.kubeconfig", noCa), "get", "ns"});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("x509: certificate signed by unknown authority"), std::string::npos) << r.describe();
}

TEST_F(Access, ApiResourcesListsBuiltinsAndTheCrd) {
  auto r = kubectl({"api-resources"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  auto row = tableRow(r.out, "databaseschemas");
  EXPECT_EQ(row["SHORTNAMES"], "dbs");
  EXPECT_EQ(row["APIVERSION"], "dbschema.io/v1alpha1");
  EXPECT_EQ(row["NAMESPACED"], "true");
  EXPECT_EQ(row["KIND"], "DatabaseSchema");
  EXPECT_EQ(tableRow(r.out, "namespaces")["NAMESPACED"], "false");
  EXPECT_EQ(tableRow(r.out, "customresourcedefinitions")["SHORTNAMES"], "crd,crds");
  EXPECT_EQ(tableRow(r.out, "leases")["APIVERSION"], "coordination.k8s.io/v1");

  auto names = kubectl({"api-resources", "--api-group=dbschema.io", "-o", "name"});
  ASSERT_EQ(names.exitCode, 0) << names.describe();
  EXPECT_EQ(names.out, "databaseschemas.dbschema.io\n");
}

TEST_F(Access, WrongTokenIsUnauthorized) {
  auto r = kubectl({"get", "ns", "--token=wrong"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("error: You must be logged in to the server (Unauthorized)"), std::string::npos) << r.describe();

  auto raw = httpRequest(cluster().server().url(), cluster().server().caPem(), "GET", "/api/v1/namespaces", "",
                         {{"Authorization", "Bearer wrong"}});
  EXPECT_EQ(raw.status, 401);
  EXPECT_EQ(raw.json()["kind"], "Status");
  EXPECT_EQ(raw.json()["reason"], "Unauthorized");
  // Health and version are public on a real server too.
  EXPECT_EQ(httpRequest(cluster().server().url(), cluster().server().caPem(), "GET", "/version", "", {}).status, 200);
  EXPECT_EQ(httpRequest(cluster().server().url(), cluster().server().caPem(), "GET", "/readyz", "", {}).status, 200);
}

TEST_F(Access, ChunkedListPagesThroughEveryNamespace) {
  for (const char* ns : {"pg", "pg-b", "pgz"}) cluster().createNamespace(ns);
  auto all = kubectl({"get", "ns", "-o", "name"});
  ASSERT_EQ(all.exitCode, 0) << all.describe();
  const size_t listsBefore = count(cluster().server().calls(), "list", "namespaces");
  auto paged = kubectl({"get", "ns", "-o", "name", "--chunk-size=1"});
  ASSERT_EQ(paged.exitCode, 0) << paged.describe();
  EXPECT_EQ(paged.out, all.out);
  const size_t namespaces = std::count(all.out.begin(), all.out.end(), '\n');
  EXPECT_GE(namespaces, 7u);
  // One request per object: limit=1 and a continue token each time.
  EXPECT_EQ(count(cluster().server().calls(), "list", "namespaces") - listsBefore, namespaces);
}

TEST_F(Access, ChunkedListAcrossNamespacesThatPrefixEachOther) {
  // "pg" < "pg-b" < "pgz" as namespaces, but "pg/…" > "pg-b/…" as strings: the continue token
  // must resume in the list's own order or whole namespaces go missing.
  for (const char* ns : {"pc", "pc-b"}) {
    cluster().createNamespace(ns);
    for (const char* name : {"aa", "zz"}) {
      auto r = kubectl({"-n", ns, "create", "configmap", name, "--from-literal=k=v"});
      ASSERT_EQ(r.exitCode, 0) << r.describe();
    }
  }
  auto all = kubectl({"get", "configmaps", "-A", "-o", "name"});
  auto paged = kubectl({"get", "configmaps", "-A", "-o", "name", "--chunk-size=1"});
  ASSERT_EQ(all.exitCode, 0) << all.describe();
  ASSERT_EQ(paged.exitCode, 0) << paged.describe();
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 4);
  EXPECT_EQ(paged.out, all.out);
  auto table = kubectl({"get", "configmaps", "-A", "--chunk-size=1"});
  EXPECT_EQ(tableRows(table.out).size(), 4u) << table.out;
}

TEST_F(Access, CallsRecordTheUserAgent) {
  auto r = kubectl({"get", "configmaps", "-n", "kube-system"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  cluster().http("GET", "/api/v1/namespaces/kube-public/configmaps");

  std::string kubectlAgent, operatorAgent;
  for (const auto& c : cluster().server().calls()) {
    if (c.resource != "configmaps" || c.verb != "list") continue;
    if (c.ns == "kube-system") kubectlAgent = c.userAgent;
    if (c.ns == "kube-public") operatorAgent = c.userAgent;
  }
  EXPECT_EQ(kubectlAgent.rfind("kubectl/v1.32", 0), 0u) << kubectlAgent;
  EXPECT_EQ(operatorAgent.rfind("schema-operator/", 0), 0u) << operatorAgent;
}

}  // namespace
}  // namespace kubetest
