// The fast YAML path (spec/yaml_tree.hpp) against yaml-cpp: wherever the fast path answers, it
// gives the tree yaml-cpp gives; yaml-cpp's own path builds exactly the nodes YAML::LoadAll does;
// and the fast path does answer for the files people write (the examples, generated schemas, the
// API server's JSON).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "spec/resource.hpp"
#include "spec/yaml_tree.hpp"

namespace {

using spec::detail::Documents;
using spec::detail::Node;
using spec::detail::NodeKind;

// A tree as text: kinds, tags of scalars, text, in order. Aliases can make a graph that is
// cyclic, or exponential when unfolded: the text stops after a budget of nodes.
std::string show(const Node& n, int& budget) {
  if (--budget < 0) return "…";
  switch (n.kind()) {
    case NodeKind::Null: return n.IsDefined() ? "~" : "U";
    case NodeKind::Scalar: return "S(" + std::string(n.Tag()) + ")<" + std::string(n.Scalar()) + ">";
    case NodeKind::Sequence: {
      std::string out = "[";
      for (size_t i = 0; i < n.size(); ++i) out += show(n.item(i), budget) + ",";
      return out + "]";
    }
    case NodeKind::Map: {
      std::string out = "{";
      for (size_t i = 0; i < n.size(); ++i) out += show(n.key(i), budget) + ":" + show(n.value(i), budget) + ",";
      return out + "}";
    }
  }
  return "?";
}

std::string show(const YAML::Node& n, int& budget) {
  if (--budget < 0) return "…";
  switch (n.Type()) {
    case YAML::NodeType::Undefined: return "U";
    case YAML::NodeType::Null: return "~";
    case YAML::NodeType::Scalar: return "S(" + n.Tag() + ")<" + n.Scalar() + ">";
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      for (const auto& e : n) out += show(e, budget) + ",";
      return out + "]";
    }
    case YAML::NodeType::Map: {
      std::string out = "{";
      for (auto it = n.begin(); it != n.end(); ++it)
        out += show(it->first, budget) + ":" + show(it->second, budget) + ",";
      return out + "}";
    }
  }
  return "?";
}

std::string show(const Documents& d) {
  std::string out = std::to_string(d.documents.size()) + " documents\n";
  for (const auto& n : d.documents) {
    int budget = 10000;
    out += show(n, budget) + "\n";
  }
  return out;
}

// yaml-cpp's verdict: its trees, or "error".
std::string yamlCpp(const std::string& text) {
  try {
    const auto docs = YAML::LoadAll(text);
    std::string out = std::to_string(docs.size()) + " documents\n";
    for (const auto& n : docs) {
      int budget = 10000;
      out += show(n, budget) + "\n";
    }
    return out;
  } catch (const YAML::Exception&) {
    return "error";
  }
}

std::string anyYaml(const std::string& text) {
  try {
    return show(spec::detail::parseAnyYaml(text));
  } catch (const YAML::Exception&) {
    return "error";
  }
}

