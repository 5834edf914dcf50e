// The RBAC in deploy/ is least privilege: every call the operator made to the API server during
// this suite is granted, and nothing is granted that it never called. Named zz_ so it runs after
// the other suites' operators have made their calls; it also drives one operator through every
// kind of call itself, so it holds when run alone.
#include <yaml-cpp/yaml.h>

#include <set>
#include <tuple>

#include "e2e_fixture.hpp"

namespace e2e {

namespace {

using Grant = std::tuple<std::string, std::string, std::string>;  // group, resource[/subresource], verb

std::set<Grant> grantsOf(const std::string& file, const std::string& kind) {
  std::set<Grant> grants;
  for (const auto& doc : YAML::LoadAllFromFile(std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/" + file)) {
    if (!doc["kind"] || doc["kind"].as<std::string>() != kind) continue;
    for (const auto& rule : doc["rules"])
      for (const auto& group : rule["apiGroups"])
        for (const auto& resource : rule["resources"])
          for (const auto& verb : rule["verbs"])
            grants.emplace(group.as<std::string>(), resource.as<std::string>(), verb.as<std::string>());
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
