// spec.functions: functions and procedures with every option; what a procedure cannot have, words
// outside their vocabulary and setting names that are not one are refused naming the field.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

std::string functions(const std::string& list) { return withSpec("functions: " + list + "\n"); }

TEST(Functions, ReadsAFunctionWithEveryOptionAndAProcedureWithTheDefaults) {
  const auto m = parseOk(functions(
                             "[{name: add_cents, arguments: \"a bigint, b bigint\", returns: bigint, language: SQL,"
                             " body: \"SELECT a + b\", volatility: immutable, strict: true, securityDefiner: true,"
                             " parallel: safe, set: {Search_Path: \"pg_catalog, public\", work_mem: 64MB}, comment: adds},"
                             " {name: archive, kind: procedure, language: plpgsql, body: \"BEGIN END\","
                             " strict: false}]"))
                     .model;
  ASSERT_EQ(m.functions.size(), 2u);
  const auto& f = m.functions[0];
  EXPECT_EQ(f.name, "add_cents");
  EXPECT_FALSE(f.procedure);
  EXPECT_EQ(f.arguments, "a bigint, b bigint");
  EXPECT_EQ(f.returns, "bigint");
  EXPECT_EQ(f.language, "sql");  // folded, as Postgres folds the unquoted word
  EXPECT_EQ(f.volatility, "immutable");
  EXPECT_TRUE(f.strict);
  EXPECT_TRUE(f.securityDefiner);
  EXPECT_EQ(f.parallel, "safe");
  ASSERT_EQ(f.settings.size(), 2u);
  EXPECT_EQ(f.settings[0].name, "search_path");
  EXPECT_EQ(f.settings[0].value, "pg_catalog, public");
  EXPECT_EQ(f.settings[1].value, "64MB");
  EXPECT_EQ(f.comment, "adds");
  EXPECT_EQ(f.field, "spec.functions[0]");
  const auto& p = m.functions[1];
  EXPECT_TRUE(p.procedure);
  EXPECT_EQ(p.arguments, "");
  EXPECT_EQ(p.volatility, "volatile");
  EXPECT_FALSE(p.strict);  // the default the API server fills in is no error
}

TEST(Functions, RejectsWhatAFunctionCannotBeNamingTheField) {
  EXPECT_TRUE(rejects(functions("[{name: f, language: sql, body: \"SELECT 1\"}]"), "spec.functions[0].returns",
                      "must be set"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql}]"), "spec.functions[0].body", "must be set"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, body: x}]"), "spec.functions[0].language", "must be set"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql, body: x, volatility: pure}]"),
                      "spec.functions[0].volatility", "must be volatile, stable or immutable"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql, body: x, parallel: maybe}]"),
                      "spec.functions[0].parallel", "must be unsafe, restricted or safe"));
  EXPECT_TRUE(rejects(functions("[{name: f, kind: aggregate, returns: int, language: sql, body: x}]"),
                      "spec.functions[0].kind", "must be function or procedure"));
  EXPECT_TRUE(rejects(functions("[{name: p, kind: procedure, returns: int, language: sql, body: x}]"),
                      "spec.functions[0].returns", "a procedure (kind: procedure) has none"));
  EXPECT_TRUE(rejects(functions("[{name: p, kind: procedure, volatility: stable, language: sql, body: x}]"),
                      "spec.functions[0].volatility", "a procedure (kind: procedure) has none"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql, body: x, set: {\"a; b\": 1}}]"),
                      "spec.functions[0].set.a; b", "not a configuration parameter's name"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql, body: x, set: {A: 1, a: 2}}]"),
                      "spec.functions[0].set.a", "is set twice"));
  EXPECT_TRUE(rejects(functions("[{name: f, returns: int, language: sql, body: x, grant: []}]"),
                      "spec.functions[0].grant", "unknown field"));
}

}  // namespace
