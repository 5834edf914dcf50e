#include "schema/plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/sha256.hpp"
#include "schema/render.hpp"

namespace schema {

namespace {

// The contract's order: extensions, enums, sequences, tables without their foreign keys, columns,
// constraints and foreign keys, indexes, seed rows; then the drops nothing declared needs.
int phase(ChangeKind k) {
  switch (k) {
    case ChangeKind::CreateExtension:
    // Before what the plan creates, which then starts with them, as after a migration's ALTER
    // DEFAULT PRIVILEGES; a declared grant list still has the last word on the object.
    case ChangeKind::SetDefaultPrivileges: return 0;
    case ChangeKind::CreateEnum:
    case ChangeKind::AddEnumValue:
    case ChangeKind::DropEnumValue:
    // Domains and composite types after the enums they may be over (diff emits them in the
    // order they can be created in), before the tables whose columns use them.
    case ChangeKind::CreateDomain:
    case ChangeKind::CreateType:
    case ChangeKind::AddTypeAttribute:
    case ChangeKind::AddDomainCheck: return 1;
    case ChangeKind::CreateSequence: return 2;  // before the tables whose defaults call nextval
    case ChangeKind::RenameTable: return 3;
    case ChangeKind::CreateTable: return 4;
    case ChangeKind::RenameColumn: return 5;
    case ChangeKind::AddColumn: return 6;
    case ChangeKind::ChangeType:
    case ChangeKind::WidenType: return 7;
    case ChangeKind::SetDefault:
    case ChangeKind::DropDefault:
    case ChangeKind::DropNotNull: return 8;
    case ChangeKind::SetNotNull: return 9;  // before AddIdentity, which needs NOT NULL
    case ChangeKind::AddIdentity:
    case ChangeKind::ConvertSerialToIdentity:
    case ChangeKind::SetComment:
    case ChangeKind::AlterSequence:  // OWNED BY needs the column, renamed and added by now
    case ChangeKind::SetLogged:
    case ChangeKind::SetUnlogged:
    case ChangeKind::EnableRowLevelSecurity:
    case ChangeKind::ForceRowLevelSecurity:
    case ChangeKind::DisableRowLevelSecurity:
    case ChangeKind::NoForceRowLevelSecurity: return 10;
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::AddUnique:
    case ChangeKind::AddCheck:
    case ChangeKind::AddExclusion: return 11;
    case ChangeKind::AddForeignKey: return 12;  // after keys: a foreign key needs its target's key
    case ChangeKind::CreateIndex:
    // Views once the tables they read have their columns: among themselves in the order diff
    // gives them (each after the views it reads).
    case ChangeKind::CreateView:
    case ChangeKind::ReplaceView:
    case ChangeKind::CreateMaterializedView:
    case ChangeKind::ReplaceMaterializedView:
    case ChangeKind::AlterIndex:
    // Policies once the columns and tables their expressions read are there.
    case ChangeKind::CreatePolicy:
    case ChangeKind::AlterPolicy:
    case ChangeKind::Grant:
    case ChangeKind::Revoke:
    // Triggers once the table and the columns their UPDATE OF and WHEN name are there; whether one
    // fires after it is (re)made, which resets it (diff emits them in that order).
    case ChangeKind::CreateTrigger:
    case ChangeKind::ReplaceTrigger:
    case ChangeKind::EnableTrigger:
    case ChangeKind::DisableTrigger: return 13;
    case ChangeKind::RevokeDefaultPrivileges: return 13;
    case ChangeKind::InsertSeedRow: return 14;
    case ChangeKind::DropForeignKey:
    case ChangeKind::DropView:  // before the columns and tables they read are dropped
    case ChangeKind::DropMaterializedView:
    case ChangeKind::DropPolicy:
    case ChangeKind::DropTrigger: return 15;  // before the columns it names are dropped
    case ChangeKind::DropPrimaryKey:
    case ChangeKind::DropUnique:
    case ChangeKind::DropCheck:
    case ChangeKind::DropExclusion:
    case ChangeKind::DropDomainCheck:
    case ChangeKind::DropTypeAttribute: return 16;
    case ChangeKind::DropIndex: return 17;
    case ChangeKind::DropIdentity: return 18;
    case ChangeKind::DropColumn: return 19;
    case ChangeKind::DropTable: return 20;
    case ChangeKind::DropSequence:  // after the defaults, columns and tables that used it
    case ChangeKind::DropType:      // composite types before the domains they may use, both
    case ChangeKind::DropDomain: return 21;  // before the enums they may be over
    case ChangeKind::DropEnum: return 22;
    // Partitions after their parent, its columns and the tables attached (phaseIn puts them
    // between the comments and the keys); their own checks and indexes after them.
    case ChangeKind::CreatePartition:
    case ChangeKind::AttachPartition: return 10;
    case ChangeKind::ChangePartitionBy: return 4;  // always blocked: never rendered
    case ChangeKind::DetachPartition: return 15;
    // Functions: phaseIn puts them between the phases named here.
    case ChangeKind::CreateFunction:
    case ChangeKind::ReplaceFunction: return 2;
    case ChangeKind::DropFunction: return 20;
  }
  return 23;
}

// (table, sorted columns) that the plan's new foreign keys reference.
using Referenced = std::set<std::pair<std::string, std::vector<std::string>>>;

std::vector<std::string> sortedColumns(std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  return columns;
}

Referenced referencedByNewKeys(const std::vector<Change>& changes) {
  Referenced out;
  for (const auto& c : changes) {
    if (c.kind != ChangeKind::AddForeignKey || c.repair) continue;
    const auto& fk = std::get<ForeignKey>(c.detail);
    out.insert({fk.refTable, sortedColumns(fk.refColumns)});
  }
  return out;
}

// The phase of a change in this plan, on a finer scale than phase(). Unique keys come first among
// the keys: a primary key that moves to other columns drops the old one, and the foreign keys on
// it are added back onto the unique key that now holds those columns. A foreign key may also
// reference columns that a unique index (not a constraint) covers: when the plan creates that
// index, it is built with the unique keys, before the foreign keys that need it.
int phaseIn(const Change& c, const Referenced& referenced) {
  const int uniqueKeys = 2 * phase(ChangeKind::AddUnique) - 1;
  if (c.kind == ChangeKind::AddUnique) return uniqueKeys;
  if (c.kind == ChangeKind::CreatePartition || c.kind == ChangeKind::AttachPartition) return 2 * phase(c.kind) + 1;
  if (c.kind == ChangeKind::CreateFunction || c.kind == ChangeKind::ReplaceFunction) {
    // After the sequences a body may call and before the tables whose defaults, checks and
    // indexes call it; one over a table's row type once that table has its columns (pg_depend
    // of the function Postgres made for the question says which).
    const Function& f = c.kind == ChangeKind::CreateFunction ? std::get<Function>(c.detail)
                                                             : std::get<FunctionChange>(c.detail).to;
    return f.rowTypes.empty() ? 2 * phase(c.kind) + 1 : 2 * phase(ChangeKind::WidenType) + 1;
  }
  // After the tables (whose defaults may call it), before the types its signature may use.
  if (c.kind == ChangeKind::DropFunction) return 2 * phase(c.kind) + 1;
  if (c.kind == ChangeKind::CreateIndex) {
    const auto& ix = std::get<Index>(c.detail);
    std::vector<std::string> columns;
    for (const auto& k : ix.keys) columns.push_back(k.column);  // an expression key ("") matches no key
    if (ix.unique && !ix.where && referenced.count({c.table, sortedColumns(columns)})) return uniqueKeys;
  }
  return 2 * phase(c.kind);
}

// A Drop and an Add of the same object are one definition change: the Drop runs just before the
// Add, and the Add is held back whenever the Drop is.
std::string replacementKey(const Change& c) {
  switch (c.kind) {
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::DropPrimaryKey: return "pk:" + c.table;
    case ChangeKind::AddUnique:
    case ChangeKind::DropUnique:
    case ChangeKind::AddCheck:
    case ChangeKind::DropCheck:
    case ChangeKind::AddForeignKey:
    case ChangeKind::DropForeignKey:
    case ChangeKind::AddExclusion:
    case ChangeKind::DropExclusion: return "constraint:" + c.object;
    case ChangeKind::CreateIndex:
    case ChangeKind::DropIndex: return "index:" + c.object;
    case ChangeKind::AddDomainCheck:
    case ChangeKind::DropDomainCheck: return "domain check:" + c.object;
    case ChangeKind::AttachPartition:
    case ChangeKind::DetachPartition: return "partition:" + c.object;
    case ChangeKind::CreatePolicy:
    case ChangeKind::DropPolicy: return "policy:" + c.object;
    default: return "";
  }
}

bool isDrop(ChangeKind k) {
  return k == ChangeKind::DropPrimaryKey || k == ChangeKind::DropUnique || k == ChangeKind::DropCheck ||
         k == ChangeKind::DropForeignKey || k == ChangeKind::DropIndex || k == ChangeKind::DropExclusion ||
         k == ChangeKind::DropDomainCheck || k == ChangeKind::DetachPartition || k == ChangeKind::DropPolicy;
}

}  // namespace

std::vector<std::string> Plan::statements() const {
  std::vector<std::string> out;
  for (const auto& s : steps) out.insert(out.end(), s.statements.begin(), s.statements.end());
  return out;
}

Plan plan(const std::vector<Change>& changes, const std::string& schemaName) {
  // Drops that an Add of the same key replaces travel with that Add.
  std::set<std::string> addKeys;
  for (const auto& c : changes)
    if (!isDrop(c.kind) && !replacementKey(c).empty()) addKeys.insert(replacementKey(c));
  std::map<std::string, const Change*> replacedDrops;
  std::vector<const Change*> ordered;
  for (const auto& c : changes) {
    const std::string key = replacementKey(c);
    if (isDrop(c.kind) && addKeys.count(key)) replacedDrops[key] = &c;
    else ordered.push_back(&c);
  }
  const Referenced referenced = referencedByNewKeys(changes);
  std::vector<std::pair<int, const Change*>> byPhase;
  byPhase.reserve(ordered.size());
  for (const Change* c : ordered) byPhase.emplace_back(phaseIn(*c, referenced), c);
  std::stable_sort(byPhase.begin(), byPhase.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < byPhase.size(); ++i) ordered[i] = byPhase[i].second;

  Plan p;
  auto emit = [&](const Change& c, const std::string& replaces) {
    p.drift.push_back(c);
    if (c.safety == Safety::Blocked) {
      ++p.blocked;
      return;
    }
    if (c.safety == Safety::Destructive) ++p.destructive;
    for (auto& s : render(c, schemaName)) {
      s.replaces = replaces;
      p.steps.push_back(std::move(s));
    }
  };
  for (const Change* c : ordered) {
    const std::string key = replacementKey(*c);
    auto it = replacedDrops.find(key);
    if (it != replacedDrops.end()) {
      emit(*it->second, key);
      emit(*c, key);
      replacedDrops.erase(it);
    } else {
      emit(*c, "");
    }
  }
  std::string text;
  for (const auto& s : p.statements()) text += s + "\n";
  if (!p.steps.empty()) p.hash = "sha256:" + core::sha256Hex(text);
  return p;
}

std::vector<Step> runnable(const Plan& plan, const Approval& approval) {
  std::vector<Step> out;
  std::set<std::string> held;  // definition changes whose Drop may not run: their Add waits too
  for (const auto& s : plan.steps) {
    const bool allowed = s.safety != Safety::Destructive || approval.allows(s.kind, plan.hash);
    if (!allowed || (!s.replaces.empty() && held.count(s.replaces))) {
      if (!s.replaces.empty()) held.insert(s.replaces);
      continue;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace schema
