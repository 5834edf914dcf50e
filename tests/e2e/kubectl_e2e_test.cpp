// What a platform team does with kubectl that only a real API server answers truly: explain from
// the CRD's published OpenAPI, server-side apply with field ownership, and the manifests of
// deploy/ through the server's own validation and admission.
#include "e2e_fixture.hpp"

namespace e2e {

namespace {

const char* kSpec = R"(  connection: {secretRef: {name: shop-db, key: DATABASE_URL}}
  interval: 2s
  tables:
    - name: customers
      columns:
        - {name: id, type: bigint}
)";

}  // namespace

TEST_F(E2ETest, KubectlExplainReadsTheCrdSchemaFromTheServer) {
  const auto spec = kubectl({"explain", "dbs.spec"});
  ASSERT_EQ(spec.exitCode, 0) << show(spec);
  for (const char* field : {"DatabaseSchema", "dbschema.io", "connection\t", "tables\t", "mode\t", "interval\t"})
    EXPECT_NE(spec.out.find(field), std::string::npos) << field << "\n" << spec.out;
  const auto columns = kubectl({"explain", "dbs.spec.tables.columns"});
  ASSERT_EQ(columns.exitCode, 0) << show(columns);
  EXPECT_NE(columns.out.find("nullable"), std::string::npos) << columns.out;
}

TEST_F(E2ETest, AServerSideApplyOfASpecChangeIsReconciledAndEachManagerOwnsItsFields) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  const auto serverSide = [&](const std::string& doc) {
    return kubectl({"apply", "--server-side", "--field-manager=platform-team", "-n", ns_, "-f", "-"}, doc);
  };
  auto applied = serverSide(schemaDoc("shop", kSpec));
  ASSERT_EQ(applied.exitCode, 0) << show(applied);
  ASSERT_TRUE(waitReady("shop")) << operatorLogs();

  applied = serverSide(schemaDoc("shop", std::string(kSpec) + "    - name: orders\n      columns: [{name: id, type: bigint}]\n"));
  ASSERT_EQ(applied.exitCode, 0) << show(applied);
  EXPECT_TRUE(testsupport::eventually([&] { return pg().queryValue(db_, "SELECT to_regclass('orders') IS NOT NULL") == "t"; },
                                      20s))
      << operatorLogs();
  EXPECT_TRUE(waitReady("shop"));

  // The spec is the platform team's (Apply), the status the operator's (through /status).
  bool specApplied = false, statusByOperator = false;
  const json shop = get("shop");
  for (const auto& entry : shop["metadata"]["managedFields"]) {
    if (entry.value("manager", "") == "platform-team" && entry.value("operation", "") == "Apply")
      specApplied = entry["fieldsV1"].contains("f:spec");
    if (entry.value("subresource", "") == "status") statusByOperator = entry["fieldsV1"].contains("f:status");
  }
  EXPECT_TRUE(specApplied) << shop["metadata"].dump(2);
  EXPECT_TRUE(statusByOperator) << shop["metadata"].dump(2);
}

TEST_F(E2ETest, TheManifestsOfDeployPassTheRealServersValidationAndAdmission) {
  const auto dryRun = kubectl({"apply", "-k", std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/deploy", "--dry-run=server"});
  ASSERT_EQ(dryRun.exitCode, 0) << show(dryRun);
  for (const char* object : {"customresourcedefinition.apiextensions.k8s.io/databaseschemas.dbschema.io",
                             "deployment.apps/schema-operator", "clusterrole.rbac.authorization.k8s.io/schema-operator"})
    EXPECT_NE(dryRun.out.find(object), std::string::npos) << object << "\n" << dryRun.out;
  // deploy/namespaced works in namespace `apps`, which a cluster administrator creates first.
  const auto apps = kubectl({"apply", "-f", "-"}, "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n");
  ASSERT_EQ(apps.exitCode, 0) << show(apps);
  const auto namespaced =
      kubectl({"apply", "-k", std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/deploy/namespaced", "--dry-run=server"});
  ASSERT_EQ(namespaced.exitCode, 0) << show(namespaced);
  EXPECT_NE(namespaced.out.find("role.rbac.authorization.k8s.io/schema-operator"), std::string::npos) << namespaced.out;
}

}  // namespace e2e
