#include "schema/diff.hpp"
#include "schema/function.hpp"
#include "schema/trigger.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <tuple>
#include <optional>
#include <type_traits>
#include <map>
#include <set>
#include <unordered_map>

#include "schema/grants_diff.hpp"
#include "schema/match.hpp"
#include "schema/sequence.hpp"
#include "schema/user_types.hpp"
#include "schema/view.hpp"

namespace schema {

namespace {

constexpr size_t kMaxIdentifier = 63;

// Postgres-style generated names ("orders_customer_id_fkey"), cut to 63 bytes on a character
// boundary, with a number appended while the name is taken.
std::string generatedName(const std::string& table, const std::vector<std::string>& columns, const std::string& suffix,
                          const std::function<bool(const std::string&)>& taken) {
  std::string stem = table;
  for (const auto& c : columns) stem += "_" + c;
  for (int n = 0;; ++n) {
    const std::string tail = "_" + suffix + (n ? std::to_string(n) : "");
    std::string head = stem;
    if (head.size() + tail.size() > kMaxIdentifier) {
      head.resize(kMaxIdentifier - tail.size());
      while (!head.empty() && (static_cast<unsigned char>(head.back()) & 0xC0) == 0x80) head.pop_back();
      if (!head.empty() && (static_cast<unsigned char>(head.back()) & 0x80)) head.pop_back();
    }
    if (!taken(head + tail)) return head + tail;
  }
}

// What Postgres names an unnamed primary key: "<table>_pkey", the table's part cut to fit 63 bytes.
std::string primaryKeyName(const std::string& table) {
  return generatedName(table, {}, "pkey", [](const std::string&) { return false; });
}

// "character varying(40)" -> ("character varying", "40")
std::pair<std::string, std::string> typeParts(const std::string& t) {
  const auto open = t.find('(');
  if (open == std::string::npos || t.back() != ')') return {t, ""};
  return {t.substr(0, open), t.substr(open + 1, t.size() - open - 2)};
}

// Type changes Postgres makes without rewriting the table or re-checking a row.
bool isWidening(const std::string& from, const std::string& to) {
  const auto [fromName, fromMod] = typeParts(from);
  const auto [toName, toMod] = typeParts(to);
  if (fromName == "character varying") {
    if (to == "text" || (toName == "character varying" && toMod.empty())) return true;
    if (toName == "character varying" && !fromMod.empty()) return std::stol(toMod) >= std::stol(fromMod);
    return false;
  }
  if (fromName == "numeric" && toName == "numeric" && !fromMod.empty()) {
    if (toMod.empty()) return true;
    const auto fc = fromMod.find(','), tc = toMod.find(',');
    const long fp = std::stol(fromMod.substr(0, fc)), tp = std::stol(toMod.substr(0, tc));
    const std::string fs = fc == std::string::npos ? "0" : fromMod.substr(fc + 1);
    const std::string ts = tc == std::string::npos ? "0" : toMod.substr(tc + 1);
    return fs == ts && tp >= fp;
  }
  return false;
}

// Postgres stores COMMENT ... IS '' as no comment at all: compare and set it as NULL.
std::optional<std::string> storedComment(const std::string& declared) {
  return declared.empty() ? std::nullopt : std::optional<std::string>(declared);
}

class Differ {
 public:
  Differ(const Model& have, const Model& want, const Policy& policy, const Canon& canon)
      : have_(have), want_(want), policy_(policy), canon_(canon) {
    // Index names share the schema's namespace with tables and other indexes: collected once.
    for (const Model* m : {&have, &want}) {
      for (const auto& t : m->tables) {
        schemaNames_.insert(t.name);
        for (const auto& i : t.indexes) schemaNames_.insert(i.name);
      }
    }
    for (const auto& t : want.tables) wantTable_[t.name] = &t;
    for (const auto& t : have.tables) haveTable_[t.name] = &t;
    for (const auto& m : matchTables(have, want)) {
      if (policy.ignores(m.want->name)) continue;
      matches_.push_back(m);
      if (m.have) liveNameOf_[m.want->name] = m.have->name;
    }
  }

  std::vector<Change> run() {
    extensions();
    enums();
    for (const auto& m : matches_) {
      if (m.have) alterTable(m);
      else createTable(*m.want);
    }
    sequences();  // after the tables: a serial column's conversion takes its sequence with it
    pruneTables();
    userTypes();  // after the tables and their drops: a type is dropped only when no column keeps it
    seeds();
    if (want_.schemaGrants) grants("", *want_.schemaGrants, have_.schemaGrants);
    attachDependentKeys();
    partitionedIndexes();
    return std::move(out_);
  }

 private:
  Change& add(ChangeKind kind, std::string object, const std::string& table, const std::string& liveTable,
              Detail detail) {
    Change c;
    c.kind = kind;
    c.object = std::move(object);
    c.table = table;
    c.liveTable = liveTable;
    c.safety = isDestructive(kind) ? Safety::Destructive : Safety::Safe;
    c.detail = std::move(detail);
    out_.push_back(std::move(c));
    return out_.back();
  }

  void extensions() {
    for (const auto& e : want_.extensions) {
      if (std::find(have_.extensions.begin(), have_.extensions.end(), e) == have_.extensions.end())
        add(ChangeKind::CreateExtension, e, "", "", ExtensionRef{e});
    }
  }