// The property: the fast path, when it answers, agrees with yaml-cpp; yaml-cpp's path always
// builds what LoadAll builds. `slowToo` false skips yaml-cpp where the fast path gives up: on some
// broken text yaml-cpp 0.7 never returns (",: a" grows memory until it dies), and text the fast
// path refuses goes to yaml-cpp in the product anyway.
::testing::AssertionResult agrees(const std::string& text, bool mustBeFast = false, bool slowToo = true) {
  auto fast = spec::detail::parseCommonYaml(text);
  if (!fast && mustBeFast) return ::testing::AssertionFailure() << "the fast path gave up on:\n" << text;
  if (!fast && !slowToo) return ::testing::AssertionSuccess();
  const std::string expected = yamlCpp(text);
  const std::string slow = anyYaml(text);
  if (slow != expected)
    return ::testing::AssertionFailure() << "yaml-cpp path differs from LoadAll on:\n"
                                         << text << "\n--- LoadAll\n" << expected << "--- ours\n" << slow;
  if (!fast) return ::testing::AssertionSuccess();
  const std::string got = show(*fast);
  if (got != expected)
    return ::testing::AssertionFailure() << "fast path differs from yaml-cpp on:\n"
                                         << text << "\n--- yaml-cpp\n" << expected << "--- fast\n" << got;
  return ::testing::AssertionSuccess();
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Documents in the shapes manifests take, to check and to mutate.
const std::vector<std::string>& seeds() {
  static const std::vector<std::string> s = {
      "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: shop\n  namespace: apps\n"
      "  annotations:\n    # why\n    dbschema.io/allow-destructive: \"true\"\nspec:\n  schema: public  # here\n"
      "  enums:\n    - {name: status, values: [a, 'b', \"c\"]}\n  tables:\n  - name: t\n    columns:\n"
      "      - name: id\n        type: bigint\n        identity: always\n      - {name: n, type: \"numeric(10,2)\","
      " nullable: false, default: \"0\"}\n    primaryKey: [id]\n    checks:\n      - expression: n >= 0\n"
      "    indexes:\n      - {name: t_n_idx, columns: [n], where: \"n IS NOT NULL\"}\n",
      "a: 1\n---\nb: [1, 2]\n---\n---\nc: {d: e}\n",
      "- a\n- b: c\n  d: ~\n-\n  - x\n  - y\n- 'q''s'\n- \"x\\ty\\u00e9\\\"\"\n",
      "{\"apiVersion\":\"v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"n\",\"generation\":7,\"labels\":{}},"
      "\"spec\":{\"tables\":[{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"int\",\"nullable\":false}]}],"
      "\"prune\":true,\"ignore\":[],\"x\":null,\"y\":-1.5e3,\"z\":\"a\\/b\\\\c\\n\"}}",
      "{\n  \"a\": [\n    1,\n    {\"b\": \"c\"}\n  ],\n  \"d\": true\n}\n",
      "key:\n- a\n- b\nnext: 1\nnull: x\n~: y\nNull: z\n\"null\": w\nempty:\nlast: 'x'\n",
      "x: http://a:b/c#d\ny: a#b\nz: a - b\nw: -1\nv: -x\nu: a]b,c}\nt: [a, \"b, c\", 'd: e']\n",
  };
  return s;
}

TEST(YamlTree, AgreesWithYamlCppOnHandWrittenCases) {
  const std::vector<std::string> cases = {
      "", "\n", "# only a comment\n", "---", "---\n", "--- # c\n", "---\n---\n", "a: 1\n---\n",
      "---\n# x\n---\na: 1", "a: 1\n...\nb: 2", "a\n", "\"a\"\n", "[a, b]", "{a: b}", "a: b: c", "a:\n  b\n  c",
      "a:\n    b: 1\n  c: 2", "- a\n-\n- c", "- - a", "-1: a", "-x", "x: 'a'b", "x: \"a\"b", "[\"a\":1]",
      "{\"a\" :1}", "{a :1}", "{a:1}", "{a: }", "[a, b, ]", "[a\n, b]", "[a\n b]", "x: [a,\nb]", "x: [a,\n  b]",
      "a:\n- b\n  - c", "a  : b", "a:b: c", "x: ,a", "x: a,b", "x: a]b", "a: &x {b: 1}\nc: *x",
      "a: !!bool true\nb: ! x", "a: |\n  text\n", "a: >\n  text\n", "a: \"multi\n  line\"\n", "a: 'x\n  y'\n",
      "a:\tb\n", "a: b\r\n", "\xef\xbb\xbf" "a: b\n", "a: \"\\x41\"\n", "a: \"\\ud83d\\ude00\"\n", "a: \"\\u0000\"\n",
      "? a\n: b\n", "%YAML 1.2\n---\na: b\n", "a: b #c\n#d\n  # e\nf: g\n", "a:\n  - b\n  -  c\n  -   d: e\n       f: g\n",
      "a: [b, {c: d, e: [f]}]\nh: {}\ni: []\n", "\"a b\": c\n'd': e\n", "a: \"\"\nb: ''\n", "a: 'it''s'\n",
      "a:\n\n  b: c\n\n\n  d: e\n", "a: b\n  c: d\n", "a:\n  b: c\n d: e\n", "  a: b\n  c: d\n", "a: b\n c\n",
      "[a, [b, [c]]]\n", "{a: [b, {c: [d]}]}\n", "- {a: b}\n- [c]\n", "x: ---\ny: ...\n", "---a: b\n", "-- a\n",
      "a: 'b' # c\n", "a: \"b\"# c\n", "a: [b]# c\n", "a: [b] # c\n", "a: {b: c} d\n", "{a: b}: c\n", "[a]: b\n",
      "a: b\n---\n- c\n---\nd\n", "a: é\nü: ç\n", "a: \"\\u00e9\\u4e2d\"\n", "key with spaces: value with spaces\n",
      "a: 1\n\n\n", "   \n\n", "#\n#\n", "a: ~\nb: null\nc: NULL\nd: nULL\n", "- ~\n- null\n- 'null'\n",
      "a: true\nb: True\nc: yes\nd: 'true'\n", "a: 0x1F\nb: 010\nc: 1e3\n", "a: \"x\\/y\"\n", "a: \"\\'\"\n",
      // yaml-cpp's own path: anchors and aliases (as keys, on maps, across documents), merge keys
      // (plain keys to yaml-cpp 0.7), explicit tags on scalars and collections, complex keys.
      "a: &m {b: 1}\nc: *m\n*m : d\n", "&k key: v\nother: *k\n", "x: &a 1\n---\ny: &a 2\nz: *a\n",
      "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", "a: !!map {b: c}\nd: !!seq [e]\nf: !!str 1\ng: !custom h\n",
      "? [a, b]\n: c\n? {d: e}\n: f\n", "- &s [1, 2]\n- *s\n- &n ~\n- *n\n", "a: !!null\nb: !!str\n",
      "a: |-\n  x\n  y\nb: >+\n  z\n\n", "%TAG ! tag:example.com,2000:\n---\na: !x b\n",
  };
  for (const auto& text : cases) EXPECT_TRUE(agrees(text)) << text;
}

TEST(YamlTree, FastPathReadsTheShapesManifestsTake) {
  for (const auto& text : seeds()) EXPECT_TRUE(agrees(text, true));
  for (const char* text : {"a: 1\n---\n", "---\n", "", "x: [a,\n  b]", "- a\n-\n- c", "a:\n- b\n- c\nd: e\n"})
    EXPECT_TRUE(agrees(text, true)) << text;
}

TEST(YamlTree, FastPathReadsTheExamplesAndDeployManifests) {
  const std::filesystem::path root = SCHEMA_OPERATOR_SOURCE_DIR;
  std::vector<std::filesystem::path> files = {root / "examples" / "shop.yaml"};
  for (const auto& dir : {root / "examples" / "k8s", root / "deploy"}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  for (const auto& f : files) EXPECT_TRUE(agrees(readFile(f))) << f;
  EXPECT_TRUE(agrees(readFile(root / "examples" / "shop.yaml"), true));
}

// Random edits of the seeds with the characters YAML cares about: thousands of near-misses, odd
// indentation and broken syntax. Whatever the fast path accepts must read as yaml-cpp reads it.
TEST(YamlTree, FastPathNeverDisagreesWithYamlCppOnMutatedDocuments) {
  std::string alphabet = " \n\n\n    ::--##\"'[]{},\\a~&*!|>?%@`\t\r.0";
  for (char c = 0x21; c < 0x7f; ++c) alphabet += c;  // and every other printable character
  // YAML_TREE_FUZZ_ROUNDS and YAML_TREE_FUZZ_SEED run longer or different searches by hand.
  const char* roundsEnv = std::getenv("YAML_TREE_FUZZ_ROUNDS");
  const char* seedEnv = std::getenv("YAML_TREE_FUZZ_SEED");
  const int rounds = roundsEnv ? std::atoi(roundsEnv) : 1500;
  std::mt19937 rng(seedEnv ? static_cast<unsigned>(std::atoi(seedEnv)) : 20241124u);
  int fast = 0, total = 0;
  for (const auto& seed : seeds()) {
    for (int round = 0; round < rounds; ++round) {
      std::string text = seed;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
        switch (rng() % 3) {
          case 0: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          case 1:
            if (at < text.size()) text.erase(at, 1);
            break;
          default:
            if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
        }
      }
      ++total;
      if (spec::detail::parseCommonYaml(text)) ++fast;
      ASSERT_TRUE(agrees(text, false, false));
    }
  }
  // Most near-misses are still read by the fast path: it is not giving up on everything.
  EXPECT_GT(fast, total / 4) << fast << " of " << total;
}

TEST(YamlTree, AliasesShareTheirNodeEvenWhenCyclic) {
  const Documents d = spec::detail::parseAnyYaml("a: &x [1, *x]\n");
  const Node seq = d.documents.at(0).value(0);
  ASSERT_TRUE(seq.IsSequence());
  EXPECT_TRUE(seq.item(1).IsSequence());
  EXPECT_EQ(seq.item(1).item(0).Scalar(), "1");
}

TEST(YamlTree, ParsedDocumentsAreTheSameEitherWay) {
  // The shop example through the fast path, and through yaml-cpp (an explicit tag sends it there).
  std::string text = readFile(std::filesystem::path(SCHEMA_OPERATOR_SOURCE_DIR) / "examples" / "shop.yaml");
  ASSERT_TRUE(spec::detail::parseCommonYaml(text));
  std::string tagged = text;
  const size_t at = tagged.find("  name: shop\n");
  ASSERT_NE(at, std::string::npos);
  tagged.replace(at, 13, "  name: !!str shop\n");
  ASSERT_FALSE(spec::detail::parseCommonYaml(tagged));
  auto fast = spec::parseDocuments(text);
  auto slow = spec::parseDocuments(tagged);
  ASSERT_TRUE(fast) << fast.error().describe();
  ASSERT_TRUE(slow) << slow.error().describe();
  ASSERT_EQ(fast->size(), slow->size());
  EXPECT_EQ((*fast)[0].name, (*slow)[0].name);
  EXPECT_TRUE((*fast)[0].model == (*slow)[0].model);
  EXPECT_EQ((*fast)[0].annotations, (*slow)[0].annotations);
}

}  // namespace
