#include "store.hpp"

namespace kubeapi {

namespace {
std::string metaStr(const json& o, const char* k) {
  if (!o.contains("metadata")) return "";
  return o["metadata"].value(k, "");
}
}  // namespace

const json* Store::get(const std::string& group, const std::string& plural, const std::string& ns,
                       const std::string& name) const {
  auto it = objects_.find(key(group, plural, ns, name));
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<const json*> Store::list(const std::string& group, const std::string& plural, const std::string& ns) const {
  std::vector<const json*> out;
  std::string prefix = group + "\x1f" + plural + "\x1f" + (ns.empty() ? "" : ns + "\x1f");
  for (auto it = objects_.lower_bound(prefix); it != objects_.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out.push_back(&it->second);
  return out;
}

void Store::put(const std::string& group, const std::string& plural, const json& obj) {
  std::string k = key(group, plural, metaStr(obj, "namespace"), metaStr(obj, "name"));
  auto it = objects_.find(k);
  StoredEvent ev{std::stoull(metaStr(obj, "resourceVersion")), it == objects_.end() ? "ADDED" : "MODIFIED", group,
                 plural, obj, it == objects_.end() ? json(nullptr) : it->second};
  objects_[k] = obj;
  record(std::move(ev));
}

void Store::erase(const std::string& group, const std::string& plural, const json& finalObj) {
  std::string k = key(group, plural, metaStr(finalObj, "namespace"), metaStr(finalObj, "name"));
  auto it = objects_.find(k);
  if (it == objects_.end()) return;
  StoredEvent ev{std::stoull(metaStr(finalObj, "resourceVersion")), "DELETED", group, plural, finalObj, it->second};
  objects_.erase(it);
  record(std::move(ev));
}

void Store::record(StoredEvent ev) {
  history_.push_back(ev);
  while (history_.size() > historyMax_) {
    floor_ = history_.front().rv;
    history_.pop_front();
  }
  // Sinks may unsubscribe themselves (a stream that ended); iterate over a snapshot of ids.
  std::vector<uint64_t> ids;
  for (const auto& [id, s] : subs_)
    if (s.group == ev.group && s.plural == ev.plural) ids.push_back(id);
  for (auto id : ids) {
    auto it = subs_.find(id);
    if (it != subs_.end()) it->second.sink(ev);
  }
}

std::vector<const StoredEvent*> Store::since(uint64_t rv, const std::string& group, const std::string& plural) const {
  std::vector<const StoredEvent*> out;
  for (const auto& e : history_)
    if (e.rv > rv && e.group == group && e.plural == plural) out.push_back(&e);
  return out;
}

uint64_t Store::subscribe(const std::string& group, const std::string& plural, Sink sink) {
  uint64_t id = nextSub_++;
  subs_[id] = Sub{group, plural, std::move(sink)};
  return id;
}

}  // namespace kubeapi
