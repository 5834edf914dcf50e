#include "patch.hpp"

#include <set>
#include <stdexcept>

#include "util.hpp"

namespace kubeapi::patch {

json mergePatch(const json& target, const json& p) {
  json out = target;
  out.merge_patch(p);  // RFC 7386
  return out;
}

json jsonPatch(const json& target, const json& ops) {
  try {
    return target.patch(ops);  // RFC 6902
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(e.what());  // not a patch: no array, an unknown op, a bad pointer
  } catch (const json::exception& e) {
    throw std::domain_error(e.what());  // a patch that does not apply: a missing path, a failed test
  }
}

namespace {
json strategic(const json& target, const json& p, const std::string& key) {
  if (!p.is_object()) return p;
  if (p.contains("$patch") && p["$patch"] == "replace") {
    json r = p;
    r.erase("$patch");
    return r;
  }
  if (p.contains("$patch") && p["$patch"] == "delete") return nullptr;
  json out = target.is_object() ? target : json::object();
  if (p.contains("$retainKeys") && p["$retainKeys"].is_array()) {
    std::set<std::string> keep;
    for (const auto& k : p["$retainKeys"]) keep.insert(k.get<std::string>());
    for (auto it = out.begin(); it != out.end();) it = keep.count(it.key()) ? std::next(it) : out.erase(it);
  }
  for (const auto& [k, v] : p.items()) {
    if (k == "$retainKeys" || k == "$patch" || k.rfind("$setElementOrder/", 0) == 0) continue;
    if (k.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      std::string field = k.substr(25);
      if (out.contains(field) && out[field].is_array() && v.is_array()) {
        json kept = json::array();
        for (const auto& el : out[field])
          if (std::find(v.begin(), v.end(), el) == v.end()) kept.push_back(el);
        out[field] = kept;
      }
      continue;
    }
    if (v.is_null()) {
      out.erase(k);
    } else if (v.is_object() && v.contains("$patch") && v["$patch"] == "delete") {
      out.erase(k);
    } else if (k == "finalizers" && key == "metadata" && v.is_array()) {
      // patchStrategy=merge on a primitive list: union, order kept.
      json merged = out.contains(k) && out[k].is_array() ? out[k] : json::array();
      for (const auto& el : v)
        if (std::find(merged.begin(), merged.end(), el) == merged.end()) merged.push_back(el);
      out[k] = merged;
    } else {
      json r = strategic(out.contains(k) ? out[k] : json(nullptr), v, k);
      if (r.is_null()) out.erase(k);
      else out[k] = r;
    }
  }
  return out;
}

const std::set<std::string> kSystemMeta = {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields",
                                           "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "name",
                                           "namespace"};

void collect(const json& v, json& out, bool top, bool includeStatus, const std::string& parentKey) {
  for (const auto& [k, val] : v.items()) {
    if (top && (k == "apiVersion" || k == "kind")) continue;
    if (top && k == "status" && !includeStatus) continue;
    if (top && k == "metadata") {
      json m = json::object();
      for (const auto& [mk, mv] : val.items()) {
        if (kSystemMeta.count(mk)) continue;
        json sub = json::object();
        if (mv.is_object()) collect(mv, sub, false, true, mk);
        m["f:" + mk] = sub;
      }
      if (!m.empty()) out["f:metadata"] = m;
      continue;
    }
    json sub = json::object();
    if (val.is_object() && !val.empty()) collect(val, sub, false, true, k);
    out["f:" + k] = sub;
  }
  (void)parentKey;
}

void diffInto(const json& a, const json& b, json& out, bool top, bool includeStatus) {
  // Fields present in b whose value differs from a (set or changed); removals are not ownership.
  for (const auto& [k, val] : b.items()) {
    if (top && (k == "apiVersion" || k == "kind")) continue;
    if (top && k == "status" && !includeStatus) continue;
    if (top && k == "metadata") {
      json m = json::object();
      for (const auto& [mk, mv] : val.items()) {
        if (kSystemMeta.count(mk)) continue;
        const json* old = a.contains("metadata") && a["metadata"].contains(mk) ? &a["metadata"][mk] : nullptr;
        if (old && *old == mv) continue;
        json sub = json::object();
        if (mv.is_object()) diffInto(old && old->is_object() ? *old : json::object(), mv, sub, false, true);
        m["f:" + mk] = sub;
      }
      if (!m.empty()) out["f:metadata"] = m;
      continue;
    }
    const json* old = a.is_object() && a.contains(k) ? &a[k] : nullptr;
    if (old && *old == val) continue;
    json sub = json::object();
    if (val.is_object() && !val.empty()) diffInto(old && old->is_object() ? *old : json::object(), val, sub, false, true);
    out["f:" + k] = sub;
  }
}

void paths(const json& f, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : f.items()) {
    if (k == ".") continue;
    std::string name = k.rfind("f:", 0) == 0 ? k.substr(2) : k;
    std::string p = prefix + "." + name;
    if (v.empty()) out.push_back(p);
    else paths(v, p, out);
  }
}

json removePaths(const json& f, const json& remove) {
  json out = json::object();
  for (const auto& [k, v] : f.items()) {
    if (!remove.contains(k)) {
      out[k] = v;
    } else if (!remove[k].empty() && !v.empty()) {
      json r = removePaths(v, remove[k]);
      if (!r.empty()) out[k] = r;
    }
  }
  return out;
}

json* locate(json& obj, const std::string& path) {
  json* cur = &obj;
  for (const auto& part : split(path.substr(1), '.')) {
    if (!cur->is_object() || !cur->contains(part)) return nullptr;
    cur = &(*cur)[part];
  }
  return cur;
}

void eraseAt(json& obj, const std::string& path) {
  auto parts = split(path.substr(1), '.');
  json* cur = &obj;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!cur->is_object() || !cur->contains(parts[i])) return;
    cur = &(*cur)[parts[i]];
  }
  if (cur->is_object()) cur->erase(parts.back());
}

