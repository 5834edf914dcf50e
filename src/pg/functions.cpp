// Safety, as for the other declarations (pg/canonicalize.cpp): the author's arguments and result
// are pasted into CREATE FUNCTION pg_temp.so_fn_<i>(...) only, each statement alone in the
// extended protocol (which runs exactly one; all of them in one round trip, pg/pipelined.hpp), in
// a transaction that is always rolled back. The body travels dollar-quoted under a tag it does
// not contain, the language and setting names as identifiers, setting values as literals. What
// Postgres made is read back and checked against the declaration field by field: a text that
// closes its parenthesis to add an option (SECURITY DEFINER, COST, another body) is refused. Only
// Postgres's printed text goes on to the plan. Nothing is called here.
#include "pg/functions.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/transaction>

#include "pg/catalog_decode.hpp"
#include "pg/pipelined.hpp"
#include "pg/pqerror.hpp"
#include "pg/user_types.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace detail {

// The text form of a routine's settings, "name=value" each, split at the first "=".
std::vector<schema::FunctionSetting> settingsOf(const pqxx::field& f) {
  std::vector<schema::FunctionSetting> out;
  if (f.is_null()) return out;
  for (const auto& entry : nlohmann::json::parse(f.c_str())) {
    const std::string text = entry.get<std::string>();
    const auto eq = text.find('=');
    out.push_back({text.substr(0, eq), eq == std::string::npos ? "" : text.substr(eq + 1)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string volatilityOf(char c) { return c == 'i' ? "immutable" : c == 's' ? "stable" : "volatile"; }
std::string parallelOf(char c) { return c == 's' ? "safe" : c == 'r' ? "restricted" : "unsafe"; }

// The columns both reads share, from the routine `p` and its language `l`: name, prokind,
// arguments, argument types, result, language, body, volatility, strict, security definer,
// parallel, settings.
#define SO_FUNCTION_COLUMNS                                                                               \
  "p.proname, p.prokind, pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.oidvectortypes(p.proargtypes)," \
  " CASE WHEN p.prokind = 'f' THEN pg_catalog.pg_get_function_result(p.oid) END, l.lanname, p.prosrc,"         \
  " p.provolatile, p.proisstrict, p.prosecdef, p.proparallel, pg_catalog.array_to_json(p.proconfig)"

// Each routine's dependents: 'v' a view (by name), 't' a trigger and 'p' a policy (table and
// name), 'd' a column default (table and column; a generation expression is 'o'), 'o' anything else, with the relation it hangs on when there is one; each as
// pg_describe_object says it, and once (pg_depend holds a policy calling it from both USING and
// WITH CHECK twice, and one made again twice would fail).
const std::string kFunctionsQuery =
    "SELECT " SO_FUNCTION_COLUMNS ", pg_catalog.obj_description(p.oid, 'pg_proc'),"
    " (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(x.kind, x.rel, x.name, x.description)) FROM ("
    "   SELECT DISTINCT CASE d.classid WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN 'v'"
    "     WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN 't'"
    "     WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN 'p'"
    "     WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT CASE at.attgenerated WHEN '' THEN 'd' ELSE 'o' END"
    "       FROM pg_catalog.pg_attrdef a JOIN pg_catalog.pg_attribute at ON at.attrelid = a.adrelid AND at.attnum = a.adnum"
    "       WHERE a.oid = d.objid) ELSE 'o' END AS kind,"
    "   CASE d.classid"
    "     WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_rewrite r"
    "       JOIN pg_catalog.pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_trigger t"
    "       JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_attrdef a"
    "       JOIN pg_catalog.pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_constraint k"
    "       JOIN pg_catalog.pg_class c ON c.oid = k.conrelid WHERE k.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_policy po"
    "       JOIN pg_catalog.pg_class c ON c.oid = po.polrelid WHERE po.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN (SELECT c.relname FROM pg_catalog.pg_index i"
    "       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid WHERE i.indexrelid = d.objid)"
    "   END AS rel,"
    "   CASE d.classid WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN"
    "     (SELECT t.tgname FROM pg_catalog.pg_trigger t WHERE t.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN"
    "     (SELECT po.polname FROM pg_catalog.pg_policy po WHERE po.oid = d.objid)"
    "     WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT at.attname FROM pg_catalog.pg_attrdef a"
    "       JOIN pg_catalog.pg_attribute at ON at.attrelid = a.adrelid AND at.attnum = a.adnum WHERE a.oid = d.objid)"
    "   END AS name,"
    "   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS description"
    "   FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
    "     AND d.refobjid = p.oid AND d.deptype = 'n' ORDER BY 4) x),"
    // Who may execute it but its owner; no ACL of its own is the default (decoded by role).
    " (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(" + std::string(kGranteeName) + ", a.privilege_type))"
    "   FROM pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) a"
    "   WHERE a.grantee <> p.proowner)"
    " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
    " WHERE p.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1)"
    "   AND p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal') AND p.prosqlbody IS NULL"
    "   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend m WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
    "     AND m.objid = p.oid AND m.deptype IN ('e', 'i'))"
    " ORDER BY 1, 4";

namespace {

schema::Function functionOf(const pqxx::row& row) {
  schema::Function f;
  f.name = row[0].c_str();
  f.procedure = row[1].c_str()[0] == 'p';
  f.arguments = row[2].c_str();
  f.argumentTypes = row[3].c_str();
  if (!row[4].is_null()) f.returns = row[4].c_str();
  f.language = row[5].c_str();
  f.body = std::string(row[6].c_str(), row[6].size());
  f.volatility = volatilityOf(row[7].c_str()[0]);
  f.strict = row[8].c_str()[0] == 't';
  f.securityDefiner = row[9].c_str()[0] == 't';
  f.parallel = parallelOf(row[10].c_str()[0]);
  f.settings = settingsOf(row[11]);
  if (f.procedure) {  // what a procedure does not have reads as the defaults the spec gives
    f.volatility = "volatile";
    f.strict = false;
    f.parallel = "unsafe";
  }
  return f;
}

}  // namespace

void decodeFunctions(const pqxx::result& rows, schema::Model& model) {
  for (const auto& row : rows) {
    schema::Function f = functionOf(row);
    if (!row[12].is_null()) f.comment = row[12].c_str();
    if (!row[13].is_null())
      for (const auto& d : nlohmann::json::parse(row[13].c_str())) {
        schema::FunctionDependent dep;
        const std::string kind = d[0].get<std::string>();
        dep.kind = kind == "v"   ? schema::FunctionDependent::Kind::View
                   : kind == "t" ? schema::FunctionDependent::Kind::Trigger
                   : kind == "p" ? schema::FunctionDependent::Kind::Policy
                   : kind == "d" ? schema::FunctionDependent::Kind::Default
                                 : schema::FunctionDependent::Kind::Other;
        if (d[1].is_string()) dep.table = d[1].get<std::string>();
        if (d[2].is_string()) dep.name = d[2].get<std::string>();
        if (d[3].is_string()) dep.description = d[3].get<std::string>();
        f.dependents.push_back(std::move(dep));
      }
    std::map<std::string, std::vector<std::string>> byRole;
    if (!row[14].is_null())
      for (const auto& g : nlohmann::json::parse(row[14].c_str()))
        byRole[g[0].get<std::string>()].push_back(g[1].get<std::string>());
    f.grants.emplace();
    for (auto& [role, privileges] : byRole) {
      std::sort(privileges.begin(), privileges.end());
      f.grants->push_back(schema::Grant{role, std::move(privileges), {}, ""});
    }
    model.functions.push_back(std::move(f));
  }
}

}  // namespace detail

namespace {

using schema::sql::ident;

// The scratch functions as Postgres made them, with what it needs to check them against the
// declarations, and the relations of the schema (or shadows) whose row types their signatures use.
constexpr const char* kReadBack =
    "SELECT " SO_FUNCTION_COLUMNS ", p.procost = 100 AND p.prorows = CASE WHEN p.proretset THEN 1000 ELSE 0 END"
    "   AND NOT p.proleakproof AND p.prosupport = 0 AND p.protrftypes IS NULL,"
    " (SELECT pg_catalog.json_agg(DISTINCT c.relname) FROM pg_catalog.pg_depend d"
    "   JOIN pg_catalog.pg_type t ON d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = d.refobjid"
    "   JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
    "   WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid"
    "     AND c.relnamespace IN (pg_catalog.pg_my_temp_schema(),"
    "       (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1)))"
    ", p.pronamespace = pg_catalog.pg_my_temp_schema()"
    " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
    " WHERE p.pronamespace = pg_catalog.pg_my_temp_schema()"
    "   OR (p.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1)"
    "     AND p.proname = ANY (ARRAY(SELECT pg_catalog.json_array_elements_text($2::pg_catalog.json))))";

// What the scratch function must say for the declaration to be exactly what was asked.
bool madeAsDeclared(const schema::Function& made, const schema::Function& declared) {
  std::vector<std::string> names, declaredNames;
  for (const auto& s : made.settings) names.push_back(s.name);
  for (const auto& s : declared.settings) declaredNames.push_back(s.name);
  return made.procedure == declared.procedure && made.language == declared.language && made.body == declared.body &&
         made.volatility == declared.volatility && made.strict == declared.strict &&
         made.securityDefiner == declared.securityDefiner && made.parallel == declared.parallel &&
         names == declaredNames;
}

}  // namespace

core::Result<schema::FunctionAnswers> askFunctions(pqxx::connection& conn, const std::string& schemaName,
                                                   const schema::CanonQuestions& planned,
                                                   const schema::FunctionQuestions& questions) {
  schema::FunctionAnswers answers;
  if (questions.empty()) return answers;
  try {
    pqxx::work tx(conn, "function-questions");
    if (auto failed = detail::createPlannedObjects(tx, schemaName, planned)) {
      tx.abort();
      return core::invalid(failed->field, failed->message, failed->sqlstate);
    }
    // A language the database lacks (after the plan's extensions, made above) blocks the functions
    // in it; the others are asked.
    nlohmann::json asked = questions.languages;
    std::set<std::string> present;
    for (const auto& row : tx.exec_params(
             "SELECT lanname::text FROM pg_catalog.pg_language WHERE lanname = ANY (ARRAY(SELECT"
             " pg_catalog.json_array_elements_text($1::pg_catalog.json)))",
             asked.dump()))
      present.insert(row[0].c_str());
    for (const auto& l : questions.languages)
      if (!present.count(l)) answers.missingLanguages.insert(l);
    std::vector<std::string> statements = detail::shadowTableStatements(questions.tables);
    std::vector<std::string> fields(statements.size(), "spec.tables");
    // Each function is made twice: first without checking bodies, so that every asked name
    // exists, then again (CREATE OR REPLACE) with the checks, so that a SQL body calling another
    // declared function is checked against it. Under its own name, a function is found by a call
    // as it will be after the plan; in pg_temp, only by its scratch name.
    std::map<std::pair<bool, std::string>, const schema::FunctionQuestion*> byMadeName;  // (in pg_temp, name)
    nlohmann::json ownNames = nlohmann::json::array();
    std::vector<std::pair<std::string, const schema::FunctionQuestion*>> made;  // (qualified name, question)
    for (const auto& q : questions.functions) {
      if (answers.missingLanguages.count(q.declared.language)) continue;
      const bool temp = !q.underOwnName;
      const std::string name = temp ? q.scratchName : q.declared.name;
      made.emplace_back(temp ? "pg_temp." + ident(name) : schema::sql::qualified(schemaName, name), &q);
      byMadeName[{temp, name}] = &q;
      if (!temp) ownNames.push_back(name);
    }
    for (bool checked : {false, true}) {
      statements.push_back(std::string("SET LOCAL check_function_bodies TO ") + (checked ? "on" : "off"));
      fields.push_back("spec.functions");
      for (const auto& [qualifiedName, q] : made) {
        statements.push_back(schema::createFunctionSql(q->declared, qualifiedName, checked));
        fields.push_back(q->declared.field);
      }
    }
    if (auto refused = detail::execPipelined(tx, statements)) {
      tx.abort();
      return core::invalid(fields.at(refused->index), refused->message, refused->sqlstate);
    }
    const pqxx::result rows = tx.exec_params(kReadBack, schemaName, ownNames.dump());
    tx.abort();  // scratch only: nothing is ever committed
    for (const auto& row : rows) {
      auto it = byMadeName.find({row[14].c_str()[0] == 't', row[0].c_str()});
      if (it == byMadeName.end()) continue;
      const schema::FunctionQuestion& q = *it->second;
      const schema::Function f = detail::functionOf(row);
      if (!madeAsDeclared(f, q.declared) || row[12].c_str()[0] != 't')
        return core::invalid(q.declared.field, "its arguments or result define more than a function's arguments and "
                                               "result (the text adds options or a body of its own)");
      schema::FunctionAnswer a{f.arguments, f.argumentTypes, f.returns, f.settings, {}};
      if (!row[13].is_null())
        for (const auto& r : nlohmann::json::parse(row[13].c_str())) a.rowTypes.push_back(r.get<std::string>());
      answers.byIndex[q.index] = std::move(a);
      byMadeName.erase(it);
    }
    if (!byMadeName.empty())
      return core::invalid(byMadeName.begin()->second->declared.field,
                           "Postgres made no function of this declaration");
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot check the declared functions");
  }
  return answers;
}

}  // namespace pg
