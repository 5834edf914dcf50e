#include "status.hpp"

#include "registry.hpp"

namespace kubeapi {

json statusObject(int code, const std::string& reason, const std::string& message, const json& details) {
  json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason}, {"code", code}};
  // Present whenever given, even empty, as kube-apiserver sends them (e.g. `"details":{}` on the
  // 422 of a JSON patch that does not apply).
  if (details.is_object()) s["details"] = details;
  if (reason.empty()) s.erase("reason");
  return s;
}

json statusSuccess(const json& details) {
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"},
          {"details", details}};
}

std::string qualifiedResource(const ResourceType& rt) {
  return rt.group.empty() ? rt.plural : rt.plural + "." + rt.group;
}

std::string qualifiedKind(const ResourceType& rt) { return rt.group.empty() ? rt.kind : rt.kind + "." + rt.group; }

namespace {
json resourceDetails(const ResourceType& rt, const std::string& name) {
  json d = {{"name", name}, {"kind", rt.plural}};
  if (!rt.group.empty()) d["group"] = rt.group;
  return d;
}
}  // namespace

ApiError notFound(const ResourceType& rt, const std::string& name) {
  return ApiError(404, "NotFound", qualifiedResource(rt) + " \"" + name + "\" not found", resourceDetails(rt, name));
}

ApiError alreadyExists(const ResourceType& rt, const std::string& name) {
  return ApiError(409, "AlreadyExists", qualifiedResource(rt) + " \"" + name + "\" already exists",
                  resourceDetails(rt, name));
}

ApiError conflict(const ResourceType& rt, const std::string& name, const std::string& why) {
  return ApiError(409, "Conflict",
                  "Operation cannot be fulfilled on " + qualifiedResource(rt) + " \"" + name + "\": " + why,
                  resourceDetails(rt, name));
}

ApiError staleConflict(const ResourceType& rt, const std::string& name) {
  return conflict(rt, name, "the object has been modified; please apply your changes to the latest version and try again");
}

ApiError badRequest(const std::string& msg) { return ApiError(400, "BadRequest", msg); }

ApiError pathNotFound() {
  return ApiError(404, "NotFound", "the server could not find the requested resource", json{{"causes", json::array()}});
}

ApiError invalid(const ResourceType& rt, const std::string& name, const std::vector<FieldError>& errs) {
  json causes = json::array();
  std::vector<std::string> parts;
  for (const auto& e : errs) {
    causes.push_back({{"reason", e.type}, {"message", e.detail}, {"field", e.field}});
    parts.push_back(e.field.empty() ? e.detail : e.field + ": " + e.detail);
  }
  std::string msg = qualifiedKind(rt) + " \"" + name + "\" is invalid: ";
  if (parts.size() == 1) {
    msg += parts[0];
  } else {
    msg += "[";
    for (size_t i = 0; i < parts.size(); ++i) msg += (i ? ", " : "") + parts[i];
    msg += "]";
  }
  json d = {{"name", name}, {"kind", rt.kind}, {"causes", causes}};
  if (!rt.group.empty()) d["group"] = rt.group;
  return ApiError(422, "Invalid", msg, d);
}

}  // namespace kubeapi
