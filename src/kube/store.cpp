#include "kube/store.hpp"

namespace kube {
namespace {

const nlohmann::json& metadata(const nlohmann::json& o) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!o.is_object()) return empty;
  auto m = o.find("metadata");
  return m != o.end() && m->is_object() ? *m : empty;
}

// Same object version? resourceVersion when both have one (the server's truth), else content.
bool sameVersion(const nlohmann::json& a, const nlohmann::json& b) {
  std::string ra = resourceVersionOf(a), rb = resourceVersionOf(b);
  if (!ra.empty() && !rb.empty()) return ra == rb;
  return a == b;
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

std::optional<Key> Store::upsert(const nlohmann::json& object) {
  Key k = Key::of(object);
  std::lock_guard l(m_);
  auto it = objects_.find(k);
  if (it != objects_.end() && sameVersion(it->second, object)) return std::nullopt;
  objects_[k] = object;
  return k;
}

std::optional<Key> Store::erase(const nlohmann::json& object) {
  Key k = Key::of(object);
  std::lock_guard l(m_);
  if (objects_.erase(k) == 0) return std::nullopt;
  return k;
}

std::vector<Key> Store::replaceAll(const std::vector<nlohmann::json>& objects) {
  std::map<Key, nlohmann::json> fresh;
  for (const auto& o : objects) fresh[Key::of(o)] = o;
  std::vector<Key> changed;
  {
    std::lock_guard l(m_);
    for (const auto& [k, o] : fresh) {
      auto it = objects_.find(k);
      if (it == objects_.end() || !sameVersion(it->second, o)) changed.push_back(k);
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
  return it->second;
}

std::vector<nlohmann::json> Store::list() const {
  std::lock_guard l(m_);
  std::vector<nlohmann::json> out;
  out.reserve(objects_.size());
  for (const auto& [k, o] : objects_) out.push_back(o);
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

}  // namespace kube
