#include "registry.hpp"

#include <algorithm>
#include <cctype>

#include "util.hpp"

namespace kubeapi {

bool ResourceType::serves(const std::string& v) const {
  return std::find(versions.begin(), versions.end(), v) != versions.end();
}

const json* ResourceType::schema(const std::string& version) const {
  auto it = schemas.find(version);
  return it == schemas.end() ? nullptr : &it->second;
}

namespace {
ResourceType builtin(std::string group, std::string version, std::string plural, std::string singular,
                     std::string kind, bool namespaced, std::vector<std::string> shortNames = {}) {
  ResourceType rt;
  rt.group = std::move(group);
  rt.versions = {version};
  rt.storageVersion = version;
  rt.plural = std::move(plural);
  rt.singular = std::move(singular);
  rt.kind = std::move(kind);
  rt.listKind = rt.kind + "List";
  rt.namespaced = namespaced;
  rt.shortNames = std::move(shortNames);
  rt.allowUnconditionalUpdate = true;
  return rt;
}
}  // namespace

Registry::Registry() {
  auto ns = builtin("", "v1", "namespaces", "namespace", "Namespace", false, {"ns"});
  ns.statusSubresource = true;
  types_.push_back(ns);
  types_.push_back(builtin("", "v1", "secrets", "secret", "Secret", true));
  types_.push_back(builtin("", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}));
  types_.push_back(builtin("", "v1", "events", "event", "Event", true, {"ev"}));
  auto lease = builtin("coordination.k8s.io", "v1", "leases", "lease", "Lease", true);
  types_.push_back(lease);
  auto ev = builtin("events.k8s.io", "v1", "events", "event", "Event", true, {"ev"});
  ev.storageGroup = "";
  types_.push_back(ev);
  auto crd = builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                     "CustomResourceDefinition", false, {"crd", "crds"});
  crd.statusSubresource = true;
  crd.hasGeneration = true;
  crd.categories = {"api-extensions"};
  crd.allowUnconditionalUpdate = false;
  types_.push_back(crd);
}

const ResourceType* Registry::find(const std::string& group, const std::string& version,
                                   const std::string& plural) const {
  for (const auto& t : types_)
    if (t.group == group && t.plural == plural && t.serves(version)) return &t;
  return nullptr;
}

const ResourceType* Registry::findKind(const std::string& group, const std::string& kind) const {
  for (const auto& t : types_)
    if (t.group == group && t.kind == kind) return &t;
  return nullptr;
}

std::vector<const ResourceType*> Registry::all() const {
  std::vector<const ResourceType*> out;
  for (const auto& t : types_) out.push_back(&t);
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& t : types_) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == t.group; });
    if (it == out.end()) {
      out.push_back({t.group, t.versions});
    } else {
      for (const auto& v : t.versions)
        if (std::find(it->second.begin(), it->second.end(), v) == it->second.end()) it->second.push_back(v);
    }
  }
  return out;
}

namespace {
std::vector<std::string> strings(const json& a) {
  std::vector<std::string> out;
  if (a.is_array())
    for (const auto& s : a)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// Kubernetes orders versions: GA > beta > alpha, higher numbers first (version.CompareKubeAwareVersionStrings).
int versionRank(const std::string& v, int& major, int& minor) {
  major = 0;
  minor = 0;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return 0;
  size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) major = major * 10 + (v[i++] - '0');
  std::string rest = v.substr(i);
  auto num = [&](size_t from) {
    int n = 0;
    for (size_t k = from; k < rest.size() && std::isdigit(static_cast<unsigned char>(rest[k])); ++k)
      n = n * 10 + (rest[k] - '0');
    return n;
  };
  if (rest.empty()) return 3;
  if (rest.rfind("beta", 0) == 0) { minor = num(4); return 2; }
  if (rest.rfind("alpha", 0) == 0) { minor = num(5); return 1; }
  return 0;
}

bool versionBefore(const std::string& a, const std::string& b) {
  int am, an, bm, bn;
  int ar = versionRank(a, am, an), br = versionRank(b, bm, bn);
  if (ar != br) return ar > br;
  if (am != bm) return am > bm;
  if (an != bn) return an > bn;
  return a < b;
}
}  // namespace

std::optional<std::string> Registry::applyCrd(const json& crd) {
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  ResourceType rt;
  rt.custom = true;
  rt.hasGeneration = true;
  rt.group = spec.value("group", "");
  rt.plural = names.value("plural", "");
  rt.kind = names.value("kind", "");
  rt.singular = names.value("singular", toLower(names.value("kind", "")));
  rt.listKind = names.value("listKind", rt.kind + "List");
  rt.shortNames = strings(names.value("shortNames", json::array()));
  rt.categories = strings(names.value("categories", json::array()));
  rt.namespaced = spec.value("scope", "Namespaced") != "Cluster";
  rt.crdName = crd["metadata"].value("name", "");
  for (const auto& v : spec.value("versions", json::array())) {
    std::string name = v.value("name", "");
    if (v.value("storage", false)) rt.storageVersion = name;
    if (!v.value("served", true)) continue;
    rt.versions.push_back(name);
    if (v.contains("schema") && v["schema"].contains("openAPIV3Schema"))
      rt.schemas[name] = v["schema"]["openAPIV3Schema"];
    if (v.contains("subresources") && v["subresources"].contains("status")) rt.statusSubresource = true;
    std::vector<PrinterColumn> cols;
    for (const auto& c : v.value("additionalPrinterColumns", json::array())) {
      PrinterColumn pc;
      pc.name = c.value("name", "");
      pc.type = c.value("type", "string");
      pc.format = c.value("format", "");
      pc.description = c.value("description", "");
      pc.jsonPath = c.value("jsonPath", "");
      pc.priority = c.value("priority", 0);
      cols.push_back(pc);
    }
    rt.columns[name] = cols;
  }
  std::sort(rt.versions.begin(), rt.versions.end(), versionBefore);
  if (rt.group.empty() || rt.plural.empty() || rt.kind.empty()) return "spec.group, spec.names.plural and spec.names.kind are required";
  if (rt.crdName != rt.plural + "." + rt.group) return "metadata.name: Invalid value: \"" + rt.crdName + "\": must be spec.names.plural+\".\"+spec.group";
  if (rt.versions.empty()) return "spec.versions: Invalid value: must have at least one served version";
  if (rt.storageVersion.empty()) return "spec.versions: Invalid value: must have exactly one version marked as storage version";
  for (const auto& t : types_)
    if (t.crdName != rt.crdName && t.group == rt.group && (t.plural == rt.plural || t.kind == rt.kind))
      return "spec.names: names conflict with " + (t.plural + "." + t.group);
  removeCrd(rt.crdName);
  types_.push_back(rt);
  return std::nullopt;
}

void Registry::removeCrd(const std::string& crdName) {
  types_.erase(std::remove_if(types_.begin(), types_.end(),
                              [&](const ResourceType& t) { return t.custom && t.crdName == crdName; }),
               types_.end());
}

}  // namespace kubeapi
