#include "spec/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <cstring>

namespace spec::detail {

namespace {

// Thrown inside the fast parser when the text uses something it does not read.
struct GiveUp {};

constexpr int kMaxDepth = 100;      // yaml-cpp refuses 500; nothing real comes close
constexpr size_t kMaxKey = 1024;    // YAML's limit on an implicit key

bool isNullText(std::string_view s) { return s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Text the fast path reads at all: no tab, carriage return or other control character; valid
// UTF-8 without C1 controls, NEL, the line and paragraph separators or byte order marks (which
// YAML treats specially).
bool readableText(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  for (size_t i = 0; i < s.size();) {
    // Eight bytes at a time while they are all printable ASCII (0x20..0x7e).
    if (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      const std::uint64_t low = (w - 0x20 * kOnes) & ~w & kHighs;  // a byte below 0x20
      const std::uint64_t high = ((w + kOnes) | w) & kHighs;       // a byte of 0x7f or more
      if ((low | high) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp <= 0x9F || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += n;
  }
  return true;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool isFlowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

// The subset: a stream of documents separated by `---` lines; block maps and sequences indented
// with spaces; plain, single- and double-quoted scalars on one line; flow sequences and maps,
// which may span lines. Positions are byte offsets into the text.
class Parser {
 public:
  Parser(std::string_view s, Documents& out) : s_(s), out_(out) {}

  void run() {
    while (true) {
      Line l;
      if (!peek(l)) break;
      bool explicitStart = false;
      if (isDocStart(l)) {
        size_t p = l.content + 3;
        endOfLine(p, true);
        explicitStart = true;
      }
      Line c;
      if (!peek(c) || isDocStart(c)) {
        if (explicitStart) out_.documents.emplace_back(out_.null());
        continue;
      }
      out_.documents.emplace_back(blockNode(c, -1));
      Line after;
      if (peek(after) && !isDocStart(after)) throw GiveUp{};
    }
  }

 private:
  struct Line {
    size_t begin;    // first byte of the line
    size_t content;  // first byte that is not a space
    long indent;     // content - begin
  };

  struct Depth {
    explicit Depth(int& d) : d_(d) {
      if (++d_ > kMaxDepth) throw GiveUp{};
    }
    ~Depth() { --d_; }
    int& d_;
  };

  char at(size_t p) const { return p < s_.size() ? s_[p] : '\n'; }  // the end reads as a line end
  bool atLineEnd(size_t p) const { return p >= s_.size() || s_[p] == '\n'; }
  size_t lineEnd(size_t p) const {
    const size_t e = s_.find('\n', p);
    return e == std::string_view::npos ? s_.size() : e;
  }
  size_t nextLine(size_t p) const {
    const size_t e = lineEnd(p);
    return e < s_.size() ? e + 1 : e;
  }
  void skipSpaces(size_t& p) const {
    while (p < s_.size() && s_[p] == ' ') ++p;
  }

  // The next line with content at or after pos_ (a line start), skipping blank and comment lines.
  // `...` and directives are not read.
  bool peek(Line& l) const {
    size_t p = pos_;
    while (p < s_.size()) {
      size_t q = p;
      skipSpaces(q);
      if (q >= s_.size()) return false;
      if (s_[q] == '\n') {
        p = q + 1;
        continue;
      }
      if (s_[q] == '#') {
        p = nextLine(q);
        continue;
      }
      if (q == p && (s_[q] == '%' || (s_.compare(q, 3, "...") == 0 && (q + 3 >= s_.size() || s_[q + 3] == ' ' ||
                                                                        s_[q + 3] == '\n'))))
        throw GiveUp{};
      l = Line{p, q, static_cast<long>(q - p)};
      return true;
    }
    return false;
  }

  bool isDocStart(const Line& l) const {
    return l.indent == 0 && s_.compare(l.content, 3, "---") == 0 && (atLineEnd(l.content + 3) || s_[l.content + 3] == ' ');
  }
  bool isSeqEntry(size_t p) const { return s_[p] == '-' && (atLineEnd(p + 1) || s_[p + 1] == ' '); }

  // The rest of the line holds nothing but spaces and perhaps a comment; moves pos_ to the next line.
  void endOfLine(size_t p, bool afterSpace = false) {
    const size_t start = p;
    skipSpaces(p);
    if (!atLineEnd(p)) {
      if (s_[p] != '#' || (p == start && !afterSpace)) throw GiveUp{};
    }
    pos_ = nextLine(p);
  }

  // After a node that ended its line, the next content line may not be indented deeper than
  // `indent` (that would continue a plain scalar, or be an error).
  void noContinuation(long indent) const {
    Line l;
    if (peek(l) && !isDocStart(l) && l.indent > indent) throw GiveUp{};
  }

  // A node whose first line is `l`, inside a block collection indented `parent` (-1: none).
  const NodeData* blockNode(const Line& l, long parent) {
    if (isSeqEntry(l.content)) return blockSequence(l.indent);
    if (isMapEntry(l.content)) return blockMap(l.indent, l.content);
    size_t p = l.content;
    const NodeData* n = inlineNode(p, parent);
    endOfLine(p);
    noContinuation(parent);
    return n;
  }

  // Whether the line from p holds `key:` followed by a space or the line's end.
  bool isMapEntry(size_t p) const {
    const char c = s_[p];
    if (c == '"' || c == '\'') {
      size_t q = p;
      std::string ignored;
      bool escaped = false;
      if (!scanQuoted(q, ignored, escaped)) return false;
      skipSpaces(q);
      return at(q) == ':' && (atLineEnd(q + 1) || s_[q + 1] == ' ');
    }
    if (c == '[' || c == '{') return false;  // a flow collection (as a key, yaml-cpp reads it)
    for (size_t q = p; !atLineEnd(q); ++q) {
      if (s_[q] == ':' && (atLineEnd(q + 1) || s_[q + 1] == ' ')) return true;
      if (s_[q] == ' ' && at(q + 1) == '#') return false;
    }
    return false;
  }

  const NodeData* blockMap(long indent, size_t p) {
    Depth depth(depth_);
    NodeData* map = out_.make(NodeKind::Map);
    const size_t base = scratch_.size();
    while (true) {
      const NodeData* key = blockKey(p);
      ++p;  // the ':'
      skipSpaces(p);
      const NodeData* value = nullptr;
      if (atLineEnd(p) || s_[p] == '#') {
        endOfLine(p, true);
        Line c;
        if (peek(c) && !isDocStart(c) && (c.indent > indent || (c.indent == indent && isSeqEntry(c.content))))
          value = blockNode(c, indent);
        else
          value = out_.null();
      } else {
        value = inlineNode(p, indent);
        endOfLine(p);
        noContinuation(indent);
      }
      scratch_.push_back(key);
      scratch_.push_back(value);

      Line c;
      if (!peek(c) || isDocStart(c) || c.indent < indent) break;
      if (c.indent > indent || isSeqEntry(c.content) || !isMapEntry(c.content)) throw GiveUp{};
      p = c.content;
    }
    adopt(map, base);
    return map;
  }

  // A block map's key, up to its ':' (p is left on it).
  const NodeData* blockKey(size_t& p) {
    const size_t start = p;
    const char c = s_[p];
    if (c == '"' || c == '\'') {
      const NodeData* key = quoted(p);
      skipSpaces(p);
      if (at(p) != ':') throw GiveUp{};
      if (p - start > kMaxKey) throw GiveUp{};
      return key;
    }
    checkPlainStart(p, false);
    size_t q = p;
    while (!(s_[q] == ':' && (atLineEnd(q + 1) || s_[q + 1] == ' '))) ++q;  // isMapEntry found one
    size_t e = q;
    while (e > p && s_[e - 1] == ' ') --e;
    if (q - start > kMaxKey) throw GiveUp{};
    p = q;
    return scalar(s_.substr(start, e - start), true);
  }

  // A quoted scalar at p (left after it): a view of the text between the quotes when nothing in
  // it is escaped, else the unescaped text kept in the documents.
  const NodeData* quoted(size_t& p) {
    const size_t start = p + 1;
    std::string unescaped;
    bool escaped = false;
    if (!scanQuoted(p, unescaped, escaped)) throw GiveUp{};
    NodeData* n = out_.make(NodeKind::Scalar);
    n->scalar = escaped ? out_.keep(std::move(unescaped)) : s_.substr(start, p - 1 - start);
    return n;
  }

  const NodeData* scalar(std::string_view text, bool plain) {
    if (plain && isNullText(text)) return out_.null();
    NodeData* n = out_.make(NodeKind::Scalar);
    n->plain = plain;
    n->scalar = text;
    return n;
  }

  const NodeData* blockSequence(long indent) {
    Depth depth(depth_);
    NodeData* seq = out_.make(NodeKind::Sequence);
    const size_t base = scratch_.size();
    while (true) {
      Line c;
      if (!peek(c) || isDocStart(c) || c.indent < indent) break;
      if (c.indent > indent) throw GiveUp{};
      if (!isSeqEntry(c.content)) break;  // the next key of a map the sequence is a value of
      size_t p = c.content + 1;
      skipSpaces(p);
      const NodeData* item = nullptr;
      if (atLineEnd(p) || s_[p] == '#') {
        endOfLine(p, true);
        Line d;
        if (peek(d) && !isDocStart(d) && d.indent > indent)
          item = blockNode(d, indent);
        else
          item = out_.null();
      } else if (isSeqEntry(p)) {
        throw GiveUp{};  // "- - a"
      } else if (isMapEntry(p)) {
        item = blockMap(static_cast<long>(p - c.begin), p);
      } else {
        item = inlineNode(p, indent);
        endOfLine(p);
        noContinuation(indent);
      }
      scratch_.push_back(item);
    }
    adopt(seq, base);
    return seq;
  }

  // A value that starts on the current line: a flow collection (which may go on over more lines,
  // indented deeper than `block`), a quoted scalar or a plain one. p is left after it.
  const NodeData* inlineNode(size_t& p, long block) {
    const char c = s_[p];
    if (c == '[' || c == '{') return flowNode(p, block);
    if (c == '"' || c == '\'') return quoted(p);
    checkPlainStart(p, false);
    const size_t start = p;
    while (!atLineEnd(p)) {
      if (s_[p] == ':' && (atLineEnd(p + 1) || s_[p + 1] == ' ')) throw GiveUp{};  // "a: b: c"
      if (s_[p] == ' ' && at(p + 1) == '#') break;
      ++p;
    }
    size_t e = p;
    while (e > start && s_[e - 1] == ' ') --e;
    return scalar(s_.substr(start, e - start), true);
  }

  // Plain scalars may not start with an indicator; "-" may, when something other than a space
  // (or, in flow, an indicator) follows it. Those that may but rarely do (? and :) are not read.
  void checkPlainStart(size_t p, bool flow) const {
    const char c = at(p);
    if (c == '-') {
      const char next = at(p + 1);
      if (next == ' ' || next == '\n' || (flow && isFlowIndicator(next))) throw GiveUp{};
      return;
    }
    switch (c) {
      case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '#': case '&': case '*':
      case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`': case ' ': case '\n':
        throw GiveUp{};
      default: return;
    }
  }

  // A single- or double-quoted scalar on one line; false for anything else (a line break inside,
  // an escape other than JSON's, a lone surrogate). p is left after the closing quote. `out` gets
  // the unescaped text only when there was an escape (`escaped`); else the text is the source's.
  bool scanQuoted(size_t& p, std::string& out, bool& escaped) const {
    const char quote = s_[p];
    size_t q = p + 1;
    size_t run = q;  // start of the text not yet copied to `out`
    while (true) {
      if (atLineEnd(q)) return false;
      const char c = s_[q];
      if (quote == '\'') {
        if (c != '\'') {
          ++q;
          continue;
        }
        if (at(q + 1) != '\'') break;
        escaped = true;  // '' is one quote
        out.append(s_.data() + run, q + 1 - run);
        q += 2;
        run = q;
        continue;
      }
      if (c == '"') break;
      if (c != '\\') {
        ++q;
        continue;
      }
      escaped = true;
      out.append(s_.data() + run, q - run);
      const char e = at(q + 1);
      switch (e) {
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          std::uint32_t cp = 0;
          for (size_t k = 0; k < 4; ++k) {
            const char h = at(q + 2 + k);
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else return false;
          }
          if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
          appendUtf8(out, cp);
          q += 4;
          break;
        }
        default: return false;
      }
      q += 2;
      run = q;
    }
    if (escaped) out.append(s_.data() + run, q - run);
    p = q + 1;
    return true;
  }

  // Spaces, line breaks and comments inside a flow collection. A line that goes on with content
  // must be indented deeper than the block around the collection, and may not be a document marker.
  void skipFlowSpace(size_t& p, long block) const {
    while (true) {
      if (p >= s_.size()) throw GiveUp{};  // the collection never closes
      const char c = s_[p];
      if (c == ' ') {
        ++p;
      } else if (c == '\n') {
        ++p;
        size_t q = p;
        skipSpaces(q);
        if (q < s_.size() && s_[q] != '\n' && s_[q] != '#') {
          if (static_cast<long>(q - p) <= block) throw GiveUp{};
          if (q == p && (s_.compare(q, 3, "---") == 0 || s_.compare(q, 3, "...") == 0)) throw GiveUp{};
        }
      } else if (c == '#') {
        if (p == 0 || (s_[p - 1] != ' ' && s_[p - 1] != '\n')) throw GiveUp{};
        p = lineEnd(p);
      } else {
        return;
      }
    }
  }

  const NodeData* flowNode(size_t& p, long block) {
    Depth depth(depth_);
    const char c = s_[p];
    if (c == '[') return flowSequence(p, block);
    if (c == '{') return flowMap(p, block);
    if (c == '"' || c == '\'') return quoted(p);
    return flowPlain(p, block);
  }

  // A plain scalar inside a flow collection: it ends at an indicator, the value indicator ": ", a
  // comment or the line's end. One that ends its line must be followed by ',', ']' or '}' (else
  // it would go on over the next line).
  const NodeData* flowPlain(size_t& p, long block) {
    checkPlainStart(p, true);
    const size_t start = p;
    while (true) {
      const char c = at(p);
      if (c == '?') throw GiveUp{};  // yaml-cpp refuses it inside a flow collection
      if (c == '\n' || isFlowIndicator(c)) break;
      if (c == ':') {
        if (at(p + 1) == ' ') break;  // the value indicator
        if (atLineEnd(p + 1) || isFlowIndicator(s_[p + 1])) throw GiveUp{};  // yaml-cpp reads these its own way
      }
      if (c == ' ' && at(p + 1) == '#') break;
      ++p;
    }
    size_t e = p;
    while (e > start && s_[e - 1] == ' ') --e;
    size_t q = p;
    skipSpaces(q);
    if (atLineEnd(q) || s_[q] == '#') {
      skipFlowSpace(q, block);
      if (s_[q] != ',' && s_[q] != ']' && s_[q] != '}') throw GiveUp{};
    }
    return scalar(s_.substr(start, e - start), true);
  }

  const NodeData* flowSequence(size_t& p, long block) {
    NodeData* seq = out_.make(NodeKind::Sequence);
    ++p;
    skipFlowSpace(p, block);
    if (s_[p] == ']') {
      ++p;
      return seq;
    }
    const size_t base = scratch_.size();
    while (true) {
      if (s_[p] == ',' || s_[p] == ']') throw GiveUp{};  // an empty entry
      scratch_.push_back(flowNode(p, block));
      skipFlowSpace(p, block);
      if (s_[p] == ',') {
        ++p;
        skipFlowSpace(p, block);
        if (s_[p] == ']') throw GiveUp{};  // a trailing comma
        continue;
      }
      if (s_[p] == ']') {
        ++p;
        adopt(seq, base);
        return seq;
      }
      throw GiveUp{};  // "[a: b]" (a map inside) or anything else
    }
  }

  const NodeData* flowMap(size_t& p, long block) {
    NodeData* map = out_.make(NodeKind::Map);
    ++p;
    skipFlowSpace(p, block);
    if (s_[p] == '}') {
      ++p;
      return map;
    }
    const size_t base = scratch_.size();
    while (true) {
      const char c = s_[p];
      const NodeData* key = nullptr;
      if (c == '"' || c == '\'') {
        key = quoted(p);
        skipSpaces(p);  // an implicit key and its ':' share a line
      } else {
        key = flowPlain(p, block);
      }
      if (s_[p] != ':') throw GiveUp{};  // a key without a value, or a complex key
      ++p;
      skipFlowSpace(p, block);
      if (s_[p] == ',' || s_[p] == '}') throw GiveUp{};  // an empty value
      const NodeData* value = flowNode(p, block);
      skipFlowSpace(p, block);
      scratch_.push_back(key);
      scratch_.push_back(value);
      if (s_[p] == ',') {
        ++p;
        skipFlowSpace(p, block);
        if (s_[p] == '}') throw GiveUp{};
        continue;
      }
      if (s_[p] == '}') {
        ++p;
        adopt(map, base);
        return map;
      }
      throw GiveUp{};
    }
  }

  // A collection's children, collected on the scratch stack above `base`, moved into it at once.
  void adopt(NodeData* node, size_t base) {
    out_.adopt(node, scratch_.data() + base, scratch_.size() - base);
    scratch_.resize(base);
  }

  std::string_view s_;
  Documents& out_;
  size_t pos_ = 0;  // the start of the line block parsing is at
  int depth_ = 0;
  std::vector<const NodeData*> scratch_;  // children of the collections being read
};

// yaml-cpp's parser events into a tree, as its NodeBuilder makes them: a collection is
// registered under its anchor when it opens, so an alias inside it is the collection itself.
// Children are gathered per collection and moved to the arena when it closes.
class Builder : public YAML::EventHandler {
 public:
  explicit Builder(Documents& out) : out_(out) {}

  void OnDocumentStart(const YAML::Mark&) override {
    stack_.clear();
    keys_.clear();
    anchors_.assign(1, nullptr);  // anchors count from 1, per document
    root_ = nullptr;
  }
  void OnDocumentEnd() override { out_.documents.emplace_back(root_ ? root_ : out_.make(NodeKind::Null)); }

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override {
    NodeData* n = out_.make(NodeKind::Null);
    anchor_(anchor, n);
    push(n);
    pop();
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    push(anchors_.at(anchor));
    pop();
  }
  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    NodeData* n = out_.make(NodeKind::Scalar);
    n->plain = tag == "?";
    if (!n->plain && tag != "!") n->tag = out_.keep(tag);
    n->scalar = out_.keep(value);
    anchor_(anchor, n);
    push(n);
    pop();
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    NodeData* n = out_.make(NodeKind::Sequence);
    anchor_(anchor, n);
    push(n);
    open_.emplace_back(n, std::vector<const NodeData*>{});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    NodeData* n = out_.make(NodeKind::Map);
    anchor_(anchor, n);
    push(n);
    open_.emplace_back(n, std::vector<const NodeData*>{});
    ++mapDepth_;
  }
  void OnMapEnd() override {
    --mapDepth_;
    close();
  }

 private:
  void anchor_(YAML::anchor_t anchor, NodeData* n) {
    if (anchor) anchors_.push_back(n);
  }
  void close() {
    auto& [node, children] = open_.back();
    out_.adopt(node, children.data(), children.size());
    open_.pop_back();
    pop();
  }
  // Children of the collection `n` is being added to (the innermost open one).
  std::vector<const NodeData*>& childrenOf(const NodeData* collection) {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it)
      if (it->first == collection) return it->second;
    throw std::logic_error("yaml tree: no open collection");
  }
  void push(NodeData* n) {
    const bool needsKey = !stack_.empty() && stack_.back()->kind == NodeKind::Map && keys_.size() < mapDepth_;
    stack_.push_back(n);
    if (needsKey) keys_.emplace_back(n, false);
  }
  void pop() {
    NodeData* n = stack_.back();
    stack_.pop_back();
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    NodeData* collection = stack_.back();
    if (collection->kind == NodeKind::Sequence) {
      childrenOf(collection).push_back(n);
    } else if (collection->kind == NodeKind::Map) {
      auto& key = keys_.back();
      if (key.second) {
        auto& children = childrenOf(collection);
        children.push_back(key.first);
        children.push_back(n);
        keys_.pop_back();
      } else {
        key.second = true;
      }
    }
  }

  Documents& out_;
  std::vector<NodeData*> stack_;
  std::vector<std::pair<NodeData*, bool>> keys_;  // keys waiting for their values
  std::vector<std::pair<NodeData*, std::vector<const NodeData*>>> open_;  // collections not closed yet
  std::vector<NodeData*> anchors_;
  size_t mapDepth_ = 0;
  NodeData* root_ = nullptr;
};

}  // namespace

std::string_view Node::Tag() const {
  if (!d_ || d_->kind != NodeKind::Scalar) return {};
  if (d_->plain) return "?";
  return d_->tag.empty() ? std::string_view("!") : d_->tag;
}

size_t Node::size() const {
  switch (kind()) {
    case NodeKind::Sequence: return d_->count;
    case NodeKind::Map: return d_->count / 2;
    default: return 0;
  }
}

bool Node::toLongLong(long long& out) const {
  if (!IsScalar()) return false;
  return YAML::convert<long long>::decode(YAML::Node(std::string(d_->scalar)), out);
}

NodeData* Documents::make(NodeKind kind) {
  if (nodesUsed_ == kBlock) {
    nodes_.push_back(std::make_unique<NodeData[]>(kBlock));
    nodesUsed_ = 0;
  }
  NodeData* n = &nodes_.back()[nodesUsed_++];
  n->kind = kind;
  return n;
}

std::string_view Documents::keep(std::string text) { return texts_.emplace_back(std::move(text)); }

void Documents::adopt(NodeData* node, const NodeData* const* first, size_t count) {
  node->count = count;
  if (count == 0) return;
  if (linksUsed_ + count > linksSize_) {
    linksSize_ = std::max(count, kBlock * 4);
    links_.push_back(std::make_unique<const NodeData*[]>(linksSize_));
    linksUsed_ = 0;
  }
  const NodeData** to = links_.back().get() + linksUsed_;
  std::copy(first, first + count, to);
  linksUsed_ += count;
  node->children = to;
}

std::optional<Documents> parseCommonYaml(std::string_view text) {
  if (!readableText(text)) return std::nullopt;
  Documents out;
  out.fast = true;
  try {
    Parser(text, out).run();
  } catch (const GiveUp&) {
    return std::nullopt;
  }
  return out;
}

Documents parseAnyYaml(const std::string& text) {
  Documents out;
  std::istringstream in(text);
  YAML::Parser parser(in);
  Builder builder(out);
  while (parser.HandleNextDocument(builder)) {
  }
  return out;
}

Documents loadYaml(const std::string& text) {
  if (auto fast = parseCommonYaml(text)) return std::move(*fast);
  return parseAnyYaml(text);
}

}  // namespace spec::detail
