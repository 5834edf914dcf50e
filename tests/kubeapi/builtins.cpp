#include "builtins.hpp"

#include "crd_schema.hpp"
#include "util.hpp"

namespace kubeapi::builtins {

std::vector<json> initialNamespaces() {
  std::vector<json> out;
  for (const char* n : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"},
               {"metadata", {{"name", n}, {"labels", {{"kubernetes.io/metadata.name", n}}}}},
               {"spec", {{"finalizers", {"kubernetes"}}}}, {"status", {{"phase", "Active"}}}};
    out.push_back(ns);
  }
  return out;
}

namespace {
void prepareSecret(const ResourceType& rt, json& obj, const json& old) {
  if (obj.contains("stringData") && obj["stringData"].is_object()) {
    if (!obj.contains("data") || !obj["data"].is_object()) obj["data"] = json::object();
    for (const auto& [k, v] : obj["stringData"].items())
      obj["data"][k] = base64Encode(v.is_string() ? v.get<std::string>() : v.dump());
  }
  obj.erase("stringData");
  if (obj.contains("data") && obj["data"].is_null()) obj.erase("data");
  if (obj.contains("data")) {
    if (!obj["data"].is_object()) throw badRequest("Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal into Go struct field Secret.data");
    std::string decoded;
    for (const auto& [k, v] : obj["data"].items())
      if (!v.is_string() || !base64Decode(v.get<std::string>(), decoded))
        throw badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
  }
  if (!obj.contains("type") || obj["type"] == "") obj["type"] = "Opaque";
  const std::string name = obj["metadata"].value("name", "");
  if (!old.is_null()) {
    if (old.value("type", "Opaque") != obj["type"])
      throw invalid(rt, name, {{"FieldValueInvalid", "type", "Invalid value: " + obj["type"].dump() + ": field is immutable"}});
    if (old.value("immutable", false)) {
      if (old.value("data", json::object()) != obj.value("data", json::object()))
        throw invalid(rt, name, {{"FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"}});
      if (!obj.value("immutable", false))
        throw invalid(rt, name, {{"FieldValueForbidden", "immutable", "Forbidden: field is immutable when `immutable` is set"}});
    }
  }
}

void prepareConfigMap(const ResourceType& rt, json& obj, const json& old) {
  const std::string name = obj["metadata"].value("name", "");
  if (!old.is_null() && old.value("immutable", false) &&
      (old.value("data", json::object()) != obj.value("data", json::object()) ||
       old.value("binaryData", json::object()) != obj.value("binaryData", json::object())))
    throw invalid(rt, name, {{"FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"}});
}

void prepareNamespace(json& obj, const json& old) {
  const std::string name = obj["metadata"].value("name", "");
  obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
  if (!obj.contains("spec") || !obj["spec"].is_object()) obj["spec"] = json::object();
  if (!obj["spec"].contains("finalizers")) obj["spec"]["finalizers"] = {"kubernetes"};
  if (old.is_null() || !obj.contains("status")) obj["status"] = {{"phase", "Active"}};
}

const std::vector<std::pair<std::string, std::string>> kEventFields = {
    {"regarding", "involvedObject"},        {"related", "related"},
    {"note", "message"},                    {"reportingController", "reportingComponent"},
    {"reportingInstance", "reportingInstance"}, {"action", "action"},
    {"reason", "reason"},                   {"type", "type"},
    {"eventTime", "eventTime"},             {"series", "series"},
    {"deprecatedSource", "source"},         {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"}, {"deprecatedCount", "count"}};
}  // namespace

json eventToCore(const json& ev) {
  json out = {{"apiVersion", "v1"}, {"kind", "Event"}, {"metadata", ev.value("metadata", json::object())}};
  for (const auto& [v1, core] : kEventFields)
    if (ev.contains(v1)) out[core] = ev[v1];
  if (!out.contains("source") && ev.contains("reportingController")) out["source"] = {{"component", ev["reportingController"]}};
  return out;
}

json eventFromCore(const json& core) {
  json out = {{"apiVersion", "events.k8s.io/v1"}, {"kind", "Event"}, {"metadata", core.value("metadata", json::object())}};
  for (const auto& [v1, c] : kEventFields)
    if (core.contains(c)) out[v1] = core[c];
  if (!out.contains("eventTime")) out["eventTime"] = nullptr;
  return out;
}

void validateEventsV1(const ResourceType& rt, const json& ev) {
  std::vector<FieldError> errs;
  const std::string name = ev.contains("metadata") ? ev["metadata"].value("name", "") : "";
  for (const char* f : {"eventTime", "reportingController", "reportingInstance", "action", "reason"})
    if (!ev.contains(f) || ev[f].is_null() || ev[f] == "") errs.push_back({"FieldValueRequired", f, "Required value"});
  std::string type = ev.value("type", "");
  if (type != "Normal" && type != "Warning")
    errs.push_back({"FieldValueInvalid", "type", "Invalid value: \"" + type + "\": has invalid value: " + type});
  if (ev.value("note", "").size() > 1024) errs.push_back({"FieldValueTooLong", "note", "Too long: may not be more than 1024 bytes"});
  if (!errs.empty()) throw invalid(rt, name, errs);
}

void prepare(const ResourceType& rt, json& obj, const json& old) {
  if (rt.group.empty() && rt.plural == "secrets") prepareSecret(rt, obj, old);
  else if (rt.group.empty() && rt.plural == "configmaps") prepareConfigMap(rt, obj, old);
  else if (rt.group.empty() && rt.plural == "namespaces") prepareNamespace(obj, old);
}

std::vector<FieldError> validateCrd(const json& crd) {
  std::vector<FieldError> errs;
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  std::string group = spec.value("group", ""), plural = names.value("plural", "");
  if (group.empty()) errs.push_back({"FieldValueRequired", "spec.group", "Required value"});
  if (plural.empty()) errs.push_back({"FieldValueRequired", "spec.names.plural", "Required value"});
  if (names.value("kind", "").empty()) errs.push_back({"FieldValueRequired", "spec.names.kind", "Required value"});
  std::string scope = spec.value("scope", "");
  if (scope != "Namespaced" && scope != "Cluster")
    errs.push_back({"FieldValueNotSupported", "spec.scope", "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\""});
  std::string name = crd.contains("metadata") ? crd["metadata"].value("name", "") : "";
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    errs.push_back({"FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group"});
  const json versions = spec.value("versions", json::array());
  if (!versions.is_array() || versions.empty())
    errs.push_back({"FieldValueInvalid", "spec.versions", "Invalid value: null: must have exactly one version marked as storage version"});
  int storage = 0;
  for (size_t i = 0; versions.is_array() && i < versions.size(); ++i) {
    const json& v = versions[i];
    storage += v.value("storage", false) ? 1 : 0;
    std::string p = "spec.versions[" + std::to_string(i) + "].schema.openAPIV3Schema";
    if (!v.contains("schema") || !v["schema"].contains("openAPIV3Schema")) {
      errs.push_back({"FieldValueRequired", p, "Required value: schemas are required"});
      continue;
    }
    for (auto& e : schema::checkStructural(v["schema"]["openAPIV3Schema"], p)) errs.push_back(e);
  }
  if (versions.is_array() && !versions.empty() && storage != 1)
    errs.push_back({"FieldValueInvalid", "spec.versions", "Invalid value: must have exactly one version marked as storage version"});
  return errs;
}

void setCrdStatus(json& crd) {
  const json spec = crd.value("spec", json::object());
  json names = spec.value("names", json::object());
  if (!names.contains("singular")) names["singular"] = toLower(names.value("kind", ""));
  if (!names.contains("listKind")) names["listKind"] = names.value("kind", "") + "List";
  json stored = json::array();
  for (const auto& v : spec.value("versions", json::array()))
    if (v.value("storage", false)) stored.push_back(v.value("name", ""));
  json prevStored = crd.contains("status") ? crd["status"].value("storedVersions", json::array()) : json::array();
  for (const auto& s : prevStored)
    if (std::find(stored.begin(), stored.end(), s) == stored.end()) stored.push_back(s);
  std::string now = nowRfc3339();
  crd["status"] = {{"acceptedNames", names},
                   {"storedVersions", stored},
                   {"conditions",
                    {{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"},
                      {"message", "no conflicts found"}, {"lastTransitionTime", now}},
                     {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"},
                      {"message", "the initial names have been accepted"}, {"lastTransitionTime", now}}}}};
}

}  // namespace kubeapi::builtins
