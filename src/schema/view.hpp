#pragma once
// Views and materialized views (contract Part 2, "Code objects"): what must be asked of Postgres
// about declared queries, the declarations with Postgres' answers in place, and the changes that
// align live views with declared ones, ordered by what each reads (pg_depend). Pure.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/change.hpp"
#include "schema/policy.hpp"

namespace schema {

// A view's text as compared: white space outside quotes squeezed to one space, the ends trimmed,
// the trailing semicolon pg_get_viewdef prints dropped. Equal texts are the same query.
std::string normalizeViewQuery(const std::string& query);

// What the views see in place of a declared table while their queries are asked: a temporary
// table of the declared name with the declared columns (a table the plan creates, renames, or
// whose columns it adds, drops or retypes). `type` is SQL text for the scratch table.
struct ShadowTable {
  std::string name;
  std::vector<ViewColumn> columns;
};

// The shadow tables a question transaction needs: every declared table the plan creates,
// renames, or reshapes. `reshapedLive` (optional) gets the live names of those that exist.
std::vector<ShadowTable> reshapedTables(const Model& have, const Model& want,
                                        std::set<std::string>* reshapedLive = nullptr);

struct ViewQuestion {
  std::string name;
  std::string query;  // as declared
  std::string field;  // "spec.views[0]"
  bool securityInvoker = false;
};

// Every declared view is asked together (a view may read another), as temporary views of their
// own names in a rolled-back transaction, over the shadow tables and enums.
struct ViewQuestions {
  std::vector<ShadowTable> tables;
  std::vector<ViewQuestion> views;
  bool empty() const { return views.empty(); }
};

// What Postgres made of one declared query: pg_get_viewdef of the scratch view (without its
// semicolon), its columns, and what it reads (relations by their declared names).
struct ViewAnswer {
  std::string query;
  std::vector<ViewColumn> columns;
  std::vector<ViewRead> reads;
};
using ViewAnswers = std::map<std::string, ViewAnswer>;  // by view name

// Nothing to ask when every declared view is, on its face, the live one (normalizeViewQuery) and
// no table a live view reads changes shape; else every declared view. `want` is canonical
// (canonicalModel's: types as Postgres prints them).
ViewQuestions viewQuestions(const Model& have, const Model& want);

// `want` with each view's query, columns and reads as Postgres gave them: the answer, or the live
// view's where it was not asked (on its face the same). A view with neither is an error naming
// its query, never passed on as written.
core::Result<Model> canonicalViews(const Model& have, Model want, const ViewAnswers& answers);

// Declared views in an order they can be created in: each after the declared views it reads.
std::vector<const View*> creationOrder(const std::vector<View>& views);

// Appends the view changes to `changes` (diff's table changes) and settles what views stand in
// the way of those: a column type change or column drop under a view drops and creates the
// declared views around it (Change::dependentViews) or is blocked by undeclared ones
// (Change::undeclaredViews). Creates and replaces come in creation order; undeclared views are
// dropped (readers first) only with `prune`, as tables are.
void diffViews(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& changes);

// classify(): a change that undeclared views stand in the way of is blocked, naming them.
void blockOnUndeclaredViews(Change& c);

}  // namespace schema
