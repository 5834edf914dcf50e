// Hostile text meets the reader's limits (src/yaml): each is refused with an error naming the line,
// quickly, before it costs memory. yaml-cpp 0.7, the reader before, allocated until it died on the
// first two and unfolded the alias bomb into gigabytes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "spec/resource.hpp"
#include "yaml/tree.hpp"

namespace {

// The error parseDocuments gives, checked to come within a second.
std::string errorOf(const std::string& text) {
  const auto started = std::chrono::steady_clock::now();
  auto r = spec::parseDocuments(text);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  if (r) return "no error";
  EXPECT_EQ(r.error().kind, core::ErrorKind::Invalid);
  return r.error().describe();
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const std::string kHead = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: t}\n";

TEST(ReaderLimits, AFileHoldingACommaIsMalformedAtLineOne) {
  for (const std::string text : {",", ",\n", ", a\n", ",,,,\n"}) {
    const std::string e = errorOf(text);
    EXPECT_TRUE(startsWith(e, "document 1: malformed YAML at line 1, column 1: ")) << text << " -> " << e;
  }
}

TEST(ReaderLimits, ALineStartingWithACommaIsMalformedAtThatLine) {
  EXPECT_TRUE(startsWith(errorOf(kHead + ",spec: {}\n"), "document 1: malformed YAML at line 4, column 1: "))
      << errorOf(kHead + ",spec: {}\n");
  EXPECT_TRUE(startsWith(errorOf(kHead + "spec:\n  tables:\n, - name: a\n"), "document 1: malformed YAML at line 6, "))
      << errorOf(kHead + "spec:\n  tables:\n, - name: a\n");
  EXPECT_TRUE(startsWith(errorOf(kHead + "---\n,\n"), "document 2: malformed YAML at line 5, ")) << errorOf(kHead + "---\n,\n");
}

// Ten levels of ten aliases over a column: 10^10 columns if unfolded, in under 1 KB.
TEST(ReaderLimits, AnAliasBombIsRefusedAtTheLineThatCrossesTheLimit) {
  std::string text = kHead + "x:\n  - &c0 {name: id, type: bigint}\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string prev = "*c" + std::to_string(level - 1);
    text += "  - &c" + std::to_string(level) + " [" + prev;
    for (int i = 1; i < 10; ++i) text += ", " + prev;
    text += "]\n";
  }
  text += "spec:\n  tables:\n    - &t {name: t, columns: *c10, indexes: *c10}\n    - *t\n";
  ASSERT_LT(text.size(), 1024u);
  const std::string e = errorOf(text);
  // Level n names 5 * 10^n nodes or so: level 6, on line 11, is the first past 4,000,000.
  EXPECT_EQ(e, "document 1: YAML at line 11: aliases expand the document to more than 4000000 nodes (an alias counts as "
               "every node it names)");
}

TEST(ReaderLimits, NestingDeeperThanOneHundredIsRefusedAtItsLine) {
  std::string flow = kHead + "spec: " + std::string(200, '[') + std::string(200, ']') + "\n";
  EXPECT_EQ(errorOf(flow), "document 1: YAML at line 4: collections nested deeper than 100 levels");
  // Block maps, one level a line: the 101st collection opens on line 101 of the nesting.
  std::string block = kHead + "spec:\n";
  for (int depth = 1; depth < 150; ++depth) block += std::string(2 * depth, ' ') + "a:\n";
  EXPECT_EQ(errorOf(block), "document 1: YAML at line 104: collections nested deeper than 100 levels");
  // A hundred levels are still read (and then refused by the readers for what they hold).
  std::string deepest = kHead + "spec: {x: " + std::string(98, '[') + std::string(98, ']') + "}\n";
  EXPECT_EQ(errorOf(deepest).find("nested deeper"), std::string::npos) << errorOf(deepest);
}

TEST(ReaderLimits, ATextOverThirtyTwoMebibytesIsRefusedNamingTheLineAtTheLimit) {
  const std::string line = "# " + std::string(1021, 'x') + "\n";  // 1,024 bytes
  std::string text = kHead;
  while (text.size() <= (size_t{32} << 20)) text += line;
  const size_t expectedLine = 3 + ((size_t{32} << 20) - kHead.size()) / line.size() + 1;
  EXPECT_EQ(errorOf(text), "document 1: YAML at line " + std::to_string(expectedLine) +
                               ": the text is larger than 32 MiB (" + std::to_string(text.size()) + " bytes)");
}

TEST(ReaderLimits, TooManyNodesAreRefusedEvenWithoutAliases) {
  yaml::Limits small;
  small.maxNodes = 1000;
  std::string text = "a:\n";
  for (int i = 0; i < 2000; ++i) text += "  - " + std::to_string(i) + "\n";
  try {
    yaml::load(text, small);
    ADD_FAILURE() << "no error";
  } catch (const yaml::Error& e) {
    EXPECT_EQ(e.problem, "more than 1000 nodes");
    EXPECT_EQ(e.line, 999u);  // the map, the key, the list, and items 0..996: the 1,001st node
    EXPECT_TRUE(e.limit);
  }
}

TEST(ReaderLimits, JsonInMemoryDeeperThanOneHundredIsRefused) {
  nlohmann::json deep = nlohmann::json::array();
  for (int i = 0; i < 150; ++i) deep = nlohmann::json::array({deep});
  nlohmann::json object = {{"apiVersion", "dbschema.io/v1alpha1"}, {"kind", "DatabaseSchema"},
                           {"metadata", {{"name", "t"}}}, {"spec", {{"x", deep}}}};
  auto r = spec::parseObject(object);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().describe(), "the resource: collections nested deeper than 100 levels");
}

}  // namespace
