#include "schema/function.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "schema/grants_diff.hpp"
#include "schema/match.hpp"
#include "schema/sql.hpp"

namespace schema {

namespace {

using sql::ident;
using sql::literal;
using sql::qualified;

// Functions of the same name in the other list, in order.
std::vector<const Function*> named(const std::vector<Function>& functions, const std::string& name) {
  std::vector<const Function*> out;
  for (const auto& f : functions)
    if (f.name == name) out.push_back(&f);
  return out;
}

// A policy's or trigger's own changes in the plan, which a function dropped and created again
// replaces by making it again from its declaration.
bool ownPolicyChange(ChangeKind k) {
  return k == ChangeKind::CreatePolicy || k == ChangeKind::AlterPolicy || k == ChangeKind::DropPolicy;
}
bool ownTriggerChange(ChangeKind k) {
  return k == ChangeKind::ReplaceTrigger || k == ChangeKind::EnableTrigger || k == ChangeKind::DisableTrigger;
}

// Everything but the identity and the comment: what CREATE OR REPLACE sets.
bool sameDefinition(const Function& a, const Function& b) {
  return a.procedure == b.procedure && a.arguments == b.arguments && a.returns == b.returns && a.language == b.language &&
         a.body == b.body && a.volatility == b.volatility && a.strict == b.strict &&
         a.securityDefiner == b.securityDefiner && a.parallel == b.parallel && a.settings == b.settings;
}

// CREATE OR REPLACE cannot change the result type, a parameter's name or default, nor make a
// function a procedure: Postgres refuses, and the function is dropped and made again instead.
bool replaceableInPlace(const Function& live, const Function& wanted) {
  return live.procedure == wanted.procedure && live.returns == wanted.returns && live.arguments == wanted.arguments;
}

// Parameters whose value is a list (GUC_LIST_QUOTE): each element is its own literal.
bool listSetting(const std::string& name) { return name == "search_path" || name == "temp_tablespaces"; }

// "a, \"b c\"" -> {"a", "b c"}: the elements of a list value as Postgres flattens it.
std::vector<std::string> listElements(const std::string& value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    std::string element;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size(); ++i) {
        if (value[i] == '"' && i + 1 < value.size() && value[i + 1] == '"') {
          element.push_back('"');
          ++i;
        } else if (value[i] == '"') {
          ++i;
          break;
        } else {
          element.push_back(value[i]);
        }
      }
      while (i < value.size() && value[i] != ',') ++i;
    } else {
      while (i < value.size() && value[i] != ',') element.push_back(value[i++]);
      while (!element.empty() && std::isspace(static_cast<unsigned char>(element.back()))) element.pop_back();
    }
    if (!element.empty()) out.push_back(element);
    if (i < value.size() && value[i] == ',') ++i;
  }
  return out;
}

// "plpgsql.variable_conflict" -> each part an identifier.
std::string settingNameSql(const std::string& name) {
  const auto dot = name.find('.');
  return dot == std::string::npos ? ident(name) : ident(name.substr(0, dot)) + "." + ident(name.substr(dot + 1));
}

class FunctionDiffer {
 public:
  FunctionDiffer(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& out)
      : have_(have), want_(want), policy_(policy), out_(out) {
    for (const auto& c : out_) {
      if (c.kind == ChangeKind::DropTable) droppedTables_.insert(c.liveTable.empty() ? c.object : c.liveTable);
      if (c.kind == ChangeKind::DropTrigger)
        droppedTriggers_.insert({c.liveTable.empty() ? c.table : c.liveTable, std::get<Trigger>(c.detail).name});
    }
  }

  void run() {
    std::set<const Function*> matched;
    for (const auto& f : want_.functions) {
      const Function* live = nullptr;
      if (!f.missingLanguage)
        for (const Function* l : named(have_.functions, f.name))
          if (l->argumentTypes == f.argumentTypes) live = l;
      if (live) matched.insert(live);
      declared(f, live);
    }
    dropOwnChangesOfRemade();
    if (!policy_.prune) return;
    for (const auto& l : have_.functions) {
      if (matched.count(&l)) continue;
      Change& c = add(ChangeKind::DropFunction, l, l);
      blockOnDependents(c, l, /*dropping=*/true);
    }
  }

 private:
  Change& add(ChangeKind kind, const Function& f, Detail detail) {
    out_.push_back(changeOf(kind, f.signature(), std::move(detail)));
    return out_.back();
  }

