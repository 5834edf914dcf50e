// The reader (src/yaml, libyaml's events) builds the tree yaml-cpp 0.7 built before it: each
// case below was read by both, and the expected tree is yaml-cpp's (a tree as text: kinds, tags of
// scalars, text, in order; "error at line N" where both refuse the text at that line). Three
// cases differ, each where libyaml follows the YAML spec and yaml-cpp did not: a bare document
// after `...` (refused: a new document needs `---`), the `\'` escape in a double-quoted scalar
// (refused: YAML has no such escape), and `>+` keeping every trailing line break.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "spec/resource.hpp"
#include "yaml/tree.hpp"

namespace {

using yaml::Documents;
using yaml::Node;
using yaml::NodeKind;

// A tree as text. Aliases share nodes, so the text stops after a budget of nodes.
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

std::string show(const Documents& d) {
  std::string out = std::to_string(d.documents.size()) + " documents\n";
  for (const auto& n : d.documents) {
    int budget = 10000;
    out += show(n, budget) + "\n";
  }
  return out;
}

// The reader's verdict: its trees, or the line of its error.
std::string read(const std::string& text) {
  try {
    return show(yaml::load(text));
  } catch (const yaml::Error& e) {
    return "error at line " + std::to_string(e.line);
  }
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

TEST(YamlTree, ReadsEachCaseAsYamlCppDid) {
  using namespace std::string_literals;  // some trees hold a NUL
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"",
       "0 documents\n"s},
      {"\n",
       "0 documents\n"s},
      {"# only a comment\n",
       "0 documents\n"s},
      {"---",
       "1 documents\n~\n"s},
      {"---\n",
       "1 documents\n~\n"s},
      {"--- # c\n",
       "1 documents\n~\n"s},
      {"---\n---\n",
       "2 documents\n~\n~\n"s},
      {"a: 1\n---\n",
       "2 documents\n{S(?)<a>:S(?)<1>,}\n~\n"s},
      {"---\n# x\n---\na: 1",
       "2 documents\n~\n{S(?)<a>:S(?)<1>,}\n"s},
      {"a: 1\n...\nb: 2",
       "error at line 3"s},
      {"a\n",
       "1 documents\nS(?)<a>\n"s},
      {"\"a\"\n",
       "1 documents\nS(!)<a>\n"s},
      {"[a, b]",
       "1 documents\n[S(?)<a>,S(?)<b>,]\n"s},
      {"{a: b}",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"a: b: c",
       "error at line 1"s},
      {"a:\n  b\n  c",
       "1 documents\n{S(?)<a>:S(?)<b c>,}\n"s},
      {"a:\n    b: 1\n  c: 2",
       "error at line 3"s},
      {"- a\n-\n- c",
       "1 documents\n[S(?)<a>,~,S(?)<c>,]\n"s},
      {"- - a",
       "1 documents\n[[S(?)<a>,],]\n"s},
      {"-1: a",
       "1 documents\n{S(?)<-1>:S(?)<a>,}\n"s},
      {"-x",
       "1 documents\nS(?)<-x>\n"s},
      {"x: 'a'b",
       "error at line 1"s},
      {"x: \"a\"b",
       "error at line 1"s},
      {"[\"a\":1]",
       "1 documents\n[{S(!)<a>:S(?)<1>,},]\n"s},
      {"{\"a\" :1}",
       "1 documents\n{S(!)<a>:S(?)<1>,}\n"s},
      {"{a :1}",
       "1 documents\n{S(?)<a :1>:~,}\n"s},
      {"{a:1}",
       "1 documents\n{S(?)<a:1>:~,}\n"s},
      {"{a: }",
       "1 documents\n{S(?)<a>:~,}\n"s},
      {"[a, b, ]",
       "1 documents\n[S(?)<a>,S(?)<b>,]\n"s},
      {"[a\n, b]",
       "1 documents\n[S(?)<a>,S(?)<b>,]\n"s},
      {"[a\n b]",
       "1 documents\n[S(?)<a b>,]\n"s},
      {"x: [a,\nb]",
       "1 documents\n{S(?)<x>:[S(?)<a>,S(?)<b>,],}\n"s},
      {"x: [a,\n  b]",
       "1 documents\n{S(?)<x>:[S(?)<a>,S(?)<b>,],}\n"s},
      {"a:\n- b\n  - c",
       "1 documents\n{S(?)<a>:[S(?)<b - c>,],}\n"s},
      {"a  : b",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"a:b: c",
       "1 documents\n{S(?)<a:b>:S(?)<c>,}\n"s},
      {"x: ,a",
       "error at line 1"s},
      {"x: a,b",
       "1 documents\n{S(?)<x>:S(?)<a,b>,}\n"s},
      {"x: a]b",
       "1 documents\n{S(?)<x>:S(?)<a]b>,}\n"s},
      {"a: &x {b: 1}\nc: *x",
       "1 documents\n{S(?)<a>:{S(?)<b>:S(?)<1>,},S(?)<c>:{S(?)<b>:S(?)<1>,},}\n"s},
      {"a: !!bool true\nb: ! x",
       "1 documents\n{S(?)<a>:S(tag:yaml.org,2002:bool)<true>,S(?)<b>:S(!)<x>,}\n"s},
      {"a: |\n  text\n",
       "1 documents\n{S(?)<a>:S(!)<text\n>,}\n"s},
      {"a: >\n  text\n",
       "1 documents\n{S(?)<a>:S(!)<text\n>,}\n"s},
      {"a: \"multi\n  line\"\n",
       "1 documents\n{S(?)<a>:S(!)<multi line>,}\n"s},
      {"a: 'x\n  y'\n",
       "1 documents\n{S(?)<a>:S(!)<x y>,}\n"s},
      {"a:\tb\n",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"a: b\n",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"\xef""\xbb""\xbf""a: b\n",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"a: \"\\x41\"\n",
       "1 documents\n{S(?)<a>:S(!)<A>,}\n"s},
      {"a: \"\\ud83d\\ude00\"\n",
       "error at line 1"s},
      {"a: \"\\u0000\"\n",
       "1 documents\n{S(?)<a>:S(!)<\x00"">,}\n"s},
      {"? a\n: b\n",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"%YAML 1.2\n---\na: b\n",
       "1 documents\n{S(?)<a>:S(?)<b>,}\n"s},
      {"a: b #c\n#d\n  # e\nf: g\n",
       "1 documents\n{S(?)<a>:S(?)<b>,S(?)<f>:S(?)<g>,}\n"s},
      {"a:\n  - b\n  -  c\n  -   d: e\n       f: g\n",
       "error at line 5"s},
      {"a: [b, {c: d, e: [f]}]\nh: {}\ni: []\n",
       "1 documents\n{S(?)<a>:[S(?)<b>,{S(?)<c>:S(?)<d>,S(?)<e>:[S(?)<f>,],},],S(?)<h>:{},S(?)<i>:[],}\n"s},
      {"\"a b\": c\n'd': e\n",
       "1 documents\n{S(!)<a b>:S(?)<c>,S(!)<d>:S(?)<e>,}\n"s},
      {"a: \"\"\nb: ''\n",
       "1 documents\n{S(?)<a>:S(!)<>,S(?)<b>:S(!)<>,}\n"s},
      {"a: 'it''s'\n",
       "1 documents\n{S(?)<a>:S(!)<it's>,}\n"s},
      {"a:\n\n  b: c\n\n\n  d: e\n",
       "1 documents\n{S(?)<a>:{S(?)<b>:S(?)<c>,S(?)<d>:S(?)<e>,},}\n"s},
      {"a: b\n  c: d\n",
       "error at line 2"s},
      {"a:\n  b: c\n d: e\n",
       "error at line 3"s},
      {"  a: b\n  c: d\n",
       "1 documents\n{S(?)<a>:S(?)<b>,S(?)<c>:S(?)<d>,}\n"s},
      {"a: b\n c\n",
       "1 documents\n{S(?)<a>:S(?)<b c>,}\n"s},
      {"[a, [b, [c]]]\n",
       "1 documents\n[S(?)<a>,[S(?)<b>,[S(?)<c>,],],]\n"s},
      {"{a: [b, {c: [d]}]}\n",
       "1 documents\n{S(?)<a>:[S(?)<b>,{S(?)<c>:[S(?)<d>,],},],}\n"s},
      {"- {a: b}\n- [c]\n",
       "1 documents\n[{S(?)<a>:S(?)<b>,},[S(?)<c>,],]\n"s},
      {"x: ---\ny: ...\n",
       "1 documents\n{S(?)<x>:S(?)<--->,S(?)<y>:S(?)<...>,}\n"s},
      {"---a: b\n",
       "1 documents\n{S(?)<---a>:S(?)<b>,}\n"s},
      {"-- a\n",
       "1 documents\nS(?)<-- a>\n"s},
      {"a: 'b' # c\n",
       "1 documents\n{S(?)<a>:S(!)<b>,}\n"s},
      {"a: \"b\"# c\n",
       "1 documents\n{S(?)<a>:S(!)<b>,}\n"s},
      {"a: [b]# c\n",
       "1 documents\n{S(?)<a>:[S(?)<b>,],}\n"s},
      {"a: [b] # c\n",
       "1 documents\n{S(?)<a>:[S(?)<b>,],}\n"s},
      {"a: {b: c} d\n",
       "error at line 1"s},
      {"{a: b}: c\n",
       "1 documents\n{{S(?)<a>:S(?)<b>,}:S(?)<c>,}\n"s},
      {"[a]: b\n",
       "1 documents\n{[S(?)<a>,]:S(?)<b>,}\n"s},
      {"a: b\n---\n- c\n---\nd\n",
       "3 documents\n{S(?)<a>:S(?)<b>,}\n[S(?)<c>,]\nS(?)<d>\n"s},
      {"a: \xc3""\xa9""\n\xc3""\xbc"": \xc3""\xa7""\n",
       "1 documents\n{S(?)<a>:S(?)<\xc3""\xa9"">,S(?)<\xc3""\xbc"">:S(?)<\xc3""\xa7"">,}\n"s},
      {"a: \"\\u00e9\\u4e2d\"\n",
       "1 documents\n{S(?)<a>:S(!)<\xc3""\xa9""\xe4""\xb8""\xad"">,}\n"s},
      {"key with spaces: value with spaces\n",
       "1 documents\n{S(?)<key with spaces>:S(?)<value with spaces>,}\n"s},
      {"a: 1\n\n\n",
       "1 documents\n{S(?)<a>:S(?)<1>,}\n"s},
      {"   \n\n",
       "0 documents\n"s},
      {"#\n#\n",
       "0 documents\n"s},
      {"a: ~\nb: null\nc: NULL\nd: nULL\n",
       "1 documents\n{S(?)<a>:~,S(?)<b>:~,S(?)<c>:~,S(?)<d>:S(?)<nULL>,}\n"s},
      {"- ~\n- null\n- 'null'\n",
       "1 documents\n[~,~,S(!)<null>,]\n"s},
      {"a: true\nb: True\nc: yes\nd: 'true'\n",
       "1 documents\n{S(?)<a>:S(?)<true>,S(?)<b>:S(?)<True>,S(?)<c>:S(?)<yes>,S(?)<d>:S(!)<true>,}\n"s},
      {"a: 0x1F\nb: 010\nc: 1e3\n",
       "1 documents\n{S(?)<a>:S(?)<0x1F>,S(?)<b>:S(?)<010>,S(?)<c>:S(?)<1e3>,}\n"s},
      {"a: \"x\\/y\"\n",
       "1 documents\n{S(?)<a>:S(!)<x/y>,}\n"s},
      {"a: \"\\'\"\n",
       "error at line 1"s},
      {"a: &m {b: 1}\nc: *m\n*m : d\n",
       "1 documents\n{S(?)<a>:{S(?)<b>:S(?)<1>,},S(?)<c>:{S(?)<b>:S(?)<1>,},{S(?)<b>:S(?)<1>,}:S(?)<d>,}\n"s},
      {"&k key: v\nother: *k\n",
       "1 documents\n{S(?)<key>:S(?)<v>,S(?)<other>:S(?)<key>,}\n"s},
      {"x: &a 1\n---\ny: &a 2\nz: *a\n",
       "2 documents\n{S(?)<x>:S(?)<1>,}\n{S(?)<y>:S(?)<2>,S(?)<z>:S(?)<2>,}\n"s},
      {"base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
       "1 documents\n{S(?)<base>:{S(?)<x>:S(?)<1>,},S(?)<derived>:{S(?)<<<>:{S(?)<x>:S(?)<1>,},S(?)<y>:S(?)<2>,},}\n"s},
      {"a: !!map {b: c}\nd: !!seq [e]\nf: !!str 1\ng: !custom h\n",
       "1 documents\n{S(?)<a>:{S(?)<b>:S(?)<c>,},S(?)<d>:[S(?)<e>,],S(?)<f>:S(tag:yaml.org,2002:str)<1>,S(?)<g>:S(!custom)<h>,}\n"s},
      {"? [a, b]\n: c\n? {d: e}\n: f\n",
       "1 documents\n{[S(?)<a>,S(?)<b>,]:S(?)<c>,{S(?)<d>:S(?)<e>,}:S(?)<f>,}\n"s},
      {"- &s [1, 2]\n- *s\n- &n ~\n- *n\n",
       "1 documents\n[[S(?)<1>,S(?)<2>,],[S(?)<1>,S(?)<2>,],~,~,]\n"s},
      {"a: !!null\nb: !!str\n",
       "1 documents\n{S(?)<a>:S(tag:yaml.org,2002:null)<>,S(?)<b>:S(tag:yaml.org,2002:str)<>,}\n"s},
      {"a: |-\n  x\n  y\nb: >+\n  z\n\n",
       "1 documents\n{S(?)<a>:S(!)<x\ny>,S(?)<b>:S(!)<z\n\n>,}\n"s},
      {"%TAG ! tag:example.com,2000:\n---\na: !x b\n",
       "1 documents\n{S(?)<a>:S(tag:example.com,2000:x)<b>,}\n"s},
      {"apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: shop\n  namespace: apps\n  annotations:\n    # why\n    dbschema.io/allow-destructive: \"true\"\nspec:\n  schema: public  # here\n  enums:\n    - {name: status, values: [a, 'b', \"c\"]}\n  tables:\n  - name: t\n    columns:\n      - name: id\n        type: bigint\n        identity: always\n      - {name: n, type: \"numeric(10,2)\", nullable: false, default: \"0\"}\n    primaryKey: [id]\n    checks:\n      - expression: n >= 0\n    indexes:\n      - {name: t_n_idx, columns: [n], where: \"n IS NOT NULL\"}\n",
       "1 documents\n{S(?)<apiVersion>:S(?)<dbschema.io/v1alpha1>,S(?)<kind>:S(?)<DatabaseSchema>,S(?)<metadata>:{S(?)<name>:S(?)<shop>,S(?)<namespace>:S(?)<apps>,S(?)<annotations>:{S(?)<dbschema.io/allow-destructive>:S(!)<true>,},},S(?)<spec>:{S(?)<schema>:S(?)<public>,S(?)<enums>:[{S(?)<name>:S(?)<status>,S(?)<values>:[S(?)<a>,S(!)<b>,S(!)<c>,],},],S(?)<tables>:[{S(?)<name>:S(?)<t>,S(?)<columns>:[{S(?)<name>:S(?)<id>,S(?)<type>:S(?)<bigint>,S(?)<identity>:S(?)<always>,},{S(?)<name>:S(?)<n>,S(?)<type>:S(!)<numeric(10,2)>,S(?)<nullable>:S(?)<false>,S(?)<default>:S(!)<0>,},],S(?)<primaryKey>:[S(?)<id>,],S(?)<checks>:[{S(?)<expression>:S(?)<n >= 0>,},],S(?)<indexes>:[{S(?)<name>:S(?)<t_n_idx>,S(?)<columns>:[S(?)<n>,],S(?)<where>:S(!)<n IS NOT NULL>,},],},],},}\n"s},
      {"a: 1\n---\nb: [1, 2]\n---\n---\nc: {d: e}\n",
       "4 documents\n{S(?)<a>:S(?)<1>,}\n{S(?)<b>:[S(?)<1>,S(?)<2>,],}\n~\n{S(?)<c>:{S(?)<d>:S(?)<e>,},}\n"s},
      {"- a\n- b: c\n  d: ~\n-\n  - x\n  - y\n- 'q''s'\n- \"x\\ty\\u00e9\\\"\"\n",
       "1 documents\n[S(?)<a>,{S(?)<b>:S(?)<c>,S(?)<d>:~,},[S(?)<x>,S(?)<y>,],S(!)<q's>,S(!)<x\ty\xc3""\xa9""\">,]\n"s},
      {"{\"apiVersion\":\"v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"n\",\"generation\":7,\"labels\":{}},\"spec\":{\"tables\":[{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"int\",\"nullable\":false}]}],\"prune\":true,\"ignore\":[],\"x\":null,\"y\":-1.5e3,\"z\":\"a\\/b\\\\c\\n\"}}",
       "1 documents\n{S(!)<apiVersion>:S(!)<v1>,S(!)<kind>:S(!)<K>,S(!)<metadata>:{S(!)<name>:S(!)<n>,S(!)<generation>:S(?)<7>,S(!)<labels>:{},},S(!)<spec>:{S(!)<tables>:[{S(!)<name>:S(!)<t>,S(!)<columns>:[{S(!)<name>:S(!)<id>,S(!)<type>:S(!)<int>,S(!)<nullable>:S(?)<false>,},],},],S(!)<prune>:S(?)<true>,S(!)<ignore>:[],S(!)<x>:~,S(!)<y>:S(?)<-1.5e3>,S(!)<z>:S(!)<a/b\\c\n>,},}\n"s},
      {"{\n  \"a\": [\n    1,\n    {\"b\": \"c\"}\n  ],\n  \"d\": true\n}\n",
       "1 documents\n{S(!)<a>:[S(?)<1>,{S(!)<b>:S(!)<c>,},],S(!)<d>:S(?)<true>,}\n"s},
      {"key:\n- a\n- b\nnext: 1\nnull: x\n~: y\nNull: z\n\"null\": w\nempty:\nlast: 'x'\n",
       "1 documents\n{S(?)<key>:[S(?)<a>,S(?)<b>,],S(?)<next>:S(?)<1>,~:S(?)<x>,~:S(?)<y>,~:S(?)<z>,S(!)<null>:S(?)<w>,S(?)<empty>:~,S(?)<last>:S(!)<x>,}\n"s},
      {"x: http://a:b/c#d\ny: a#b\nz: a - b\nw: -1\nv: -x\nu: a]b,c}\nt: [a, \"b, c\", 'd: e']\n",
       "1 documents\n{S(?)<x>:S(?)<http://a:b/c#d>,S(?)<y>:S(?)<a#b>,S(?)<z>:S(?)<a - b>,S(?)<w>:S(?)<-1>,S(?)<v>:S(?)<-x>,S(?)<u>:S(?)<a]b,c}>,S(?)<t>:[S(?)<a>,S(!)<b, c>,S(!)<d: e>,],}\n"s},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(read(text), expected) << text;
}

TEST(YamlTree, ReadsTheExamplesAndDeployManifests) {
  const std::filesystem::path root = SCHEMA_OPERATOR_SOURCE_DIR;
  std::vector<std::filesystem::path> files = {root / "examples" / "shop.yaml"};
  for (const auto& dir : {root / "examples" / "k8s", root / "deploy"}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  for (const auto& f : files) EXPECT_EQ(read(readFile(f)).rfind("error", 0), std::string::npos) << f;
  auto shop = spec::parseDocuments(readFile(root / "examples" / "shop.yaml"));
  EXPECT_TRUE(shop) << shop.error().describe();
}

TEST(YamlTree, AliasesShareTheNodeTheyName) {
  const Documents d = yaml::load("a: &x [1, {b: c}]\nd: *x\n");
  const Node root = d.documents.at(0);
  int budget = 100;
  EXPECT_EQ(show(root.value(1), budget), "[S(?)<1>,{S(?)<b>:S(?)<c>,},]");
  EXPECT_EQ(root.value(1).item(1).find("b").Scalar(), "c");
}

// Was "AliasesShareTheirNodeEvenWhenCyclic": a cycle unfolds forever in whatever walks the tree,
// so it is now refused, naming the line of the alias.
TEST(YamlTree, RefusesAnAliasInsideTheNodeItNames) {
  for (const std::string text : {"a: &x [1, *x]\n", "a: &x\n  b:\n    c: *x\n"}) {
    try {
      yaml::load(text);
      ADD_FAILURE() << "no error for " << text;
    } catch (const yaml::Error& e) {
      EXPECT_EQ(e.problem, "alias *x is inside the node it names") << text;
      EXPECT_EQ(e.line, text.find("*x") < 12 ? 1u : 3u) << text;
    }
  }
  EXPECT_EQ(read("a: *nothing\n"), "error at line 1");
}

// The same document with an explicit `!!str` tag on a field reads to the same resource.
TEST(YamlTree, ExplicitTagsReadAsThePlainText) {
  std::string text = readFile(std::filesystem::path(SCHEMA_OPERATOR_SOURCE_DIR) / "examples" / "shop.yaml");
  std::string tagged = text;
  const size_t at = tagged.find("  name: shop\n");
  ASSERT_NE(at, std::string::npos);
  tagged.replace(at, 13, "  name: !!str shop\n");
  auto plain = spec::parseDocuments(text);
  auto withTag = spec::parseDocuments(tagged);
  ASSERT_TRUE(plain) << plain.error().describe();
  ASSERT_TRUE(withTag) << withTag.error().describe();
  ASSERT_EQ(plain->size(), withTag->size());
  EXPECT_EQ((*plain)[0].name, (*withTag)[0].name);
  EXPECT_TRUE((*plain)[0].model == (*withTag)[0].model);
  EXPECT_EQ((*plain)[0].annotations, (*withTag)[0].annotations);
}

// The daemon reads the API server's objects from memory (yaml::fromJson): the same tree the text
// of the same JSON gives.
TEST(YamlTree, JsonInMemoryReadsAsItsText) {
  for (const auto& text : seeds()) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) continue;
    EXPECT_EQ(show(yaml::fromJson(json)), read(json.dump())) << text;
  }
  EXPECT_EQ(show(yaml::fromJson(nlohmann::json::parse(R"({"b": [1, 2.5, true, null, "x"], "a": {}})"))),
            "1 documents\n{S(!)<a>:{},S(!)<b>:[S(?)<1>,S(?)<2.5>,S(?)<true>,~,S(!)<x>,],}\n");
}

}  // namespace

