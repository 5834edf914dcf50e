#include "controller/secret_cache.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

// Marks a Secret kept without its data: get() reads it from the API server instead.
constexpr const char* kDataDropped = "dataDropped";

bool dataDropped(const json& secret) { return secret.value(kDataDropped, false); }

}  // namespace

SecretCache::SecretCache(Fetch fetch)
    : fetch_(std::move(fetch)), store_([this](json secret) { return cached(std::move(secret)); }) {}

// Identity and, when named, data: the last-applied annotation would be a second copy of the data,
// and nothing else of a Secret is read.
json SecretCache::cached(json secret) const {
  json out = json::object();
  json& m = secret["metadata"];
  out["metadata"] = json::object();
  for (const char* field : {"name", "namespace", "uid", "resourceVersion"})
    if (m.contains(field)) out["metadata"][field] = std::move(m[field]);
  if (named(kube::Key::of(out)) && !dataDropped(secret)) {
    if (secret.contains("data")) out["data"] = std::move(secret["data"]);
  } else {
    out[kDataDropped] = true;
  }
  return out;
}

bool SecretCache::named(const kube::Key& secret) const {
  std::lock_guard lock(m_);
  return users_.count(secret) > 0;
}

void SecretCache::setNamedBy(const kube::Key& schema, const std::vector<kube::Key>& secrets) {
  std::vector<kube::Key> unnamed;  // named by nothing any more
  {
    std::lock_guard lock(m_);
    auto it = names_.find(schema);
    if (it != names_.end() && it->second == secrets) return;  // the usual case: nothing changed
    if (it != names_.end()) {
      for (const auto& secret : it->second) {
        auto users = users_.find(secret);
        users->second.erase(schema);
        if (users->second.empty()) {
          users_.erase(users);
          unnamed.push_back(secret);
        }
      }
      names_.erase(it);
    }
    if (!secrets.empty()) names_[schema] = secrets;
    for (const auto& secret : secrets) users_[secret].insert(schema);
  }
  for (const auto& secret : unnamed) {
    if (named(secret)) continue;  // named again meanwhile (this schema, or another)
    if (auto held = store_.get(secret); held && !dataDropped(*held)) store_.repack(*held);
  }
}

std::vector<kube::Key> SecretCache::usersOf(const kube::Key& secret) const {
  std::lock_guard lock(m_);
  auto it = users_.find(secret);
  return it == users_.end() ? std::vector<kube::Key>{} : std::vector<kube::Key>(it->second.begin(), it->second.end());
}

core::Result<std::optional<json>> SecretCache::get(const kube::Key& secret) {
  std::optional<json> held = store_.get(secret);
  if (!held || !dataDropped(*held)) return held;
  auto fetched = fetch_(secret);
  if (!fetched) return fetched.error();
  // Kept from now on, as long as something names it. When the watch has already delivered
  // another version, the store keeps that one and its event brings the data.
  if (*fetched) store_.repack(**fetched);
  return fetched;
}

size_t SecretCache::held() const {
  size_t n = 0;
  for (const auto& secret : store_.list())
    if (!dataDropped(secret)) ++n;
  return n;
}

}  // namespace controller
