#include "openapi.hpp"

#include "util.hpp"

namespace kubeapi::openapi {

namespace {
const std::string kMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

// "dbschema.io" -> "io.dbschema"; core -> "io.k8s.api.core"
std::string schemaPrefix(const std::string& group, const std::string& version) {
  if (group.empty()) return "io.k8s.api.core." + version;
  if (group == "apiextensions.k8s.io") return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version;
  if (group == "coordination.k8s.io") return "io.k8s.api.coordination." + version;
  if (group == "events.k8s.io") return "io.k8s.api.events." + version;
  auto parts = split(group, '.');
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
  return out + "." + version;
}

json str(const std::string& d) { return {{"type", "string"}, {"description", d}}; }
json strMap(const std::string& d) {
  return {{"type", "object"}, {"description", d}, {"additionalProperties", {{"type", "string"}, {"default", ""}}}};
}
json loose(const std::string& d) {
  return {{"type", "object"}, {"description", d}, {"x-kubernetes-preserve-unknown-fields", true}};
}

json objectMeta() {
  return {{"type", "object"},
          {"description", "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create."},
          {"properties",
           {{"name", str("Name must be unique within a namespace.")},
            {"generateName", str("GenerateName is an optional prefix, used by the server, to generate a unique name.")},
            {"namespace", str("Namespace defines the space within which each name must be unique.")},
            {"uid", str("UID is the unique in time and space value for this object.")},
            {"resourceVersion", str("An opaque value that represents the internal version of this object.")},
            {"generation", {{"type", "integer"}, {"format", "int64"}, {"description", "A sequence number representing a specific generation of the desired state."}}},
            {"creationTimestamp", {{"type", "string"}, {"format", "date-time"}, {"description", "CreationTimestamp is a timestamp representing the server time when this object was created."}}},
            {"deletionTimestamp", {{"type", "string"}, {"format", "date-time"}, {"description", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."}}},
            {"labels", strMap("Map of string keys and values that can be used to organize and categorize objects.")},
            {"annotations", strMap("Annotations is an unstructured key value map stored with a resource.")},
            {"finalizers", {{"type", "array"}, {"description", "Must be empty before the object is deleted from the registry."}, {"items", {{"type", "string"}, {"default", ""}}}, {"x-kubernetes-list-type", "set"}}},
            {"ownerReferences", {{"type", "array"}, {"description", "List of objects depended by this object."}, {"items", loose("OwnerReference")}}},
            {"managedFields", {{"type", "array"}, {"description", "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."}, {"items", loose("ManagedFieldsEntry")}}}}}};
}

json patchOp(const ResourceType& rt, const std::string& version) {
  auto q = [](const char* name, const char* d) {
    return json{{"name", name}, {"in", "query"}, {"description", d}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
  };
  json body = {{"schema", {{"$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}}}};
  json content = {{"application/json-patch+json", body}, {"application/merge-patch+json", body}, {"application/apply-patch+yaml", body}};
  // Built-ins accept strategic merge; kubectl builds it from its compiled-in types.
  return {{"description", "partially update the specified " + rt.kind},
          {"operationId", "patch" + rt.kind},
          {"parameters", json::array({q("dryRun", "When present, indicates that modifications should not be persisted."),
                                      q("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
                                      q("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields."),
                                      {{"name", "force"}, {"in", "query"}, {"description", "Force is going to \"force\" Apply requests."}, {"schema", {{"type", "boolean"}, {"uniqueItems", true}}}}})},
          {"requestBody", {{"content", content}, {"required", true}}},
          {"responses", {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + schemaPrefix(rt.group, version) + "." + rt.kind}}}}}}}}}}},
          {"x-kubernetes-action", "patch"},
          {"x-kubernetes-group-version-kind", {{"group", rt.group}, {"version", version}, {"kind", rt.kind}}}};
}

json builtinProperties(const ResourceType& rt) {
  if (rt.plural == "secrets")
    return {{"data", {{"type", "object"}, {"description", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string."}, {"additionalProperties", {{"type", "string"}, {"format", "byte"}}}}},
            {"stringData", strMap("stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.")},
            {"type", str("Used to facilitate programmatic handling of secret data.")},
            {"immutable", {{"type", "boolean"}, {"description", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated."}}}};
  if (rt.plural == "configmaps")
    return {{"data", strMap("Data contains the configuration data.")},
            {"binaryData", {{"type", "object"}, {"description", "BinaryData contains the binary data."}, {"additionalProperties", {{"type", "string"}, {"format", "byte"}}}}},
            {"immutable", {{"type", "boolean"}, {"description", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated."}}}};
  if (rt.plural == "namespaces")
    return {{"spec", loose("Spec defines the behavior of the Namespace.")}, {"status", loose("Status describes the current status of a Namespace.")}};
  if (rt.plural == "leases")
    return {{"spec", {{"type", "object"}, {"description", "spec contains the specification of the Lease."},
                      {"properties", {{"holderIdentity", str("holderIdentity contains the identity of the holder of a current lease.")},
                                      {"leaseDurationSeconds", {{"type", "integer"}, {"format", "int32"}, {"description", "leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it."}}},
                                      {"acquireTime", {{"type", "string"}, {"format", "date-time"}, {"description", "acquireTime is a time when the current lease was acquired."}}},
                                      {"renewTime", {{"type", "string"}, {"format", "date-time"}, {"description", "renewTime is a time when the current holder of a lease has last updated the lease."}}},
                                      {"leaseTransitions", {{"type", "integer"}, {"format", "int32"}, {"description", "leaseTransitions is the number of transitions of a lease between holders."}}}}}}}};
  if (rt.plural == "customresourcedefinitions")
    return {{"spec", loose("spec describes how the user wants the resources to appear")},
            {"status", loose("status indicates the actual state of the CustomResourceDefinition")}};
  json p = json::object();
  for (const char* k : {"involvedObject", "regarding", "related", "source", "series", "reportingComponent", "reportingController",
                        "reportingInstance", "reason", "message", "note", "type", "action", "count", "deprecatedCount",
                        "firstTimestamp", "lastTimestamp", "eventTime", "deprecatedSource", "deprecatedFirstTimestamp",
                        "deprecatedLastTimestamp"})
    p[k] = loose(k);
  for (const char* k : {"reportingComponent", "reportingController", "reportingInstance", "reason", "message", "note", "type", "action",
                        "firstTimestamp", "lastTimestamp", "eventTime", "deprecatedFirstTimestamp", "deprecatedLastTimestamp"})
    p[k] = str(k);
  p["count"] = {{"type", "integer"}, {"format", "int32"}};
  p["deprecatedCount"] = {{"type", "integer"}, {"format", "int32"}};
  return p;
}

json kindSchema(const ResourceType& rt, const std::string& version) {
  json props = {{"apiVersion", str("APIVersion defines the versioned schema of this representation of an object.")},
                {"kind", str("Kind is a string value representing the REST resource this object represents.")},
                {"metadata", {{"allOf", json::array({{{"$ref", kMetaRef}}})}, {"default", json::object()},
                              {"description", "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"}}}};
  std::string description = rt.kind + " is a Kubernetes " + rt.kind + ".";
  json required = nullptr;
  if (rt.custom) {
    const json* s = rt.schema(version);
    if (s) {
      if (s->contains("properties"))
        for (const auto& [k, v] : (*s)["properties"].items())
          if (k != "metadata" && k != "apiVersion" && k != "kind") props[k] = v;
      if (s->contains("description")) description = (*s)["description"];
      if (s->contains("required")) required = (*s)["required"];
    }
  } else {
    json extra = builtinProperties(rt);
    for (const auto& [k, v] : extra.items()) props[k] = v;
  }
  json out = {{"type", "object"}, {"description", description}, {"properties", props},
              {"x-kubernetes-group-version-kind", json::array({{{"group", rt.group}, {"version", version}, {"kind", rt.kind}}})}};
  if (!required.is_null()) out["required"] = required;
  return out;
}

json listSchema(const ResourceType& rt, const std::string& version) {
  return {{"type", "object"},
          {"description", rt.listKind + " is a list of " + rt.kind},
          {"required", {"items"}},
          {"properties", {{"apiVersion", str("APIVersion")}, {"kind", str("Kind")},
                          {"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + schemaPrefix(rt.group, version) + "." + rt.kind}}}}},
                          {"metadata", loose("ListMeta")}}},
          {"x-kubernetes-group-version-kind", json::array({{{"group", rt.group}, {"version", version}, {"kind", rt.listKind}}})}};
}

std::string keyOf(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}
}  // namespace

std::optional<json> document(const Registry& reg, const std::string& key) {
  json paths = json::object(), schemas = json::object();
  bool any = false;
  for (const auto* rt : reg.all()) {
    for (const auto& version : rt->versions) {
      if (keyOf(rt->group, version) != key) continue;
      any = true;
      std::string base = "/" + key + (rt->namespaced ? "/namespaces/{namespace}/" : "/") + rt->plural + "/{name}";
      paths[base] = {{"patch", patchOp(*rt, version)},
                     {"parameters", json::array({{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}})}};
      if (rt->statusSubresource) paths[base + "/status"] = {{"patch", patchOp(*rt, version)}};
      std::string prefix = schemaPrefix(rt->group, version);
      schemas[prefix + "." + rt->kind] = kindSchema(*rt, version);
      schemas[prefix + "." + rt->listKind] = listSchema(*rt, version);
    }
  }
  if (!any) return std::nullopt;
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = objectMeta();
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = {
      {"type", "object"}, {"description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."}};
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
              {"paths", paths},
              {"components", {{"schemas", schemas}}}};
}

json root(const Registry& reg) {
  json paths = json::object();
  for (const auto& [g, versions] : reg.groups())
    for (const auto& v : versions) {
      std::string key = keyOf(g, v);
      auto doc = document(reg, key);
      if (!doc) continue;
      paths[key] = {{"serverRelativeURL", "/openapi/v3/" + key + "?hash=" + sha256Hex(doc->dump()).substr(0, 32)}};
    }
  return {{"paths", paths}};
}

}  // namespace kubeapi::openapi
