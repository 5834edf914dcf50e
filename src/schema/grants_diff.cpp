#include "schema/grants_diff.hpp"

#include <map>
#include <set>
#include <tuple>

namespace schema {

namespace {

using Privileges = std::set<std::string>;

// For each key, the privileges `want` has that `have` lacks (ChangeKind::Grant's side), then the
// privileges `have` has that `want` lacks: `emit(isGrant, key, privileges)`, never with none.
template <class Key, class Emit>
void compareHeld(const std::map<Key, Privileges>& want, const std::map<Key, Privileges>& have, Emit emit) {
  auto missingFrom = [](const std::map<Key, Privileges>& from, const Key& key, const Privileges& privileges) {
    Privileges out;
    auto it = from.find(key);
    for (const auto& p : privileges)
      if (it == from.end() || !it->second.count(p)) out.insert(p);
    return out;
  };
  for (const auto& [key, privileges] : want)
    if (auto missing = missingFrom(have, key, privileges); !missing.empty()) emit(true, key, missing);
  for (const auto& [key, privileges] : have)
    if (auto extra = missingFrom(want, key, privileges); !extra.empty()) emit(false, key, extra);
}

// The views the changes create, and those they drop and create again (their privileges go with
// the drop).
struct MadeViews {
  std::set<std::string> created;
  std::set<std::string> remade;

  explicit MadeViews(const std::vector<Change>& changes) {
    for (const auto& c : changes) {
      if (c.kind == ChangeKind::CreateView || c.kind == ChangeKind::CreateMaterializedView)
        created.insert(std::get<View>(c.detail).name);
      if (c.kind == ChangeKind::ReplaceMaterializedView ||
          (c.kind == ChangeKind::ReplaceView && !std::get<ViewChange>(c.detail).orReplace))
        remade.insert(std::get<ViewChange>(c.detail).to.name);
      for (const auto& v : c.dependentViews) remade.insert(v.name);
    }
  }
};

void appendGrants(GrantOn on, const std::string& name, const std::vector<Grant>& declared,
                  const std::vector<Grant>* live, bool created, std::vector<Change>& changes) {
  for (auto& c : grantChanges(on, name, declared, live, created)) changes.push_back(std::move(c));
}

}  // namespace

std::vector<Change> grantChanges(GrantOn on, const std::string& name, const std::vector<Grant>& declared,
                                 const std::vector<Grant>* live, bool onNewObject, const std::string& argumentTypes) {
  using Key = std::pair<std::string, std::string>;  // (column or "", role)
  auto flatten = [](const std::vector<Grant>& grants) {
    std::map<Key, Privileges> out;
    for (const auto& g : grants) {
      if (g.columns.empty()) out[{"", g.role}].insert(g.privileges.begin(), g.privileges.end());
      for (const auto& c : g.columns) out[{c, g.role}].insert(g.privileges.begin(), g.privileges.end());
    }
    return out;
  };
  std::vector<Change> out;
  compareHeld(flatten(declared), live ? flatten(*live) : std::map<Key, Privileges>{},
              [&](bool isGrant, const Key& key, const Privileges& privileges) {
                GrantChange g{name, key.first, key.second, {privileges.begin(), privileges.end()}, on, argumentTypes};
                std::string object = (on == GrantOn::Schema ? "schema" : g.objectName()) +
                                     (g.column.empty() ? "" : "." + g.column) + ":grant:" + g.role;
                out.push_back(changeOf(isGrant ? ChangeKind::Grant : ChangeKind::Revoke, std::move(object), std::move(g)));
                out.back().onNewTable = onNewObject;
              });
  return out;
}

void diffObjectGrants(const Model& have, const Model& want, std::vector<Change>& changes) {
  const MadeViews made(changes);
  for (const auto& v : want.views) {
    const View* live = have.view(v.name);
    const bool created = !live || made.created.count(v.name);
    if (!created && made.remade.count(v.name)) {
      // Made again: nothing is held after the drop, and undeclared grants are kept by granting them again.
      const auto& again = v.grants ? v.grants : live->grants;
      if (again) appendGrants(GrantOn::View, v.name, *again, nullptr, false, changes);
      continue;
    }
    if (!v.grants) continue;
    const std::vector<Grant>* held = created || !live->grants ? nullptr : &*live->grants;
    appendGrants(GrantOn::View, v.name, *v.grants, held, created, changes);
  }
  std::map<std::string, const Sequence*> liveSequences;
  for (const auto& s : have.sequences) liveSequences[s.name] = &s;
  for (const auto& s : want.sequences) {
    if (!s.grants) continue;
    auto it = liveSequences.find(s.name);
    const bool created = it == liveSequences.end();
    const std::vector<Grant>* held = created || !it->second->grants ? nullptr : &*it->second->grants;
    appendGrants(GrantOn::Sequence, s.name, *s.grants, held, created, changes);
  }
}

void diffDefaultPrivileges(const Model& have, const Model& want, std::vector<Change>& changes) {
  if (!want.defaultPrivileges) return;
  using Key = std::tuple<std::string, std::string, std::string>;  // (forRole, objects, role)
  auto flatten = [&](const std::vector<DefaultPrivilege>& entries) {
    std::map<Key, Privileges> out;
    for (const auto& d : entries) {
      const std::string& forRole = d.forRole.empty() ? have.sessionRole : d.forRole;
      out[{forRole, d.objects, d.role}].insert(d.privileges.begin(), d.privileges.end());
    }
    return out;
  };
  const auto live = have.defaultPrivileges ? flatten(*have.defaultPrivileges) : std::map<Key, Privileges>{};
  compareHeld(flatten(*want.defaultPrivileges), live, [&](bool isGrant, const Key& key, const Privileges& privileges) {
    const auto& [forRole, objects, role] = key;
    DefaultPrivilege d{forRole, objects, role, {privileges.begin(), privileges.end()}, ""};
    changes.push_back(changeOf(isGrant ? ChangeKind::SetDefaultPrivileges : ChangeKind::RevokeDefaultPrivileges,
                             "default:" + forRole + ":" + objects + ":" + role, std::move(d)));
  });
}

}  // namespace schema
