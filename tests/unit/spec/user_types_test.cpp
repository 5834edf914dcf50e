// spec.domains and spec.compositeTypes: every field read, and every error naming the field at
// fault (the SQL text itself is Postgres' to judge: tests/integration/engine/user_types_test.cpp).
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(UserTypesSpec, ReadsDomainsWithEveryField) {
  const auto m = parseOk(withSpec("domains:\n"
                                  "  - {name: email_address, type: text, nullable: false, default: \"''\", collation: C,\n"
                                  "     checks: [{name: email_address_check, expression: \"VALUE ~ '@'\"}]}\n"
                                  "  - {name: plain, type: int}\n"))
                     .model;
  ASSERT_EQ(m.domains.size(), 2u);
  const auto& d = m.domains[0];
  EXPECT_EQ(d.name, "email_address");
  EXPECT_EQ(d.type, "text");
  EXPECT_FALSE(d.nullable);
  EXPECT_EQ(d.defaultExpr, "''");
  EXPECT_EQ(d.collation, "C");
  ASSERT_EQ(d.checks.size(), 1u);
  EXPECT_EQ(d.checks[0].name, "email_address_check");
  EXPECT_EQ(d.checks[0].expression, "VALUE ~ '@'");
  EXPECT_EQ(d.checks[0].field, "spec.domains[0].checks[0]");
  EXPECT_EQ(d.field, "spec.domains[0]");
  const auto& plain = m.domains[1];
  EXPECT_TRUE(plain.nullable);
  EXPECT_FALSE(plain.defaultExpr || plain.collation);
  EXPECT_TRUE(plain.checks.empty());
}

TEST(UserTypesSpec, ReadsCompositeTypesWithTheirAttributesInOrder) {
  const auto m = parseOk(withSpec("compositeTypes:\n"
                                  "  - {name: money_amount, attributes: [{name: cents, type: bigint},\n"
                                  "     {name: currency, type: \"char(3)\", collation: C}]}\n"))
                     .model;
  ASSERT_EQ(m.compositeTypes.size(), 1u);
  const auto& t = m.compositeTypes[0];
  EXPECT_EQ(t.name, "money_amount");
  ASSERT_EQ(t.attributes.size(), 2u);
  EXPECT_EQ(t.attributes[0].name, "cents");
  EXPECT_EQ(t.attributes[1].type, "char(3)");
  EXPECT_EQ(t.attributes[1].collation, "C");
  EXPECT_EQ(t.attributes[1].field, "spec.compositeTypes[0].attributes[1]");
}

TEST(UserTypesSpec, ErrorsNameTheField) {
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d}]"), "spec.domains[0].type", "must be set"));
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d, type: int, nulable: false}]"), "spec.domains[0].nulable",
                      "did you mean \"nullable\""));
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d, type: int, checks: [{expression: VALUE > 0}]}]"),
                      "spec.domains[0].checks[0].name", "must be set"));
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d, type: int, default: \" \"}]"), "spec.domains[0].default",
                      "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("compositeTypes: [{name: t}]"), "spec.compositeTypes[0].attributes", "must be set"));
  EXPECT_TRUE(rejects(withSpec("compositeTypes: [{name: t, attributes: []}]"), "spec.compositeTypes[0].attributes",
                      "must declare at least one attribute"));
  EXPECT_TRUE(rejects(withSpec("compositeTypes: [{name: t, attributes: [{name: a}]}]"),
                      "spec.compositeTypes[0].attributes[0].type", "must be set"));
}

TEST(UserTypesSpec, NamesAreUniqueAmongTheSchemasTypes) {
  EXPECT_TRUE(rejects(withSpec("enums: [{name: status, values: [a]}]\ndomains: [{name: status, type: text}]"),
                      "spec.domains[0].name", "is also declared at spec.enums[0]"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}]}]\n"
                               "compositeTypes: [{name: t, attributes: [{name: a, type: int}]}]"),
                      "spec.compositeTypes[0].name", "is also declared at spec.tables[0]"));
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d, type: int}]\ncompositeTypes: [{name: d, attributes: [{name: a, type: int}]}]"),
                      "spec.compositeTypes[0].name", "is also declared at spec.domains[0]"));
  EXPECT_TRUE(rejects(withSpec("domains: [{name: d, type: int, checks: [{name: c, expression: VALUE > 0}, "
                               "{name: c, expression: VALUE < 9}]}]"),
                      "spec.domains[0].checks[1].name", "unique within its domain"));
  EXPECT_TRUE(rejects(withSpec("compositeTypes: [{name: t, attributes: [{name: a, type: int}, {name: a, type: text}]}]"),
                      "spec.compositeTypes[0].attributes[1].name", "unique within its type"));
}

}  // namespace
