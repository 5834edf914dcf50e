#include "kube/store.hpp"

namespace kube {
namespace {

const nlohmann::json& metadata(const nlohmann::json& o) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!o.is_object()) return empty;
  auto m = o.find("metadata");
  return m != o.end() && m->is_object() ? *m : empty;
}

}  // namespace

Key Key::of(const nlohmann::json& object) {
  const auto& m = metadata(object);
  return Key{m.value("namespace", ""), m.value("name", "")};
}

std::string resourceVersionOf(const nlohmann::json& object) {
  const auto& m = metadata(object);
  auto rv = m.find("resourceVersion");
  return rv != m.end() && rv->is_string() ? rv->get<std::string>() : std::string();
}

Store::Entry Store::pack(const nlohmann::json& object) const {
  return Entry{resourceVersionOf(object), nlohmann::json::to_cbor(transform_ ? transform_(object) : object)};
}

// Same object version? resourceVersion when both have one (the server's truth), else content.
bool Store::Entry::sameVersion(const Entry& other) const {
  if (!resourceVersion.empty() && !other.resourceVersion.empty()) return resourceVersion == other.resourceVersion;
  return packed == other.packed;
}

std::optional<Key> Store::upsert(const nlohmann::json& object) {
  Key k = Key::of(object);
  Entry entry = pack(object);
  std::lock_guard l(m_);
  auto it = objects_.find(k);
  if (it != objects_.end() && it->second.sameVersion(entry)) return std::nullopt;
  objects_[k] = std::move(entry);
  return k;
}

bool Store::repack(const nlohmann::json& object) {
  Key k = Key::of(object);
  Entry entry = pack(object);
  std::lock_guard l(m_);
  auto it = objects_.find(k);
  if (it == objects_.end() || it->second.resourceVersion.empty() || it->second.resourceVersion != entry.resourceVersion)
    return false;
  it->second = std::move(entry);
  return true;
}

std::optional<Key> Store::erase(const nlohmann::json& object) {
  Key k = Key::of(object);
  std::lock_guard l(m_);
  if (objects_.erase(k) == 0) return std::nullopt;
  return k;
}

std::vector<Key> Store::replaceAll(const std::vector<nlohmann::json>& objects) {
  std::map<Key, Entry> fresh;
  for (const auto& o : objects) fresh[Key::of(o)] = pack(o);
  std::vector<Key> changed;
  {
    std::lock_guard l(m_);
    for (const auto& [k, o] : fresh) {
      auto it = objects_.find(k);
      if (it == objects_.end() || !it->second.sameVersion(o)) changed.push_back(k);
    }
    for (const auto& [k, o] : objects_)
      if (!fresh.count(k)) changed.push_back(k);
    objects_ = std::move(fresh);
    synced_ = true;
  }
  cv_.notify_all();
  return changed;
}

std::optional<nlohmann::json> Store::get(const Key& key) const {
  std::lock_guard l(m_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return nlohmann::json::from_cbor(it->second.packed);
}

std::vector<nlohmann::json> Store::list() const {
  std::lock_guard l(m_);
  std::vector<nlohmann::json> out;
  out.reserve(objects_.size());
  for (const auto& [k, o] : objects_) out.push_back(nlohmann::json::from_cbor(o.packed));
  return out;
}

std::vector<Key> Store::keys() const {
  std::lock_guard l(m_);
  std::vector<Key> out;
  for (const auto& [k, o] : objects_) out.push_back(k);
  return out;
}

size_t Store::size() const {
  std::lock_guard l(m_);
  return objects_.size();
}

bool Store::synced() const {
  std::lock_guard l(m_);
  return synced_;
}

bool Store::waitSynced(std::chrono::milliseconds timeout) const {
  std::unique_lock l(m_);
  return cv_.wait_for(l, timeout, [&] { return synced_; });
}

bool Store::waitSynced(std::stop_token stop) const {
  std::unique_lock l(m_);
  return cv_.wait(l, stop, [&] { return synced_; });
}

}  // namespace kube
