// Safety, as in pg/policies.cpp: the author's `when` is pasted into CREATE TRIGGER on temporary
// tables only, each statement alone in the extended protocol (which runs exactly one; all of them
// in one round trip), in a transaction that is always rolled back. The condition is followed by a
// line break before its closing parenthesis, so a `--` in it cannot comment the rest of the
// statement away, and the trigger calls a scratch function of pg_temp that does nothing. Each
// trigger made is read back and checked against what was asked (its timing, events and level, no
// UPDATE OF, no arguments, the scratch function): a condition that closes its parenthesis to say
// more is refused. Only Postgres's printed condition goes on to the plan. Nothing fires here (the
// tables stay empty and nothing is written to them).
#include "pg/triggers.hpp"

#include <map>

#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/catalog_decode.hpp"
#include "pg/pqerror.hpp"
#include "pg/user_types.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

using schema::sql::ident;

constexpr const char* kScratchFunction = "schema_operator_trigger_question";

// The scratch triggers, as Postgres keeps them.
constexpr const char* kReadBack =
    "SELECT c.relname, t.tgname, t.tgtype, t.tgnargs, t.tgattr::text, pg_catalog.pg_get_triggerdef(t.oid),"
    " p.proname = $1 AND p.pronamespace = pg_catalog.pg_my_temp_schema()"
    " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema()";

std::string triggerSql(const schema::TriggerQuestion& q, const schema::TriggerQuestion::Asked& a) {
  schema::Trigger t;
  t.name = a.name;
  t.timing = a.timing;
  t.events = a.events;
  t.forEach = a.forEach;
  t.when = a.when + "\n";
  return schema::triggerSql(t, "pg_temp." + ident(q.table), std::string("pg_temp.") + kScratchFunction, false);
}

struct Made {
  int type = 0;
  bool bare = false;  // no arguments, no UPDATE OF, the scratch function
  std::optional<std::string> when;
};

}  // namespace

core::Result<schema::TriggerAnswers> askTriggers(pqxx::connection& conn, const std::string& schemaName,
                                                 const schema::CanonQuestions& planned,
                                                 const std::vector<schema::TriggerQuestion>& questions) {
  schema::TriggerAnswers answers;
  if (questions.empty()) return answers;
  try {
    pqxx::work tx(conn, "trigger-questions");
    std::vector<std::string> statements{std::string("CREATE FUNCTION pg_temp.") + kScratchFunction +
                                        "() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'"};
    std::vector<std::string> fields{questions.front().field};
    for (const auto& q : questions) {
      statements.push_back(detail::scratchTableSql(q.table, q.columns));
      fields.push_back(q.field);
      for (const auto& a : q.triggers) {
        statements.push_back(triggerSql(q, a));
        fields.push_back(a.field);
      }
    }
    if (auto refused = detail::makeScratch(tx, schemaName, planned, statements, fields)) {
      tx.abort();
      return *refused;
    }
    std::map<std::pair<std::string, std::string>, Made> made;
    for (const auto& row : tx.exec_params(kReadBack, kScratchFunction)) {
      Made m;
      m.type = row[2].as<int>();
      m.bare = row[3].as<int>() == 0 && std::string_view(row[4].c_str()).empty() && row[6].as<bool>();
      m.when = triggerWhenOf(row[5].c_str());
      made[{row[0].c_str(), row[1].c_str()}] = std::move(m);
    }
    tx.abort();  // scratch only: nothing is ever committed
    for (const auto& q : questions)
      for (const auto& a : q.triggers) {
        auto it = made.find({q.table, a.name});
        if (it == made.end() || !it->second.bare || !it->second.when ||
            it->second.type != schema::triggerType(a.timing, a.events, a.forEach))
          return core::invalid(a.field, "not a trigger's condition alone (the text defines something more)");
        answers[{q.table, a.name}] = *it->second.when;
      }
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot check the declared trigger conditions");
  }
  return answers;
}

}  // namespace pg
