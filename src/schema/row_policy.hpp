#pragma once
// Row-level security policies (contract Part 2, Access): the questions Postgres answers about the
// declared `using` and `withCheck` expressions, and the declared model made of its answers. The
// expressions are the author's SQL text: they reach a statement only as Postgres printed them back
// (pg_get_expr of pg_policy), after it made each policy on a scratch copy of its table
// (pg::askPolicies). Pure: no I/O.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "schema/model.hpp"

namespace schema {

// One declared table with policies to ask about: a temporary table of its name with the columns
// it will have, and each policy on it.
struct PolicyQuestion {
  std::string table;                                         // declared name
  std::vector<std::pair<std::string, std::string>> columns;  // (name, type as SQL)
  std::string field;                                         // the table's
  struct Asked {
    std::string name;
    std::string command;  // all | select | insert | update | delete
    std::optional<std::string> usingExpr;
    std::optional<std::string> withCheck;
    std::string field;  // the policy's
  };
  std::vector<Asked> policies;
};

struct PolicyAnswer {
  std::optional<std::string> usingExpr;
  std::optional<std::string> withCheck;
};
using PolicyAnswers = std::map<std::pair<std::string, std::string>, PolicyAnswer>;  // (table, policy)

// Every declared policy whose expressions are not, on their face, its live namesake's. `want` is
// the canonical model (types as Postgres spells them).
std::vector<PolicyQuestion> policyQuestions(const Model& have, const Model& want);

// `want` with every policy's expressions in Postgres's own text: the answer, or the live text
// where the declaration is on its face the same. A text with neither is an error naming its field.
core::Result<Model> withPolicyAnswers(const Model& have, Model want, const PolicyAnswers& answers);

}  // namespace schema