  void enums() {
    for (const auto& e : want_.enums) {
      const Enum* live = have_.enumType(e.name);
      if (!live) {
        add(ChangeKind::CreateEnum, e.name, "", "", e);
        continue;
      }
      // Values can only be added in place; a removed or reordered value rebuilds the type.
      std::vector<std::string> kept;
      for (const auto& v : e.values)
        if (std::find(live->values.begin(), live->values.end(), v) != live->values.end()) kept.push_back(v);
      if (kept != live->values) {
        EnumRebuild rebuild{e, {}};
        for (const auto& t : have_.tables)
          for (const auto& c : t.columns)
            if (c.enumType && *c.enumType == e.name) rebuild.users.emplace_back(t.name, c);
        add(ChangeKind::DropEnumValue, e.name, "", "", std::move(rebuild));
        continue;
      }
      for (size_t i = 0; i < e.values.size(); ++i) {
        const std::string& v = e.values[i];
        if (std::find(live->values.begin(), live->values.end(), v) != live->values.end()) continue;
        EnumValueAdd a{e.name, v, std::nullopt, std::nullopt};
        if (i > 0) {
          a.after = e.values[i - 1];  // added in order, so the previous value exists by then
        } else {
          for (size_t j = 1; j < e.values.size() && !a.before; ++j)
            if (std::find(live->values.begin(), live->values.end(), e.values[j]) != live->values.end())
              a.before = e.values[j];
        }
        add(ChangeKind::AddEnumValue, e.name + "." + v, "", "", std::move(a));
      }
    }
    if (!policy_.prune) return;
    for (const auto& e : have_.enums)
      if (!want_.enumType(e.name)) add(ChangeKind::DropEnum, e.name, "", "", e);
  }

  // Constraint names the table holds, so generated names do not collide with them.
  static std::set<std::string> constraintNames(const Table& want, const Table* live) {
    std::set<std::string> taken;
    auto collect = [&](const Table& t) {
      if (t.primaryKey) taken.insert(t.primaryKey->name);
      for (const auto& u : t.uniques) taken.insert(u.name);
      for (const auto& f : t.foreignKeys) taken.insert(f.name);
      for (const auto& c : t.checks) taken.insert(c.name);
      for (const auto& x : t.exclusions) taken.insert(x.name);
    };
    collect(want);
    if (live) collect(*live);
    taken.erase("");
    return taken;
  }

  // Declared constraints and indexes with a name each (generated where the author gave none).
  Table named(const Table& want, const Table* live) {
    Table t = want;
    auto local = constraintNames(want, live);
    auto taken = [&](const std::string& n) { return local.count(n) > 0 || schemaNames_.count(n) > 0; };
    auto name = [&](std::string& n, const std::vector<std::string>& cols, const char* suffix, bool schemaWide) {
      if (!n.empty()) return;
      n = generatedName(t.name, cols, suffix, taken);
      (schemaWide ? schemaNames_ : local).insert(n);
    };
    if (t.primaryKey && t.primaryKey->name.empty()) t.primaryKey->name = primaryKeyName(t.name);
    for (auto& u : t.uniques) name(u.name, u.columns, "key", false);
    for (auto& f : t.foreignKeys) name(f.name, f.columns, "fkey", false);
    for (auto& c : t.checks) name(c.name, {}, "check", false);
    for (auto& i : t.indexes) {
      // As Postgres names an unnamed index: its keys ("expr" for an expression, where Postgres
      // would often use the function's name) and then its INCLUDE columns.
      std::vector<std::string> cols;
      for (const auto& k : i.keys) cols.push_back(k.column.empty() ? "expr" : k.column);
      cols.insert(cols.end(), i.include.begin(), i.include.end());
      name(i.name, cols, "idx", true);
    }
    return t;
  }

  void createTable(const Table& want) {
    rowSecurity(want, nullptr);
    policies(want, nullptr);
    if (want.grants) grants(want.name, *want.grants, std::nullopt, /*newTable=*/true);
    triggers(want, nullptr);
    if (want.partitionOf) return createPartition(want);
    Table t = named(want, nullptr);
    for (auto& c : t.columns) c.type = typeSql(c, want_);
    // Foreign keys and indexes become changes of their own: foreign keys after every table exists
    // (this is what breaks circular references), indexes after constraints.
    std::vector<ForeignKey> fks = std::move(t.foreignKeys);
    std::vector<Index> indexes = std::move(t.indexes);
    t.foreignKeys.clear();
    t.indexes.clear();
    add(ChangeKind::CreateTable, t.name, t.name, "", t);
    for (auto& fk : fks) add(ChangeKind::AddForeignKey, t.name + "." + fk.name, t.name, "", fk).onNewTable = true;
    for (auto& ix : indexes) add(ChangeKind::CreateIndex, t.name + "." + ix.name, t.name, "", ix).onNewTable = true;
  }

  // Live name of a declared column of a declared table (renames pending), else the name itself.
  std::string liveColumn(const std::string& table, const std::string& column) const {
    auto it = liveNameOf_.find(table);
    if (it == liveNameOf_.end()) return column;
    const Table* want = find(wantTable_, table);
    const Table* live = find(haveTable_, it->second);
    const Column* declared = want->column(column);
    if (!live || !declared) return column;
    const Column* lc = matchColumn(*live, *want, *declared);
    return lc ? lc->name : column;
  }
  std::vector<std::string> liveColumns(const std::string& table, const std::vector<std::string>& columns) const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(liveColumn(table, c));
    return out;
  }
  std::string liveTable(const std::string& table) const {
    auto it = liveNameOf_.find(table);
    return it == liveNameOf_.end() ? table : it->second;
  }

  // Whether named() would change anything but the primary key's name (which primaryKey() gives
  // itself): a constraint or index without a name.
  static bool needsNames(const Table& t) {
    for (const auto& u : t.uniques)
      if (u.name.empty()) return true;
    for (const auto& f : t.foreignKeys)
      if (f.name.empty()) return true;
    for (const auto& c : t.checks)
      if (c.name.empty()) return true;
    for (const auto& i : t.indexes)
      if (i.name.empty()) return true;
    return false;
  }

