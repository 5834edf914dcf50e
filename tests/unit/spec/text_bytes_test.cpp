// Bytes Postgres cannot take (a NUL, invalid UTF-8) are refused when the document is read, naming
// the field, before anything connects.
#include <gtest/gtest.h>

#include "core/utf8.hpp"
#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(TextProblem, AcceptsUtf8AndRefusesNulOverlongSurrogatesAndTruncation) {
  EXPECT_FALSE(core::textProblem("plain"));
  EXPECT_FALSE(core::textProblem("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"));
  EXPECT_NE(core::textProblem(std::string("a\0b", 3))->find("NUL byte (at byte 1)"), std::string::npos);
  EXPECT_NE(core::textProblem("\xC3\x28")->find("not valid UTF-8 (at byte 0)"), std::string::npos);
  EXPECT_TRUE(core::textProblem("\xC0\xAF"));          // overlong '/'
  EXPECT_TRUE(core::textProblem("\xED\xA0\x80"));      // a surrogate
  EXPECT_TRUE(core::textProblem("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(core::textProblem("ok\xE4\xB8"));        // cut short
  EXPECT_TRUE(core::textProblem("\xFF"));
}

TEST(TextBytes, ANulInANameATypeOrASeedValueIsRefusedWithItsField) {
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: \"t\\0x\"\n    columns: [{name: a, type: text}]\n"),
                      "spec.tables[0].name", "NUL byte"));
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    columns: [{name: a, type: \"text\\0\"}]\n"),
                      "spec.tables[0].columns[0].type", "NUL byte"));
  EXPECT_TRUE(rejects(withSpec("tables:\n  - name: t\n    columns: [{name: a, type: text}]\n"
                               "seed:\n  - table: t\n    rows:\n      - {a: \"x\\0y\"}\n"),
                      "spec.seed[0].rows[0].a", "NUL byte"));
  EXPECT_TRUE(rejects(withSpec("enums:\n  - {name: e, values: [\"a\\0\"]}\n"), "spec.enums[0].values[0]", "NUL byte"));
}

TEST(TextBytes, NonAsciiTextIsKeptExactly) {
  const auto m = parseOk(withSpec("tables:\n  - name: caf\xC3\xA9\n    comment: \"\xE4\xB8\xAD 'q' \\\\\"\n"
                                  "    columns: [{name: a, type: text}]\n"))
                     .model;
  EXPECT_EQ(m.tables[0].name, "caf\xC3\xA9");
  EXPECT_EQ(m.tables[0].comment, std::optional<std::string>("\xE4\xB8\xAD 'q' \\"));
}

}  // namespace
