#include "table.hpp"

#include <ctime>

#include "util.hpp"

namespace kubeapi::table {

namespace {
struct Col {
  std::string name, type, format, description;
  int priority;
};

std::vector<Col> cols(const ResourceType& rt, const std::string& version) {
  const Col name{"Name", "string", "name", "Name must be unique within a namespace.", 0};
  const Col age{"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0};
  if (rt.custom) {
    std::vector<Col> out{name};
    auto it = rt.columns.find(version);
    if (it == rt.columns.end() || it->second.empty()) {
      out.push_back({"Age", "date", "", age.description, 0});
      return out;
    }
    for (const auto& c : it->second) out.push_back({c.name, c.type, c.format, c.description, c.priority});
    return out;
  }
  if (rt.plural == "namespaces") return {name, {"Status", "string", "", "The status of the namespace", 0}, age};
  if (rt.plural == "secrets")
    return {name, {"Type", "string", "", "The type of the secret", 0}, {"Data", "string", "", "The number of entries in the secret data", 0}, age};
  if (rt.plural == "configmaps") return {name, {"Data", "string", "", "The number of entries in the config map", 0}, age};
  if (rt.plural == "leases") return {name, {"Holder", "string", "", "The holder of the lease", 0}, age};
  if (rt.plural == "customresourcedefinitions") return {name, {"Created At", "date", "", age.description, 0}};
  if (rt.plural == "events")
    return {{"Last Seen", "string", "", "Time when last event of this kind was seen", 0},
            {"Type", "string", "", "Type of this event (Normal, Warning)", 0},
            {"Reason", "string", "", "Short, machine understandable string", 0},
            {"Object", "string", "", "The object that this event is about", 0},
            {"Subobject", "string", "", "The subobject that this event is about", 1},
            {"Source", "string", "", "The component reporting this event", 1},
            {"Message", "string", "", "A human-readable description of the status of this operation", 0},
            {"First Seen", "string", "", "The first time this event was seen", 1},
            {"Count", "string", "", "The number of times this event has occurred", 1},
            {"Name", "string", "name", name.description, 1}};
  return {name, age};
}

std::string ageOf(const std::string& ts) {
  long long t = parseRfc3339(ts);
  if (t < 0) return "<unknown>";
  return humanAge(static_cast<long long>(std::time(nullptr)) - t);
}

std::string meta(const json& o, const char* k) {
  return o.contains("metadata") && o["metadata"].contains(k) && o["metadata"][k].is_string() ? o["metadata"][k].get<std::string>() : "";
}

std::string str(const json& o, const char* path) {
  json v = jsonPathGet(o, path);
  return jsonPathText(v);
}

json eventRow(const ResourceType& rt, const json& o) {
  bool v1 = rt.group == "events.k8s.io";
  json inv = v1 ? o.value("regarding", json::object()) : o.value("involvedObject", json::object());
  std::string kind = toLower(inv.value("kind", ""));
  std::string objectCell = kind + "/" + inv.value("name", "");
  std::string last = v1 ? o.value("deprecatedLastTimestamp", "") : o.value("lastTimestamp", "");
  if (last.empty()) last = o.value("eventTime", "");
  std::string first = v1 ? o.value("deprecatedFirstTimestamp", "") : o.value("firstTimestamp", "");
  if (first.empty()) first = o.value("eventTime", "");
  json count = v1 ? o.value("deprecatedCount", json(1)) : o.value("count", json(1));
  std::string source = v1 ? o.value("reportingController", "") : (o.contains("source") ? o["source"].value("component", "") : "");
  return json::array({last.empty() ? "<unknown>" : ageOf(last), o.value("type", ""), o.value("reason", ""), objectCell,
                      inv.value("fieldPath", ""), source, v1 ? o.value("note", "") : o.value("message", ""),
                      first.empty() ? "<unknown>" : ageOf(first), count.is_number() ? count.dump() : "1", meta(o, "name")});
}

json cells(const ResourceType& rt, const std::string& version, const json& o) {
  std::string created = meta(o, "creationTimestamp");
  if (rt.custom) {
    json out = json::array({meta(o, "name")});
    auto it = rt.columns.find(version);
    if (it == rt.columns.end() || it->second.empty()) {
      out.push_back(ageOf(created));
      return out;
    }
    for (const auto& c : it->second) {
      json v = jsonPathGet(o, c.jsonPath);
      if (v.is_null()) out.push_back(nullptr);
      else if (c.type == "date") out.push_back(v.is_string() ? ageOf(v.get<std::string>()) : "<invalid>");
      else if (c.type == "integer" || c.type == "number" || c.type == "boolean") out.push_back(v);
      else out.push_back(jsonPathText(v));
    }
    return out;
  }
  if (rt.plural == "namespaces") return {meta(o, "name"), str(o, ".status.phase"), ageOf(created)};
  if (rt.plural == "secrets")
    return {meta(o, "name"), o.value("type", "Opaque"), o.contains("data") ? o["data"].size() : 0, ageOf(created)};
  if (rt.plural == "configmaps")
    return {meta(o, "name"), (o.contains("data") ? o["data"].size() : 0) + (o.contains("binaryData") ? o["binaryData"].size() : 0), ageOf(created)};
  if (rt.plural == "leases") return {meta(o, "name"), str(o, ".spec.holderIdentity"), ageOf(created)};
  if (rt.plural == "customresourcedefinitions") return {meta(o, "name"), created};
  if (rt.plural == "events") return eventRow(rt, o);
  return {meta(o, "name"), ageOf(created)};
}
}  // namespace

bool wanted(const HttpRequest& req) { return req.header("accept").find("as=Table") != std::string::npos; }

json columnDefinitions(const ResourceType& rt, const std::string& version) {
  json out = json::array();
  for (const auto& c : cols(rt, version))
    out.push_back({{"name", c.name}, {"type", c.type}, {"format", c.format}, {"description", c.description}, {"priority", c.priority}});
  return out;
}

json row(const ResourceType& rt, const std::string& version, const json& object, const std::string& includeObject) {
  json r = {{"cells", cells(rt, version, object)}};
  if (includeObject == "None") return r;
  if (includeObject == "Object") {
    r["object"] = object;
  } else {
    json m = object.value("metadata", json::object());
    m.erase("managedFields");
    r["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", m}};
  }
  return r;
}

json build(const ResourceType& rt, const std::string& version, const std::vector<json>& objects,
           const std::string& includeObject, const json& listMeta, bool withColumns) {
  json t = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", listMeta},
            {"columnDefinitions", withColumns ? columnDefinitions(rt, version) : json(nullptr)}, {"rows", json::array()}};
  for (const auto& o : objects) t["rows"].push_back(row(rt, version, o, includeObject));
  return t;
}

}  // namespace kubeapi::table
