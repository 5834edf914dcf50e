// Domains and composite types: pairing, changes, facts and classification (user_types.hpp).
#include "schema/user_types.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace schema {

namespace {

// "a.b" split on the dots outside double quotes, each part unquoted.
std::vector<std::string> nameParts(const std::string& text) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
        parts.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == '.' && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The live columns (table, column) whose type names `name`; with `arrays`, arrays of it too (a
// NULL array holds no NULL of the domain, so NOT NULL does not look at those).
std::vector<std::pair<std::string, std::string>> columnsOfType(const Model& have, const std::string& name,
                                                               bool arrays = true) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : have.tables)
    for (const auto& c : t.columns) {
      if (referencedTypeName(c.type, have.schema) != name) continue;
      if (arrays || c.type.find('[') == std::string::npos) out.emplace_back(t.name, c.name);
    }
  return out;
}

// The users the plan leaves in place: columns of tables and columns it does not drop, and whose
// type it does not change.
std::vector<std::pair<std::string, std::string>> keptUsers(std::vector<std::pair<std::string, std::string>> users,
                                                           const std::vector<Change>& tableChanges) {
  std::erase_if(users, [&](const std::pair<std::string, std::string>& u) {
    return std::any_of(tableChanges.begin(), tableChanges.end(), [&](const Change& c) {
      if (c.liveTable != u.first) return false;
      if (c.kind == ChangeKind::DropTable) return true;
      if (c.kind == ChangeKind::DropColumn) return std::get<Column>(c.detail).name == u.second;
      if (c.kind == ChangeKind::ChangeType) return std::get<ColumnChange>(c.detail).from.name == u.second;
      return false;
    });
  });
  return users;
}

std::string describeUsers(const std::vector<std::pair<std::string, std::string>>& users) {
  std::string out;
  for (const auto& [table, column] : users) out += (out.empty() ? "" : ", ") + table + "." + column;
  return out;
}

bool sameText(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return cheaplySame(*a, *b);
}

class UserTypeDiffer {
 public:
  UserTypeDiffer(const Model& have, const Model& want, const Policy& policy, const std::vector<Change>& tableChanges)
      : have_(have), want_(want), policy_(policy), tableChanges_(tableChanges) {}

  std::vector<Change> run() {
    // Created in dependency order; altered after every creation; dropped in the reverse order.
    for (const auto& ref : creationOrder(want_)) {
      if (ref.domain) {
        const Domain& d = want_.domains[ref.index];
        if (!liveDomain(d.name)) add(ChangeKind::CreateDomain, d.name, DomainChange{{}, d, {}, {}, ""});
      } else {
        const CompositeType& t = want_.compositeTypes[ref.index];
        if (!liveType(t.name)) add(ChangeKind::CreateType, t.name, CompositeTypeChange{{}, t, {}, {}, ""});
      }
    }
    for (const auto& d : want_.domains)
      if (const Domain* live = liveDomain(d.name)) alterDomain(*live, d);
    for (const auto& t : want_.compositeTypes)
      if (const CompositeType* live = liveType(t.name)) alterType(*live, t);
    if (policy_.prune) {
      // A composite type may use a domain: types go first.
      for (const auto& t : have_.compositeTypes)
        if (!declaredType(t.name)) dropType(t);
      for (const auto& d : have_.domains)
        if (!declaredDomain(d.name)) dropDomain(d);
    }
    return std::move(out_);
  }

 private:
  const Domain* liveDomain(const std::string& n) const {
    for (const auto& d : have_.domains)
      if (d.name == n) return &d;
    return nullptr;
  }
  const CompositeType* liveType(const std::string& n) const {
    for (const auto& t : have_.compositeTypes)
      if (t.name == n) return &t;
    return nullptr;
  }
  bool declaredDomain(const std::string& n) const {
    return std::any_of(want_.domains.begin(), want_.domains.end(), [&](const Domain& d) { return d.name == n; });
  }
  bool declaredType(const std::string& n) const {
    return std::any_of(want_.compositeTypes.begin(), want_.compositeTypes.end(),
                       [&](const CompositeType& t) { return t.name == n; });
  }

  template <class Detail>
  void add(ChangeKind kind, std::string object, Detail detail) {
    out_.push_back(changeOf(kind, std::move(object), std::move(detail)));
  }

