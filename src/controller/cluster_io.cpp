#include "controller/cluster_io.hpp"

#include "controller/sources.hpp"
#include "core/log.hpp"
#include "spec/resource.hpp"

namespace controller {

using json = nlohmann::json;

core::Result<std::optional<json>> readSecret(kube::Client& client, const kube::Key& secret) {
  kube::ListParams one;
  one.fieldSelector = "metadata.name=" + secret.name;
  auto got = client.send(kube::request::list(kube::resources::secret(), secret.ns, one));
  if (!got) return got.error();
  auto items = got->find("items");
  if (items == got->end() || !items->is_array() || items->empty()) return std::optional<json>();
  return std::optional<json>(std::move(items->front()));
}

core::Result<std::string> publishPlan(kube::Client& client, json configMap, const std::string& knownName) {
  const std::string ns = configMap["metadata"].value("namespace", "");
  const json generateName = configMap["metadata"]["generateName"];
  if (!knownName.empty()) {
    configMap["metadata"]["name"] = knownName;
    configMap["metadata"].erase("generateName");
    auto replaced = client.call(kube::request::replace(kube::resources::configMap(), ns, knownName, configMap));
    if (replaced) return knownName;
    if (!replaced.error().isNotFound()) return replaced.error().toError();
    configMap["metadata"].erase("name");
    configMap["metadata"]["generateName"] = generateName;
  }
  auto created = client.send(kube::request::create(kube::resources::configMap(), ns, configMap));
  if (!created) return created.error();
  static const json::json_pointer kName("/metadata/name");
  if (!created->contains(kName) || !created->at(kName).is_string()) return std::string();
  return created->at(kName).get<std::string>();
}

core::Result<std::string> writeSchemaStatus(kube::Client& client, kube::Store& schemas, const ObjectRef& ref,
                                     const json& status) {
  auto current = schemas.get({ref.ns, ref.name});
  if (!current) return core::Error{core::ErrorKind::Conflict, "the object is gone", "", ""};
  json object = *current;
  object["status"] = status;
  // The resourceVersion the reconcile read: a newer object (a spec change meanwhile) is a 409,
  // and the reconcile runs again on what changed.
  object["metadata"]["resourceVersion"] = ref.resourceVersion;
  auto written = client.send(kube::request::replaceStatus(databaseSchemas(), ref.ns, ref.name, object));
  if (!written) return written.error();
  // The cache learns our own write at once, so its watch event is not mistaken for a change.
  schemas.upsert(*written);
  return (*written)["metadata"].value("resourceVersion", "");
}

void recordEvent(kube::EventRecorder& recorder, const EventNote& note) {
  kube::ObjectReference ref;
  ref.apiVersion = spec::kApiVersion;
  ref.kind = spec::kKind;
  ref.ns = note.object.ns;
  ref.name = note.object.name;
  ref.uid = note.object.uid;
  ref.resourceVersion = note.object.resourceVersion;
  const auto type = note.warning ? kube::EventType::Warning : kube::EventType::Normal;
  auto recorded = recorder.record(ref, type, note.reason, note.message);
  if (!recorded) core::log::warn("event not recorded", {{"reason", note.reason}, {"error", recorded.error().describe()}});
}

}  // namespace controller
