// The tree from JSON already in memory: the daemon holds the API server's objects as
// nlohmann::json, and reads them as they are rather than printing and re-parsing them.
#include <nlohmann/json.hpp>

#include <vector>

#include "yaml/tree.hpp"

namespace yaml {

namespace {

class JsonBuilder {
 public:
  JsonBuilder(Documents& out, const Limits& limits) : out_(out), limits_(limits) {}

  const NodeData* build(const nlohmann::json& v, size_t depth) {
    if (++nodes_ > limits_.maxNodes) throw Error("more than " + std::to_string(limits_.maxNodes) + " nodes", 0, 0, 1, true);
    switch (v.type()) {
      case nlohmann::json::value_t::object:
      case nlohmann::json::value_t::array: return collection(v, depth);
      case nlohmann::json::value_t::string: return scalar(v.get_ref<const std::string&>(), false);
      case nlohmann::json::value_t::boolean: return scalar(v.get<bool>() ? "true" : "false", true);
      case nlohmann::json::value_t::number_integer:
      case nlohmann::json::value_t::number_unsigned:
      case nlohmann::json::value_t::number_float: return scalar(v.dump(), true);  // as it was written on the wire
      default: return out_.make(NodeKind::Null);  // null, and what JSON text cannot hold (discarded, binary)
    }
  }

 private:
  const NodeData* scalar(std::string_view text, bool plain) {
    NodeData* n = out_.make(NodeKind::Scalar);
    n->plain = plain;
    n->scalar = out_.keep(text);
    return n;
  }

  const NodeData* collection(const nlohmann::json& v, size_t depth) {
    if (depth >= limits_.maxDepth)
      throw Error("collections nested deeper than " + std::to_string(limits_.maxDepth) + " levels", 0, 0, 1, true);
    NodeData* n = out_.make(v.is_object() ? NodeKind::Map : NodeKind::Sequence);
    std::vector<const NodeData*> children;
    children.reserve(v.is_object() ? 2 * v.size() : v.size());
    if (v.is_object()) {
      for (const auto& [key, value] : v.items()) {
        children.push_back(scalar(key, false));
        children.push_back(build(value, depth + 1));
      }
    } else {
      for (const auto& item : v) children.push_back(build(item, depth + 1));
    }
    out_.adopt(n, children.data(), children.size());
    return n;
  }

  Documents& out_;
  const Limits& limits_;
  size_t nodes_ = 0;
};

}  // namespace

Documents fromJson(const nlohmann::json& value, const Limits& limits) {
  Documents out;
  out.documents.emplace_back(JsonBuilder(out, limits).build(value, 0));
  return out;
}

}  // namespace yaml
