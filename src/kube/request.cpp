#include "kube/request.hpp"

namespace kube {

std::string percentEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string Request::target() const {
  std::string t = path;
  char sep = '?';
  for (const auto& [k, v] : query) {
    t += sep + percentEncode(k) + "=" + percentEncode(v);
    sep = '&';
  }
  return t;
}

std::string collectionPath(const ResourceType& rt, const std::string& ns) {
  std::string p = rt.group.empty() ? "/api/" + rt.version : "/apis/" + rt.group + "/" + rt.version;
  if (rt.namespaced && !ns.empty()) p += "/namespaces/" + ns;
  return p + "/" + rt.plural;
}

std::string objectPath(const ResourceType& rt, const std::string& ns, const std::string& name,
                       const std::string& subresource) {
  std::string p = collectionPath(rt, ns) + "/" + name;
  if (!subresource.empty()) p += "/" + subresource;
  return p;
}

std::string contentType(PatchType t) {
  switch (t) {
    case PatchType::Merge: return "application/merge-patch+json";
    case PatchType::Json: return "application/json-patch+json";
    case PatchType::Apply: return "application/apply-patch+yaml";
    case PatchType::Strategic: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

namespace {

void setIf(std::map<std::string, std::string>& q, const char* key, const std::string& v) {
  if (!v.empty()) q[key] = v;
}

void writeQuery(std::map<std::string, std::string>& q, const WriteParams& p) {
  setIf(q, "fieldManager", p.fieldManager);
  setIf(q, "dryRun", p.dryRun);
  setIf(q, "fieldValidation", p.fieldValidation);
}

Request patchAt(const std::string& path, PatchType type, const nlohmann::json& body, const PatchParams& p) {
  Request r{"PATCH", path, {}, contentType(type), body.dump()};
  setIf(r.query, "fieldManager", p.fieldManager);
  setIf(r.query, "dryRun", p.dryRun);
  setIf(r.query, "fieldValidation", p.fieldValidation);
  if (type == PatchType::Apply && p.force) r.query["force"] = "true";
  return r;
}

}  // namespace

namespace request {

Request get(const ResourceType& rt, const std::string& ns, const std::string& name) {
  return Request{"GET", objectPath(rt, ns, name), {}, {}, {}};
}

Request getStatus(const ResourceType& rt, const std::string& ns, const std::string& name) {
  return Request{"GET", objectPath(rt, ns, name, "status"), {}, {}, {}};
}

Request list(const ResourceType& rt, const std::string& ns, const ListParams& p) {
  Request r{"GET", collectionPath(rt, ns), {}, {}, {}};
  setIf(r.query, "labelSelector", p.labelSelector);
  setIf(r.query, "fieldSelector", p.fieldSelector);
  if (p.limit) r.query["limit"] = std::to_string(*p.limit);
  setIf(r.query, "continue", p.continueToken);
  if (p.resourceVersion) r.query["resourceVersion"] = *p.resourceVersion;
  setIf(r.query, "resourceVersionMatch", p.resourceVersionMatch);
  return r;
}

Request watch(const ResourceType& rt, const std::string& ns, const WatchParams& p) {
  Request r{"GET", collectionPath(rt, ns), {{"watch", "true"}}, {}, {}};
  setIf(r.query, "labelSelector", p.labelSelector);
  setIf(r.query, "fieldSelector", p.fieldSelector);
  setIf(r.query, "resourceVersion", p.resourceVersion);
  if (p.allowWatchBookmarks) r.query["allowWatchBookmarks"] = "true";
  if (p.timeoutSeconds) r.query["timeoutSeconds"] = std::to_string(*p.timeoutSeconds);
  return r;
}

Request create(const ResourceType& rt, const std::string& ns, const nlohmann::json& object, const WriteParams& p) {
  Request r{"POST", collectionPath(rt, ns), {}, "application/json", object.dump()};
  writeQuery(r.query, p);
  return r;
}

Request replace(const ResourceType& rt, const std::string& ns, const std::string& name,
                const nlohmann::json& object, const WriteParams& p) {
  Request r{"PUT", objectPath(rt, ns, name), {}, "application/json", object.dump()};
  writeQuery(r.query, p);
  return r;
}

Request replaceStatus(const ResourceType& rt, const std::string& ns, const std::string& name,
                      const nlohmann::json& object, const WriteParams& p) {
  Request r{"PUT", objectPath(rt, ns, name, "status"), {}, "application/json", object.dump()};
  writeQuery(r.query, p);
  return r;
}

Request patch(const ResourceType& rt, const std::string& ns, const std::string& name, PatchType type,
              const nlohmann::json& body, const PatchParams& p) {
  return patchAt(objectPath(rt, ns, name), type, body, p);
}

Request patchStatus(const ResourceType& rt, const std::string& ns, const std::string& name, PatchType type,
                    const nlohmann::json& body, const PatchParams& p) {
  return patchAt(objectPath(rt, ns, name, "status"), type, body, p);
}

Request remove(const ResourceType& rt, const std::string& ns, const std::string& name, const DeleteParams& p) {
  Request r{"DELETE", objectPath(rt, ns, name), {}, {}, {}};
  setIf(r.query, "dryRun", p.dryRun);
  nlohmann::json options = nlohmann::json::object();
  if (!p.propagationPolicy.empty()) options["propagationPolicy"] = p.propagationPolicy;
  if (p.gracePeriodSeconds) options["gracePeriodSeconds"] = *p.gracePeriodSeconds;
  if (p.preconditionUid) options["preconditions"]["uid"] = *p.preconditionUid;
  if (p.preconditionResourceVersion) options["preconditions"]["resourceVersion"] = *p.preconditionResourceVersion;
  if (!options.empty()) {
    options["kind"] = "DeleteOptions";
    options["apiVersion"] = "v1";
    r.contentType = "application/json";
    r.body = options.dump();
  }
  return r;
}

}  // namespace request
}  // namespace kube