  void alterDomain(const Domain& live, const Domain& want) {
    const std::string& D = want.name;
    auto change = [&] { return DomainChange{live, want, {}, {}, ""}; };
    // Postgres refuses to check stored values of a domain that an array column holds ("cannot
    // alter type because column uses it"): SET NOT NULL and VALIDATE wait until none does.
    // Looked for only when such a change is found: most plans have none, and a scan of every
    // column per domain would cost on a large schema.
    auto arrayBlocker = [&](const std::string& what) {
      std::vector<std::pair<std::string, std::string>> arrays = columnsOfType(have_, D);
      const auto plain = columnsOfType(have_, D, /*arrays=*/false);
      std::erase_if(arrays, [&](const auto& u) { return std::find(plain.begin(), plain.end(), u) != plain.end(); });
      return arrays.empty() ? std::string()
                            : "Postgres cannot " + what + " while an array column uses domain " + D + " (" +
                                  describeUsers(arrays) + "); change that column first";
    };
    if (normalizeType(live.type) != normalizeType(want.type)) {
      DomainChange c = change();
      c.blocker = "domain " + D + " is " + live.type + ", declared " + want.type +
                  ": Postgres cannot change a domain's base type; declare a new domain and move the columns to it";
      add(ChangeKind::ChangeType, D, std::move(c));
    } else if (live.collation != want.collation) {
      DomainChange c = change();
      c.blocker = "domain " + D + " has collation " + live.collation.value_or("(its type's)") + ", declared " +
                  want.collation.value_or("(its type's)") +
                  ": Postgres cannot change a domain's collation; declare a new domain and move the columns to it";
      add(ChangeKind::ChangeType, D, std::move(c));
    }
    if (want.defaultExpr && !sameText(want.defaultExpr, live.defaultExpr)) add(ChangeKind::SetDefault, D, change());
    if (!want.defaultExpr && live.defaultExpr) add(ChangeKind::DropDefault, D, change());
    if (want.nullable && !live.nullable) add(ChangeKind::DropNotNull, D, change());
    if (!want.nullable && live.nullable) {
      DomainChange c = change();
      c.users = columnsOfType(have_, D, /*arrays=*/false);
      c.blocker = arrayBlocker("set NOT NULL");
      add(ChangeKind::SetNotNull, D, std::move(c));
    }
    // Checks pair by name (the spec names every one); a changed expression is a Drop and an Add
    // of the same name, which the plan runs together.
    std::set<std::string> declared;
    for (const auto& ck : want.checks) {
      declared.insert(ck.name);
      const Check* lc = nullptr;
      for (const auto& l : live.checks)
        if (l.name == ck.name) lc = &l;
      const std::string object = D + "." + ck.name;
      if (lc && cheaplySame(ck.expression, lc->expression)) {
        if (!lc->validated) {  // NOT VALID (an interrupted add): only VALIDATE it
          DomainChange c = change();
          c.check = *lc;
          c.blocker = arrayBlocker("validate a check");
          add(ChangeKind::AddDomainCheck, object, std::move(c));
          out_.back().repair = true;
        }
        continue;
      }
      if (lc) {
        DomainChange drop = change();
        drop.check = *lc;
        add(ChangeKind::DropDomainCheck, object, std::move(drop));
      }
      DomainChange c = change();
      c.check = ck;
      c.blocker = arrayBlocker("validate a check");
      add(ChangeKind::AddDomainCheck, object, std::move(c));
    }
    for (const auto& l : live.checks) {
      if (declared.count(l.name)) continue;
      DomainChange drop = change();
      drop.check = l;
      add(ChangeKind::DropDomainCheck, D + "." + l.name, std::move(drop));
    }
  }

  // Attributes pair by name; their order is not compared (ADD ATTRIBUTE can only append).
  void alterType(const CompositeType& live, const CompositeType& want) {
    const std::string& T = want.name;
    auto change = [&](const TypeAttribute& a) { return CompositeTypeChange{live, want, a, {}, ""}; };
    std::set<std::string> declared;
    for (const auto& a : want.attributes) {
      declared.insert(a.name);
      const TypeAttribute* la = nullptr;
      for (const auto& l : live.attributes)
        if (l.name == a.name) la = &l;
      const std::string object = T + "." + a.name;
      if (!la) {
        add(ChangeKind::AddTypeAttribute, object, change(a));
        continue;
      }
      if (normalizeType(la->type) != normalizeType(a.type) || la->collation != a.collation) {
        CompositeTypeChange c = change(a);
        c.blocker = "attribute " + object + " is " + la->type + (la->collation ? " COLLATE " + *la->collation : "") +
                    ", declared " + a.type + (a.collation ? " COLLATE " + *a.collation : "") +
                    ": Postgres cannot change it while a column uses the type, and the values would not carry "
                    "over; drop the attribute and add it under a new name, or declare a new type";
        add(ChangeKind::ChangeType, object, std::move(c));
      }
    }
    for (const auto& l : live.attributes)
      if (!declared.count(l.name)) add(ChangeKind::DropTypeAttribute, T + "." + l.name, change(l));
  }

  void dropDomain(const Domain& live) {
    DomainChange c{live, {}, {}, keptUsers(columnsOfType(have_, live.name), tableChanges_), ""};
    if (!c.users.empty())
      c.blocker = "domain " + live.name + " is not declared but " + describeUsers(c.users) +
                  " still uses it; declare it under spec.domains, or change those columns first";
    add(ChangeKind::DropDomain, live.name, std::move(c));
  }

