// The RBAC in deploy/ is least privilege, on the real authorizer: the operator runs as deploy/'s
// ServiceAccount with exactly deploy/'s roles, so a call they do not grant is refused (and fails
// every e2e test, see E2ETest::TearDown); and here, every call it made during this suite (read
// from the API server's audit log) is granted, and nothing is granted that it never called.
// Named zz_ so it runs after the other suites' operators have made their calls; it also drives
// one operator through every kind of call itself, so it holds when run alone.
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

// What `user` called, as the audit log recorded it (an answer of 403 included: it was called).
std::set<Grant> callsBy(const std::vector<json>& auditEvents, const std::string& user) {
  std::set<Grant> made;
  for (const auto& e : auditEvents) {
    if (e["user"].value("username", "") != user || !e.contains("objectRef")) continue;
    const json& ref = e["objectRef"];
    const std::string sub = ref.value("subresource", "");
    made.emplace(ref.value("apiGroup", ""), ref.value("resource", "") + (sub.empty() ? "" : "/" + sub), e.value("verb", ""));
  }
  return made;
}

std::string describe(const std::set<Grant>& grants) {
  std::string out;
  for (const auto& [group, resource, verb] : grants) out += "  " + verb + " " + resource + "." + group + "\n";
  return out;
}

// Grants that are in `want` but not in `have`.
std::set<Grant> minus(const std::set<Grant>& want, const std::set<Grant>& have) {
  std::set<Grant> out;
  for (const auto& g : want)
    if (!have.count(g)) out.insert(g);
  return out;
}

class RbacE2ETest : public E2ETest {
 protected:
  // Over the whole suite, or (thisTest) since this test began.
  std::set<Grant> calls(const std::string& user, bool thisTest = false) {
    return callsBy(thisTest ? auditEventsOfThisTest() : cluster().plane().auditEvents(), user);
  }

  // Every kind of call the operator makes, by the operator started before (as `user`): a failing
  // check (an Event, then its repeat patched), the corrected Secret (a status write), a pending
  // plan published and changed (a ConfigMap created, then updated).
  void driveEveryKindOfCall(const std::string& user) {
    apply(schemaDoc("shop", "  connection: {secretRef: {name: shop-db, key: DATABASE_URL}, sslMode: disable}\n"
                            "  interval: 2s\n  tables:\n    - name: t\n      columns: [{name: a, type: int}]\n"));
    const auto called = [&](const Grant& g) { return calls(user, true).count(g) > 0; };
    ASSERT_TRUE(testsupport::eventually([&] { return called({"", "events", "patch"}); }, 20s)) << describe(calls(user, true));
    secret("shop-db", pg().tcpUrl(db_));
    ASSERT_TRUE(waitReady("shop")) << operatorLogs();
    pg().exec(db_, "ALTER TABLE t ADD COLUMN legacy text");
    ASSERT_TRUE(testsupport::eventually([&] { return called({"", "configmaps", "create"}); }, 20s)) << describe(calls(user, true));
    ASSERT_TRUE(testsupport::eventually([&] { return get("shop")["status"]["plan"].contains("configMapRef"); }, 20s));
    pg().exec(db_, "ALTER TABLE t ADD COLUMN other text");
    ASSERT_TRUE(testsupport::eventually([&] { return called({"", "configmaps", "update"}); }, 20s)) << describe(calls(user, true));
  }
};

}  // namespace

TEST_F(RbacE2ETest, TheRbacInDeployGrantsExactlyWhatTheOperatorCalls) {
  secret("shop-db", pg().tcpUrl(db_, "wrong-password"));
  startOperator(leaderElection());
  driveEveryKindOfCall(kOperatorUser);
  if (HasFatalFailure()) return;

  std::set<Grant> granted = grantsOf("deploy/rbac/cluster-role.yaml", "ClusterRole");
  for (const auto& g : grantsOf("deploy/base/leader-election-rbac.yaml", "Role")) granted.insert(g);
  ASSERT_FALSE(granted.empty());
  // Over the whole suite: the other tests' operators ran as the same ServiceAccount.
  const std::set<Grant> made = calls(kOperatorUser);
  EXPECT_TRUE(minus(made, granted).empty()) << "called but not granted (refused with 403):\n" << describe(minus(made, granted));
  EXPECT_TRUE(minus(granted, made).empty()) << "granted but never called (more than least privilege):\n"
                                            << describe(minus(granted, made));

  // The namespaced variant grants the same on DatabaseSchemas, Secrets and Events.
  std::set<Grant> namespaced = grantsOf("deploy/namespaced/role.yaml", "Role");
  for (const auto& g : grantsOf("deploy/base/leader-election-rbac.yaml", "Role")) namespaced.insert(g);
  EXPECT_EQ(namespaced, granted) << "Role:\n" << describe(namespaced) << "ClusterRole:\n" << describe(granted);
}

TEST_F(RbacE2ETest, TheNamespacedRoleAloneIsEnoughForAnOperatorOfOneNamespace) {
  // A ServiceAccount of this namespace that nothing binds cluster-wide, given deploy/namespaced's
  // Role and RoleBinding as shipped, moved from namespace `apps` to this one.
  const auto created = kubectl({"create", "serviceaccount", "schema-operator", "-n", ns_});
  ASSERT_EQ(created.exitCode, 0) << show(created);
  std::ifstream in(std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/deploy/namespaced/role.yaml");
  std::ostringstream text;
  text << in.rdbuf();
  std::string role = text.str();
  for (const std::string from : {"namespace: apps\n", "namespace: schema-operator-system\n"})
    for (size_t at = role.find(from); at != std::string::npos; at = role.find(from, at))
      role.replace(at, from.size(), "namespace: " + ns_ + "\n");
  apply(role);
  const std::string user = "system:serviceaccount:" + ns_ + ":schema-operator";
  const std::string kubeconfig = cluster().dir() + "/namespaced-" + ns_ + ".kubeconfig";
  cluster().writeServiceAccountKubeconfig(kubeconfig, ns_, "schema-operator");
  const auto otherSecrets = kubectl({"auth", "can-i", "list", "secrets", "-n", "default", "--as", user});
  EXPECT_EQ(otherSecrets.out, "no\n") << show(otherSecrets);

  secret("shop-db", pg().tcpUrl(db_, "wrong-password"));
  startOperator({}, "namespaced", kubeconfig);
  driveEveryKindOfCall(user);
  if (HasFatalFailure()) return;
  const std::set<Grant> made = calls(user);
  const std::set<Grant> granted = grantsOf("deploy/namespaced/role.yaml", "Role");
  EXPECT_TRUE(minus(made, granted).empty()) << "called but not granted (refused with 403):\n" << describe(minus(made, granted));
  EXPECT_TRUE(minus(granted, made).empty()) << "granted but never called:\n" << describe(minus(granted, made));
}

}  // namespace e2e
