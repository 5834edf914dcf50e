// metadata: name, namespace, generation, annotations, and the allow-destructive annotation read
// into schema::Approval.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;

std::string annotated(const std::string& value) {
  return "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: a\n  annotations:\n"
         "    dbschema.io/allow-destructive: " + value + "\nspec: {}\n";
}

const std::string kHash = "sha256:" + std::string(64, 'a');

TEST(AllowDestructive, AbsentAllowsNothing) {
  EXPECT_EQ(parseOk("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\n").approval,
            schema::Approval{});
}

TEST(AllowDestructive, TrueAllowsEverything) {
  const auto a = parseOk(annotated("\"true\"")).approval;
  EXPECT_TRUE(a.all);
  EXPECT_TRUE(a.allows(schema::ChangeKind::DropTable, ""));
}

TEST(AllowDestructive, PlanHashAllowsThatPlan) {
  const auto a = parseOk(annotated("\"" + kHash + "\"")).approval;
  EXPECT_FALSE(a.all);
  EXPECT_EQ(a.planHashes, std::set<std::string>{kHash});
  EXPECT_TRUE(a.allows(schema::ChangeKind::DropColumn, kHash));
  EXPECT_FALSE(a.allows(schema::ChangeKind::DropColumn, "sha256:" + std::string(64, 'b')));
}

TEST(AllowDestructive, ChangeKindsAllowThoseKinds) {
  const auto a = parseOk(annotated("\"DropColumn, ChangeType\"")).approval;
  EXPECT_EQ(a.kinds, (std::set<schema::ChangeKind>{schema::ChangeKind::DropColumn, schema::ChangeKind::ChangeType}));
  EXPECT_FALSE(a.allows(schema::ChangeKind::DropTable, ""));
}

TEST(AllowDestructive, RejectsUnknownItemNamingTheAnnotation) {
  EXPECT_TRUE(rejects(annotated("\"DropColumn,yes\""), "metadata.annotations[\"dbschema.io/allow-destructive\"]",
                      "\"yes\""));
  EXPECT_TRUE(rejects(annotated("\"\""), "metadata.annotations[\"dbschema.io/allow-destructive\"]", "empty item"));
}

TEST(AllowDestructive, RejectsNonTextValue) {
  EXPECT_TRUE(rejects(annotated("[true]"), "metadata.annotations[\"dbschema.io/allow-destructive\"]",
                      "expected a string, found a list"));
}

TEST(Metadata, RequiresName) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {namespace: x}\nspec: {}\n",
                      "metadata.name", "must be set"));
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nspec: {}\n", "metadata.name",
                      "must be set"));
}

TEST(Metadata, RejectsNameThatIsNotDns1123) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: My_Shop}\nspec: {}\n",
                      "metadata.name", "DNS-1123"));
}

TEST(Metadata, AcceptsDottedName) {
  EXPECT_EQ(parseOk("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: shop.v2}\nspec: {}\n").name,
            "shop.v2");
}

TEST(Metadata, IgnoresServerSetFields) {
  const auto r = parseOk(R"(apiVersion: dbschema.io/v1alpha1
kind: DatabaseSchema
metadata:
  name: a
  namespace: team-a
  generation: 12
  uid: 9f1c
  resourceVersion: "4711"
  creationTimestamp: "2024-05-01T10:00:00Z"
  labels: {app: shop}
  finalizers: [x]
  managedFields: [{manager: kubectl, fieldsV1: {f:spec: {}}}]
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"a": 1}'
spec: {}
)");
  EXPECT_EQ(r.ns, "team-a");
  EXPECT_EQ(r.generation, 12);
  EXPECT_EQ(r.annotations.size(), 1u);
  EXPECT_EQ(r.annotations.at("kubectl.kubernetes.io/last-applied-configuration"), "{\"a\": 1}");
}

TEST(Metadata, RejectsGenerationThatIsNotAnInteger) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a, generation: two}\nspec: {}\n",
                      "metadata.generation", "expected a non-negative integer, found \"two\""));
}

TEST(Metadata, RejectsAnnotationsThatAreNotAMap) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a, annotations: [x]}\nspec: {}\n",
                      "metadata.annotations", "expected a map, found a list"));
}

TEST(Metadata, RejectsInvalidNamespace) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a, namespace: Team_A}\nspec: {}\n",
                      "metadata.namespace", "not a valid namespace"));
}

}  // namespace
