#include "crd_schema.hpp"

#include <regex>
#include <set>

namespace kubeapi::schema {

namespace {
const std::set<std::string> kRootKeep = {"apiVersion", "kind", "metadata"};

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void defaults(json& v, const json& s) {
  if (!s.is_object()) return;
  if (v.is_object()) {
    if (s.contains("properties")) {
      for (auto& [k, ps] : s["properties"].items()) {
        bool nullable = ps.value("nullable", false);
        if (v.contains(k) && v[k].is_null() && !nullable) {
          if (ps.contains("default")) v[k] = ps["default"];
          else v.erase(k);
        } else if (!v.contains(k) && ps.contains("default")) {
          v[k] = ps["default"];
        }
        if (v.contains(k)) defaults(v[k], ps);
      }
    }
    if (s.contains("additionalProperties") && s["additionalProperties"].is_object())
      for (auto& [k, val] : v.items()) defaults(val, s["additionalProperties"]);
  } else if (v.is_array() && s.contains("items")) {
    for (auto& el : v) defaults(el, s["items"]);
  }
}

void pruneNode(json& v, const json& s, const std::string& path, std::vector<std::string>& unknown, bool root) {
  if (!s.is_object()) return;
  bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
  bool embedded = s.value("x-kubernetes-embedded-resource", false);
  if (v.is_object()) {
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* addl = s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    std::vector<std::string> drop;
    for (auto& [k, val] : v.items()) {
      if ((root || embedded) && kRootKeep.count(k)) continue;
      if (props && props->contains(k)) {
        pruneNode(val, (*props)[k], join(path, k), unknown, false);
      } else if (addl && addl->is_object()) {
        pruneNode(val, *addl, join(path, k), unknown, false);
      } else if (addl && addl->is_boolean() && addl->get<bool>()) {
        // any value allowed
      } else if (!preserve) {
        drop.push_back(k);
      }
    }
    for (const auto& k : drop) {
      unknown.push_back(join(path, k));
      v.erase(k);
    }
  } else if (v.is_array() && s.contains("items")) {
    for (size_t i = 0; i < v.size(); ++i) pruneNode(v[i], s["items"], idx(path, i), unknown, false);
  }
}

std::string show(const json& v) { return v.dump(); }

std::string typeOf(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool typeMatches(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<long long>(v.get<double>()));
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  return true;
}

void check(const json& v, const json& s, const std::string& path, std::vector<FieldError>& errs) {
  if (!s.is_object()) return;
  const std::string shown = path.empty() ? "body" : path;
  if (v.is_null()) {
    if (!s.value("nullable", false) && s.contains("type"))
      errs.push_back({"FieldValueTypeInvalid", path,
                      "Invalid value: \"null\": " + shown + " in body must be of type " + s["type"].get<std::string>() + ": \"null\""});
    return;
  }
  if (s.value("x-kubernetes-int-or-string", false)) {
    if (!v.is_number_integer() && !v.is_string())
      errs.push_back({"FieldValueTypeInvalid", path, "Invalid value: \"" + typeOf(v) + "\": " + shown + " in body must be of type integer or string: \"" + typeOf(v) + "\""});
  } else if (s.contains("type") && s["type"].is_string()) {
    std::string t = s["type"];
    if (!typeMatches(v, t)) {
      errs.push_back({"FieldValueTypeInvalid", path,
                      "Invalid value: \"" + typeOf(v) + "\": " + shown + " in body must be of type " + t + ": \"" + typeOf(v) + "\""});
      return;
    }
  }
  if (s.contains("enum") && s["enum"].is_array()) {
    bool ok = false;
    for (const auto& e : s["enum"]) ok = ok || e == v;
    if (!ok) {
      std::string list;
      for (const auto& e : s["enum"]) list += (list.empty() ? "" : ", ") + show(e);
      errs.push_back({"FieldValueNotSupported", path, "Unsupported value: " + show(v) + ": supported values: " + list});
    }
  }
  if (v.is_string()) {
    const std::string str = v.get<std::string>();
    if (s.contains("maxLength") && str.size() > s["maxLength"].get<size_t>())
      errs.push_back({"FieldValueTooLong", path, "Too long: may not be more than " + std::to_string(s["maxLength"].get<size_t>()) + " bytes"});
    if (s.contains("minLength") && str.size() < s["minLength"].get<size_t>())
      errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body should be at least " + std::to_string(s["minLength"].get<size_t>()) + " chars long"});
    if (s.contains("pattern")) {
      try {
        std::regex re(s["pattern"].get<std::string>(), std::regex::ECMAScript);
        if (!std::regex_search(str, re))
          errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body should match '" + s["pattern"].get<std::string>() + "'"});
      } catch (const std::regex_error&) {
      }
    }
  }
  if (v.is_number()) {
    double d = v.get<double>();
    if (s.contains("minimum")) {
      double m = s["minimum"].get<double>();
      bool excl = s.value("exclusiveMinimum", false);
      if (excl ? d <= m : d < m)
        errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body should be greater than " + (excl ? "" : "or equal to ") + show(s["minimum"])});
    }
    if (s.contains("maximum")) {
      double m = s["maximum"].get<double>();
      bool excl = s.value("exclusiveMaximum", false);
      if (excl ? d >= m : d > m)
        errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body should be less than " + (excl ? "" : "or equal to ") + show(s["maximum"])});
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
      errs.push_back({"FieldValueInvalid", path, "Invalid value: " + std::to_string(v.size()) + ": " + shown + " in body should have at least " + std::to_string(s["minItems"].get<size_t>()) + " items"});
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>())
      errs.push_back({"FieldValueTooMany", path, "Too many: " + std::to_string(v.size()) + ": must have at most " + std::to_string(s["maxItems"].get<size_t>()) + " items"});
    std::string listType = s.value("x-kubernetes-list-type", "");
    if (s.value("uniqueItems", false) || listType == "set") {
      for (size_t i = 0; i < v.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (v[i] == v[j]) {
            errs.push_back({"FieldValueDuplicate", idx(path, i), "Duplicate value: " + show(v[i])});
            break;
          }
    }
    if (listType == "map" && s.contains("x-kubernetes-list-map-keys")) {
      std::vector<json> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        json key = json::object();
        for (const auto& k : s["x-kubernetes-list-map-keys"])
          if (v[i].is_object() && v[i].contains(k.get<std::string>())) key[k.get<std::string>()] = v[i][k.get<std::string>()];
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
          errs.push_back({"FieldValueDuplicate", idx(path, i), "Duplicate value: " + key.dump()});
        seen.push_back(key);
      }
    }
    if (s.contains("items"))
      for (size_t i = 0; i < v.size(); ++i) check(v[i], s["items"], idx(path, i), errs);
  }
  if (v.is_object()) {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (r.is_string() && !v.contains(r.get<std::string>()))
          errs.push_back({"FieldValueRequired", join(path, r.get<std::string>()), "Required value"});
    if (s.contains("maxProperties") && v.size() > s["maxProperties"].get<size_t>())
      errs.push_back({"FieldValueTooMany", path, "Too many: " + std::to_string(v.size()) + ": must have at most " + std::to_string(s["maxProperties"].get<size_t>()) + " items"});
    if (s.contains("minProperties") && v.size() < s["minProperties"].get<size_t>())
      errs.push_back({"FieldValueInvalid", path, "Invalid value: " + std::to_string(v.size()) + ": " + shown + " in body should have at least " + std::to_string(s["minProperties"].get<size_t>()) + " properties"});
    for (const auto& [k, val] : v.items()) {
      if (path.empty() && kRootKeep.count(k)) continue;
      if (s.contains("properties") && s["properties"].contains(k)) check(val, s["properties"][k], join(path, k), errs);
      else if (s.contains("additionalProperties") && s["additionalProperties"].is_object())
        check(val, s["additionalProperties"], join(path, k), errs);
    }
  }
  auto sub = [&](const json& schema) {
    std::vector<FieldError> e;
    check(v, schema, path, e);
    return e;
  };
  if (s.contains("allOf"))
    for (const auto& a : s["allOf"])
      for (auto& e : sub(a)) errs.push_back(e);
  if (s.contains("anyOf")) {
    bool any = false;
    for (const auto& a : s["anyOf"]) any = any || sub(a).empty();
    if (!any) errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body must match at least one schema (anyOf)"});
  }
  if (s.contains("oneOf")) {
    int n = 0;
    for (const auto& a : s["oneOf"]) n += sub(a).empty();
    if (n != 1) errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body must validate one and only one schema (oneOf)"});
  }
  if (s.contains("not") && sub(s["not"]).empty())
    errs.push_back({"FieldValueInvalid", path, "Invalid value: " + show(v) + ": " + shown + " in body should not validate the schema (not)"});
}
}  // namespace

void applyDefaults(json& object, const json& schema) {
  if (!object.is_object() || !schema.is_object() || !schema.contains("properties")) return;
  for (auto& [k, ps] : schema["properties"].items()) {
    if (kRootKeep.count(k)) continue;
    if (!object.contains(k) && ps.contains("default")) object[k] = ps["default"];
    if (object.contains(k)) defaults(object[k], ps);
  }
}

std::vector<std::string> prune(json& object, const json& schema) {
  std::vector<std::string> unknown;
  pruneNode(object, schema, "", unknown, true);
  return unknown;
}

std::vector<FieldError> validate(const json& object, const json& schema) {
  std::vector<FieldError> errs;
  check(object, schema, "", errs);
  return errs;
}

std::vector<FieldError> checkStructural(const json& s, const std::string& path) {
  std::vector<FieldError> errs;
  if (!s.is_object()) return errs;
  bool loose = s.value("x-kubernetes-preserve-unknown-fields", false) || s.value("x-kubernetes-int-or-string", false);
  bool combinator = path.find(".allOf") != std::string::npos || path.find(".anyOf") != std::string::npos ||
                    path.find(".oneOf") != std::string::npos || path.find(".not") != std::string::npos;
  if (!s.contains("type") && !loose && !combinator)
    errs.push_back({"FieldValueRequired", path + ".type", "Required value: must not be empty for specified object fields"});
  if (s.contains("properties") && s.contains("additionalProperties"))
    errs.push_back({"FieldValueForbidden", path + ".additionalProperties", "Forbidden: additionalProperties and properties are mutual exclusive"});
  if (s.contains("properties"))
    for (const auto& [k, ps] : s["properties"].items()) {
      auto sub = checkStructural(ps, path + ".properties[" + k + "]");
      errs.insert(errs.end(), sub.begin(), sub.end());
    }
  if (s.contains("items") && s["items"].is_object()) {
    auto sub = checkStructural(s["items"], path + ".items");
    errs.insert(errs.end(), sub.begin(), sub.end());
  }
  if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
    auto sub = checkStructural(s["additionalProperties"], path + ".additionalProperties");
    errs.insert(errs.end(), sub.begin(), sub.end());
  }
  return errs;
}

}  // namespace kubeapi::schema
