#pragma once
// Table triggers (contract Part 2, Code objects): the questions Postgres answers about declared
// `when` conditions, the declared model made of its answers, and the statements that make a
// trigger. A `when` is the author's SQL text: it reaches a statement only as Postgres printed it
// back (pg_get_triggerdef), after it made the trigger on a scratch copy of its table
// (pg::askTriggers). Pure: no I/O.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "schema/model.hpp"

namespace schema {

struct Change;

// A column type change under a trigger that uses the column (its WHEN or UPDATE OF: Postgres
// refuses the ALTER): a declared trigger is dropped and made again around it
// (Change::dependentTriggers); an undeclared one blocks it, named.
void settleTriggersUnderTypeChanges(const Model& have, const Model& want, std::vector<Change>& changes);

// pg_trigger.tgtype bits (Postgres's catalog/pg_trigger.h): a trigger's level, timing and events.
namespace tgtype {
constexpr int kRow = 1 << 0;
constexpr int kBefore = 1 << 1;
constexpr int kInsert = 1 << 2;
constexpr int kDelete = 1 << 3;
constexpr int kUpdate = 1 << 4;
constexpr int kTruncate = 1 << 5;
constexpr int kInstead = 1 << 6;
}  // namespace tgtype

// The events a trigger may fire on, in the order the model keeps them.
const std::vector<std::string>& triggerEventOrder();

// tgtype of a trigger's timing, events and level.
int triggerType(const std::string& timing, const std::vector<std::string>& events, const std::string& forEach);
// The timing, events and level tgtype says, into `t`.
void applyTriggerType(int type, Trigger& t);

// One declared table with `when` conditions to ask about: a temporary table of its name with the
// columns it will have, and each trigger on it.
struct TriggerQuestion {
  std::string table;                                         // declared name
  std::vector<std::pair<std::string, std::string>> columns;  // (name, type as SQL)
  std::string field;                                         // the table's
  struct Asked {
    std::string name;
    std::string timing;
    std::vector<std::string> events;
    std::string forEach;
    std::string when;   // the author's text
    std::string field;  // the trigger's `when`: "spec.tables[0].triggers[1].when"
  };
  std::vector<Asked> triggers;
};
using TriggerAnswers = std::map<std::pair<std::string, std::string>, std::string>;  // (table, trigger) -> when

// Every declared trigger whose `when` is not, on its face, its live namesake's. `want` is the
// canonical model (types as Postgres spells them).
std::vector<TriggerQuestion> triggerQuestions(const Model& have, const Model& want);

// `want` with every `when` in Postgres's own text: the answer, or the live text where the
// declaration is on its face the same. A text with neither is an error naming its field.
core::Result<Model> withTriggerAnswers(const Model& have, Model want, const TriggerAnswers& answers);

// CREATE [OR REPLACE] TRIGGER name timing events ON table FOR EACH level [WHEN (when)] EXECUTE
// FUNCTION function(arguments): `table` and `function` already qualified and quoted, the
// arguments string literals. `when` goes in as the model holds it.
std::string triggerSql(const Trigger& t, const std::string& table, const std::string& function, bool orReplace);

// The function a trigger calls, qualified and quoted (`schemaName` when it names none).
std::string triggerFunctionSql(const Trigger& t, const std::string& schemaName);

// "util.touch()" or "touch()": how reasons and reports name a trigger's function.
std::string triggerFunctionName(const Trigger& t);

}  // namespace schema
