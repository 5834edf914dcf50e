// The RBAC in deploy/ is least privilege: every call the operator made to the API server during
// this suite is granted, and nothing is granted that it never called. Named zz_ so it runs after
// the other suites' operators have made their calls; it also drives one operator through every
// kind of call itself, so it holds when run alone.
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "e2e_fixture.hpp"
#include "yaml/tree.hpp"

namespace e2e {

namespace {

using Grant = std::tuple<std::string, std::string, std::string>;  // group, resource[/subresource], verb

std::set<Grant> grantsOf(const std::string& file, const std::string& kind) {
  std::set<Grant> grants;
  std::ifstream in(std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/" + file);
  std::ostringstream text;
  text << in.rdbuf();
  const yaml::Documents documents = yaml::load(text.str());
  // A list field's items (none when absent).
  auto items = [](const yaml::Node& list) {
    std::vector<yaml::Node> out;
    for (size_t i = 0; i < list.size(); ++i) out.push_back(list.item(i));
    return out;
  };
  for (const auto& doc : documents.documents) {
    if (doc.find("kind").Scalar() != kind) continue;
    for (const auto& rule : items(doc.find("rules")))
      for (const auto& group : items(rule.find("apiGroups")))
        for (const auto& resource : items(rule.find("resources")))
          for (const auto& verb : items(rule.find("verbs")))
            grants.emplace(std::string(group.Scalar()), std::string(resource.Scalar()), std::string(verb.Scalar()));
  }
  return grants;
}

std::set<Grant> operatorCalls(const kubeapi::Server& api) {
  std::set<Grant> made;
  for (const auto& c : api.calls()) {
    if (c.userAgent.rfind("schema-operator/", 0) != 0) continue;  // kubectl's and the tests' own
    made.emplace(c.group, c.subresource.empty() ? c.resource : c.resource + "/" + c.subresource, c.verb);
  }
  return made;
}

std::string describe(const std::set<Grant>& grants) {
  std::string out;
  for (const auto& [group, resource, verb] : grants) out += "  " + verb + " " + resource + "." + group + "\n";
  return out;
}

}  // namespace

TEST_F(E2ETest, TheRbacInDeployGrantsExactlyWhatTheOperatorCalls) {
  // Every kind of call: leader election, a failing check (an Event, then its repeat patched),
  // the corrected Secret (a status write), a pending plan published and changed (a ConfigMap).
  secret("shop-db", pg().tcpUrl(db_, "wrong-password"));
  startOperator({"--leader-elect", "--leader-election-namespace", ns_, "--lease-duration", "3s", "--renew-deadline", "2s",
                 "--retry-period", "500ms"});
  apply(schemaDoc("shop", "  connection: {secretRef: {name: shop-db, key: DATABASE_URL}, sslMode: disable}\n  interval: 2s\n"
                          "  tables:\n    - name: t\n      columns: [{name: a, type: int}]\n"));
  const auto patchedEvent = [&] { return operatorCalls(cluster().api()).count({"", "events", "patch"}) > 0; };
  ASSERT_TRUE(testsupport::eventually(patchedEvent, 20s)) << describe(operatorCalls(cluster().api()));
  secret("shop-db", pg().tcpUrl(db_));
  ASSERT_TRUE(waitReady("shop"));
  // A pending plan is published in a ConfigMap (create), and rewritten when it changes (update).
  pg().exec(db_, "ALTER TABLE t ADD COLUMN legacy text");
  const auto calledOnConfigMaps = [&](const char* verb) {
    return operatorCalls(cluster().api()).count({"", "configmaps", verb}) > 0;
  };
  ASSERT_TRUE(testsupport::eventually([&] { return calledOnConfigMaps("create"); }, 20s)) << describe(operatorCalls(cluster().api()));
  ASSERT_TRUE(testsupport::eventually([&] { return get("shop")["status"]["plan"].contains("configMapRef"); }, 20s));
  pg().exec(db_, "ALTER TABLE t ADD COLUMN other text");
  ASSERT_TRUE(testsupport::eventually([&] { return calledOnConfigMaps("update"); }, 20s)) << describe(operatorCalls(cluster().api()));

  std::set<Grant> granted = grantsOf("deploy/rbac/cluster-role.yaml", "ClusterRole");
  for (const auto& g : grantsOf("deploy/base/leader-election-rbac.yaml", "Role")) granted.insert(g);
  ASSERT_FALSE(granted.empty());
  const std::set<Grant> made = operatorCalls(cluster().api());

  std::set<Grant> missing, unused;
  for (const auto& m : made)
    if (!granted.count(m)) missing.insert(m);
  for (const auto& g : granted)
    if (!made.count(g)) unused.insert(g);
  EXPECT_TRUE(missing.empty()) << "called but not granted (the operator would get 403):\n" << describe(missing);
  EXPECT_TRUE(unused.empty()) << "granted but never called (more than least privilege):\n" << describe(unused);

  // The namespaced variant grants the same on DatabaseSchemas, Secrets and Events.
  std::set<Grant> namespaced = grantsOf("deploy/namespaced/role.yaml", "Role");
  for (const auto& g : grantsOf("deploy/base/leader-election-rbac.yaml", "Role")) namespaced.insert(g);
  EXPECT_EQ(namespaced, granted) << "Role:\n" << describe(namespaced) << "ClusterRole:\n" << describe(granted);
}

}  // namespace e2e
