// YAML text to the tree, with libyaml's event API. Why libyaml rather than libfyaml (both in
// Debian): it is the reference C implementation (PyYAML, Ruby's Psych and most bindings stand on
// it), fuzzed continuously in OSS-Fuzz, and its event API is small and stable; it also read the
// benchmark's 1,000-table file in half the CPU time libfyaml's event API took here (about 30 ms
// against 60). Its parser keeps explicit stacks, not recursion; its events come one at a time,
// so the limits are checked as the text is read, and nothing past the line that crosses one is
// ever parsed.
#include <yaml.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>

#include "yaml/tree.hpp"

namespace yaml {

namespace {

// 1-based line of a byte offset: for errors libyaml reports by offset (bad encoding) and for the
// size limit.
size_t lineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

struct Parser {
  yaml_parser_t p;
  Parser() {
    if (!yaml_parser_initialize(&p)) throw std::bad_alloc();
  }
  ~Parser() { yaml_parser_delete(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e;
  ~Event() { yaml_event_delete(&e); }
};

bool isNullText(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::string_view text(const yaml_char_t* s) { return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view(); }

// libyaml's events into the tree. A collection's children gather on one scratch stack and move
// to the arena when it closes; an anchored collection is registered when it opens, so an alias
// inside it is seen as the cycle it is.
class Builder {
 public:
  Builder(Documents& out, const Limits& limits, const Watch* watch) : out_(out), limits_(limits), watch_(watch) {}

  void onEvent(const yaml_event_t& e) {
    line_ = e.start_mark.line + 1;
    column_ = e.start_mark.column + 1;
    offset_ = e.start_mark.index;
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++document_;
        anchors_.clear();  // anchors are per document
        root_ = nullptr;
        break;
      case YAML_DOCUMENT_END_EVENT: out_.documents.emplace_back(root_); break;
      case YAML_ALIAS_EVENT: alias(text(e.data.alias.anchor)); break;
      case YAML_SCALAR_EVENT: scalar(e); break;
      case YAML_SEQUENCE_START_EVENT: open(NodeKind::Sequence, text(e.data.sequence_start.anchor)); break;
      case YAML_MAPPING_START_EVENT: open(NodeKind::Map, text(e.data.mapping_start.anchor)); break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: close(); break;
      default: break;  // stream start and end
    }
  }

  size_t document() const { return std::max<size_t>(document_, 1); }
  // A limit crossed, or a reference libyaml leaves to its loader (an alias to nothing, a cycle).
  [[noreturn]] void fail(std::string problem, bool limit = true) const {
    throw Error(std::move(problem), line_, column_, document(), limit);
  }

 private:
  struct Anchor {
    const NodeData* node;
    size_t nodes;  // what it costs each time an alias names it
    bool open;     // a collection not closed yet: an alias to it would be a cycle
  };
  struct Open {
    NodeData* node;
    size_t firstChild;  // on scratch_
    size_t nodesBefore;
    std::string_view anchor;  // names_'s copy, or empty
  };

  void count(size_t nodes, bool throughAlias) {
    nodes_ += nodes;
    if (nodes_ <= limits_.maxNodes) return;
    fail(throughAlias ? "aliases expand the document to more than " + std::to_string(limits_.maxNodes) +
                            " nodes (an alias counts as every node it names)"
                      : "more than " + std::to_string(limits_.maxNodes) + " nodes");
  }

  void add(const NodeData* n) {
    if (open_.empty()) {
      root_ = n;
      return;
    }
    scratch_.push_back(n);
    if (watched_ == open_.size() && scratch_.size() - open_.back().firstChild >= watch_->items) fire(false);
  }

  // Whether a sequence opening now is the one the watch names: each open collection is a map,
  // and the key under which each holds the next (the last: the key waiting for this sequence) is
  // the path's.
  bool isWatched() const {
    if (!watch_ || fired_ || document_ != 1 || open_.size() != watch_->path.size()) return false;
    for (size_t i = 0; i < open_.size(); ++i) {
      const Open& o = open_[i];
      const size_t value = i + 1 < open_.size() ? open_[i + 1].firstChild - 1 : scratch_.size();
      if (o.node->kind != NodeKind::Map || (value - o.firstChild) % 2 != 1) return false;
      const NodeData* key = scratch_[value - 1];
      if (key->kind != NodeKind::Scalar || key->scalar != watch_->path[i]) return false;
    }
    return true;
  }

  void fire(bool ended) {
    fired_ = true;
    watched_ = 0;
    watch_->reached(snapshot(), WatchProgress{watchStart_, offset_, ended});
  }

  // The document so far: a copy of each open collection holding what it has, innermost first so
  // each holds the copy of the next.
  Node snapshot() {
    const NodeData* inner = nullptr;
    std::vector<const NodeData*> children;
    for (size_t i = open_.size(); i-- > 0;) {
      const Open& o = open_[i];
      const size_t end = i + 1 < open_.size() ? open_[i + 1].firstChild : scratch_.size();
      children.assign(scratch_.begin() + static_cast<long>(o.firstChild), scratch_.begin() + static_cast<long>(end));
      if (inner) children.back() = inner;
      if (o.node->kind == NodeKind::Map && children.size() % 2 == 1) children.pop_back();
      NodeData* copy = out_.make(o.node->kind);
      out_.adopt(copy, children.data(), children.size());
      inner = copy;
    }
    return Node(inner ? inner : root_);
  }

  void anchor(std::string_view name, const NodeData* n, bool open) {
    if (name.empty()) return;
    anchors_[std::string(name)] = Anchor{n, 1, open};
  }

  void alias(std::string_view name) {
    const auto it = anchors_.find(std::string(name));
    if (it == anchors_.end()) fail("alias *" + std::string(name) + " names no anchor before it", false);
    if (it->second.open) fail("alias *" + std::string(name) + " is inside the node it names", false);
    count(it->second.nodes, true);
    add(it->second.node);
  }

  void scalar(const yaml_event_t& e) {
    count(1, false);
    const auto& s = e.data.scalar;
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    const std::string_view tag = text(s.tag);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && tag.empty();
    NodeData* n = nullptr;
    if (plain && isNullText(value)) {
      n = out_.make(NodeKind::Null);
    } else {
      n = out_.make(NodeKind::Scalar);
      n->plain = plain;
      if (!tag.empty() && tag != "!") n->tag = out_.keep(tag);
      n->scalar = out_.keep(value);
    }
    anchor(text(s.anchor), n, false);
    add(n);
  }

  void open(NodeKind kind, std::string_view anchorName) {
    if (open_.size() >= limits_.maxDepth)
      fail("collections nested deeper than " + std::to_string(limits_.maxDepth) + " levels");
    const size_t before = nodes_;
    count(1, false);
    const bool watched = kind == NodeKind::Sequence && isWatched();
    NodeData* n = out_.make(kind);
    std::string_view name;
    if (!anchorName.empty()) {
      name = out_.keep(anchorName);
      anchor(name, n, true);
    }
    add(n);
    open_.push_back(Open{n, scratch_.size(), before, name});
    if (watched) {
      watched_ = open_.size();
      watchStart_ = offset_;
    }
  }

  void close() {
    const Open o = open_.back();
    const bool watched = watched_ == open_.size();
    open_.pop_back();
    out_.adopt(o.node, scratch_.data() + o.firstChild, scratch_.size() - o.firstChild);
    scratch_.resize(o.firstChild);
    if (watched) fire(true);
    if (!o.anchor.empty()) {
      auto it = anchors_.find(std::string(o.anchor));
      if (it != anchors_.end() && it->second.node == o.node) it->second = Anchor{o.node, nodes_ - o.nodesBefore, false};
    }
  }

  Documents& out_;
  const Limits& limits_;
  const Watch* watch_;
  size_t watched_ = 0;  // while the watched list is open: its depth (open_.size() inside it)
  bool fired_ = false;
  size_t line_ = 1, column_ = 1, document_ = 0;
  size_t offset_ = 0;      // byte offset of the event being built
  size_t watchStart_ = 0;  // where the watched list opened
  size_t nodes_ = 0;  // in the stream so far, aliases counted as what they name
  const NodeData* root_ = nullptr;
  std::vector<Open> open_;
  std::vector<const NodeData*> scratch_;
  std::unordered_map<std::string, Anchor> anchors_;
};

// libyaml's account of a syntax error (or of bytes that are not text), in the words it uses.
[[noreturn]] void syntaxError(const yaml_parser_t& p, std::string_view source, size_t document) {
  std::string problem = p.problem ? p.problem : "cannot be read";
  if (p.error == YAML_MEMORY_ERROR) problem = "out of memory";
  if (p.context) problem += std::string(" ") + p.context;
  if (p.error == YAML_READER_ERROR) {
    const size_t line = lineAt(source, p.problem_offset);
    const size_t lineStart = source.rfind('\n', p.problem_offset == 0 ? 0 : p.problem_offset - 1);
    const size_t column = p.problem_offset - (lineStart == std::string_view::npos ? 0 : lineStart + 1) + 1;
    throw Error(problem, line, column, document, false);
  }
  throw Error(problem, p.problem_mark.line + 1, p.problem_mark.column + 1, document, false);
}

}  // namespace

Documents load(std::string_view source, const Limits& limits, const Watch* watch) {
  if (source.size() > limits.maxBytes)
    throw Error("the text is larger than " + mib(limits.maxBytes) + " (" + std::to_string(source.size()) + " bytes)",
                lineAt(source, limits.maxBytes), 1, 1, true);
  Documents out;
  Builder builder(out, limits, watch);
  Parser parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(source.data()), source.size());
  while (true) {
    Event event;
    if (!yaml_parser_parse(&parser.p, &event.e)) {
      event.e.type = YAML_NO_EVENT;  // nothing to delete
      syntaxError(parser.p, source, builder.document());
    }
    builder.onEvent(event.e);
    if (event.e.type == YAML_STREAM_END_EVENT) break;
  }
  return out;
}

}  // namespace yaml