  void declared(const Function& f, const Function* live) {
    if (!live) {
      Function made = f;
      if (made.comment && made.comment->empty()) made.comment.reset();
      Change& c = add(ChangeKind::CreateFunction, f, std::move(made));
      if (f.missingLanguage) {
        c.blockedBy = missingLanguage(f);
        return;  // its grants wait for it
      }
      if (f.grants) grants(f, *f.grants, nullptr);
      return;
    }
    if (!sameDefinition(f, *live)) {
      FunctionChange change{*live, f, !replaceableInPlace(*live, f)};
      if (!change.to.comment) change.to.comment = live->comment;  // not managed: kept as it is
      const bool dropAndCreate = change.dropAndCreate;
      Change& c = add(ChangeKind::ReplaceFunction, f, std::move(change));
      if (dropAndCreate) {
        blockOnDependents(c, *live, /*dropping=*/false, remakeDependents(c, *live, f));
        // Made again: its privileges go with the drop; what it is declared to hold, or else what
        // it held, is granted again.
        if (const auto& again = f.grants ? f.grants : live->grants) grants(f, *again, nullptr);
        return;
      }
      if (f.grants) grants(f, *f.grants, &*live->grants);
      return;
    }
    if (f.grants && live->grants) grants(f, *f.grants, &*live->grants);
    const auto stored = f.comment && !f.comment->empty() ? f.comment : std::nullopt;
    if (f.comment && stored != live->comment) {
      Function commented = *live;
      commented.comment = stored;
      add(ChangeKind::SetComment, f, std::move(commented));
    }
  }

  // A function dropped and created again takes the declared triggers and policies that call it
  // (a trigger's function or WHEN, a policy's expressions) down and back up around itself, from
  // their declarations. Each is made on its table as the table is named when the function's step
  // runs: the live name, unless the function waits for the tables (a row type in its signature),
  // and so for their renames. One whose declaration changes too while the plan adds or renames
  // columns of its table may read those, which come after the function: it stays in the way. So
  // does a trigger whose function this is: a trigger function has no parameters and returns
  // trigger, so its drop and create makes it something no trigger can call.
  std::set<const FunctionDependent*> remakeDependents(Change& c, const Function& live, const Function& wanted) {
    std::set<const FunctionDependent*> remade;
    for (const auto& d : live.dependents) {
      if (d.kind == FunctionDependent::Kind::Default) {
        if (remakeDefault(c, d, wanted)) remade.insert(&d);
        continue;
      }
      const bool trigger = d.kind == FunctionDependent::Kind::Trigger;
      if (!trigger && d.kind != FunctionDependent::Kind::Policy) continue;
      const Table* table = declaredTable(d.table);
      if (!table || (wanted.rowTypes.empty() && changesWithColumns(*table, d.name, trigger))) continue;
      const std::string on = wanted.rowTypes.empty() ? d.table : table->name;
      const Trigger* t = trigger ? findNamed(table->triggers, d.name) : nullptr;
      if (t && t->functionSchema.empty() && t->function == wanted.name) t = nullptr;  // see below
      const RowPolicy* p = trigger ? nullptr : findNamed(table->policies, d.name);
      if (t) c.dependentTriggers.push_back({on, *t});
      if (p) c.dependentPolicies.push_back({on, *p});
      if (t || p) remade.insert(&d);
    }
    return remade;
  }

  // A column default that calls the function is taken off and set again around it, as the
  // declared column has it (on the live names while the function's step runs before the plan's
  // renames, on the declared ones when it waits for them); a column the declaration no longer has
  // stands in the way.
  bool remakeDefault(Change& c, const FunctionDependent& d, const Function& wanted) {
    const Table* table = declaredTable(d.table);
    const Table* live = have_.table(d.table);
    if (!table || !live) return false;
    for (const auto& column : table->columns) {
      const Column* lc = matchColumn(*live, *table, column);
      if (!lc || lc->name != d.name) continue;
      const bool afterRenames = !wanted.rowTypes.empty();
      c.dependentDefaults.push_back(
          {afterRenames ? table->name : d.table, afterRenames ? column.name : d.name, column.defaultExpr});
      return true;
    }
    return false;
  }

