// Built-in kinds through kubectl (contract §1 protobuf, §8): Secrets created from protobuf
// bodies, and Events listed as kubectl get events prints them.
#include "harness.hpp"
#include "util.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Builtins : public NamespaceSuite<Builtins> {
 public:
  static bool withCrd() { return false; }
};

TEST_F(Builtins, CreateSecretGenericSendsProtobuf) {
  // -v=8 shows the request headers: the typed client really sends protobuf.
  auto r = kubectl({"-n", ns_, "create", "secret", "generic", "shop-db", "--from-literal=DATABASE_URL=postgresql://shop@db/shop",
                    "-v=8"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_NE(r.out.find("secret/shop-db created"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Content-Type: application/vnd.kubernetes.protobuf"), std::string::npos) << r.err;

  const json secret = cluster().server().get("", "v1", "secrets", ns_, "shop-db");
  ASSERT_TRUE(secret.is_object());
  EXPECT_EQ(secret["type"], "Opaque");
  std::string url;
  ASSERT_TRUE(kubeapi::base64Decode(secret["data"]["DATABASE_URL"].get<std::string>(), url));
  EXPECT_EQ(url, "postgresql://shop@db/shop");

  auto get = kubectl({"-n", ns_, "get", "secrets"});
  EXPECT_EQ(tableHeader(get.out), (std::vector<std::string>{"NAME", "TYPE", "DATA", "AGE"}));
  EXPECT_EQ(tableRow(get.out, "shop-db")["TYPE"], "Opaque");
  EXPECT_EQ(tableRow(get.out, "shop-db")["DATA"], "1");

  auto cm = kubectl({"-n", ns_, "create", "configmap", "settings", "--from-literal=a=1", "--from-literal=b=2"});
  ASSERT_EQ(cm.exitCode, 0) << cm.describe();
  EXPECT_EQ(cluster().server().get("", "v1", "configmaps", ns_, "settings")["data"], json({{"a", "1"}, {"b", "2"}}));

  auto dup = kubectl({"-n", ns_, "create", "secret", "generic", "shop-db", "--from-literal=a=b"});
  EXPECT_EQ(dup.exitCode, 1);
  EXPECT_EQ(dup.err, "error: failed to create secret secrets \"shop-db\" already exists\n");
}

TEST_F(Builtins, GetEventsListsCoreAndEventsV1) {
  const std::string now = kubeapi::nowRfc3339();
  const json core = {{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", "shop.1"}}},
                     {"involvedObject", {{"apiVersion", "dbschema.io/v1alpha1"}, {"kind", "DatabaseSchema"}, {"name", "shop"}, {"namespace", ns_}}},
                     {"reason", "DriftDetected"},
                     {"message", "2 differences found"},
                     {"type", "Warning"},
                     {"source", {{"component", "schema-operator"}}},
                     {"firstTimestamp", now},
                     {"lastTimestamp", now},
                     {"count", 1}};
  ASSERT_EQ(cluster().http("POST", "/api/v1/namespaces/" + ns_ + "/events", core.dump()).status, 201);
  const json v1 = {{"apiVersion", "events.k8s.io/v1"},
                   {"kind", "Event"},
                   {"metadata", {{"name", "shop.2"}}},
                   {"regarding", {{"apiVersion", "dbschema.io/v1alpha1"}, {"kind", "DatabaseSchema"}, {"name", "shop"}, {"namespace", ns_}}},
                   {"reason", "Applied"},
                   {"note", "3 changes applied"},
                   {"type", "Normal"},
                   {"action", "Apply"},
                   {"eventTime", kubeapi::nowMicroTime()},
                   {"reportingController", "dbschema.io/schema-operator"},
                   {"reportingInstance", "schema-operator-0"}};
  auto created = cluster().http("POST", "/apis/events.k8s.io/v1/namespaces/" + ns_ + "/events", v1.dump());
  ASSERT_EQ(created.status, 201) << created.body;

  auto r = kubectl({"-n", ns_, "get", "events"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(tableHeader(r.out), (std::vector<std::string>{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}));
  auto rows = tableRows(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  std::map<std::string, std::map<std::string, std::string>> byReason;
  for (auto& row : rows) byReason[row["REASON"]] = row;
  EXPECT_EQ(byReason["DriftDetected"]["TYPE"], "Warning");
  EXPECT_EQ(byReason["DriftDetected"]["OBJECT"], "databaseschema/shop");
  EXPECT_EQ(byReason["DriftDetected"]["MESSAGE"], "2 differences found");
  EXPECT_EQ(byReason["Applied"]["MESSAGE"], "3 changes applied");
  EXPECT_EQ(byReason["Applied"]["OBJECT"], "databaseschema/shop");
  EXPECT_NE(byReason["Applied"]["LAST SEEN"], "<unknown>");

  auto sorted = kubectl({"-n", ns_, "get", "events", "--field-selector", "reason=Applied", "-o", "name"});
  EXPECT_EQ(sorted.out, "event/shop.2\n") << sorted.describe();
}

}  // namespace
}  // namespace kubetest
