// spec.views: plain and materialized views with their options, comment and indexes; every error
// names the field at fault.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

const char* kOrders = "tables:\n  - name: orders\n    columns: [{name: id, type: bigint}]\n";

std::string views(const std::string& list) { return withSpec(std::string(kOrders) + "views: " + list + "\n"); }

TEST(Views, ReadsAPlainViewWithItsOptionsAndAMaterializedOneWithItsIndexes) {
  const auto m = parseOk(views("[{name: open_orders, query: \"SELECT id FROM orders\", comment: Open,"
                               " options: {securityBarrier: true, securityInvoker: true, checkOption: cascaded}},"
                               " {name: totals, materialized: true, query: \"SELECT count(*) AS n FROM orders\","
                               " indexes: [{name: totals_n, columns: [n], unique: true}]}]"))
                     .model;
  ASSERT_EQ(m.views.size(), 2u);
  const auto& v = m.views[0];
  EXPECT_EQ(v.name, "open_orders");
  EXPECT_EQ(v.query, "SELECT id FROM orders");
  EXPECT_FALSE(v.materialized);
  EXPECT_TRUE(v.securityBarrier);
  EXPECT_TRUE(v.securityInvoker);
  EXPECT_EQ(v.checkOption, schema::CheckOption::Cascaded);
  EXPECT_EQ(v.comment, "Open");
  EXPECT_EQ(v.field, "spec.views[0]");
  const auto& t = m.views[1];
  EXPECT_TRUE(t.materialized);
  EXPECT_EQ(t.checkOption, schema::CheckOption::None);
  EXPECT_FALSE(t.comment.has_value());
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].name, "totals_n");
  EXPECT_TRUE(t.indexes[0].unique);
  EXPECT_EQ(t.indexes[0].keys.at(0).column, "n");
}

TEST(Views, RejectsWhatAViewCannotBeNamingTheField) {
  EXPECT_TRUE(rejects(views("[{name: v}]"), "spec.views[0].query", "must be set"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"  \"}]"), "spec.views[0].query", "must not be empty"));
  EXPECT_TRUE(rejects(views("[{query: \"SELECT 1\"}]"), "spec.views[0].name", "must be set"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1\", options: {checkOption: yes}}]"),
                      "spec.views[0].options.checkOption", "must be none, local or cascaded"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1\", options: {securityBarier: true}}]"),
                      "spec.views[0].options.securityBarier", "did you mean \"securityBarrier\"?"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1\", materialized: true, options: {securityBarrier: true}}]"),
                      "spec.views[0].options", "a materialized view takes no options"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1 AS n\", indexes: [{name: i, columns: [n]}]}]"),
                      "spec.views[0].indexes", "only a materialized view has indexes"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1 AS n\", materialized: true, indexes: [{columns: [n]}]}]"),
                      "spec.views[0].indexes[0].name", "must be set"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1 AS n\", materialized: true,"
                            " indexes: [{name: i, columns: [n], where: \"n > 0\"}]}]"),
                      "spec.views[0].indexes[0].where", "not supported"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1\", grants: [{role: app, privileges: [EXECUTE]}]}]"),
                      "spec.views[0].grants[0].privileges[0]", "(on a view)"));
}

TEST(Views, AViewNameIsARelationNameOfTheSchema) {
  EXPECT_TRUE(rejects(views("[{name: orders, query: \"SELECT 1\"}]"), "spec.views[0].name",
                      "\"orders\" is also declared at spec.tables[0].name"));
  EXPECT_TRUE(rejects(views("[{name: v, query: \"SELECT 1\"}, {name: v, query: \"SELECT 2\"}]"), "spec.views[1].name",
                      "\"v\" is also declared at spec.views[0].name"));
  EXPECT_TRUE(rejects(withSpec(std::string(kOrders) + "sequences: [{name: s}]\nviews: [{name: s, query: \"SELECT 1\"}]\n"),
                      "spec.views[0].name", "also the sequence declared at spec.sequences[0].name"));
  EXPECT_TRUE(rejects(views("[{name: v, materialized: true, query: \"SELECT 1 AS n\","
                            " indexes: [{name: orders, columns: [n]}]}]"),
                      "spec.views[0].indexes[0].name", "orders"));
}

}  // namespace
