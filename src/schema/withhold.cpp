#include "schema/withhold.hpp"

#include <algorithm>
#include <optional>

namespace schema {

namespace {

// Whether `field` is `item` or inside it ("spec.views[1].query" is inside "spec.views[1]",
// "spec.views[10]" is not).
bool within(const std::string& field, const std::string& item) {
  if (item.empty() || field.rfind(item, 0) != 0) return false;
  return field.size() == item.size() || field[item.size()] == '.' || field[item.size()] == '[';
}

// The declared item of `items` that `field` is in, or items.end().
template <class T>
typename std::vector<T>::iterator declaredAt(std::vector<T>& items, const std::string& field) {
  return std::find_if(items.begin(), items.end(), [&](const T& item) { return within(field, item.field); });
}

// The blocked change standing for a withheld item.
Change heldChange(ChangeKind kind, std::string object, std::string table, Detail detail, const std::string& reason) {
  Change c = changeOf(kind, std::move(object), std::move(detail));
  c.table = std::move(table);
  c.safety = Safety::Blocked;
  c.reason = reason;
  return c;
}

// The reason given for a refusal: what it waits for when the server names a withheld item,
// else what is missing and what follows.
std::string reasonFor(const Refusal& refusal, const Withheld& withheld) {
  const std::string what = refusal.field + ": " + refusal.message;
  for (const auto& [kind, name] : withheld.items)
    if (refusal.message.find("\"" + name + "\"") != std::string::npos ||
        refusal.message.find(" " + name + "(") != std::string::npos)
      return "waits for " + kind + " " + name + ", which is blocked (" + what + ")";
  if (!withheld.extensions.empty()) {
    std::string names;
    for (const auto& e : withheld.extensions) names += (names.empty() ? "" : ", ") + e;
    return what + "; it waits for extension" + (withheld.extensions.size() == 1 ? " " : "s ") + names +
           ", which cannot be created (see CreateExtension)";
  }
  return what + "; the resource does not declare it (another schema's object, or one made by hand or by an "
                "extension): this waits until it exists, and the rest of the plan proceeds";
}

const Table* liveTable(const Model& have, const Table& t) {
  if (const Table* live = have.table(t.name)) return live;
  for (const auto& old : t.renamedFrom)
    if (const Table* live = have.table(old)) return live;
  return nullptr;
}

void dropSeeds(Model& declared, const std::string& table) {
  std::erase_if(declared.seeds, [&](const SeedRow& r) { return r.table == table; });
}

void withholdTable(Model& declared, const Model& have, size_t index, const std::string& reason, Withheld& withheld);

// A table the plan would create is withheld: the declared foreign keys onto it are held (the
// tables themselves proceed), its partitions are withheld with it.
void withholdReferences(Model& declared, const Model& have, const std::string& table, Withheld& withheld) {
  const std::string why = "waits for table " + table + ", which is blocked";
  for (auto& t : declared.tables)
    std::erase_if(t.foreignKeys, [&](const ForeignKey& fk) {
      if (fk.refTable != table) return false;
      withheld.changes.push_back(heldChange(ChangeKind::AddForeignKey, t.name + "." + fk.name, t.name, fk, why));
      return true;
    });
  // A declared partition only (a live copy, which stands for one already withheld, has no field).
  for (size_t i = 0; i < declared.tables.size(); ++i)
    if (declared.tables[i].partitionOf && declared.tables[i].partitionOf->table == table &&
        !declared.tables[i].field.empty()) {
      withholdTable(declared, have, i, why, withheld);
      i = static_cast<size_t>(-1);  // the list changed: look again from the start
    }
}

// The change a table that exists would have been given for the refused field, as far as it names
// one: a column added or retyped, a check, an index or an exclusion added.
std::optional<Change> heldOnLiveTable(const Table& t, const Table& live, const std::string& field,
                                      const std::string& reason) {
  for (const auto& c : t.columns)
    if (within(field, c.field)) {
      const Column* lc = live.column(c.name);
      if (!lc) return heldChange(ChangeKind::AddColumn, t.name + "." + c.name, t.name, c, reason);
      return heldChange(ChangeKind::ChangeType, t.name + "." + c.name, t.name, ColumnChange{*lc, c, false}, reason);
    }
  for (const auto& k : t.checks)
    if (within(field, k.field)) return heldChange(ChangeKind::AddCheck, t.name + "." + k.name, t.name, k, reason);
  for (const auto& ix : t.indexes)
    if (within(field, ix.field)) return heldChange(ChangeKind::CreateIndex, t.name + "." + ix.name, t.name, ix, reason);
  for (const auto& x : t.exclusions)
    if (within(field, x.field)) return heldChange(ChangeKind::AddExclusion, t.name + "." + x.name, t.name, x, reason);
  return std::nullopt;
}

void withholdTable(Model& declared, const Model& have, size_t index, const std::string& reason, Withheld& withheld) {
  const Table t = declared.tables[index];
  withheld.items.emplace_back("table", t.name);
  dropSeeds(declared, t.name);
  if (const Table* live = liveTable(have, t)) {
    declared.tables[index] = *live;  // nothing on it changes, nothing of it is dropped
    return;
  }
  Change c = heldChange(ChangeKind::CreateTable, t.name, t.name, t, reason);
  c.onNewTable = true;
  withheld.changes.push_back(std::move(c));
  declared.tables.erase(declared.tables.begin() + static_cast<std::ptrdiff_t>(index));
  withholdReferences(declared, have, t.name, withheld);
}

bool withholdView(Model& declared, const Model& have, const Refusal& refusal, Withheld& withheld) {
  auto it = declaredAt(declared.views, refusal.field);
  if (it == declared.views.end()) return false;
  const std::string reason = reasonFor(refusal, withheld);
  const View v = *it;
  withheld.items.emplace_back("view", v.name);
  if (const View* live = have.view(v.name)) {
    withheld.changes.push_back(heldChange(ChangeKind::ReplaceView, v.name, "", ViewChange{*live, v, false}, reason));
    *it = *live;
  } else {
    withheld.changes.push_back(heldChange(
        v.materialized ? ChangeKind::CreateMaterializedView : ChangeKind::CreateView, v.name, "", v, reason));
    declared.views.erase(it);
  }
  return true;
}

// A function is identified by its argument types, which only the server's answer gives: every
// live function of the name stands declared as it is, so that none is replaced nor dropped.
bool withholdFunction(Model& declared, const Model& have, const Refusal& refusal, Withheld& withheld) {
  auto it = declaredAt(declared.functions, refusal.field);
  if (it == declared.functions.end()) return false;
  const std::string reason = reasonFor(refusal, withheld);
  const Function f = *it;
  withheld.items.emplace_back(f.procedure ? "procedure" : "function", f.name);
  declared.functions.erase(it);
  const std::string object = f.name + "(" + f.arguments + ")";
  bool live = false;
  for (const auto& l : have.functions) {
    if (l.name != f.name) continue;
    if (!live) withheld.changes.push_back(heldChange(ChangeKind::ReplaceFunction, object, "", FunctionChange{l, f, false}, reason));
    live = true;
    const bool declaredAlready = std::any_of(declared.functions.begin(), declared.functions.end(), [&](const Function& d) {
      return d.name == l.name && d.argumentTypes == l.argumentTypes;
    });
    if (!declaredAlready) declared.functions.push_back(l);
  }
  if (!live) withheld.changes.push_back(heldChange(ChangeKind::CreateFunction, object, "", f, reason));
  return true;
}

// Policies and triggers: held by name on their table, which proceeds.
template <class Item, class ItemChange>
bool withholdOnTable(std::vector<Item> Table::*member, ChangeKind create, ChangeKind replace, Model& declared,
                     const Model& have, const Refusal& refusal, Withheld& withheld) {
  for (auto& t : declared.tables) {
    auto& items = t.*member;
    auto it = declaredAt(items, refusal.field);
    if (it == items.end()) continue;
    const std::string reason = reasonFor(refusal, withheld);
    const Item item = *it;
    const Table* live = liveTable(have, t);
    const Item* liveItem = live ? findNamed((*live).*member, item.name) : nullptr;
    const std::string object = t.name + "." + item.name;
    if (liveItem) {
      withheld.changes.push_back(heldChange(replace, object, t.name, ItemChange{*liveItem, item}, reason));
      *it = *liveItem;
    } else {
      Change c = heldChange(create, object, t.name, item, reason);
      c.onNewTable = !live;
      withheld.changes.push_back(std::move(c));
      items.erase(it);
    }
    return true;
  }
  return false;
}

bool withholdTableItem(Model& declared, const Model& have, const Refusal& refusal, Withheld& withheld) {
  for (size_t i = 0; i < declared.tables.size(); ++i) {
    const Table& t = declared.tables[i];
    if (!within(refusal.field, t.field)) continue;
    const std::string reason = reasonFor(refusal, withheld);
    if (const Table* live = liveTable(have, t)) {
      auto held = heldOnLiveTable(t, *live, refusal.field, reason);
      if (!held) return false;
      withheld.changes.push_back(std::move(*held));
    }
    withholdTable(declared, have, i, reason, withheld);
    return true;
  }
  return false;
}

}  // namespace

bool namesMissingObject(const std::string& sqlstate) {
  return sqlstate == "42P01" || sqlstate == "42704" || sqlstate == "42883" || sqlstate == "3F000";
}

void withholdExtension(Model& declared, const std::string& name, const std::string& reason, Withheld& withheld) {
  std::erase(declared.extensions, name);
  withheld.extensions.push_back(name);
  withheld.changes.push_back(heldChange(ChangeKind::CreateExtension, name, "", ExtensionRef{name}, reason));
}

bool withhold(Model& declared, const Model& have, const Refusal& refusal, Withheld& withheld) {
  // An extension the question transaction could not create (a privilege, a missing dependency).
  if (refusal.field.rfind("spec.extensions[", 0) == 0) {
    const size_t i = std::stoul(refusal.field.substr(std::string("spec.extensions[").size()));
    if (i >= declared.extensions.size()) return false;
    withholdExtension(declared, declared.extensions[i], refusal.message, withheld);
    return true;
  }
  if (!namesMissingObject(refusal.sqlstate)) return false;
  if (withholdView(declared, have, refusal, withheld)) return true;
  if (withholdFunction(declared, have, refusal, withheld)) return true;
  if (withholdOnTable<RowPolicy, PolicyChange>(&Table::policies, ChangeKind::CreatePolicy, ChangeKind::AlterPolicy,
                                               declared, have, refusal, withheld))
    return true;
  if (withholdOnTable<Trigger, TriggerChange>(&Table::triggers, ChangeKind::CreateTrigger, ChangeKind::ReplaceTrigger,
                                              declared, have, refusal, withheld))
    return true;
  // A table's own columns and constraints are Part 1: a missing type there is the author's mistake,
  // unless an extension of the plan, which would have provided it, cannot be created.
  if (withheld.extensions.empty()) return false;
  return withholdTableItem(declared, have, refusal, withheld);
}

}  // namespace schema
