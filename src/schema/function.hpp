#pragma once
// Functions and procedures (contract Part 2, "Code objects"): what must be asked of Postgres about
// declared signatures and bodies, the declarations with Postgres's answers in place, the changes
// that align live functions with declared ones, and their SQL. Pure.
//
// A function is identified by its name and argument types. Its arguments, result and settings are
// compared as Postgres prints them (a declaration is asked on a scratch function unless it is, on
// its face, the live one); its body as Postgres stores it, byte for byte.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/change.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"
#include "schema/view.hpp"

namespace schema {

// One declared function put to Postgres: made with the declared text as pg_temp.<scratchName>,
// or, when no live function and no other asked one has its name, under that name in the schema
// (rolled back with the question), so that a SQL body may call it as the plan will make it.
struct FunctionQuestion {
  size_t index = 0;          // in Model::functions
  std::string scratchName;   // "so_fn_<index>"
  Function declared;
  bool underOwnName = false;
};

// Asked together in one rolled-back transaction, over the shadow tables (the declared shape of
// every table the plan creates or reshapes: a signature or SQL body may name them).
struct FunctionQuestions {
  std::vector<ShadowTable> tables;
  std::vector<FunctionQuestion> functions;
  std::vector<std::string> languages;  // every language a declared function is in, once
  bool empty() const { return functions.empty(); }
};

// What Postgres made of one declaration.
struct FunctionAnswer {
  std::string arguments;      // pg_get_function_arguments
  std::string argumentTypes;  // oidvectortypes(proargtypes)
  std::string returns;        // pg_get_function_result ("" for a procedure)
  std::vector<FunctionSetting> settings;  // from proconfig
  std::vector<std::string> rowTypes;      // relations whose row type the signature uses
};

struct FunctionAnswers {
  std::map<size_t, FunctionAnswer> byIndex;  // by Model::functions index
  std::set<std::string> missingLanguages;    // declared languages the database does not have
};

// Nothing for a declared function that is, on its face, a live one (same name, arguments, result,
// body and options as Postgres printed them); every other declaration is asked.
FunctionQuestions functionQuestions(const Model& have, const Model& want);

// The declared functions (Model::functions, in order) with each asked one's texts as Postgres
// printed them, and each other one's identity taken from the live function it matched. A function
// in a missing language keeps its text and is marked (Function::missingLanguage): its change is
// blocked, never rendered from the author's text. Only the functions: the rest of the declaration
// is not copied for them.
core::Result<std::vector<Function>> answeredFunctions(const Model& have, std::vector<Function> declared,
                                                      const FunctionAnswers& answers);

// Of `functions` (answeredFunctions'), those the plan creates that a view, partition or policy
// question may call: not in a missing language, and over no row type but those of live tables the
// plan leaves as they are (`declared` says which tables it reshapes).
std::vector<Function> functionsForQuestions(const Model& have, const Model& declared,
                                            const std::vector<Function>& functions);

// What a function holds when it has no ACL of its own (Postgres's default): EXECUTE for PUBLIC.
std::vector<Grant> defaultRoutineGrants();

// Appends the function changes: created, replaced in place (CREATE OR REPLACE), dropped and
// created again (what OR REPLACE cannot do), commented, and, with `prune`, undeclared ones dropped.
// A function dropped and created again makes the declared policies and triggers on it again in its
// own step (Change::dependentPolicies, dependentTriggers), their own changes folded in; its
// declared views are diffViews'. Any other live dependent the plan does not drop first blocks it,
// named.
void diffFunctions(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& changes);

// CreateFunction, ReplaceFunction, DropFunction and SetComment of a function, as steps.
std::vector<Step> renderFunction(const Change& change, const std::string& schemaName);

// The statements.
std::string createFunctionSql(const Function& f, const std::string& qualifiedName, bool orReplace);
std::string dropFunctionSql(const Function& f, const std::string& schemaName);
std::string commentOnFunctionSql(const Function& f, const std::string& schemaName);

// `text` between dollar quotes whose tag does not occur in it.
std::string dollarQuoted(const std::string& text);

// A setting's value as SET takes it: one string literal, or, for a list parameter (search_path,
// temp_tablespaces), one literal per element ("pg_catalog, \"my schema\"" -> 'pg_catalog', 'my schema').
std::string settingValueSql(const FunctionSetting& s);

}  // namespace schema
