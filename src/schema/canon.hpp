#pragma once
// Canonical spellings. Postgres decides what an expression or type means, so where a cheap
// normalisation cannot tell two spellings apart the question is put to the server (pg::canonicalize)
// and the answers come back here as data.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "schema/model.hpp"

namespace schema {

struct TypeQuestion {
  std::string type;   // as declared
  std::string field;  // where, for errors: "spec.tables[0].columns[1].type"
};

// Questions about one live table: its columns are re-created on a scratch table with the desired
// types and defaults, plus the desired checks and partial-index predicates.
struct TableQuestion {
  std::string table;  // the live table (after renames: the live name)
  struct ColumnQ {
    std::string name;
    std::string type;  // the type to give the scratch column (desired, else live)
    std::optional<std::string> defaultExpr;  // desired default to canonicalise
    std::string field;
  };
  std::vector<ColumnQ> columns;  // every column checks or defaults may refer to
  std::vector<std::pair<std::string, std::string>> checks;      // (expression, field)
  std::vector<std::pair<std::string, std::string>> predicates;  // (where, field)
};

struct CanonQuestions {
  std::vector<TypeQuestion> types;
  std::vector<TableQuestion> tables;
  bool empty() const { return types.empty() && tables.empty(); }
};

// A question Postgres refused: a type that does not exist, an expression that does not parse or
// names something missing (perhaps something the same plan creates: an enum value, an extension).
struct CanonFailure {
  std::string field;
  std::string message;  // the server's
  bool type = false;    // a type question (never explained by the plan: enums are compared by name)
};

// Answers; keys are the declared text. A missing answer means "not asked" or "refused": callers
// fall back to the cheap normalisation.
struct Canon {
  std::map<std::string, std::string> types;  // declared type -> format_type
  std::map<std::tuple<std::string, std::string, std::string>, std::string> defaults;  // (table, column, expr)
  std::map<std::pair<std::string, std::string>, std::string> checks;                   // (table, expr)
  std::map<std::pair<std::string, std::string>, std::string> predicates;               // (table, where)
  std::vector<CanonFailure> failures;
};

// Cheap, server-free normalisation: aliases Postgres resolves the same way ("int4" -> "integer",
// "varchar(10)" -> "character varying(10)", "timestamptz" -> "timestamp with time zone").
std::string normalizeType(const std::string& type);
// Text of an expression with outer parentheses and white space trimmed.
std::string normalizeExpression(const std::string& expr);

// The expression without the casts Postgres writes after literals ('low'::priority, 0::numeric,
// (-1)::bigint): what the author usually wrote. Casts of anything but a literal are kept.
std::string stripLiteralCasts(const std::string& expr);

// Declared and live text that certainly mean the same, without asking the server: equal once
// outer parentheses, white space at the ends and literal casts are set aside. False means "ask".
bool cheaplySame(const std::string& declared, const std::string& live);

// What must be asked of the server so that diff() can compare `want` against `have` exactly.
// Only what could match a live object is asked: a check or partial index with no live
// counterpart is simply created.
CanonQuestions canonQuestions(const Model& have, const Model& want);

// True when applying would create enums, enum values or extensions: a declared expression may
// name them, so the server refusing it now says nothing about the declaration being wrong.
bool createsNamesExpressionsMayUse(const Model& have, const Model& want);

}  // namespace schema
