#include "yaml/tree.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace yaml {

Error::Error(std::string problem_, size_t line_, size_t column_, size_t document_, bool limit_)
    : std::runtime_error(line_ ? "line " + std::to_string(line_) + ", column " + std::to_string(column_) + ": " + problem_
                               : problem_),
      problem(std::move(problem_)),
      line(line_),
      column(column_),
      document(document_),
      limit(limit_) {}

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

Node Node::find(std::string_view name) const {
  if (!IsMap()) return Node();
  for (size_t i = 0; i < size(); ++i)
    if (key(i).IsScalar() && key(i).Scalar() == name) return value(i);
  return Node();
}

bool Node::toLongLong(long long& out) const {
  if (!IsScalar()) return false;
  const std::string text(d_->scalar);  // strtoll needs the terminating NUL
  if (text.empty() || text[0] == ' ') return false;
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 0);  // base 0: 0x hex, 0 octal
  if (errno == ERANGE || end == text.c_str()) return false;
  while (*end == ' ') ++end;
  if (end != text.c_str() + text.size()) return false;
  out = value;
  return true;
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

std::string_view Documents::keep(std::string_view text) {
  if (text.empty()) return {};
  if (textUsed_ + text.size() > textSize_) {
    textSize_ = std::max(text.size(), size_t{64} << 10);
    texts_.push_back(std::make_unique_for_overwrite<char[]>(textSize_));
    textUsed_ = 0;
  }
  char* to = texts_.back().get() + textUsed_;
  std::memcpy(to, text.data(), text.size());
  textUsed_ += text.size();
  return {to, text.size()};
}

void Documents::adopt(NodeData* node, const NodeData* const* first, size_t count) {
  node->count = count;
  if (count == 0) return;
  if (linksUsed_ + count > linksSize_) {
    linksSize_ = std::max(count, kBlock * 4);
    links_.push_back(std::make_unique_for_overwrite<const NodeData*[]>(linksSize_));
    linksUsed_ = 0;
  }
  const NodeData** to = links_.back().get() + linksUsed_;
  std::copy(first, first + count, to);
  linksUsed_ += count;
  node->children = to;
}

}  // namespace yaml