  void alterTable(const TableMatch& m) {
    const Table& live = *m.have;
    std::optional<Table> withNames;  // a copy only when names are generated
    if (needsNames(*m.want)) withNames = named(*m.want, m.have);
    const Table& want = withNames ? *withNames : *m.want;
    const std::string& T = want.name;
    const std::string& L = live.name;
    if (m.renamed) add(ChangeKind::RenameTable, T, T, L, Rename{L, T});
    if (want.comment && storedComment(*want.comment) != live.comment)
      add(ChangeKind::SetComment, T, T, L, Comment{"", storedComment(*want.comment)});
    rowSecurity(want, &live);
    policies(want, &live);
    if (want.grants) grants(T, *want.grants, live.grants);
    triggers(want, &live);
    if (want.partitionOf) return alterPartition(want, live);
    partitioning(want, live);
    columns(want, live);
    primaryKey(want, live);
    constraints(want, live);
    indexes(want, live);
    tableOptions(want, live);
  }

  void columns(const Table& want, const Table& live) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    std::set<const Column*> matched;
    for (const auto& c : want.columns) {
      bool renamed = false;
      const Column* lc = matchColumn(live, want, c, &renamed);
      const std::string object = T + "." + c.name;
      // Changes carry the declared type as SQL (an enum's name quoted and qualified). Built only
      // for a change: most columns have none.
      auto declared = [&] {
        Column d = c;
        d.type = typeSql(c, want_);
        return d;
      };
      if (!lc) {
        add(ChangeKind::AddColumn, object, T, L, declared());
        continue;
      }
      matched.insert(lc);
      if (renamed) add(ChangeKind::RenameColumn, object, T, L, Rename{lc->name, c.name});
      auto cc = [&] { return ColumnChange{*lc, declared()}; };
      const bool typeSame = sameType(*lc, c, want_, canon_);
      if (c.collation != lc->collation || !sameGeneration(c, *lc)) {
        generationOrCollation(object, T, L, ColumnChange{*lc, declared(), typeSame});
      } else if (!typeSame) {
        const bool widening = !lc->enumType && !want_.enumType(c.type) &&
                              isWidening(normalizeType(lc->type), canonicalType(c, want_, canon_));
        add(widening ? ChangeKind::WidenType : ChangeKind::ChangeType, object, T, L, cc());
      }
      if (c.identity != lc->identity) {
        if (isSerial(*lc)) {
          add(ChangeKind::ConvertSerialToIdentity, object, T, L, cc());
        } else {
          // Postgres refuses an identity on a column with a default: the default goes first.
          if (c.identity != Identity::None && lc->defaultExpr) add(ChangeKind::DropDefault, object, T, L, cc());
          add(c.identity == Identity::None ? ChangeKind::DropIdentity : ChangeKind::AddIdentity, object, T, L, cc());
        }
      }
      if (c.identity == Identity::None) {
        if (c.defaultExpr && !sameDefault(L, c, lc->defaultExpr)) add(ChangeKind::SetDefault, object, T, L, cc());
        if (!c.defaultExpr && lc->defaultExpr) add(ChangeKind::DropDefault, object, T, L, cc());
      }
      if (c.nullable && !lc->nullable) add(ChangeKind::DropNotNull, object, T, L, cc());
      if (!c.nullable && lc->nullable) add(ChangeKind::SetNotNull, object, T, L, cc());
      if (c.comment && storedComment(*c.comment) != lc->comment)
        add(ChangeKind::SetComment, object, T, L, Comment{c.name, storedComment(*c.comment)});
    }
    for (const auto& lc : live.columns)
      if (!matched.count(&lc)) add(ChangeKind::DropColumn, T + "." + lc.name, T, L, lc);
  }

  // Both texts as Postgres printed them (canonicalModel put the server's text in the declaration).
  static bool sameGeneration(const Column& declared, const Column& live) {
    if (declared.generated.has_value() != live.generated.has_value()) return false;
    return !declared.generated || normalizeExpression(*declared.generated) == normalizeExpression(*live.generated);
  }

  // A column whose collation or generation expression changes (its type too, perhaps): a ChangeType
  // (the column is rewritten or its indexes rebuilt under an ACCESS EXCLUSIVE lock, as for a type).
  // What Postgres cannot do in place is blocked with the reason: making an existing column
  // generated, and, before 17 (SET EXPRESSION), changing the expression of a generated one.
  void generationOrCollation(const std::string& object, const std::string& T, const std::string& L, ColumnChange cc) {
    Change& c = add(ChangeKind::ChangeType, object, T, L, cc);
    const auto& from = cc.from.generated;
    const auto& to = cc.to.generated;
    if (to && !from) {
      c.blockedBy = "Postgres cannot make existing column " + object +
                    " generated; add a new generated column (and drop this one), or declare it without generated";
    } else if (to && from && !sameGeneration(cc.to, cc.from) && have_.serverVersion > 0 &&
               have_.serverVersion < 170000) {
      c.blockedBy = "changing the expression of generated column " + object +
                    " needs Postgres 17 (ALTER COLUMN ... SET EXPRESSION); this server is older: add a new generated "
                    "column (and drop this one), or keep the expression";
    }
  }