// Deep merge where the applied configuration wins; lists are atomic.
json applyMerge(const json& live, const json& applied) {
  if (!applied.is_object() || !live.is_object()) return applied;
  json out = live;
  for (const auto& [k, v] : applied.items()) out[k] = out.contains(k) ? applyMerge(out[k], v) : v;
  return out;
}
}  // namespace

json strategicMerge(const json& target, const json& p) { return strategic(target, p, ""); }

json fieldsOf(const json& object, bool includeStatus) {
  json out = json::object();
  if (object.is_object()) collect(object, out, true, includeStatus, "");
  return out;
}

json changedFields(const json& before, const json& after, bool includeStatus) {
  json out = json::object();
  if (after.is_object()) diffInto(before.is_object() ? before : json::object(), after, out, true, includeStatus);
  return out;
}

json unionFields(const json& a, const json& b) {
  json out = a.is_object() ? a : json::object();
  if (!b.is_object()) return out;
  for (const auto& [k, v] : b.items()) out[k] = out.contains(k) ? unionFields(out[k], v) : v;
  return out;
}

std::vector<std::string> fieldPaths(const json& fieldsV1) {
  std::vector<std::string> out;
  if (fieldsV1.is_object()) paths(fieldsV1, "", out);
  return out;
}

void recordUpdate(json& object, const json& before, const std::string& manager, const std::string& apiVersion,
                  const std::string& subresource) {
  bool statusOnly = subresource == "status";
  json changed = changedFields(before, object, true);
  if (statusOnly) {
    json s = json::object();
    if (changed.contains("f:status")) s["f:status"] = changed["f:status"];
    changed = s;
  }
  json& meta = object["metadata"];
  json mf = meta.contains("managedFields") && meta["managedFields"].is_array() ? meta["managedFields"] : json::array();
  if (changed.empty()) return;
  // Other managers lose fields this write changed (ownership moves on Update).
  json kept = json::array();
  bool found = false;
  for (auto e : mf) {
    bool mine = e.value("manager", "") == manager && e.value("operation", "") == "Update" &&
                e.value("subresource", "") == subresource;
    if (mine) {
      e["fieldsV1"] = unionFields(e.value("fieldsV1", json::object()), changed);
      e["time"] = nowRfc3339();
      e["apiVersion"] = apiVersion;
      found = true;
    } else {
      e["fieldsV1"] = removePaths(e.value("fieldsV1", json::object()), changed);
      if (e["fieldsV1"].empty()) continue;
    }
    kept.push_back(e);
  }
  if (!found) {
    json e = {{"manager", manager}, {"operation", "Update"}, {"apiVersion", apiVersion}, {"time", nowRfc3339()},
              {"fieldsType", "FieldsV1"}, {"fieldsV1", changed}};
    if (!subresource.empty()) e["subresource"] = subresource;
    kept.push_back(e);
  }
  meta["managedFields"] = kept;
}

