// What the server is asked about declared domains and composite types, and the declaration
// rewritten with its answers (user_types.hpp). The same rules as the tables' (canon.cpp): a text
// that is on its face the live one's is taken as that; everything else is asked.
#include <set>

#include "schema/user_types.hpp"

namespace schema {

namespace {

template <class T>
const T* byName(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}

bool typeIsLive(const std::string* liveType, const std::string& declared) {
  return liveType && normalizeType(*liveType) == normalizeType(declared);
}

// The live default's text when the declared one is cheaply the same.
const std::string* liveDefaultFor(const Domain* live, const Domain& declared) {
  if (!live || !live->defaultExpr || !declared.defaultExpr) return nullptr;
  return cheaplySame(*declared.defaultExpr, *live->defaultExpr) ? &*live->defaultExpr : nullptr;
}

// The live check of the same name's text when the declared expression is cheaply the same.
const std::string* liveCheckFor(const Domain* live, const Check& declared) {
  if (!live) return nullptr;
  const Check* lc = byName(live->checks, declared.name);
  return lc && cheaplySame(declared.expression, lc->expression) ? &lc->expression : nullptr;
}

const std::string* liveTypeOf(const Domain* live) { return live ? &live->type : nullptr; }
const std::string* liveTypeOf(const CompositeType* live, const std::string& attribute) {
  if (!live) return nullptr;
  const TypeAttribute* a = byName(live->attributes, attribute);
  return a ? &a->type : nullptr;
}

core::Result<void> missing(const std::string& field) {
  return core::invalid(field, "Postgres was not asked about this text, so it cannot be used in a statement");
}

}  // namespace

void userTypeQuestions(const Model& have, const Model& want, CanonQuestions& q) {
  std::set<std::string> asked;
  for (const auto& t : q.types) asked.insert(t.type);
  auto askType = [&](const std::string& type, const std::string& field) {
    if (asked.insert(type).second) q.types.push_back({type, field});
  };
  for (const auto& d : want.domains) {
    const Domain* live = byName(have.domains, d.name);
    const bool typeLive = typeIsLive(liveTypeOf(live), d.type);
    if (!typeLive) askType(d.type, d.field + ".type");
    CanonQuestions::DomainQuestion dq{d.name, typeLive ? live->type : d.type, d.collation, std::nullopt, {}, d.field};
    if (d.defaultExpr && !liveDefaultFor(live, d)) dq.defaultExpr = d.defaultExpr;
    for (const auto& ck : d.checks)
      if (!liveCheckFor(live, ck)) dq.checks.emplace_back(ck.expression, ck.field + ".expression");
    if (dq.defaultExpr || !dq.checks.empty()) q.domains.push_back(std::move(dq));
  }
  for (const auto& t : want.compositeTypes) {
    const CompositeType* live = byName(have.compositeTypes, t.name);
    for (const auto& a : t.attributes)
      if (!typeIsLive(liveTypeOf(live, a.name), a.type)) askType(a.type, a.field + ".type");
  }
  for (const auto& ref : creationOrder(want)) {
    if (ref.domain && !byName(have.domains, want.domains[ref.index].name))
      q.newUserTypes.emplace_back(want.domains[ref.index]);
    if (!ref.domain && !byName(have.compositeTypes, want.compositeTypes[ref.index].name))
      q.newUserTypes.emplace_back(want.compositeTypes[ref.index]);
  }
}

core::Result<void> canonicalUserTypes(const Model& have, const Model& want, const Canon& canon, Model& out) {
  auto typeText = [&](const std::string* liveType, std::string& type, const std::string& field) -> core::Result<void> {
    if (typeIsLive(liveType, type)) {
      type = *liveType;
      return {};
    }
    auto it = canon.types.find(type);
    if (it == canon.types.end()) return missing(field);
    type = it->second;
    return {};
  };
  for (size_t i = 0; i < out.domains.size(); ++i) {
    Domain& d = out.domains[i];
    const Domain& declared = want.domains[i];
    const Domain* live = byName(have.domains, d.name);
    if (auto r = typeText(liveTypeOf(live), d.type, declared.field + ".type"); !r) return r;
    if (d.defaultExpr) {
      if (const std::string* text = liveDefaultFor(live, declared)) {
        d.defaultExpr = *text;
      } else {
        auto it = canon.domainDefaults.find({d.name, *declared.defaultExpr});
        if (it == canon.domainDefaults.end()) return missing(declared.field + ".default");
        d.defaultExpr = it->second;
      }
    }
    for (size_t k = 0; k < d.checks.size(); ++k) {
      const Check& ck = declared.checks[k];
      if (const std::string* text = liveCheckFor(live, ck)) {
        d.checks[k].expression = *text;
        continue;
      }
      auto it = canon.domainChecks.find({d.name, ck.expression});
      if (it == canon.domainChecks.end()) return missing(ck.field + ".expression");
      d.checks[k].expression = it->second;
    }
  }
  for (auto& t : out.compositeTypes) {
    const CompositeType* live = byName(have.compositeTypes, t.name);
    for (auto& a : t.attributes)
      if (auto r = typeText(liveTypeOf(live, a.name), a.type, a.field + ".type"); !r) return r;
  }
  return {};
}

}  // namespace schema