  // Row-level security, where declared (contract Part 2, Access): each switch on its own, turning
  // one off is destructive (it widens access). `live` is null for a table the plan creates.
  void rowSecurity(const Table& want, const Table* live) {
    if (!want.rowLevelSecurity) return;
    const RowSecurity now = live && live->rowLevelSecurity ? *live->rowLevelSecurity : RowSecurity{};
    const RowSecurity& wanted = *want.rowLevelSecurity;
    const std::string& T = want.name;
    const std::string L = live ? live->name : "";
    if (wanted.enabled != now.enabled)
      add(wanted.enabled ? ChangeKind::EnableRowLevelSecurity : ChangeKind::DisableRowLevelSecurity, T, T, L,
          std::monostate{}).onNewTable = !live;
    if (wanted.forced != now.forced)
      add(wanted.forced ? ChangeKind::ForceRowLevelSecurity : ChangeKind::NoForceRowLevelSecurity, T, T, L,
          std::monostate{}).onNewTable = !live;
  }

  // Policies (contract Part 2, Access), by name: a missing one is created, an undeclared one
  // dropped (destructive). Roles and expressions change in place (ALTER POLICY); the command,
  // permissiveness, or an expression taken away, by a drop and create held together. `want`'s
  // expressions are Postgres's own text by now (withPolicyAnswers).
  void policies(const Table& want, const Table* live) {
    const std::string& T = want.name;
    const std::string L = live ? live->name : "";
    for (const auto& p : want.policies) {
      const RowPolicy* lp = nullptr;
      if (live)
        for (const auto& candidate : live->policies)
          if (candidate.name == p.name) lp = &candidate;
      const std::string object = T + "." + p.name;
      if (!lp) {
        add(ChangeKind::CreatePolicy, object, T, L, p).onNewTable = !live;
        continue;
      }
      if (p.command != lp->command || p.permissive != lp->permissive || (lp->usingExpr && !p.usingExpr) ||
          (lp->withCheck && !p.withCheck)) {
        add(ChangeKind::DropPolicy, object, T, L, *lp);
        add(ChangeKind::CreatePolicy, object, T, L, p);
      } else if (p.roles != lp->roles || p.usingExpr != lp->usingExpr || p.withCheck != lp->withCheck) {
        add(ChangeKind::AlterPolicy, object, T, L, PolicyChange{*lp, p});
      }
    }
    if (!live) return;
    for (const auto& lp : live->policies) {
      const bool declared = std::any_of(want.policies.begin(), want.policies.end(),
                                        [&](const RowPolicy& p) { return p.name == lp.name; });
      if (!declared) add(ChangeKind::DropPolicy, T + "." + lp.name, T, L, lp);
    }
  }

  // Triggers (contract Part 2, Code objects), by name, managed like policies: a missing one is
  // created, an undeclared one dropped (destructive). A changed definition is one CREATE OR
  // REPLACE TRIGGER (no moment without the trigger); whether it fires is a change of its own,
  // since disabling is destructive. `want`'s conditions are Postgres's text by now.
  void triggers(const Table& want, const Table* live) {
    const std::string& T = want.name;
    const std::string L = live ? live->name : "";
    for (const auto& tr : want.triggers) {
      const Trigger* lt = nullptr;
      if (live)
        for (const auto& candidate : live->triggers)
          if (candidate.name == tr.name) lt = &candidate;
      const std::string object = T + "." + tr.name;
      if (!lt) {
        add(ChangeKind::CreateTrigger, object, T, L, tr).onNewTable = !live;
        continue;
      }
      if (!sameTriggerDefinition(T, tr, *lt)) add(ChangeKind::ReplaceTrigger, object, T, L, TriggerChange{*lt, tr});
      if (tr.enabled && lt->firing == 'D') add(ChangeKind::EnableTrigger, object, T, L, tr);
      if (!tr.enabled && lt->firing != 'D') add(ChangeKind::DisableTrigger, object, T, L, tr);
    }
    if (!live) return;
    for (const auto& lt : live->triggers) {
      const bool declared = std::any_of(want.triggers.begin(), want.triggers.end(),
                                        [&](const Trigger& tr) { return tr.name == lt.name; });
      if (!declared) add(ChangeKind::DropTrigger, T + "." + lt.name, T, L, lt);
    }
  }
  // Everything but whether it fires; UPDATE OF columns as a set, by their live names.
  bool sameTriggerDefinition(const std::string& table, const Trigger& declared, const Trigger& live) const {
    std::vector<std::string> updateOf = liveColumns(table, declared.updateOf), liveUpdateOf = live.updateOf;
    std::sort(updateOf.begin(), updateOf.end());
    std::sort(liveUpdateOf.begin(), liveUpdateOf.end());
    return live.inexpressible.empty() && declared.timing == live.timing && declared.events == live.events &&
           declared.forEach == live.forEach && declared.when == live.when &&
           declared.functionSchema == live.functionSchema && declared.function == live.function &&
           declared.arguments == live.arguments && updateOf == liveUpdateOf;
  }

  // Grants where declared (contract Part 2, Access): the table (`table` empty: the schema itself)
  // holds exactly the declared privileges for every role but its owner (schema/grants_diff.hpp).
  void grants(const std::string& table, const std::vector<Grant>& declared,
              const std::optional<std::vector<Grant>>& live, bool newTable = false) {
    const std::string liveName = table.empty() || newTable ? "" : liveTable(table);
    const GrantOn on = table.empty() ? GrantOn::Schema : GrantOn::Table;
    for (auto& c : grantChanges(on, table, declared, live ? &*live : nullptr, newTable)) {
      c.table = table;
      c.liveTable = liveName;
      out_.push_back(std::move(c));
    }
  }

