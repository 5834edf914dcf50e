#include "selectors.hpp"

#include "status.hpp"
#include "util.hpp"

namespace kubeapi {

namespace {
// Splits on commas that are not inside parentheses.
std::vector<std::string> terms(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

std::vector<std::string> setValues(const std::string& s, const std::string& whole) {
  auto open = s.find('('), close = s.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open)
    throw badRequest("unable to parse requirement: found '" + whole + "', expected: '('");
  std::vector<std::string> out;
  for (auto& v : split(s.substr(open + 1, close - open - 1), ',')) out.push_back(trim(v));
  return out;
}
}  // namespace

std::vector<LabelRequirement> parseLabelSelector(const std::string& s) {
  std::vector<LabelRequirement> out;
  for (const auto& t : terms(s)) {
    LabelRequirement r;
    size_t p;
    if (t.empty()) continue;
    if (t[0] == '!') {
      r.key = trim(t.substr(1));
      r.op = "!exists";
    } else if ((p = t.find("!=")) != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = "!=";
      r.values = {trim(t.substr(p + 2))};
    } else if ((p = t.find("==")) != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = "=";
      r.values = {trim(t.substr(p + 2))};
    } else if ((p = t.find('=')) != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = "=";
      r.values = {trim(t.substr(p + 1))};
    } else if ((p = t.find(" notin ")) != std::string::npos || (p = t.find(" notin(")) != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = "notin";
      r.values = setValues(t.substr(p), t);
    } else if ((p = t.find(" in ")) != std::string::npos || (p = t.find(" in(")) != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = "in";
      r.values = setValues(t.substr(p), t);
    } else {
      r.key = trim(t);
      r.op = "exists";
    }
    if (r.key.empty() || r.key.find(' ') != std::string::npos)
      throw badRequest("unable to parse requirement: invalid label key \"" + r.key + "\"");
    out.push_back(r);
  }
  return out;
}

std::vector<FieldRequirement> parseFieldSelector(const std::string& s) {
  std::vector<FieldRequirement> out;
  for (const auto& t : terms(s)) {
    FieldRequirement r;
    size_t p;
    if ((p = t.find("!=")) != std::string::npos) {
      r.field = trim(t.substr(0, p));
      r.value = trim(t.substr(p + 2));
      r.negate = true;
    } else if ((p = t.find("==")) != std::string::npos) {
      r.field = trim(t.substr(0, p));
      r.value = trim(t.substr(p + 2));
    } else if ((p = t.find('=')) != std::string::npos) {
      r.field = trim(t.substr(0, p));
      r.value = trim(t.substr(p + 1));
    } else {
      throw badRequest("invalid selector: '" + s + "'; can't understand '" + t + "'");
    }
    out.push_back(r);
  }
  return out;
}

bool labelsMatch(const std::vector<LabelRequirement>& sel, const json& object) {
  json labels = json::object();
  if (object.contains("metadata") && object["metadata"].contains("labels") && object["metadata"]["labels"].is_object())
    labels = object["metadata"]["labels"];
  for (const auto& r : sel) {
    bool has = labels.contains(r.key);
    std::string v = has && labels[r.key].is_string() ? labels[r.key].get<std::string>() : "";
    bool in = std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    if (r.op == "exists" && !has) return false;
    if (r.op == "!exists" && has) return false;
    if (r.op == "=" && (!has || !in)) return false;
    if (r.op == "!=" && has && in) return false;
    if (r.op == "in" && (!has || !in)) return false;
    if (r.op == "notin" && has && in) return false;
  }
  return true;
}

bool fieldsMatch(const std::vector<FieldRequirement>& sel, const json& object) {
  for (const auto& r : sel) {
    json v = jsonPathGet(object, "." + r.field);
    std::string text = v.is_null() ? "" : jsonPathText(v);
    if ((text == r.value) == r.negate) return false;
  }
  return true;
}

}  // namespace kubeapi
