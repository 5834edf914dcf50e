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
  // A document that starts with a comma: yaml-cpp looped there until memory ran out.
  EXPECT_TRUE(startsWith(errorOf(kHead + "---\n, x\n"), "document 2: malformed YAML at line 5, column 1: "))
      << errorOf(kHead + "---\n, x\n");
}

// A table of 2,000 aliased columns, aliased 2,000 times: 4,000,000 columns if unfolded, from 26 KB.
// yaml-cpp's reader ran out of 1 GiB on it in 4 s.
std::string aliasBomb() {
  std::string text = kHead + "spec:\n  tables:\n    - &t {name: t, columns: [&c {name: id, type: int}";
  for (int i = 1; i < 2000; ++i) text += ", *c";
  text += "]}\n";
  for (int i = 1; i < 2000; ++i) text += "    - *t\n";
  return text;
}

TEST(ReaderLimits, AnAliasBombIsRefusedAtTheLineThatCrossesTheLimit) {
  // The table is some 10,000 nodes: the 400th alias of it, on line 405, crosses 4,000,000.
  EXPECT_EQ(errorOf(aliasBomb()),
            "document 1: YAML at line 405: aliases expand the document to more than 4000000 nodes (an alias counts as "
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
