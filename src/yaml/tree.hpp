#pragma once
// YAML (and JSON) text as a plain tree: the one reader of the manifests (src/spec) and of the
// kubeconfig (src/kube). One parser reads every byte: libyaml's event API (see load.cpp for why
// libyaml), whose events build the tree as they arrive, so the limits below stop a hostile text
// at the line that crosses them, before it costs memory or time:
//   - the size of the text;
//   - how deep collections nest;
//   - how many nodes the documents hold, an alias counting as every node it names, so a few
//     kilobytes of `&a`/`*a` cannot unfold into gigabytes in the code that walks the tree.
// An alias is the node its anchor names (shared, not copied); one inside the node it names (a
// cycle) is refused.
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yaml {

enum class NodeKind : unsigned char { Null, Scalar, Sequence, Map };

// Trivially destructible: text and children live in the Documents' arenas.
struct NodeData {
  NodeKind kind = NodeKind::Null;
  bool plain = false;       // scalars: unquoted and untagged
  std::string_view tag;     // scalars with an explicit tag: that tag, resolved (`!!str` is tag:yaml.org,2002:str)
  std::string_view scalar;  // scalars: the text
  // Sequences: the items. Maps: key, value, key, value… in document order, duplicates kept.
  const NodeData* const* children = nullptr;
  size_t count = 0;
};

// A node. A pointer: cheap to copy; undefined (a missing map value) reads as Null.
class Node {
 public:
  explicit Node(const NodeData* data = nullptr) : d_(data) {}

  bool IsDefined() const { return d_ != nullptr; }
  NodeKind kind() const { return d_ ? d_->kind : NodeKind::Null; }
  bool IsNull() const { return d_ && d_->kind == NodeKind::Null; }
  bool IsScalar() const { return kind() == NodeKind::Scalar; }
  bool IsSequence() const { return kind() == NodeKind::Sequence; }
  bool IsMap() const { return kind() == NodeKind::Map; }
  std::string_view Scalar() const { return IsScalar() ? d_->scalar : std::string_view(); }
  // "?" for a plain scalar, "!" for a quoted one, else the explicit tag.
  std::string_view Tag() const;

  // Sequences: the number of items. Maps: the number of entries. Else 0.
  size_t size() const;
  Node item(size_t i) const { return Node(d_->children[i]); }
  Node key(size_t i) const { return Node(d_->children[2 * i]); }
  Node value(size_t i) const { return Node(d_->children[2 * i + 1]); }
  // A map's value at the first scalar key `name`; undefined when there is none (or not a map).
  Node find(std::string_view name) const;

  // An integer scalar: decimal, 0x hex or 0 octal, with a sign; trailing spaces allowed.
  bool toLongLong(long long& out) const;

 private:
  const NodeData* d_;
};

// What a text may cost. The defaults are far above any real manifest: the benchmark's 5,000
// tables are 5.6 MB and fewer than 730,000 nodes.
struct Limits {
  size_t maxBytes = size_t{32} << 20;
  size_t maxDepth = 100;
  size_t maxNodes = 4'000'000;
};

// A text that is not YAML (`limit` false), or crosses a limit. `line` and `column` count from 1
// (0 when the input has no lines: JSON in memory); `document` is the 1-based document it
// happened in.
class Error : public std::runtime_error {
 public:
  Error(std::string problem, size_t line, size_t column, size_t document, bool limit);
  const std::string problem;
  const size_t line, column, document;
  const bool limit;
};

// The documents of one stream and the arenas their nodes live in. Movable; nodes stay put.
class Documents {
 public:
  Documents() = default;
  Documents(Documents&&) = default;
  Documents& operator=(Documents&&) = default;

  std::vector<Node> documents;

  NodeData* make(NodeKind kind);
  std::string_view keep(std::string_view text);  // a copy in the arena
  // A node's children, copied into the arena.
  void adopt(NodeData* node, const NodeData* const* first, size_t count);

 private:
  static constexpr size_t kBlock = 4096;
  std::vector<std::unique_ptr<NodeData[]>> nodes_;
  size_t nodesUsed_ = kBlock;
  std::vector<std::unique_ptr<const NodeData*[]>> links_;
  size_t linksUsed_ = 0, linksSize_ = 0;
  std::vector<std::unique_ptr<char[]>> texts_;
  size_t textUsed_ = 0, textSize_ = 0;
};

// A look at the first document while it is still being read, so work that needs only its
// beginning can start before the rest is parsed (the CLI opens its connection and reads the
// catalog meanwhile). `reached` is called once, with the document as read so far — collections
// not yet closed hold what they have, a key still waiting for its value is left out — when the
// list at `path` (keys of maps from the root) has `items` items or ends, whichever comes first.
// It is not called when the first document has no list there. `progress` says where in the text
// that happened, so the caller can tell how long the whole list is likely to be.
struct WatchProgress {
  size_t listStart = 0;  // byte offset where the list opened
  size_t at = 0;         // byte offset of the item that reached `items`, or of the list's end
  bool ended = false;    // the list ended before `items`: the partial document holds all of it
};
struct Watch {
  std::vector<std::string> path;
  size_t items = 0;
  std::function<void(const Node& partial, const WatchProgress& progress)> reached;
};

// Every document of a YAML stream (JSON is YAML). Throws yaml::Error.
Documents load(std::string_view text, const Limits& limits = {}, const Watch* watch = nullptr);

// The same tree from JSON already parsed (the API server's objects): strings become quoted
// scalars; numbers and booleans plain scalars of their JSON text; null Null. One document.
// Throws yaml::Error past the depth or node limit.
Documents fromJson(const nlohmann::json& value, const Limits& limits = {});

}  // namespace yaml
