#include "schema/facts.hpp"

#include <algorithm>
#include <set>
#include <utility>

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

}  // namespace

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
  for (const auto& c : changes)
    if (c.kind == ChangeKind::DropEnumValue) q.rebuiltEnums.push_back(std::get<EnumRebuild>(c.detail).desired.name);
  return q;
}

std::vector<Change> classify(std::vector<Change> changes, const Facts& facts) {
  const Dropped dropped = droppedIndexesAndChecks(changes);
  std::vector<Change> out;
  out.reserve(changes.size());
  for (auto& c : changes) {
    c.safety = isDestructive(c.kind) ? Safety::Destructive : Safety::Safe;
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
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace schema
