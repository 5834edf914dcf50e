// apiVersion, kind, status and spec at the top of a document, and spec's own fields.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(TopLevel, RejectsWrongApiVersionNamingTheValue) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\n",
                      "apiVersion", "must be dbschema.io/v1alpha1, found \"dbschema.io/v1\""));
}

TEST(TopLevel, RejectsMissingApiVersion) {
  EXPECT_TRUE(rejects("kind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\n", "apiVersion", "must be set"));
}

TEST(TopLevel, RejectsWrongKindBeforeItsUnknownFields) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {}\n", "kind",
                      "must be DatabaseSchema, found \"ConfigMap\""));
}

TEST(TopLevel, RejectsUnknownTopLevelField) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\nsepc: {}\n",
                      "sepc", "unknown field"));
}

TEST(TopLevel, IgnoresStatus) {
  const auto r = parseOk(
      "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\n"
      "status: {phase: Drifted, anything: [1, 2], conditions: [{type: Ready}]}\n");
  EXPECT_EQ(r.name, "a");
}

TEST(TopLevel, RequiresSpec) {
  EXPECT_TRUE(rejects("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\n", "spec",
                      "must be set"));
}

TEST(TopLevel, AcceptsEmptySpecWithDefaults) {
  const auto r = parseOk("apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: a}\nspec: {}\n");
  EXPECT_EQ(r.model.schema, "public");
  EXPECT_EQ(r.mode, spec::Mode::Apply);
  EXPECT_EQ(r.interval, std::chrono::minutes(5));
  EXPECT_FALSE(r.policy.prune);
  EXPECT_TRUE(r.model.tables.empty());
  EXPECT_EQ(r.connection, spec::ConnectionSpec{});
  EXPECT_EQ(r.approval, schema::Approval{});
}

TEST(SpecFields, RejectsUnknownMode) {
  EXPECT_TRUE(rejects(withSpec("mode: apply\n"), "spec.mode", "must be Apply or Plan, found \"apply\""));
}

TEST(SpecFields, ReadsPlanMode) {
  EXPECT_EQ(spec::testing::parseOk(withSpec("mode: Plan\n")).mode, spec::Mode::Plan);
}

TEST(SpecFields, ReadsSchemaName) {
  EXPECT_EQ(spec::testing::parseOk(withSpec("schema: billing\n")).model.schema, "billing");
}

TEST(SpecFields, RejectsSystemSchema) {
  EXPECT_TRUE(rejects(withSpec("schema: pg_catalog\n"), "spec.schema", "system schema"));
  EXPECT_TRUE(rejects(withSpec("schema: information_schema\n"), "spec.schema", "system schema"));
}

TEST(SpecFields, RejectsBadInterval) {
  EXPECT_TRUE(rejects(withSpec("interval: 300\n"), "spec.interval", "is not a duration"));
  EXPECT_TRUE(rejects(withSpec("interval: 500ms\n"), "spec.interval", "at least 1s"));
}

TEST(SpecFields, TreatsNullAsUnset) {
  const auto r = spec::testing::parseOk(withSpec("schema: ~\nmode:\ninterval: null\nignore:\ntables: ~\n"));
  EXPECT_EQ(r.model.schema, "public");
  EXPECT_EQ(r.interval, std::chrono::minutes(5));
}

}  // namespace
