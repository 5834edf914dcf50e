#pragma once
// Label selectors (equality and set-based) and field selectors (§5.5).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kubeapi {
using json = nlohmann::json;

struct LabelRequirement {
  std::string key, op;  // = != in notin exists !exists
  std::vector<std::string> values;
};
struct FieldRequirement {
  std::string field, value;
  bool negate = false;
};

// Throw ApiError 400 on malformed input.
std::vector<LabelRequirement> parseLabelSelector(const std::string& s);
std::vector<FieldRequirement> parseFieldSelector(const std::string& s);

bool labelsMatch(const std::vector<LabelRequirement>& sel, const json& object);
bool fieldsMatch(const std::vector<FieldRequirement>& sel, const json& object);

}  // namespace kubeapi
