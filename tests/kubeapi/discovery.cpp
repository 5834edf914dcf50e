#include "discovery.hpp"

namespace kubeapi::discovery {

namespace {
const json kVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

json gvJson(const std::string& g, const std::string& v) {
  return {{"groupVersion", g.empty() ? v : g + "/" + v}, {"version", v}};
}

json aggregatedResource(const ResourceType& rt, const std::string& version) {
  json r = {{"resource", rt.plural},
            {"responseKind", {{"group", rt.group}, {"version", version}, {"kind", rt.kind}}},
            {"scope", rt.namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", rt.singular},
            {"verbs", kVerbs}};
  if (!rt.shortNames.empty()) r["shortNames"] = rt.shortNames;
  if (!rt.categories.empty()) r["categories"] = rt.categories;
  if (rt.statusSubresource)
    r["subresources"] = json::array({{{"subresource", "status"},
                                      {"responseKind", {{"group", rt.group}, {"version", version}, {"kind", rt.kind}}},
                                      {"verbs", {"get", "patch", "update"}}}});
  return r;
}
}  // namespace

json version() {
  return {{"major", "1"},           {"minor", "32"},
          {"gitVersion", "v1.32.0"}, {"gitCommit", "70d3cc986aa8221cd1dfb1121852688902d3bf53"},
          {"gitTreeState", "clean"}, {"buildDate", "2024-12-11T17:59:15Z"},
          {"goVersion", "go1.23.3"}, {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

HttpResponse root(const Registry& reg, bool core, const HttpRequest& req, const std::string& serverAddress) {
  HttpResponse res;
  std::string accept = req.header("accept");
  std::string aggVersion;
  if (accept.find("as=APIGroupDiscoveryList") != std::string::npos) {
    // Honour the client's first choice among the two aggregated versions.
    auto v2 = accept.find("v=v2;"), v2b = accept.find("v=v2beta1");
    if (v2 == std::string::npos) v2 = accept.find("v=v2,");
    if (v2 == std::string::npos && accept.size() >= 4 && accept.compare(accept.size() - 4, 4, "v=v2") == 0) v2 = accept.size() - 4;
    aggVersion = (v2 != std::string::npos && (v2b == std::string::npos || v2 < v2b)) ? "v2" : (v2b != std::string::npos ? "v2beta1" : "");
  }
  auto groups = reg.groups();
  if (!aggVersion.empty()) {
    json items = json::array();
    for (const auto& [g, versions] : groups) {
      if (core != g.empty()) continue;
      json vs = json::array();
      for (const auto& v : versions) {
        json resources = json::array();
        for (const auto* rt : reg.all())
          if (rt->group == g && rt->serves(v)) resources.push_back(aggregatedResource(*rt, v));
        vs.push_back({{"version", v}, {"resources", resources}, {"freshness", "Current"}});
      }
      items.push_back({{"metadata", {{"name", g}, {"creationTimestamp", nullptr}}}, {"versions", vs}});
    }
    res.contentType = "application/json;g=apidiscovery.k8s.io;v=" + aggVersion + ";as=APIGroupDiscoveryList";
    res.body = json{{"kind", "APIGroupDiscoveryList"},
                    {"apiVersion", "apidiscovery.k8s.io/" + aggVersion},
                    {"metadata", json::object()},
                    {"items", items}}
                   .dump();
    return res;
  }
  if (core) {
    res.body = json{{"kind", "APIVersions"},
                    {"versions", {"v1"}},
                    {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}}
                   .dump();
    return res;
  }
  json list = json::array();
  for (const auto& [g, versions] : groups) {
    if (g.empty()) continue;
    list.push_back(*group(reg, g));
  }
  res.body = json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", list}}.dump();
  return res;
}

std::optional<json> group(const Registry& reg, const std::string& g) {
  for (const auto& [name, versions] : reg.groups()) {
    if (name != g) continue;
    json vs = json::array();
    for (const auto& v : versions) vs.push_back(gvJson(g, v));
    return json{{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", g}, {"versions", vs}, {"preferredVersion", vs[0]}};
  }
  return std::nullopt;
}

std::optional<json> resourceList(const Registry& reg, const std::string& g, const std::string& version) {
  json resources = json::array();
  bool any = false;
  for (const auto* rt : reg.all()) {
    if (rt->group != g || !rt->serves(version)) continue;
    any = true;
    json r = {{"name", rt->plural}, {"singularName", rt->singular}, {"namespaced", rt->namespaced},
              {"kind", rt->kind}, {"verbs", kVerbs}};
    if (!rt->shortNames.empty()) r["shortNames"] = rt->shortNames;
    if (!rt->categories.empty()) r["categories"] = rt->categories;
    resources.push_back(r);
    if (rt->statusSubresource)
      resources.push_back({{"name", rt->plural + "/status"}, {"singularName", ""}, {"namespaced", rt->namespaced},
                           {"kind", rt->kind}, {"verbs", {"get", "patch", "update"}}});
  }
  if (!any) return std::nullopt;
  return json{{"kind", "APIResourceList"}, {"apiVersion", "v1"},
              {"groupVersion", g.empty() ? version : g + "/" + version}, {"resources", resources}};
}

}  // namespace kubeapi::discovery