  // UNLOGGED and exclusion constraints (contract Part 2).
  void tableOptions(const Table& want, const Table& live) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    if (want.unlogged != live.unlogged)
      add(want.unlogged ? ChangeKind::SetUnlogged : ChangeKind::SetLogged, T, T, L, std::monostate{});
    pairUp<Exclusion>(want, live, want.exclusions, live.exclusions, ChangeKind::AddExclusion, ChangeKind::DropExclusion,
                      [](const Exclusion& d, const Exclusion& l) {
                        return normalizeExpression(d.definition) == normalizeExpression(l.definition);
                      });
  }

  // A serial column: no identity, and its default is the nextval of a sequence it owns.
  static bool isSerial(const Column& live) {
    return live.identity == Identity::None && live.ownedSequence && live.defaultExpr &&
           live.defaultExpr->rfind("nextval(", 0) == 0;
  }

  bool sameDefault(const std::string& liveTable, const Column& c, const std::optional<std::string>& live) const {
    if (!live) return false;
    if (auto it = canon_.defaults.find({liveTable, c.name, *c.defaultExpr}); it != canon_.defaults.end())
      return normalizeExpression(it->second) == normalizeExpression(*live);
    return cheaplySame(*c.defaultExpr, *live);
  }

  void primaryKey(const Table& want, const Table& live) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    // The declared key with its name (named() gives an unnamed one Postgres' "<table>_pkey").
    auto declared = [&] {
      PrimaryKey k = *want.primaryKey;
      if (k.name.empty()) k.name = primaryKeyName(T);
      return k;
    };
    if (want.primaryKey && live.primaryKey) {
      if (liveColumns(T, want.primaryKey->columns) == live.primaryKey->columns) return;
      add(ChangeKind::DropPrimaryKey, T + "." + live.primaryKey->name, T, L, *live.primaryKey);
      PrimaryKey k = declared();
      add(ChangeKind::AddPrimaryKey, T + "." + k.name, T, L, k);
    } else if (want.primaryKey) {
      PrimaryKey k = declared();
      add(ChangeKind::AddPrimaryKey, T + "." + k.name, T, L, k);
    } else if (live.primaryKey) {
      add(ChangeKind::DropPrimaryKey, T + "." + live.primaryKey->name, T, L, *live.primaryKey);
    }
  }

  // Pairs declared objects with live ones: by name first, then by definition (a declared
  // constraint's name is not drift on its own). Reports missing, changed and extra objects.
  // `kept`, when given, is called with each declared object and the live one it keeps.
  template <class D, class Same, class Usable = std::nullptr_t, class Kept = std::nullptr_t>
  void pairUp(const Table& want, const Table& live, const std::vector<D>& declared, const std::vector<D>& existing,
              ChangeKind addKind, ChangeKind dropKind, const Same& same, const Usable& usable = nullptr,
              const Kept& kept = nullptr) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    std::vector<bool> liveUsed(existing.size(), false), wantDone(declared.size(), false);
    auto repairIfNeeded = [&](const D& d, const D& l) {
      bool unusable = false;
      if constexpr (!std::is_same_v<Usable, std::nullptr_t>) unusable = !usable(l);
      if (unusable) {
        D fix = l;
        add(addKind, T + "." + l.name, T, L, fix).repair = true;
      } else if constexpr (!std::is_same_v<Kept, std::nullptr_t>) {
        kept(d, l);
      }
      (void)d;
    };
    for (size_t i = 0; i < declared.size(); ++i) {
      for (size_t j = 0; j < existing.size(); ++j) {
        if (liveUsed[j] || existing[j].name != declared[i].name) continue;
        liveUsed[j] = wantDone[i] = true;
        if (same(declared[i], existing[j])) {
          repairIfNeeded(declared[i], existing[j]);
        } else {
          add(dropKind, T + "." + existing[j].name, T, L, existing[j]);
          add(addKind, T + "." + declared[i].name, T, L, declared[i]);
        }
      }
    }
    for (size_t i = 0; i < declared.size(); ++i) {
      if (wantDone[i]) continue;
      bool found = false;
      for (size_t j = 0; j < existing.size() && !found; ++j) {
        if (liveUsed[j] || !same(declared[i], existing[j])) continue;
        liveUsed[j] = found = true;
        repairIfNeeded(declared[i], existing[j]);
      }
      if (!found) add(addKind, T + "." + declared[i].name, T, L, declared[i]);
    }
    for (size_t j = 0; j < existing.size(); ++j)
      if (!liveUsed[j]) add(dropKind, T + "." + existing[j].name, T, L, existing[j]);
  }

  void constraints(const Table& want, const Table& live) {
    const std::string& T = want.name;
    pairUp<Unique>(want, live, want.uniques, live.uniques, ChangeKind::AddUnique, ChangeKind::DropUnique,
                   [&](const Unique& d, const Unique& l) {
                     return liveColumns(T, d.columns) == l.columns && d.deferrable == l.deferrable &&
                            d.nullsNotDistinct == l.nullsNotDistinct;
                   });
    pairUp<ForeignKey>(
        want, live, want.foreignKeys, live.foreignKeys, ChangeKind::AddForeignKey, ChangeKind::DropForeignKey,
        [&](const ForeignKey& d, const ForeignKey& l) {
          return liveColumns(T, d.columns) == l.columns && liveTable(d.refTable) == l.refTable &&
                 liveColumns(d.refTable, d.refColumns) == l.refColumns && d.onDelete == l.onDelete &&
                 d.onUpdate == l.onUpdate && d.deferrable == l.deferrable && d.matchFull == l.matchFull;
        },
        [](const ForeignKey& l) { return l.validated; });
    pairUp<Check>(
        want, live, want.checks, live.checks, ChangeKind::AddCheck, ChangeKind::DropCheck,
        [&](const Check& d, const Check& l) {
          if (d.noInherit != l.noInherit) return false;
          if (auto it = canon_.checks.find({live.name, d.expression}); it != canon_.checks.end())
            return normalizeExpression(it->second) == normalizeExpression(l.expression);
          return cheaplySame(d.expression, l.expression);
        },
        [](const Check& l) { return l.validated; });
  }

  // A declared key (its expression already Postgres' text: canonicalModel) and a live one.
  bool sameIndexKey(const std::string& table, const IndexKey& d, const IndexKey& l) const {
    if (d.column.empty() != l.column.empty()) return false;
    if (!d.column.empty() ? liveColumn(table, d.column) != l.column : !cheaplySame(d.expression, l.expression))
      return false;
    return d.descending == l.descending && d.nullsFirst == l.nullsFirst && d.opclass == l.opclass &&
           d.opclassParameters == l.opclassParameters && d.collation == l.collation;
  }

  // Everything of an index's definition but its storage parameters, which change in place.
  bool sameIndexDefinition(const Table& want, const Table& live, const Index& d, const Index& l) const {
    const std::string& T = want.name;
    if (d.unique != l.unique || d.method != l.method || d.keys.size() != l.keys.size() ||
        d.nullsNotDistinct != l.nullsNotDistinct || liveColumns(T, d.include) != l.include)
      return false;
    for (size_t k = 0; k < d.keys.size(); ++k)
      if (!sameIndexKey(T, d.keys[k], l.keys[k])) return false;
    if (d.where.has_value() != l.where.has_value()) return false;
    if (!d.where) return true;
    if (auto it = canon_.predicates.find({live.name, *d.where}); it != canon_.predicates.end())
      return normalizeExpression(it->second) == normalizeExpression(*l.where);
    return cheaplySame(*d.where, *l.where);
  }

  void indexes(const Table& want, const Table& live) {
    const std::string& T = want.name;
    pairUp<Index>(
        want, live, want.indexes, live.indexes, ChangeKind::CreateIndex, ChangeKind::DropIndex,
        [&](const Index& d, const Index& l) { return sameIndexDefinition(want, live, d, l); },
        [](const Index& l) { return l.valid; },
        [&](const Index& d, const Index& l) {
          if (d.with == l.with) return;
          IndexChange change{l, d};
          change.to.name = l.name;  // matched by definition, the live name is the one to alter
          add(ChangeKind::AlterIndex, T + "." + l.name, T, live.name, std::move(change));
        });
  }

  // Declared sequences are created (before the tables whose defaults call them) and altered;
  // the owner is set apart from the creation, once the owning column exists. Undeclared ones are
  // like undeclared tables: left alone and not reported unless `prune` is on (so a Part 1 document
  // with serial columns means what it meant), and then dropped, except those that go with
  // something else: the sequence of a serial column that becomes an identity (the conversion drops
  // it), and one owned by a column of a table this resource does not manage.
  void sequences() {
    std::map<std::string, const Sequence*> live;
    for (const auto& s : have_.sequences) live[s.name] = &s;
    std::set<std::string> declared;
    for (const auto& s : want_.sequences) {
      declared.insert(s.name);
      SequenceChange change{{}, withDefaults(s), "", ""};
      if (auto owner = splitOwner(s.ownedBy, want_)) std::tie(change.ownerTable, change.ownerColumn) = *owner;
      auto it = live.find(s.name);
      if (it == live.end()) {
        add(ChangeKind::CreateSequence, s.name, "", "", s);
        if (!change.ownerTable.empty()) {
          change.from = change.to;
          change.from.ownedBy.clear();
          add(ChangeKind::AlterSequence, s.name, "", "", std::move(change));
        }
        continue;
      }
      change.from = *it->second;
      const std::string owner =
          change.ownerTable.empty() ? "" : liveTable(change.ownerTable) + "." + liveColumn(change.ownerTable, change.ownerColumn);
      if (owner == change.from.ownedBy) change.from.ownedBy = change.to.ownedBy;  // the same column, renamed or not
      if (!sameOptions(change.from, change.to) || change.from.ownedBy != change.to.ownedBy)
        add(ChangeKind::AlterSequence, s.name, "", "", std::move(change));
    }
    if (!policy_.prune) return;
    std::set<std::string> converted;
    for (const auto& c : out_)
      if (c.kind == ChangeKind::ConvertSerialToIdentity)
        if (const auto& owned = std::get<ColumnChange>(c.detail).from.ownedSequence) converted.insert(*owned);
    std::set<std::string> managedTables;
    for (const auto& m : matches_)
      if (m.have) managedTables.insert(m.have->name);
    for (const auto& s : have_.sequences) {
      if (declared.count(s.name) || converted.count(s.name)) continue;
      const bool ownerManaged = std::any_of(managedTables.begin(), managedTables.end(), [&](const std::string& t) {
        return s.ownedBy.size() > t.size() && s.ownedBy.compare(0, t.size(), t) == 0 && s.ownedBy[t.size()] == '.';
      });
      if (!s.ownedBy.empty() && !ownerManaged) continue;
      add(ChangeKind::DropSequence, s.name, "", "", s);
    }
  }

  // Domains and composite types (schema/user_types.hpp).
  void userTypes() {
    std::vector<Change> more = diffUserTypes(have_, want_, policy_, out_);
    out_.insert(out_.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }

  void pruneTables() {
    if (!policy_.prune) return;
    std::set<std::string> claimed;
    for (const auto& m : matches_)
      if (m.have) claimed.insert(m.have->name);
    std::set<std::string> dropped;
    for (const auto& t : have_.tables) {
      if (claimed.count(t.name) || find(wantTable_, t.name) || policy_.ignores(t.name)) continue;
      dropped.insert(t.name);
    }
    for (const auto& t : have_.tables) {
      if (!dropped.count(t.name)) continue;
      if (t.partitionOf && dropped.count(t.partitionOf->table)) continue;  // dropped with its parent
      add(ChangeKind::DropTable, t.name, t.name, t.name, t);
    }
  }

  void seeds() {
    for (const auto& row : want_.seeds) {
      if (policy_.ignores(row.table)) continue;
      const Table* table = find(wantTable_, row.table);
      SeedInsert insert{row, {}};
      const auto given = [&](const std::string& column) {
        return std::find(row.columns.begin(), row.columns.end(), column) != row.columns.end();
      };
      if (table)
        for (const auto& c : table->columns)
          if (c.identity != Identity::None && given(c.name)) insert.identityColumns.push_back(c.name);
      // A serial column (a declared sequence owns it) needs its sequence moved past the row too.
      for (const auto& s : want_.sequences) {
        const auto owner = splitOwner(s.ownedBy, want_);
        if (owner && owner->first == row.table && given(owner->second) &&
            std::find(insert.identityColumns.begin(), insert.identityColumns.end(), owner->second) ==
                insert.identityColumns.end())
          insert.identityColumns.push_back(owner->second);
      }
      auto it = liveNameOf_.find(row.table);
      Change& c = add(ChangeKind::InsertSeedRow, row.object(), row.table,
                      it == liveNameOf_.end() ? "" : it->second, std::move(insert));
      c.onNewTable = it == liveNameOf_.end();
    }
  }

  // A unique or primary key cannot be dropped while a foreign key's index is its index. Each such
  // drop carries the foreign keys that may be bound to it (every key onto the same table and set
  // of columns: live ones the plan keeps, and those it adds before the drop runs), so that they
  // are dropped with it and added again onto the key that replaces it.
  void attachDependentKeys() {
    std::map<std::string, std::string> tableNow;  // live table -> its name once renames ran
    std::map<std::pair<std::string, std::string>, std::string> columnNow;  // (declared table, live column)
    std::set<std::pair<std::string, std::string>> droppedKeys;            // (live table, constraint)
    for (const auto& c : out_) {
      if (c.kind == ChangeKind::RenameTable) tableNow[std::get<Rename>(c.detail).from] = c.table;
      if (c.kind == ChangeKind::RenameColumn) columnNow[{c.table, std::get<Rename>(c.detail).from}] = std::get<Rename>(c.detail).to;
      if (c.kind == ChangeKind::DropForeignKey) droppedKeys.insert({c.liveTable, std::get<ForeignKey>(c.detail).name});
    }
    auto renamedTable = [&](const std::string& t) {
      auto it = tableNow.find(t);
      return it == tableNow.end() ? t : it->second;
    };
    auto renamedColumns = [&](const std::string& table, std::vector<std::string> columns) {
      for (auto& col : columns)
        if (auto it = columnNow.find({table, col}); it != columnNow.end()) col = it->second;
      return columns;
    };
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    for (auto& drop : out_) {
      if (drop.kind != ChangeKind::DropUnique && drop.kind != ChangeKind::DropPrimaryKey) continue;
      const auto columns = sorted(drop.kind == ChangeKind::DropUnique ? std::get<Unique>(drop.detail).columns
                                                                      : std::get<PrimaryKey>(drop.detail).columns);
      for (const auto& t : have_.tables) {
        for (const auto& fk : t.foreignKeys) {
          if (fk.refTable != drop.liveTable || sorted(fk.refColumns) != columns) continue;
          if (droppedKeys.count({t.name, fk.name})) continue;  // the plan drops it anyway
          const std::string table = renamedTable(t.name);
          ForeignKey now = fk;
          now.columns = renamedColumns(table, fk.columns);
          now.refTable = drop.table;
          now.refColumns = renamedColumns(drop.table, fk.refColumns);
          drop.dependentKeys.push_back({table, std::move(now)});
        }
      }
      // A drop that an Add of the same key replaces runs before the plan's new foreign keys exist.
      const bool replaced = std::any_of(out_.begin(), out_.end(), [&](const Change& c) {
        return drop.kind == ChangeKind::DropUnique ? c.kind == ChangeKind::AddUnique && c.object == drop.object
                                                   : c.kind == ChangeKind::AddPrimaryKey && c.table == drop.table;
      });
      if (replaced) continue;
      const auto declaredColumns = sorted(renamedColumns(drop.table, columns));
      for (const auto& c : out_) {
        if (c.kind != ChangeKind::AddForeignKey || c.repair) continue;
        const auto& fk = std::get<ForeignKey>(c.detail);
        if (fk.refTable == drop.table && sorted(fk.refColumns) == declaredColumns) drop.dependentKeys.push_back({c.table, fk});
      }
    }
  }

  // ---- Partitioning (contract Part 2) ----

  // The declared name of a live table (renames pending), else the live name.
  std::string declaredName(const std::string& live) const {
    for (const auto& [declared, liveName] : liveNameOf_)
      if (liveName == live) return declared;
    return live;
  }

  // Detaching the live partition `live`, declared as `table`, from its parent (by then renamed
  // as declared, when it is).
  void detach(const std::string& table, const Table& live) {
    const PartitionOf from{declaredName(live.partitionOf->table), live.partitionOf->bounds, {}};
    add(ChangeKind::DetachPartition, table, table, live.name, Partition{table, from, {}, {}});
  }

  // A partition the plan makes: CREATE TABLE ... PARTITION OF, with its own checks; its indexes
  // after it.
  void createPartition(const Table& want) {
    Table t = named(want, nullptr);
    Partition p{t.name, *t.partitionOf, t.comment ? storedComment(*t.comment) : std::nullopt, t.checks};
    add(ChangeKind::CreatePartition, t.name, t.name, "", std::move(p));
    for (auto& ix : t.indexes) add(ChangeKind::CreateIndex, t.name + "." + ix.name, t.name, "", ix).onNewTable = true;
  }

  // A live table declared a partition: attached when it is a plain table, detached and attached
  // again when its parent or bounds differ. Its columns, keys and foreign keys are its parent's;
  // its own checks and indexes are compared.
  void alterPartition(const Table& want, const Table& live) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    const PartitionOf& of = *want.partitionOf;
    const bool attaching = !live.partitionOf || live.partitionOf->table != liveTable(of.table) ||
                           live.partitionOf->bounds != of.bounds;
    if (attaching) {
      if (live.partitionOf) detach(T, live);
      add(ChangeKind::AttachPartition, T, T, L, Partition{T, of, {}, {}});
    }
    Table w = want, l = live;  // only checks: uniques and foreign keys are the parent's
    w.uniques.clear();
    w.foreignKeys.clear();
    l.uniques.clear();
    l.foreignKeys.clear();
    constraints(w, l);
    indexes(want, attaching ? withoutAdoptedIndexes(want, live) : live);
  }

  // `live` without the indexes ATTACH PARTITION will adopt: each one that matches an index
  // declared on the parent (Postgres attaches it to the parent's instead of building another) and
  // no index declared on the partition itself. Such an index is typically what a detach left
  // behind; dropping it before the attach would only make Postgres build it again.
  Table withoutAdoptedIndexes(const Table& want, const Table& live) const {
    const Table* parent = want_.table(want.partitionOf->table);
    if (!parent) return live;
    Table out = live;
    std::erase_if(out.indexes, [&](const Index& l) {
      auto matches = [&](const Index& d) { return sameIndexDefinition(want, live, d, l); };
      return std::any_of(parent->indexes.begin(), parent->indexes.end(), matches) &&
             std::none_of(want.indexes.begin(), want.indexes.end(), matches);
    });
    return out;
  }

  // A live partition declared as a plain table is detached (destructive: its rows leave the
  // parent). A table whose partitioning differs from the declared one cannot be changed in place.
  void partitioning(const Table& want, const Table& live) {
    const std::string& T = want.name;
    const std::string& L = live.name;
    if (live.partitionOf) detach(T, live);
    const bool same = want.partitionBy && live.partitionBy ? want.partitionBy->definition == live.partitionBy->definition
                                                           : want.partitionBy.has_value() == live.partitionBy.has_value();
    if (!same) add(ChangeKind::ChangePartitionBy, T, T, L, PartitioningChange{live.partitionBy, want.partitionBy});
  }

  // Indexes of a partitioned table are made ON ONLY it, then on each partition CONCURRENTLY and
  // attached; each partition's index is named as Postgres would name it there. A new table whose
  // partitions are all new too is empty: its index is made in one statement.
  void partitionedIndexes() {
    for (auto& c : out_) {
      if (c.kind != ChangeKind::CreateIndex && c.kind != ChangeKind::DropIndex) continue;
      const Table* want = find(wantTable_, c.table);
      const Table* live = c.liveTable.empty() ? nullptr : find(haveTable_, c.liveTable);
      if (!(want && want->partitionBy) && !(live && live->partitionBy)) continue;
      c.onPartitionedTable = true;
      if (c.kind == ChangeKind::DropIndex) continue;
      std::vector<std::string> partitions;  // as they are called once the plan's renames ran
      bool anyLive = false;
      for (const auto& t : want_.tables) {
        if (!t.partitionOf || t.partitionOf->table != c.table) continue;
        partitions.push_back(t.name);
        anyLive = anyLive || liveNameOf_.count(t.name);
      }
      if (live)
        for (const auto& t : have_.tables)
          if (t.partitionOf && t.partitionOf->table == live->name && declaredName(t.name) == t.name &&
              !find(wantTable_, t.name)) {
            partitions.push_back(t.name);  // an undeclared partition the plan keeps
            anyLive = true;
          }
      if (c.onNewTable && !anyLive) continue;
      c.onNewTable = false;
      const Index& ix = std::get<Index>(c.detail);
      std::vector<std::string> keyNames;
      for (const auto& k : ix.keys) keyNames.push_back(k.column.empty() ? "expr" : k.column);
      for (const auto& p : partitions) {
        auto taken = [&](const std::string& n) { return schemaNames_.count(n) > 0; };
        std::string name = generatedName(p, keyNames, "idx", taken);
        schemaNames_.insert(name);
        c.partitionIndexes.push_back({p, std::move(name)});
      }
    }
  }

  static const Table* find(const std::unordered_map<std::string, const Table*>& index, const std::string& name) {
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
  }

  const Model& have_;
  const Model& want_;
  std::unordered_map<std::string, const Table*> wantTable_, haveTable_;
  std::set<std::string> schemaNames_;  // tables and indexes of the schema, live and declared
  const Policy& policy_;
  const Canon& canon_;
  std::vector<TableMatch> matches_;
  std::map<std::string, std::string> liveNameOf_;  // declared table -> live table
  std::vector<Change> out_;
};

}  // namespace

std::vector<Change> diff(const Model& have, const Model& want, const Policy& policy, const Canon& canon) {
  std::vector<Change> changes = Differ(have, want, policy, canon).run();
  diffFunctions(have, want, policy, changes);  // before the views: a replaced function takes its views along
  diffViews(have, want, policy, changes);
  settleTriggersUnderTypeChanges(have, want, changes);
  diffObjectGrants(have, want, changes);  // after the views: those made again need their grants again
  diffDefaultPrivileges(have, want, changes);
  return changes;
}

}  // namespace schema
