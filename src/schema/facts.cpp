#include "schema/facts.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "schema/trigger_facts.hpp"
#include "schema/user_types.hpp"
#include "schema/view.hpp"

namespace schema {

namespace {

bool addsNotNullWithoutValue(const Change& c) {
  if (c.kind != ChangeKind::AddColumn) return false;
  const auto& col = std::get<Column>(c.detail);
  return !col.nullable && !col.defaultExpr && col.identity == Identity::None;
}

// The seed row as the catalog names it now (its table may still carry an old name).
SeedRow liveSeedRow(const Change& c) {
  SeedRow row = std::get<SeedInsert>(c.detail).row;
  row.table = c.liveTable;
  return row;
}

// (live table, name) of the indexes and checks the plan drops: a rebuild takes them down and
// leaves them down (their new definition, if any, is added after it).
using Dropped = std::set<std::pair<std::string, std::string>>;

Dropped droppedIndexesAndChecks(const std::vector<Change>& changes) {
  Dropped out;
  for (const auto& c : changes) {
    if (c.kind == ChangeKind::DropIndex) out.insert({c.liveTable, std::get<Index>(c.detail).name});
    if (c.kind == ChangeKind::DropCheck) out.insert({c.liveTable, std::get<Check>(c.detail).name});
  }
  return out;
}

// A rebuild takes what names the enum down and back up; what it cannot carry blocks it.
void carryEnumUses(Change& c, const Facts& facts, const Dropped& dropped) {
  auto& rebuild = std::get<EnumRebuild>(c.detail);
  rebuild.dependents.clear();
  auto it = facts.enumUses.find(rebuild.desired.name);
  if (it == facts.enumUses.end()) return;
  if (!it->second.blockers.empty()) {
    std::string names;
    for (const auto& b : it->second.blockers) names += (names.empty() ? "" : ", ") + b;
    c.safety = Safety::Blocked;
    c.reason = "removing a value rebuilds type " + rebuild.desired.name + ", which " + names +
               " uses; change or drop " + (it->second.blockers.size() == 1 ? "it" : "them") + " first";
    return;
  }
  rebuild.dependents = it->second.dependents;
  for (auto& d : rebuild.dependents)
    if (d.kind != EnumDependent::Kind::Default && dropped.count({d.table, d.name})) d.restore = false;
}

// An ALTER SEQUENCE whose range excludes the value the sequence has reached fails ("RESTART
// value cannot be greater than MAXVALUE"): it waits until the declaration or the data changes.
bool narrowsRange(const Change& c) {
  if (c.kind != ChangeKind::AlterSequence) return false;
  const auto& s = std::get<SequenceChange>(c.detail);
  return *s.to.minValue > *s.from.minValue || *s.to.maxValue < *s.from.maxValue;
}

void blockIfOutOfRange(Change& c, const Facts& facts) {
  const auto& s = std::get<SequenceChange>(c.detail);
  auto it = facts.sequenceValues.find(s.to.name);
  if (it == facts.sequenceValues.end()) return;
  const long long value = it->second;
  const char* bound = value < *s.to.minValue ? "minValue" : value > *s.to.maxValue ? "maxValue" : nullptr;
  if (!bound) return;
  c.safety = Safety::Blocked;
  c.reason = "sequence " + s.to.name + " has reached " + std::to_string(value) + ", outside the declared range " +
             std::to_string(*s.to.minValue) + " to " + std::to_string(*s.to.maxValue) + " (" + s.to.type +
             "); declare a " + bound + " that includes it, or restart the sequence first";
}

// Column defaults the plan takes away or replaces, by live (table, column); the column is empty
// for a dropped table. `replacement` is the default set instead, if any.
struct DefaultRelease {
  std::string table;
  std::string column;
  std::optional<std::string> replacement;
};

std::vector<DefaultRelease> defaultReleases(const std::vector<Change>& changes) {
  std::vector<DefaultRelease> out;
  for (const auto& c : changes) {
    switch (c.kind) {
      case ChangeKind::DropTable: out.push_back({c.liveTable, "", std::nullopt}); break;
      case ChangeKind::DropColumn: out.push_back({c.liveTable, std::get<Column>(c.detail).name, std::nullopt}); break;
      case ChangeKind::DropDefault:
      case ChangeKind::ConvertSerialToIdentity:
        out.push_back({c.liveTable, std::get<ColumnChange>(c.detail).from.name, std::nullopt});
        break;
      case ChangeKind::SetDefault:
      case ChangeKind::ChangeType: {
        const auto& cc = std::get<ColumnChange>(c.detail);
        out.push_back({c.liveTable, cc.from.name, cc.to.defaultExpr});
        break;
      }
      default: break;
    }
  }
  return out;
}

// Whether the plan takes `column`'s default off `sequence` (live names): it drops the table, the
// column or the default, or sets one that does not name the sequence.
bool releases(const std::vector<DefaultRelease>& released, const std::string& sequence, const std::string& table,
              const std::string& column) {
  for (const auto& r : released) {
    if (r.table != table || (!r.column.empty() && r.column != column)) continue;
    if (!r.replacement || r.replacement->find(sequence) == std::string::npos) return true;
  }
  return false;
}

// A sequence cannot be dropped while something else uses it: drops wait for the defaults the
// plan changes, and are blocked by those it keeps.
void blockIfStillUsed(Change& c, const std::vector<DefaultRelease>& released, const Facts& facts) {
  const std::string& name = std::get<Sequence>(c.detail).name;
  auto it = facts.sequenceUses.find(name);
  if (it == facts.sequenceUses.end()) return;
  std::vector<std::string> users = it->second.others;
  for (const auto& [table, column] : it->second.defaults)
    if (!releases(released, name, table, column)) users.push_back("the default of " + table + "." + column);
  if (users.empty()) return;
  std::string names;
  for (const auto& u : users) names += (names.empty() ? "" : ", ") + u;
  c.safety = Safety::Blocked;
  c.reason = "sequence " + name + " is not declared but " + names + " still uses it; declare it under " +
             "spec.sequences, or change what uses it first";
}

// Postgres cannot turn a plain table into a partitioned one, nor back, nor change a partition
// key: the rows must move to a new table, which is the author's to plan. Partitions of such a
// table wait with it.
void blockRepartitioning(Change& c) {
  const auto& p = std::get<PartitioningChange>(c.detail);
  c.safety = Safety::Blocked;
  if (!p.from)
    c.reason = "table " + c.table + " is a plain table and is declared partitioned (" + p.to->definition +
               "); Postgres cannot partition a table in place: create a partitioned table under a new name, move "
               "the rows, then swap the names";
  else if (!p.to)
    c.reason = "table " + c.table + " is partitioned (" + p.from->definition +
               ") and is declared without partitionBy; Postgres cannot turn a partitioned table into a plain one "
               "in place: declare its partitionBy, or move the rows to a new table";
  else
    c.reason = "table " + c.table + " is partitioned by " + p.from->definition + " and declared partitioned by " +
               p.to->definition + "; Postgres cannot change a partition key in place: create a table with the new "
               "key under a new name, move the rows, then swap the names";
}

void blockPartitionOfBlocked(Change& c, const std::set<std::string>& blockedParents) {
  if (c.kind != ChangeKind::CreatePartition && c.kind != ChangeKind::AttachPartition) return;
  const std::string& parent = std::get<Partition>(c.detail).of.table;
  if (!blockedParents.count(parent)) return;
  c.safety = Safety::Blocked;
  c.reason = "its parent " + parent + " cannot be partitioned as declared (see the ChangePartitionBy of " + parent + ")";
}

}  // namespace

// Roles a policy the change creates or alters names, the role a Grant grants to, or the roles a
// default privilege is for and to (PUBLIC is no role).
static std::vector<std::string> rolesNamed(const Change& c) {
  if (c.kind == ChangeKind::Grant) {
    const auto& g = std::get<GrantChange>(c.detail);
    return g.role == "public" ? std::vector<std::string>{} : std::vector<std::string>{g.role};
  }
  // A default privilege names the role it is for too (empty: the session's own, which exists).
  if (c.kind == ChangeKind::SetDefaultPrivileges) {
    const auto& d = std::get<DefaultPrivilege>(c.detail);
    std::vector<std::string> out;
    for (const auto* r : {&d.forRole, &d.role})
      if (!r->empty() && *r != "public" && (out.empty() || out.back() != *r)) out.push_back(*r);
    return out;
  }
  std::vector<const RowPolicy*> made;
  if (c.kind == ChangeKind::CreatePolicy) made.push_back(&std::get<RowPolicy>(c.detail));
  if (c.kind == ChangeKind::AlterPolicy) made.push_back(&std::get<PolicyChange>(c.detail).to);
  // A function dropped and created again makes the policies on it again, from their declarations.
  for (const auto& d : c.dependentPolicies) made.push_back(&d.policy);
  std::vector<std::string> out;
  for (const RowPolicy* p : made)
    for (const auto& r : p->roles)
      if (r != "public" && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

FactQuestions factsNeeded(const std::vector<Change>& changes) {
  FactQuestions q;
  for (const auto& c : changes) {
    if (c.onNewTable || c.liveTable.empty()) continue;  // a table the plan creates is empty
    if (c.kind == ChangeKind::SetNotNull) {
      q.nullCounts.emplace_back(c.liveTable, std::get<ColumnChange>(c.detail).from.name);
    } else if (addsNotNullWithoutValue(c)) {
      if (std::find(q.tablesWithRows.begin(), q.tablesWithRows.end(), c.liveTable) == q.tablesWithRows.end())
        q.tablesWithRows.push_back(c.liveTable);
    } else if (c.kind == ChangeKind::InsertSeedRow) {
      q.seedRows.push_back(liveSeedRow(c));
    }
  }
  for (const auto& c : changes) {
    if (c.kind == ChangeKind::DropEnumValue) q.rebuiltEnums.push_back(std::get<EnumRebuild>(c.detail).desired.name);
    if (narrowsRange(c)) q.sequenceValues.push_back(std::get<SequenceChange>(c.detail).from.name);
    if (c.kind == ChangeKind::DropSequence) q.droppedSequences.push_back(std::get<Sequence>(c.detail).name);
    userTypeFactsNeeded(c, q);
    for (const auto& role : rolesNamed(c)) q.roles.push_back(role);
  }
  std::sort(q.roles.begin(), q.roles.end());
  q.roles.erase(std::unique(q.roles.begin(), q.roles.end()), q.roles.end());
  q.triggerFunctions = triggerFunctionsNeeded(changes);
  return q;
}

// Roles are never created (they are cluster-wide): a policy naming a missing one is blocked with
// that reason, and the rest of the plan proceeds. A replaced policy's drop is held with it.
static void blockOnMissingRoles(std::vector<Change>& changes, const Facts& facts) {
  std::set<std::string> blockedPolicies;
  for (auto& c : changes) {
    std::vector<std::string> missing;
    for (const auto& r : rolesNamed(c))
      if (!facts.existingRoles.count(r)) missing.push_back(r);
    if (missing.empty()) continue;
    std::string names;
    for (size_t i = 0; i < missing.size(); ++i) names += (i ? ", " : "") + missing[i];
    c.safety = Safety::Blocked;
    c.reason = (missing.size() == 1 ? "role " + names + " does not exist" : "roles " + names + " do not exist") +
               "; the operator never creates roles (they belong to the whole cluster): create it, and this follows";
    blockedPolicies.insert(c.object);
  }
  for (auto& c : changes)
    if (c.kind == ChangeKind::DropPolicy && blockedPolicies.count(c.object)) {
      c.safety = Safety::Blocked;
      c.reason = "held with the policy that replaces it, which is blocked";
    }
}

std::vector<Change> classify(std::vector<Change> changes, const Facts& facts) {
  const Dropped dropped = droppedIndexesAndChecks(changes);
  const std::vector<DefaultRelease> released =
      facts.sequenceUses.empty() ? std::vector<DefaultRelease>{} : defaultReleases(changes);
  std::set<std::string> blockedParents;  // tables whose partitioning cannot change in place
  for (const auto& c : changes)
    if (c.kind == ChangeKind::ChangePartitionBy) blockedParents.insert(c.table);
  std::vector<Change> out;
  out.reserve(changes.size());
  for (auto& c : changes) {
    c.safety = isDestructive(c.kind) ? Safety::Destructive : Safety::Safe;
    // A revoke on what the plan itself makes takes nothing anyone held (a function's default
    // EXECUTE for PUBLIC, given the moment it is created).
    if (c.kind == ChangeKind::Revoke && c.onNewTable) c.safety = Safety::Safe;
    c.reason.clear();
    if (!c.onNewTable && !c.liveTable.empty()) {
      if (c.kind == ChangeKind::SetNotNull) {
        const auto& col = std::get<ColumnChange>(c.detail).from;
        auto it = facts.nulls.find({c.liveTable, col.name});
        if (it != facts.nulls.end() && it->second > 0) {
          c.safety = Safety::Blocked;
          c.reason = std::to_string(it->second) + (it->second == 1 ? " row has" : " rows have") + " NULL in " +
                     c.object + "; set a value or a default first";
        }
      } else if (addsNotNullWithoutValue(c)) {
        auto it = facts.hasRows.find(c.liveTable);
        if (it != facts.hasRows.end() && it->second) {
          c.safety = Safety::Blocked;
          c.reason = "table " + c.table +
                     " has rows and the column is NOT NULL with no default; declare a default or make it nullable";
        }
      } else if (c.kind == ChangeKind::InsertSeedRow) {
        if (facts.existingSeedRows.count(liveSeedRow(c).object())) continue;  // present: never overwritten
      }
    }
    if (c.kind == ChangeKind::DropEnumValue) carryEnumUses(c, facts, dropped);
    if (narrowsRange(c)) blockIfOutOfRange(c, facts);
    if (c.kind == ChangeKind::DropSequence) blockIfStillUsed(c, released, facts);
    if (!c.blockedBy.empty()) {
      c.safety = Safety::Blocked;
      c.reason = c.blockedBy;
    }
    classifyUserType(c, facts);
    blockOnUndeclaredViews(c);
    if (c.kind == ChangeKind::ChangePartitionBy) blockRepartitioning(c);
    if (!blockedParents.empty()) blockPartitionOfBlocked(c, blockedParents);
    out.push_back(std::move(c));
  }
  blockOnMissingRoles(out, facts);
  blockOnMissingTriggerFunctions(out, facts);
  return out;
}

}  // namespace schema
