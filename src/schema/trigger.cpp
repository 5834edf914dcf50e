#include "schema/trigger.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "schema/canon.hpp"
#include "schema/change.hpp"
#include "schema/match.hpp"
#include "schema/sql.hpp"

namespace schema {

namespace {

struct EventBit {
  const char* name;
  int bit;
};
constexpr EventBit kEvents[] = {{"insert", tgtype::kInsert},
                                {"update", tgtype::kUpdate},
                                {"delete", tgtype::kDelete},
                                {"truncate", tgtype::kTruncate}};

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// The live trigger of `live` named like the declared one whose `when` reads the same on its face
// (nothing to ask Postgres); else nullptr.
const Trigger* liveWhenOnItsFace(const Table* live, const Trigger& declared) {
  if (!live || !declared.when) return nullptr;
  for (const auto& t : live->triggers)
    if (t.name == declared.name && t.when && cheaplySame(*declared.when, *t.when)) return &t;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& triggerEventOrder() {
  static const std::vector<std::string> order = {"insert", "update", "delete", "truncate"};
  return order;
}

int triggerType(const std::string& timing, const std::vector<std::string>& events, const std::string& forEach) {
  int type = forEach == "row" ? tgtype::kRow : 0;
  if (timing == "before") type |= tgtype::kBefore;
  if (timing == "instead-of") type |= tgtype::kInstead;
  for (const auto& e : kEvents)
    if (std::find(events.begin(), events.end(), e.name) != events.end()) type |= e.bit;
  return type;
}

void applyTriggerType(int type, Trigger& t) {
  t.forEach = (type & tgtype::kRow) ? "row" : "statement";
  t.timing = (type & tgtype::kBefore) ? "before" : (type & tgtype::kInstead) ? "instead-of" : "after";
  t.events.clear();
  for (const auto& e : kEvents)
    if (type & e.bit) t.events.push_back(e.name);
}

std::vector<TriggerQuestion> triggerQuestions(const Model& have, const Model& want) {
  std::vector<TriggerQuestion> out;
  const std::set<std::string> shadowed = shadowedEnums(have, want);
  for (const auto& m : matchTables(have, want)) {
    const Table& t = *m.want;
    TriggerQuestion q;
    for (const auto& tr : t.triggers)
      if (tr.when && !liveWhenOnItsFace(m.have, tr))
        q.triggers.push_back({tr.name, tr.timing, tr.events, tr.forEach, *tr.when, tr.field + ".when"});
    if (q.triggers.empty()) continue;
    q.table = t.name;
    q.columns = scratchColumns(t, want, shadowed);
    q.field = t.field;
    out.push_back(std::move(q));
  }
  return out;
}

core::Result<Model> withTriggerAnswers(const Model& have, Model want, const TriggerAnswers& answers) {
  const bool anyWhen = std::any_of(want.tables.begin(), want.tables.end(), [](const Table& t) {
    return std::any_of(t.triggers.begin(), t.triggers.end(), [](const Trigger& tr) { return tr.when.has_value(); });
  });
  if (!anyWhen) return want;
  // One entry per declared table, in declared order; only `when` texts change below.
  const auto matches = matchTables(have, want);
  for (size_t i = 0; i < want.tables.size(); ++i) {
    Table& t = want.tables[i];
    for (auto& tr : t.triggers) {
      if (!tr.when) continue;
      if (const Trigger* lt = liveWhenOnItsFace(matches[i].have, tr)) {
        tr.when = lt->when;
        continue;
      }
      auto it = answers.find({t.name, tr.name});
      if (it == answers.end())
        return core::invalid(tr.field + ".when", "Postgres was not asked about this trigger's condition, so it cannot be used");
      tr.when = it->second;
    }
  }
  return want;
}

std::string triggerSql(const Trigger& t, const std::string& table, const std::string& function, bool orReplace) {
  std::string events;
  for (const auto& e : t.events) {
    events += (events.empty() ? "" : " OR ") + upper(e);
    if (e == "update" && !t.updateOf.empty()) {
      std::string columns;
      for (const auto& c : t.updateOf) columns += (columns.empty() ? "" : ", ") + sql::ident(c);
      events += " OF " + columns;
    }
  }
  std::string arguments;
  for (const auto& a : t.arguments) arguments += (arguments.empty() ? "" : ", ") + sql::literal(a);
  const std::string timing = t.timing == "instead-of" ? "INSTEAD OF" : upper(t.timing);
  return std::string(orReplace ? "CREATE OR REPLACE TRIGGER " : "CREATE TRIGGER ") + sql::ident(t.name) + " " +
         timing + " " + events + " ON " + table + " FOR EACH " + upper(t.forEach) +
         (t.when ? " WHEN (" + *t.when + ")" : "") + " EXECUTE FUNCTION " + function + "(" + arguments + ")";
}

std::string triggerFunctionSql(const Trigger& t, const std::string& schemaName) {
  return sql::qualified(t.functionSchema.empty() ? schemaName : t.functionSchema, t.function);
}

std::string triggerFunctionName(const Trigger& t) {
  return (t.functionSchema.empty() ? "" : t.functionSchema + ".") + t.function + "()";
}

void settleTriggersUnderTypeChanges(const Model& have, const Model& want, std::vector<Change>& changes) {
  for (auto& c : changes) {
    if (c.kind != ChangeKind::ChangeType && c.kind != ChangeKind::WidenType) continue;
    const Table* live = have.table(c.liveTable);
    const Table* declared = want.table(c.table);
    if (!live || !declared) continue;
    const std::string& column = std::get<ColumnChange>(c.detail).from.name;
    std::string undeclared;
    for (const auto& lt : live->triggers) {
      if (std::find(lt.columnsUsed.begin(), lt.columnsUsed.end(), column) == lt.columnsUsed.end()) continue;
      if (const Trigger* t = findNamed(declared->triggers, lt.name))
        c.dependentTriggers.push_back({c.table, *t});
      else
        undeclared += (undeclared.empty() ? "" : ", ") + lt.name;
    }
    if (!undeclared.empty() && c.blockedBy.empty())
      c.blockedBy = "trigger " + undeclared + " on " + c.table + " uses column " + column +
                    ", and Postgres will not change a column's type under a trigger; declare it (it is then "
                    "dropped and made again around the change) or drop it first";
  }
}

}  // namespace schema
