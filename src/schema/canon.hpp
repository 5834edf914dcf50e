#pragma once
// Canonical spellings. Postgres decides what an expression or type means, so where a cheap
// normalisation cannot tell two spellings apart the question is put to the server (pg::canonicalize)
// and the answers come back here as data.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "core/error.hpp"
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
  // Contract Part 2. Generation expressions: the column's (scratch) name, the expression, the field.
  struct GeneratedQ {
    std::string column;
    std::string expression;
    std::string field;
  };
  std::vector<GeneratedQ> generated;
  // Exclusion constraints: the declaration as SQL (exclusionSql) and its field; each element is
  // checked to stay one element.
  struct ExclusionQ {
    std::string definition;
    size_t elements = 0;
    std::string field;
  };
  std::vector<ExclusionQ> exclusions;
  // Declared indexes whose expression keys or operator classes Postgres must spell, or whose
  // storage parameters it must accept: each is built on the scratch table (its keys, method and
  // storage parameters), and each key is read back.
  struct IndexQ {
    std::string method;
    std::vector<IndexKey> keys;  // as declared
    std::string field;           // the index's: "spec.tables[0].indexes[1]"
    Parameters with;
  };
  std::vector<IndexQ> indexes;
};

// An extension the plan creates: its types and functions must be there while the questions are
// asked, so it is created in the same rolled-back transaction (which also proves it can be).
struct ExtensionQuestion {
  std::string name;
  std::string field;  // "spec.extensions[0]"
};

struct CanonQuestions {
  std::vector<TypeQuestion> types;
  std::vector<TableQuestion> tables;
  std::vector<ExtensionQuestion> extensions;
  // Declared enums that the plan creates or whose values it changes. While the questions are
  // asked each stands as a temporary enum of the same name with the declared values, which the
  // session finds before the schema's (pg_temp is searched first for types): "tag[]" of a new
  // enum, or a default naming a value the plan adds, then mean what they will mean after the plan.
  std::vector<Enum> shadowEnums;
  // Declared sequences the plan creates: a default may call nextval('name'::regclass), which
  // Postgres resolves when it stores the default. Each is created in the schema for the questions
  // (and rolled back with them).
  std::vector<Sequence> newSequences;
  bool empty() const { return types.empty() && tables.empty() && extensions.empty() && domains.empty(); }
  // A declared domain whose default or checks the server must spell: asked on a temporary domain
  // of the declared type (schema/user_types.hpp).
  struct DomainQuestion {
    std::string name;  // the declared domain, the key of its answers
    std::string type;  // as declared
    std::optional<std::string> collation;
    std::optional<std::string> defaultExpr;
    std::vector<std::pair<std::string, std::string>> checks;  // (expression, field)
    std::string field;  // "spec.domains[0]"
  };
  std::vector<DomainQuestion> domains;
  // Declared domains and composite types the plan creates, in an order they can be created in:
  // made in the schema before the questions (and rolled back with them), so that a column, an
  // attribute or another domain may name them.
  std::vector<std::variant<Domain, CompositeType>> newUserTypes;
  // Declared functions the plan creates, as Postgres printed them (filled once they are asked,
  // schema::functionsForQuestions): made in the schema for the view, partition and policy
  // questions (and rolled back with them), so that a view or policy may call them.
  std::vector<Function> newFunctions;
};

// A question Postgres refused: a type that does not exist, an expression that does not parse or
// names something missing, an extension that cannot be created.
struct CanonFailure {
  std::string field;
  std::string message;  // the server's
  bool type = false;    // a type (or extension) question: nothing else can be asked without it
  std::string sqlstate;  // the server's, when it refused the question
};

// Answers; keys are the declared text. A missing answer means "not asked" or "refused": callers
// fall back to the cheap normalisation.
struct Canon {
  std::map<std::string, std::string> types;  // declared type -> format_type
  std::map<std::tuple<std::string, std::string, std::string>, std::string> defaults;  // (table, column, expr)
  std::map<std::pair<std::string, std::string>, std::string> checks;                   // (table, expr)
  std::map<std::pair<std::string, std::string>, std::string> predicates;               // (table, where)
  std::map<std::tuple<std::string, std::string, std::string>, std::string> generated;  // (table, column, expr)
  std::map<std::pair<std::string, std::string>, std::string> exclusions;  // (table, exclusionSql) -> pg_get_constraintdef
  std::map<std::pair<std::string, std::string>, std::string> domainDefaults;           // (domain, expr)
  std::map<std::pair<std::string, std::string>, std::string> domainChecks;             // (domain, expr)
  // One key of an asked index as Postgres stored it: the expression printed back, or the column
  // when Postgres stored it as a plain column key (an expression "(id)" is the column id), and the
  // operator class (empty when it is the default for the key's type).
  struct IndexKeyAnswer {
    std::string expression;
    std::string opclass;
    std::string column;
    bool operator==(const IndexKeyAnswer&) const = default;
  };
  std::map<std::pair<std::string, std::string>, std::vector<IndexKeyAnswer>> indexKeys;  // (table, index field)
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

// An exclusion constraint as declared, in SQL: EXCLUDE USING method (elements) [WHERE (where)].
// Names are quoted; expressions and the predicate are parenthesised, so each stays one element.
std::string exclusionSql(const Exclusion& x);

// What must be asked of the server: every declared type, default, check and index predicate that
// is not, on its face, the same as its live counterpart (cheaplySame). A declaration's SQL text
// reaches a statement only as Postgres printed it back, so everything else must be asked.
CanonQuestions canonQuestions(const Model& have, const Model& want);

// `want` with every type, default, check and index predicate replaced by Postgres' own text for
// it: the server's answer, or the live object's text where the declaration is cheaply the same.
// This is the only road from a declaration to a statement; a text with neither (a question that
// was not asked or not answered) is an error naming its field, never passed on as written.
// Declared enum names stay names (render quotes them).
core::Result<Model> canonicalModel(const Model& have, const Model& want, const Canon& canon);

// Printed text does not always parse back into the tree it was printed from. A check
// `status IN ('a', 'b')` on a varchar column is stored as `(status)::text = ANY ((ARRAY['a'::character
// varying, ...])::text[])`, and that text, parsed again, becomes `ARRAY[('a'::character varying)::text,
// ...]`: the first answer for a declared check need not be what the catalog holds after it is applied,
// nor what it holds when another tool created it from the same source. So a declared check or index
// predicate whose answer matches no live one, and is not what the author wrote either (a text Postgres
// prints unchanged is already its own fixed point), is looked at a second time: Postgres prints the answer
// again, and the table's unmatched live texts again; two texts that print the same are the same.
//
// The questions for that second look: only live tables with such a text; empty when there are none (the
// usual case, and then no round trip). `declared` is the resource's model, `want` canonicalModel's result.
CanonQuestions secondLookQuestions(const Model& have, const Model& declared, const Model& want);

// `want` with each declared check and predicate that the second look showed to be a live one replaced by
// the live text, so that it is not drift. `second` holds the second look's answers.
Model afterSecondLook(const Model& have, const Model& want, const Canon& second);

}  // namespace schema
