#include "controller/sources.hpp"

#include "core/log.hpp"
#include "kube/watcher.hpp"
#include "spec/resource.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

std::string stringAt(const json& o, std::initializer_list<const char*> path) {
  const json* at = &o;
  for (const char* k : path) {
    if (!at->is_object() || !at->contains(k)) return "";
    at = &(*at)[k];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

kube::ResourceType databaseSchemas() {
  return {spec::kApiGroup, spec::kApiGroupVersion, "databaseschemas", spec::kKind, true};
}

SchemaTrigger SchemaTrigger::of(const json& schema) {
  const json& m = schema["metadata"];
  return {m.value("uid", ""), m.value("generation", 0LL), m.value("annotations", json::object()),
          m.contains("deletionTimestamp")};
}

bool created(const std::optional<SchemaTrigger>& before, const SchemaTrigger& now) {
  return !before || before->uid != now.uid;
}

bool generationChanged(const SchemaTrigger& before, const SchemaTrigger& now) {
  return before.generation != now.generation;
}

bool annotationsChanged(const SchemaTrigger& before, const SchemaTrigger& now) {
  return before.annotations != now.annotations;
}

bool deletionStarted(const SchemaTrigger& before, const SchemaTrigger& now) { return before.deleting != now.deleting; }

bool deleted(const std::optional<json>& object) { return !object.has_value(); }

bool worthReconciling(const std::optional<SchemaTrigger>& before, const SchemaTrigger& now) {
  return created(before, now) || generationChanged(*before, now) || annotationsChanged(*before, now) ||
         deletionStarted(*before, now);
}

std::vector<kube::Key> secretsNamedBy(const json& schema) {
  const kube::Key key = kube::Key::of(schema);
  std::vector<kube::Key> named;
  for (const char* ref : {"secretRef", "rootCertRef"}) {
    const std::string name = stringAt(schema, {"spec", "connection", ref, "name"});
    if (!name.empty() && (named.empty() || named.front().name != name)) named.push_back({key.ns, name});
  }
  return named;
}

json cachedSchema(json o) {
  if (!o.contains("metadata")) return o;
  json& m = o["metadata"];
  m.erase("managedFields");
  if (m.contains("annotations") && m["annotations"].is_object()) {
    m["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
    if (m["annotations"].empty()) m.erase("annotations");
  }
  return o;
}

void Sources::onSchemaChange(const kube::Key& key) {
  const auto object = schemas_.get(key);
  secrets_.setNamedBy(key, object ? secretsNamedBy(*object) : std::vector<kube::Key>{});
  if (passes(key, object)) queue_.add(key);
}

void Sources::onSecretChange(const kube::Key& key) {
  for (const auto& user : secrets_.usersOf(key)) queue_.add(user);
}

void Sources::enqueueAll() {
  for (const auto& key : schemas_.keys()) queue_.add(key);
}

bool Sources::passes(const kube::Key& key, const std::optional<json>& object) {
  std::lock_guard lock(mutex_);
  if (deleted(object)) {
    triggers_.erase(key);
    return true;
  }
  const SchemaTrigger now = SchemaTrigger::of(*object);
  const auto it = triggers_.find(key);
  const auto before = it == triggers_.end() ? std::nullopt : std::optional<SchemaTrigger>(it->second);
  if (!worthReconciling(before, now)) return false;
  triggers_[key] = now;
  return true;
}

std::vector<std::jthread> startWatches(kube::Client& client, const std::vector<std::string>& namespaces,
                                       kube::Store& schemas, SecretCache& secrets, Sources& sources,
                                       std::stop_token stop) {
  std::vector<std::string> scopes = namespaces;
  if (scopes.empty()) scopes.push_back("");  // all namespaces
  kube::WatcherOptions schemaOptions;
  schemaOptions.onError = [](const std::string& what) { core::log::warn("watch interrupted", {{"error", what}}); };
  // Secrets come in smaller pages: one can hold up to 1 MiB (Helm keeps its releases in them),
  // and a page is held whole while it is decoded.
  kube::WatcherOptions secretOptions = schemaOptions;
  secretOptions.config.pageSize = 50;
  std::vector<std::jthread> watches;
  for (const auto& ns : scopes) {
    watches.emplace_back([&client, &schemas, &sources, ns, schemaOptions, stop] {
      kube::runWatcher(client, databaseSchemas(), ns, schemas,
                       [&sources](const kube::Key& k) { sources.onSchemaChange(k); }, stop, schemaOptions);
    });
    watches.emplace_back([&client, &secrets, &sources, ns, secretOptions, stop] {
      kube::runWatcher(client, kube::resources::secret(), ns, secrets.store(),
                       [&sources](const kube::Key& k) { sources.onSecretChange(k); }, stop, secretOptions);
    });
  }
  return watches;
}

}  // namespace controller