  // The declared table whose live name is `live`, or nullptr.
  const Table* declaredTable(const std::string& live) {
    if (!liveToDeclared_) {
      liveToDeclared_.emplace();
      for (const auto& m : matchTables(have_, want_))
        if (m.have) (*liveToDeclared_)[m.have->name] = m.want;
    }
    auto it = liveToDeclared_->find(live);
    return it == liveToDeclared_->end() ? nullptr : it->second;
  }

  // Does the plan change the declared policy (or trigger) `name` of `table`, and add or rename
  // columns of that table?
  bool changesWithColumns(const Table& table, const std::string& name, bool trigger) const {
    bool itself = false, columns = false;
    for (const auto& c : out_) {
      if (c.table != table.name) continue;
      columns = columns || c.kind == ChangeKind::AddColumn || c.kind == ChangeKind::RenameColumn;
      itself = itself || (c.object == table.name + "." + name && (trigger ? ownTriggerChange(c.kind) : ownPolicyChange(c.kind)));
    }
    return itself && columns;
  }

  // A dependent made again from its declaration needs no change of its own: one drop, one
  // create. Not when the function's change is blocked: then it is not made again either.
  void dropOwnChangesOfRemade() {
    std::set<std::string> policies, triggers;  // "declared table.name", as their changes' objects
    for (auto& c : out_) {
      if (c.kind != ChangeKind::ReplaceFunction) continue;
      if (!c.blockedBy.empty()) {
        c.dependentTriggers.clear();
        c.dependentPolicies.clear();
        c.dependentDefaults.clear();
        continue;
      }
      for (const auto& t : c.dependentTriggers) triggers.insert(declaredObject(t.table, t.trigger.name));
      for (const auto& p : c.dependentPolicies) policies.insert(declaredObject(p.table, p.policy.name));
    }
    if (policies.empty() && triggers.empty()) return;
    out_.erase(std::remove_if(out_.begin(), out_.end(), [&](const Change& c) {
                 return (ownPolicyChange(c.kind) && policies.count(c.object)) ||
                        (ownTriggerChange(c.kind) && triggers.count(c.object));
               }),
               out_.end());
  }

  // "orders.name" for a dependent on `table` (its live or declared name).
  std::string declaredObject(const std::string& table, const std::string& name) {
    const Table* declared = declaredTable(table);
    return (declared ? declared->name : table) + "." + name;
  }

  // DROP FUNCTION fails while anything depends on it. Views are diffViews' (made again around a
  // replaced function when declared), and so are the declared triggers and policies a replaced
  // function makes again (remakeDependents); what else depends on it must be gone first: a
  // dropped function's triggers the plan drops go before it, its dependents on a table the plan
  // drops go with that table; anything else blocks.
  void blockOnDependents(Change& c, const Function& live, bool dropping,
                         const std::set<const FunctionDependent*>& remade = {}) {
    std::string standing;
    for (const auto& d : live.dependents) {
      if (d.kind == FunctionDependent::Kind::View || remade.count(&d)) continue;
      if (dropping && !d.table.empty() && droppedTables_.count(d.table)) continue;
      if (dropping && d.kind == FunctionDependent::Kind::Trigger && droppedTriggers_.count({d.table, d.name})) continue;
      standing += (standing.empty() ? "" : "; ") + d.description;
    }
    if (standing.empty()) return;
    c.blockedBy = "Postgres cannot " + std::string(dropping ? "drop " : "drop and create again ") + c.object +
                  " while other objects depend on it (" + standing + "); " +
                  (dropping ? "declare the function, or remove what uses it first"
                            : "keep its result type, parameter names and defaults, or remove what uses it first (a "
                              "declared view, trigger or policy is made again around it, unless its own new "
                              "declaration may read columns the plan adds or renames: change those first)");
  }

  // Grants where declared, as for tables (schema/grants_diff.hpp). `held` null: the plan makes the
  // function, which then holds Postgres's default (PUBLIC may execute it); revoking that takes
  // nothing anyone had (onNewTable: safe).
  void grants(const Function& f, const std::vector<Grant>& declared, const std::vector<Grant>* held) {
    const std::vector<Grant> fresh = defaultRoutineGrants();
    const GrantOn on = f.procedure ? GrantOn::Procedure : GrantOn::Function;
    for (auto& c : grantChanges(on, f.name, declared, held ? held : &fresh, held == nullptr, f.argumentTypes))
      out_.push_back(std::move(c));
  }

