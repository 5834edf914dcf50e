// Names become quoted identifiers: any characters, but not empty and at most 63 bytes.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(Identifiers, AcceptsHostileNamesAsData) {
  const auto m = parseOk(withSpec(R"(schema: 'Sales "EU"'
enums: [{name: "e'; --", values: ["it's", "a\"b", " "]}]
tables:
  - name: 'x"; DROP TABLE t; --'
    columns:
      - {name: 'x"; DROP TABLE t; --', type: int}
      - {name: "Mixed Case", type: text}
      - {name: "ünïcödé", type: text}
    primaryKey: ['x"; DROP TABLE t; --']
)")).model;
  EXPECT_EQ(m.schema, "Sales \"EU\"");
  EXPECT_EQ(m.enums[0].name, "e'; --");
  EXPECT_EQ(m.enums[0].values, (std::vector<std::string>{"it's", "a\"b", " "}));
  EXPECT_EQ(m.tables[0].name, "x\"; DROP TABLE t; --");
  EXPECT_EQ(m.tables[0].columns[0].name, "x\"; DROP TABLE t; --");
  EXPECT_EQ(m.tables[0].columns[1].name, "Mixed Case");
  EXPECT_EQ(m.tables[0].columns[2].name, "ünïcödé");
}

TEST(Identifiers, Accepts63Bytes) {
  const std::string name(63, 'a');
  EXPECT_EQ(parseOk(withSpec("tables: [{name: " + name + ", columns: [{name: a, type: int}]}]\n")).model.tables[0].name, name);
}

TEST(Identifiers, RejectsLongerThan63Bytes) {
  const std::string name(64, 'a');
  EXPECT_TRUE(rejects(withSpec("tables: [{name: " + name + ", columns: [{name: a, type: int}]}]\n"), "spec.tables[0].name",
                      "longer than 63 bytes"));
}

TEST(Identifiers, CountsBytesNotCharacters) {
  std::string name;
  for (int i = 0; i < 32; ++i) name += "é";  // 64 bytes, 32 characters
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: " + name + ", type: int}]}]\n"),
                      "spec.tables[0].columns[0].name", "longer than 63 bytes"));
}

TEST(Identifiers, RejectsEmptyNamesEverywhere) {
  EXPECT_TRUE(rejects(withSpec("schema: ''\n"), "spec.schema", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("extensions: ['']\n"), "spec.extensions[0]", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("ignore: ['']\n"), "spec.ignore[0]", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: '', values: [a]}]\n"), "spec.enums[0].name", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e, values: [a, '']}]\n"), "spec.enums[0].values[1]", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: '', type: int}]}]\n"), "spec.tables[0].columns[0].name",
                      "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int, renamedFrom: ['']}]}]\n"),
                      "spec.tables[0].columns[0].renamedFrom[0]", "must not be empty"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], checks: [{name: '', expression: a > 0}]}]\n"),
                      "spec.tables[0].checks[0].name", "must not be empty"));
}

TEST(Identifiers, RejectsLongNamesEverywhere) {
  const std::string n(64, 'x');
  EXPECT_TRUE(rejects(withSpec("schema: " + n + "\n"), "spec.schema", "longer than 63 bytes"));
  EXPECT_TRUE(rejects(withSpec("extensions: [" + n + "]\n"), "spec.extensions[0]", "longer than 63 bytes"));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e, values: [" + n + "]}]\n"), "spec.enums[0].values[0]", "longer than 63 bytes"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], indexes: [{name: " + n + ", columns: [a]}]}]\n"),
                      "spec.tables[0].indexes[0].name", "longer than 63 bytes"));
  EXPECT_TRUE(rejects(withSpec("tables: [{name: t, columns: [{name: a, type: int}], renamedFrom: [" + n + "]}]\n"),
                      "spec.tables[0].renamedFrom[0]", "longer than 63 bytes"));
}

TEST(Identifiers, RequiresNames) {
  EXPECT_TRUE(rejects(withSpec("tables: [{columns: [{name: a, type: int}]}]\n"), "spec.tables[0].name", "must be set"));
  EXPECT_TRUE(rejects(withSpec("enums: [{values: [a]}]\n"), "spec.enums[0].name", "must be set"));
  EXPECT_TRUE(rejects(withSpec("enums: [{name: e}]\n"), "spec.enums[0].values", "must be set"));
}

}  // namespace