  void dropType(const CompositeType& live) {
    CompositeTypeChange c{live, {}, {}, keptUsers(columnsOfType(have_, live.name), tableChanges_), ""};
    if (!c.users.empty())
      c.blocker = "type " + live.name + " is not declared but " + describeUsers(c.users) +
                  " still uses it; declare it under spec.compositeTypes, or change those columns first";
    add(ChangeKind::DropType, live.name, std::move(c));
  }

  const Model& have_;
  const Model& want_;
  const Policy& policy_;
  const std::vector<Change>& tableChanges_;
  std::vector<Change> out_;
};

}  // namespace

std::string referencedTypeName(const std::string& type, const std::string& schemaName) {
  std::string t = trimmed(type);
  while (t.size() >= 2 && t.compare(t.size() - 2, 2, "[]") == 0) t = trimmed(t.substr(0, t.size() - 2));
  const std::vector<std::string> parts = nameParts(t);
  if (parts.size() == 1) return parts[0];
  // A qualified name counts only when it is the managed schema's.
  return parts.size() == 2 && parts[0] == schemaName ? parts[1] : "";
}

std::vector<UserTypeRef> creationOrder(const Model& want) {
  std::vector<UserTypeRef> all;
  for (size_t i = 0; i < want.domains.size(); ++i) all.push_back({true, i});
  for (size_t i = 0; i < want.compositeTypes.size(); ++i) all.push_back({false, i});
  auto nameOf = [&](const UserTypeRef& r) {
    return r.domain ? want.domains[r.index].name : want.compositeTypes[r.index].name;
  };
  auto named = [&](const UserTypeRef& r) {
    std::vector<std::string> out;
    if (r.domain) out.push_back(referencedTypeName(want.domains[r.index].type, want.schema));
    else
      for (const auto& a : want.compositeTypes[r.index].attributes) out.push_back(referencedTypeName(a.type, want.schema));
    return out;
  };
  std::set<std::string> declared;
  for (const auto& r : all) declared.insert(nameOf(r));
  // Repeatedly take every type whose declared dependencies are all placed.
  std::vector<UserTypeRef> out;
  std::set<std::string> placed;
  std::vector<bool> done(all.size(), false);
  for (bool progress = true; progress && out.size() < all.size();) {
    progress = false;
    for (size_t i = 0; i < all.size(); ++i) {
      if (done[i]) continue;
      const auto needs = named(all[i]);
      const bool ready = std::all_of(needs.begin(), needs.end(), [&](const std::string& n) {
        return n == nameOf(all[i]) || !declared.count(n) || placed.count(n);
      });
      if (!ready) continue;
      done[i] = progress = true;
      placed.insert(nameOf(all[i]));
      out.push_back(all[i]);
    }
  }
  for (size_t i = 0; i < all.size(); ++i)
    if (!done[i]) out.push_back(all[i]);
  return out;
}

std::vector<Change> diffUserTypes(const Model& have, const Model& want, const Policy& policy,
                                  const std::vector<Change>& tableChanges) {
  return UserTypeDiffer(have, want, policy, tableChanges).run();
}

bool isUserTypeChange(const Change& c) {
  return std::holds_alternative<DomainChange>(c.detail) || std::holds_alternative<CompositeTypeChange>(c.detail);
}

void userTypeFactsNeeded(const Change& c, FactQuestions& q) {
  if (c.kind != ChangeKind::SetNotNull || !std::holds_alternative<DomainChange>(c.detail)) return;
  for (const auto& user : std::get<DomainChange>(c.detail).users)
    if (std::find(q.nullCounts.begin(), q.nullCounts.end(), user) == q.nullCounts.end()) q.nullCounts.push_back(user);
}

void classifyUserType(Change& c, const Facts& facts) {
  const std::string* blocker = nullptr;
  if (const auto* d = std::get_if<DomainChange>(&c.detail)) blocker = &d->blocker;
  if (const auto* t = std::get_if<CompositeTypeChange>(&c.detail)) blocker = &t->blocker;
  if (!blocker) return;
  if (!blocker->empty()) {
    c.safety = Safety::Blocked;
    c.reason = *blocker;
    return;
  }
  if (c.kind != ChangeKind::SetNotNull) return;
  // As for a column's SET NOT NULL: blocked while rows would fail it, with the count.
  long long nulls = 0;
  std::vector<std::string> where;
  for (const auto& user : std::get<DomainChange>(c.detail).users) {
    auto it = facts.nulls.find(user);
    if (it == facts.nulls.end() || it->second == 0) continue;
    nulls += it->second;
    where.push_back(user.first + "." + user.second);
  }
  if (nulls == 0) return;
  std::string columns;
  for (const auto& w : where) columns += (columns.empty() ? "" : ", ") + w;
  c.safety = Safety::Blocked;
  c.reason = std::to_string(nulls) + (nulls == 1 ? " row has" : " rows have") + " NULL in " + columns +
             " (of domain " + c.object + "); set values first, or keep the domain nullable";
}

}  // namespace schema