  static std::string missingLanguage(const Function& f) {
    return "language " + f.language + " is not installed in the database; create it (often CREATE EXTENSION " +
           f.language + ", or declare it under spec.extensions) before " + f.signature() + " can be made";
  }

  const Model& have_;
  const Model& want_;
  const Policy& policy_;
  std::vector<Change>& out_;
  std::set<std::string> droppedTables_;
  std::set<std::pair<std::string, std::string>> droppedTriggers_;  // (live table, trigger)
  std::optional<std::map<std::string, const Table*>> liveToDeclared_;  // found once, when needed
};

}  // namespace

FunctionQuestions functionQuestions(const Model& have, const Model& want) {
  FunctionQuestions q;
  std::set<std::string> languages;
  for (size_t i = 0; i < want.functions.size(); ++i) {
    const Function& f = want.functions[i];
    const auto live = named(have.functions, f.name);
    const bool onItsFace =
        std::any_of(live.begin(), live.end(), [&](const Function* l) { return sameDefinition(f, *l); });
    if (onItsFace) continue;
    q.functions.push_back({i, "so_fn_" + std::to_string(i), f});
    languages.insert(f.language);
  }
  if (q.functions.empty()) return q;
  q.languages.assign(languages.begin(), languages.end());
  std::map<std::string, int> askedNames;
  for (const auto& f : q.functions) ++askedNames[f.declared.name];
  for (auto& f : q.functions)
    f.underOwnName = askedNames[f.declared.name] == 1 && named(have.functions, f.declared.name).empty();
  // A scratch function sees a shadow table only by its name, written somewhere in its arguments,
  // result or body (a SQL body's FROM, a SETOF, a %ROWTYPE). Asked before the types are Postgres's,
  // every table whose declared type is spelt otherwise than the live one (timestamptz) counts as
  // reshaped here: shadowing them all cost a scratch table each, about a second at 1,000 tables
  // for one changed function body (bench/plan_code_objects.py). Only the tables an asked text
  // names, case aside (a superset of what it can read), are shadowed.
  std::string texts;
  for (const auto& f : q.functions) texts += f.declared.arguments + "\n" + f.declared.returns + "\n" + f.declared.body + "\n";
  texts = core::toLower(texts);
  for (auto& t : reshapedTables(have, want))
    if (texts.find(core::toLower(t.name)) != std::string::npos) q.tables.push_back(std::move(t));
  return q;
}

core::Result<std::vector<Function>> answeredFunctions(const Model& have, std::vector<Function> declared,
                                                      const FunctionAnswers& answers) {
  for (size_t i = 0; i < declared.size(); ++i) {
    Function& f = declared[i];
    if (auto it = answers.byIndex.find(i); it != answers.byIndex.end()) {
      f.arguments = it->second.arguments;
      f.argumentTypes = it->second.argumentTypes;
      f.returns = it->second.returns;
      f.settings = it->second.settings;
      f.rowTypes = it->second.rowTypes;
      continue;
    }
    if (answers.missingLanguages.count(f.language)) {
      f.missingLanguage = true;
      continue;
    }
    const auto live = named(have.functions, f.name);
    auto same = std::find_if(live.begin(), live.end(), [&](const Function* l) { return sameDefinition(f, *l); });
    if (same == live.end())
      return core::invalid(f.field, "Postgres was not asked about this function, so it cannot be used in a statement");
    f.argumentTypes = (*same)->argumentTypes;
  }
  // Two declarations of one function (the same name and argument types) would both be made.
  for (size_t i = 0; i < declared.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const Function& a = declared[i];
      const Function& b = declared[j];
      if (!a.missingLanguage && !b.missingLanguage && a.name == b.name && a.argumentTypes == b.argumentTypes)
        return core::invalid(a.field, "declares " + a.signature() + " again (" + b.field +
                                          " has the same name and argument types)");
    }
  return declared;
}

std::vector<Function> functionsForQuestions(const Model& have, const Model& declared,
                                            const std::vector<Function>& functions) {
  std::vector<Function> out;
  std::optional<std::set<std::string>> reshaped;  // found once, and only for a new function over rows
  for (const auto& f : functions) {
    if (f.missingLanguage) continue;
    const auto live = named(have.functions, f.name);
    const bool exists = std::any_of(live.begin(), live.end(), [&](const Function* l) { return l->argumentTypes == f.argumentTypes; });
    if (exists) continue;
    if (!f.rowTypes.empty() && !reshaped) {
      reshaped.emplace();
      for (const auto& t : reshapedTables(have, declared)) reshaped->insert(t.name);
    }
    const bool overLiveRows = std::all_of(f.rowTypes.begin(), f.rowTypes.end(), [&](const std::string& t) {
      return have.table(t) && !reshaped->count(t);
    });
    if (overLiveRows) out.push_back(f);
  }
  return out;
}