namespace {

// The CLI's early look at a large file (yaml::Watch): the document as far as it has been read.
TEST(YamlTree, AWatchSeesTheFirstDocumentSoFar) {
  const std::string text = "a: 1\nspec:\n  b: {c: d}\n  tables:\n    - x\n    - {y: z}\n    - w\n  e: f\n---\nspec: {tables: [1, 2]}\n";
  std::vector<std::string> seen;
  std::vector<yaml::WatchProgress> where;
  const yaml::Watch watch{{"spec", "tables"}, 2, [&](const Node& partial, const yaml::WatchProgress& progress) {
                            int budget = 100;
                            seen.push_back(show(partial, budget));
                            where.push_back(progress);
                          }};
  const Documents d = yaml::load(text, {}, &watch);
  EXPECT_EQ(seen, std::vector<std::string>{"{S(?)<a>:S(?)<1>,S(?)<spec>:{S(?)<b>:{S(?)<c>:S(?)<d>,},S(?)<tables>:[S(?)<x>,{},],},}"});
  ASSERT_EQ(where.size(), 1u);
  EXPECT_EQ(where[0].listStart, text.find("- x"));
  EXPECT_EQ(where[0].at, text.find("{y: z}"));
  EXPECT_FALSE(where[0].ended);
  int budget = 100;  // the documents themselves are whole
  EXPECT_EQ(show(d.documents.at(0).find("spec"), budget), "{S(?)<b>:{S(?)<c>:S(?)<d>,},S(?)<tables>:[S(?)<x>,{S(?)<y>:S(?)<z>,},S(?)<w>,],S(?)<e>:S(?)<f>,}");
  // A shorter list is shown when it ends; no list there, no call.
  seen.clear();
  where.clear();
  const std::string shorter = "spec:\n  tables: [x]\n  e: f\n";
  yaml::load(shorter, {}, &watch);
  EXPECT_EQ(seen, std::vector<std::string>{"{S(?)<spec>:{S(?)<tables>:[S(?)<x>,],},}"});
  ASSERT_EQ(where.size(), 1u);
  EXPECT_TRUE(where[0].ended);
  EXPECT_EQ(where[0].listStart, shorter.find("[x]"));
  EXPECT_EQ(where[0].at, shorter.find("]"));
  seen.clear();
  yaml::load("spec:\n  tables: {x: 1}\n---\nspec: {tables: [1, 2, 3]}\n", {}, &watch);
  yaml::load("tables: [1, 2, 3]\n", {}, &watch);
  EXPECT_TRUE(seen.empty());
}

}  // namespace
