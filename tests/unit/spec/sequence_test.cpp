// spec.sequences: options read as whole numbers, checked as CREATE SEQUENCE checks them, and
// ownedBy naming a declared column; every error names the field at fault.
#include <gtest/gtest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

const char* kInvoices = "tables:\n  - name: invoices\n    columns: [{name: number, type: bigint}]\n";

std::string sequences(const std::string& list, const std::string& tables = kInvoices) {
  return withSpec(tables + "sequences: " + list + "\n");
}

TEST(Sequences, ReadsEveryOptionAndLeavesUnsetOnesUnset) {
  const auto m = parseOk(sequences("[{name: invoice_no, type: integer, start: 1000, increment: -1, minValue: -5, "
                                   "maxValue: 2000, cache: 10, cycle: true, ownedBy: invoices.number}, {name: plain}]"))
                     .model;
  ASSERT_EQ(m.sequences.size(), 2u);
  const auto& s = m.sequences[0];
  EXPECT_EQ(s.name, "invoice_no");
  EXPECT_EQ(s.type, "integer");
  EXPECT_EQ(s.start, 1000);
  EXPECT_EQ(s.increment, -1);
  EXPECT_EQ(s.minValue, -5);
  EXPECT_EQ(s.maxValue, 2000);
  EXPECT_EQ(s.cache, 10);
  EXPECT_TRUE(s.cycle);
  EXPECT_EQ(s.ownedBy, "invoices.number");
  EXPECT_EQ(s.field, "spec.sequences[0]");
  const auto& plain = m.sequences[1];
  EXPECT_EQ(plain.type, "bigint");
  EXPECT_FALSE(plain.start || plain.increment || plain.minValue || plain.maxValue || plain.cache);
  EXPECT_FALSE(plain.cycle);
  EXPECT_EQ(plain.ownedBy, "");
}

TEST(Sequences, NullMaxValueIsTheTypesDefault) {
  const auto m = parseOk(sequences("[{name: s, maxValue: null, minValue: ~}]")).model;
  EXPECT_FALSE(m.sequences[0].maxValue);
  EXPECT_FALSE(m.sequences[0].minValue);
}

TEST(Sequences, TheApiServersJsonReadsTheSame) {
  const auto object = nlohmann::json::parse(R"({"apiVersion": "dbschema.io/v1alpha1", "kind": "DatabaseSchema",
    "metadata": {"name": "t"}, "spec": {"sequences": [{"name": "s", "start": 9223372036854775807,
    "increment": -1, "minValue": -9223372036854775808, "maxValue": 9223372036854775807, "cache": null}]}})");
  auto r = spec::parseObject(object);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->model.sequences[0].start, 9223372036854775807LL);
  EXPECT_EQ(r->model.sequences[0].minValue, std::numeric_limits<long long>::min());
  EXPECT_FALSE(r->model.sequences[0].cache) << "null is unset";
}

TEST(Sequences, RefusesAnUnknownTypeOrField) {
  EXPECT_TRUE(rejects(sequences("[{name: s, type: numeric}]"), "spec.sequences[0].type",
                      "must be smallint, integer or bigint, found \"numeric\""));
  EXPECT_TRUE(rejects(sequences("[{name: s, strat: 5}]"), "spec.sequences[0].strat", "did you mean \"start\"?"));
  EXPECT_TRUE(rejects(sequences("[{type: bigint}]"), "spec.sequences[0].name", "must be set"));
}

TEST(Sequences, OptionsMustBeWholeNumbersWrittenAsNumbers) {
  EXPECT_TRUE(rejects(sequences("[{name: s, start: 1.5}]"), "spec.sequences[0].start",
                      "expected a whole number, found \"1.5\""));
  EXPECT_TRUE(rejects(sequences("[{name: s, cache: \"10\"}]"), "spec.sequences[0].cache",
                      "found the text \"10\"; write it without quotes"));
  EXPECT_TRUE(rejects(sequences("[{name: s, maxValue: 9223372036854775808}]"), "spec.sequences[0].maxValue",
                      "does not fit in 64 bits"));
  EXPECT_TRUE(rejects(sequences("[{name: s, increment: [1]}]"), "spec.sequences[0].increment",
                      "expected a whole number, found a list"));
}

TEST(Sequences, OptionsCreateSequenceWouldRefuseAreErrors) {
  EXPECT_TRUE(rejects(sequences("[{name: s, increment: 0}]"), "spec.sequences[0].increment", "must not be zero"));
  EXPECT_TRUE(rejects(sequences("[{name: s, type: smallint, maxValue: 40000}]"), "spec.sequences[0].maxValue",
                      "40000 is out of range for smallint (-32768 to 32767)"));
  EXPECT_TRUE(rejects(sequences("[{name: s, minValue: 10, start: 3}]"), "spec.sequences[0].start",
                      "3 is below minValue 10"));
  EXPECT_TRUE(rejects(sequences("[{name: s, maxValue: 5, start: 6}]"), "spec.sequences[0].start",
                      "6 is above maxValue 5"));
  EXPECT_TRUE(rejects(sequences("[{name: s, minValue: 7, maxValue: 7}]"), "spec.sequences[0].minValue",
                      "minValue 7 must be less than maxValue 7"));
  EXPECT_TRUE(rejects(sequences("[{name: s, increment: -1, maxValue: -10, minValue: -5}]"),
                      "spec.sequences[0].minValue", "minValue -5 must be less than maxValue -10"));
  EXPECT_TRUE(rejects(sequences("[{name: s, cache: 0}]"), "spec.sequences[0].cache", "must be at least 1"));
}

TEST(Sequences, OwnedByNamesADeclaredTableAndColumn) {
  EXPECT_TRUE(rejects(sequences("[{name: s, ownedBy: invoices.nope}]"), "spec.sequences[0].ownedBy",
                      "\"invoices.nope\" is not a declared column: write table.column"));
  EXPECT_TRUE(rejects(sequences("[{name: s, ownedBy: number}]"), "spec.sequences[0].ownedBy", "is not a declared column"));
  EXPECT_TRUE(rejects(sequences("[{name: s, ownedBy: \" \"}]"), "spec.sequences[0].ownedBy", "must not be empty"));
  // Names may hold dots: the split is the one that names a declared column.
  const auto m = parseOk(sequences("[{name: s, ownedBy: a.b.c.d}]",
                                   "tables:\n  - name: a.b\n    columns: [{name: c.d, type: bigint}]\n"))
                     .model;
  EXPECT_EQ(m.sequences[0].ownedBy, "a.b.c.d");
}

TEST(Sequences, NamesAreUniqueAndNotATableOrIndexName) {
  EXPECT_TRUE(rejects(sequences("[{name: s}, {name: s}]"), "spec.sequences[1].name", "duplicate sequence name \"s\""));
  EXPECT_TRUE(rejects(sequences("[{name: invoices}]"), "spec.sequences[0].name",
                      "\"invoices\" is also declared at spec.tables[0].name; a sequence shares the schema's namespace"));
  EXPECT_TRUE(rejects(sequences("[{name: by_number}]", std::string(kInvoices) +
                                                           "    indexes: [{name: by_number, columns: [number]}]\n"),
                      "spec.sequences[0].name", "is also declared at spec.tables[0].indexes[0].name"));
}

}  // namespace