std::vector<Grant> defaultRoutineGrants() { return {Grant{"public", {"EXECUTE"}, {}, ""}}; }

void diffFunctions(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& changes) {
  if (have.functions.empty() && want.functions.empty()) return;
  FunctionDiffer(have, want, policy, changes).run();
}

std::string dollarQuoted(const std::string& text) {
  std::string tag = "$body$";
  for (int n = 1; text.find(tag) != std::string::npos; ++n) tag = "$body" + std::to_string(n) + "$";
  return tag + text + tag;
}

std::string settingValueSql(const FunctionSetting& s) {
  if (!listSetting(s.name)) return literal(s.value);
  std::string out;
  for (const auto& element : listElements(s.value)) out += (out.empty() ? "" : ", ") + literal(element);
  return out.empty() ? "''" : out;
}

std::string createFunctionSql(const Function& f, const std::string& qualifiedName, bool orReplace) {
  std::string sql = std::string("CREATE ") + (orReplace ? "OR REPLACE " : "") + (f.procedure ? "PROCEDURE " : "FUNCTION ") +
                    qualifiedName + "(" + f.arguments + ")";
  if (!f.procedure) sql += " RETURNS " + f.returns;
  sql += " LANGUAGE " + ident(f.language);
  if (!f.procedure) {
    sql += " " + core::toUpper(f.volatility);
    sql += f.strict ? " STRICT" : " CALLED ON NULL INPUT";
  }
  sql += f.securityDefiner ? " SECURITY DEFINER" : " SECURITY INVOKER";
  if (!f.procedure) sql += " PARALLEL " + core::toUpper(f.parallel);
  for (const auto& s : f.settings) sql += " SET " + settingNameSql(s.name) + " TO " + settingValueSql(s);
  return sql + " AS " + dollarQuoted(f.body);
}

std::vector<Step> renderFunction(const Change& c, const std::string& schemaName) {
  Step step;
  step.kind = c.kind;
  step.object = c.object;
  step.safety = c.safety;
  auto& out = step.statements;
  // A SQL body is resolved against the catalog when it is made, and the tables it reads may come
  // later in the plan; Postgres has already checked it (pg::askFunctions, over the declared tables).
  auto make = [&](const Function& f, bool orReplace) {
    if (f.language == "sql") out.push_back("SET LOCAL check_function_bodies TO off");
    out.push_back(createFunctionSql(f, qualified(schemaName, f.name), orReplace));
  };
  switch (c.kind) {
    case ChangeKind::CreateFunction: {
      const auto& f = std::get<Function>(c.detail);
      make(f, false);
      if (f.comment) out.push_back(commentOnFunctionSql(f, schemaName));
      break;
    }
    case ChangeKind::ReplaceFunction: {
      const auto& change = std::get<FunctionChange>(c.detail);
      if (change.dropAndCreate) out.push_back(dropFunctionSql(change.from, schemaName));
      make(change.to, !change.dropAndCreate);
      if (change.dropAndCreate ? change.to.comment.has_value() : change.to.comment != change.from.comment)
        out.push_back(commentOnFunctionSql(change.to, schemaName));
      break;
    }
    case ChangeKind::DropFunction: out.push_back(dropFunctionSql(std::get<Function>(c.detail), schemaName)); break;
    case ChangeKind::SetComment: out.push_back(commentOnFunctionSql(std::get<Function>(c.detail), schemaName)); break;
    default: return {};
  }
  return {std::move(step)};
}

std::string dropFunctionSql(const Function& f, const std::string& schemaName) {
  return std::string("DROP ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + qualified(schemaName, f.name) + "(" +
         f.argumentTypes + ")";
}

std::string commentOnFunctionSql(const Function& f, const std::string& schemaName) {
  return std::string("COMMENT ON ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + qualified(schemaName, f.name) + "(" +
         f.argumentTypes + ") IS " + (f.comment ? literal(*f.comment) : "NULL");
}

}  // namespace schema