ApplyResult serverSideApply(const json& live, const json& applied, const std::string& manager,
                            const std::string& apiVersion, bool force, const std::string& subresource) {
  ApplyResult r;
  bool statusOnly = subresource == "status";
  json base = live.is_null() ? json::object() : live;
  json cfg = applied;
  if (cfg.contains("metadata")) cfg["metadata"].erase("managedFields");
  json mine = fieldsOf(cfg, true);
  if (statusOnly) {
    json s = json::object();
    if (mine.contains("f:status")) s["f:status"] = mine["f:status"];
    mine = s;
  }
  json mf = base.contains("metadata") && base["metadata"].contains("managedFields") ? base["metadata"]["managedFields"]
                                                                                  : json::array();
  json previous = json::object();
  std::set<std::string> otherOwned;
  for (const auto& e : mf) {
    bool self = e.value("manager", "") == manager && e.value("operation", "") == "Apply";
    if (self) {
      previous = e.value("fieldsV1", json::object());
      continue;
    }
    for (const auto& p : fieldPaths(e.value("fieldsV1", json::object()))) {
      otherOwned.insert(p);
      // Conflict: another manager owns a leaf we set to a different value.
      json probe = base;
      json* have = locate(probe, p);
      json cfgCopy = cfg;
      json* want = locate(cfgCopy, p);
      if (have && want && *have != *want) r.conflicts.push_back({p, e.value("manager", "")});
    }
  }
  if (!r.conflicts.empty() && !force) return r;
  r.conflicts.clear();
  json out = applyMerge(base, cfg);
  // Fields this manager applied before and no longer applies are removed unless someone else owns them.
  for (const auto& p : fieldPaths(previous)) {
    bool still = false;
    for (const auto& q : fieldPaths(mine)) still = still || q == p || q.rfind(p + ".", 0) == 0 || p.rfind(q + ".", 0) == 0;
    if (!still && !otherOwned.count(p)) eraseAt(out, p);
  }
  json entry = {{"manager", manager}, {"operation", "Apply"}, {"apiVersion", apiVersion}, {"time", nowRfc3339()},
                {"fieldsType", "FieldsV1"}, {"fieldsV1", mine}};
  if (!subresource.empty()) entry["subresource"] = subresource;
  // The manager's entry stays where it was, and keeps its time when it owns the same fields as
  // before: applying the same configuration again is then a no-op (no new resourceVersion).
  json kept = json::array();
  bool placed = false;
  for (auto e : mf) {
    if (e.value("manager", "") == manager && e.value("operation", "") == "Apply") {
      if (e.value("fieldsV1", json::object()) == mine && e.value("apiVersion", "") == apiVersion) entry["time"] = e["time"];
      kept.push_back(entry);
      placed = true;
      continue;
    }
    if (force) {
      e["fieldsV1"] = removePaths(e.value("fieldsV1", json::object()), mine);
      if (e["fieldsV1"].empty()) continue;
    }
    kept.push_back(e);
  }
  if (!placed) kept.push_back(entry);
  out["metadata"]["managedFields"] = kept;
  r.object = out;
  return r;
}

}  // namespace kubeapi::patch
