#pragma once
// The YAML the readers walk. Internal to src/spec.
//
// yaml-cpp's scanner spends some 1,500 instructions per byte, and its nodes are reference-counted
// graphs: on a 1,000-table schema that was most of the time `plan` took. The usual shape of a
// manifest — block maps and lists, one-line scalars, flow collections, JSON — is read here by a
// small parser into a plain tree. Anything else (anchors, aliases, tags, block or multi-line
// scalars, directives, rare escapes, tabs, and every syntax error) makes it give up, and
// yaml-cpp's parser reads the whole text as before, its events building the same tree (and the
// same nodes YAML::LoadAll would), so its errors and its reading of exotic YAML stay exactly what
// they were. tests/unit/spec/yaml_tree_test.cpp checks that both paths give the same tree
// wherever the fast path answers.
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spec::detail {

enum class NodeKind : unsigned char { Null, Scalar, Sequence, Map };

// Trivially destructible: text lives in the source or in Documents' pool, children in its arena.
struct NodeData {
  NodeKind kind = NodeKind::Null;
  bool plain = false;       // scalars: unquoted (yaml-cpp's tag "?"), else "!" or the explicit tag
  std::string_view tag;     // scalars with an explicit tag (yaml-cpp's path only): that tag
  std::string_view scalar;  // scalars: the text
  // Sequences: the items. Maps: key, value, key, value… in document order, duplicates kept.
  // An alias is the node its anchor names (shared, as in yaml-cpp; it may even contain itself).
  const NodeData* const* children = nullptr;
  size_t count = 0;
};

// A node, with the few yaml-cpp Node methods the readers use. A pointer: cheap to copy.
class Node {
 public:
  explicit Node(const NodeData* data = nullptr) : d_(data) {}

  bool IsDefined() const { return d_ != nullptr; }
  NodeKind kind() const { return d_ ? d_->kind : NodeKind::Null; }  // undefined reads as Null
  bool IsNull() const { return d_ && d_->kind == NodeKind::Null; }
  bool IsScalar() const { return kind() == NodeKind::Scalar; }
  bool IsSequence() const { return kind() == NodeKind::Sequence; }
  bool IsMap() const { return kind() == NodeKind::Map; }
  std::string_view Scalar() const { return IsScalar() ? d_->scalar : std::string_view(); }
  // "?" for a plain scalar, "!" for a quoted one, else the explicit tag as yaml-cpp resolves it.
  std::string_view Tag() const;

  // Sequences: the number of items. Maps: the number of entries. Else 0.
  size_t size() const;
  Node item(size_t i) const { return Node(d_->children[i]); }
  Node key(size_t i) const { return Node(d_->children[2 * i]); }
  Node value(size_t i) const { return Node(d_->children[2 * i + 1]); }

  // As yaml-cpp's convert<long long> reads a scalar (decimal, 0x hex, 0 octal, sign).
  bool toLongLong(long long& out) const;

 private:
  const NodeData* d_;
};

// The documents of one stream and what their nodes are made of. The fast path's scalars are
// views of the parsed text: it must outlive the documents.
class Documents {
 public:
  Documents() = default;
  Documents(Documents&&) = default;
  Documents& operator=(Documents&&) = default;

  std::vector<Node> documents;
  bool fast = false;  // read by the fast path (else by yaml-cpp's parser)

  NodeData* make(NodeKind kind);
  const NodeData* null() {  // one null node serves every null of the fast path
    if (!null_) null_ = make(NodeKind::Null);
    return null_;
  }
  std::string_view keep(std::string text);  // text that is not in the source (unescaped, yaml-cpp's)
  // A node's children, copied into the arena.
  void adopt(NodeData* node, const NodeData* const* first, size_t count);

 private:
  static constexpr size_t kBlock = 4096;
  std::vector<std::unique_ptr<NodeData[]>> nodes_;
  size_t nodesUsed_ = kBlock;
  std::vector<std::unique_ptr<const NodeData*[]>> links_;
  size_t linksUsed_ = 0, linksSize_ = 0;
  std::deque<std::string> texts_;
  const NodeData* null_ = nullptr;
};

// The fast path alone: nullopt when the text uses anything it does not read.
std::optional<Documents> parseCommonYaml(std::string_view text);

// yaml-cpp's parser alone, building the same tree its YAML::LoadAll builds (YAML::Exception on
// malformed text).
Documents parseAnyYaml(const std::string& text);

// The fast path, else yaml-cpp's parser. `text` must outlive the documents.
Documents loadYaml(const std::string& text);

}  // namespace spec::detail
