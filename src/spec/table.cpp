// spec.tables[i]: columns, keys, constraints and indexes as declared. Whether the names they
// use exist is validate's job; this file reads shapes and values.
#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

std::string lowerTrimmed(const std::string& s) {
  std::string out = core::trim(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// serial is a macro for a sequence plus a default, which Postgres then reports as a plain
// integer column with a nextval() default: it would drift forever. Identity columns say the same
// thing in a form the catalog keeps.
std::optional<std::string> serialInstead(const std::string& type) {
  // Every serial type starts with s or b: most types are ruled out without a lower-cased copy.
  const size_t first = type.find_first_not_of(" \t\n\v\f\r");
  if (first == std::string::npos) return std::nullopt;
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(type[first])));
  if (c != 's' && c != 'b') return std::nullopt;
  const std::string t = lowerTrimmed(type);
  if (t == "serial" || t == "serial4") return "integer";
  if (t == "bigserial" || t == "serial8") return "bigint";
  if (t == "smallserial" || t == "serial2") return "smallint";
  return std::nullopt;
}

schema::Identity readIdentity(const Fields& column) {
  auto value = column.text("identity");
  if (!value) return schema::Identity::None;
  if (*value == "always") return schema::Identity::Always;
  if (*value == "by-default") return schema::Identity::ByDefault;
  column.issues().report(column.pathOf("identity"), "must be always or by-default, found " + quoteShort(*value));
  return schema::Identity::None;
}

// collation and generated (contract Part 2). The collation is a name (rendered quoted, never as
// SQL); "default" is the type's own, the same as none. A generated column's value is its
// expression: it has neither a default nor an identity.
void readColumnExtras(const Fields& fields, schema::Column& c) {
  if (auto collation = fields.identifier("collation"); collation && *collation != "default") c.collation = collation;
  c.generated = fields.nonBlankText("generated");
  if (!c.generated) return;
  if (c.defaultExpr)
    fields.issues().report(fields.pathOf("generated"), "a generated column cannot also have a default; drop one of them");
  if (c.identity != schema::Identity::None)
    fields.issues().report(fields.pathOf("generated"), "a generated column cannot also be an identity; drop one of them");
}

// A field that takes one of two words; "" when unset (or neither, which is reported).
std::string eitherWord(const Fields& fields, std::string_view key, const std::string& first, const std::string& second) {
  auto value = fields.text(key);
  if (!value) return "";
  if (*value == first || *value == second) return *value;
  fields.issues().report(fields.pathOf(key), "must be " + first + " or " + second + ", found " + quoteShort(*value));
  return "";
}

// deferrable: false | initially-immediate | initially-deferred.
schema::Deferrable readDeferrable(const Fields& fields) {
  auto item = fields.get("deferrable");
  if (!item) return schema::Deferrable::No;
  auto value = scalarText(*item, fields.issues());
  if (!value) return schema::Deferrable::No;
  for (auto d : {schema::Deferrable::No, schema::Deferrable::InitiallyImmediate, schema::Deferrable::InitiallyDeferred})
    if (*value == schema::toSpelling(d)) return d;
  fields.issues().report(fields.pathOf("deferrable"),
                         "must be false, initially-immediate or initially-deferred, found " + quoteShort(*value));
  return schema::Deferrable::No;
}

struct DeclaredColumn {
  schema::Column column;
  std::optional<bool> nullable;  // as written; the default depends on the primary key
};

DeclaredColumn readColumn(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "type", "nullable", "default", "identity", "comment", "renamedFrom", "collation", "generated"},
                issues);
  DeclaredColumn out;
  schema::Column& c = out.column;
  c.name = fields.requiredIdentifier("name");
  c.type = fields.requiredText("type");
  if (auto instead = serialInstead(c.type))
    issues.report(fields.pathOf("type"), quoteShort(c.type) + " is not supported; declare type: " + *instead +
                                             " with identity: by-default (or always) instead");
  out.nullable = fields.boolean("nullable");
  c.defaultExpr = fields.nonBlankText("default");
  c.identity = readIdentity(fields);
  c.comment = fields.text("comment");
  c.renamedFrom = fields.identifiers("renamedFrom");
  c.field = item.path;
  readColumnExtras(fields, c);
  return out;
}

std::vector<std::string> requiredColumns(const Fields& fields, std::string_view key) {
  if (!fields.has(key)) fields.issues().report(fields.pathOf(key), "must be set");
  auto columns = fields.identifiers(key);
  if (fields.has(key) && columns.empty()) fields.issues().report(fields.pathOf(key), "must name at least one column");
  return columns;
}

schema::FkAction readAction(const Fields& fk, std::string_view key) {
  auto value = fk.text(key);
  if (!value) return schema::FkAction::NoAction;
  for (auto action : {schema::FkAction::NoAction, schema::FkAction::Restrict, schema::FkAction::Cascade,
                      schema::FkAction::SetNull, schema::FkAction::SetDefault})
    if (*value == schema::toSpelling(action)) return action;
  fk.issues().report(fk.pathOf(key),
                     "must be no action, restrict, cascade, set null or set default, found " + quoteShort(*value));
  return schema::FkAction::NoAction;
}

schema::Unique readUnique(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "columns", "deferrable", "nullsNotDistinct"}, issues);
  schema::Unique u;
  u.name = fields.identifier("name").value_or("");
  u.columns = requiredColumns(fields, "columns");
  u.field = item.path;
  u.deferrable = readDeferrable(fields);
  u.nullsNotDistinct = fields.boolean("nullsNotDistinct").value_or(false);
  return u;
}

schema::ForeignKey readForeignKey(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "columns", "references", "onDelete", "onUpdate", "deferrable", "match"}, issues);
  schema::ForeignKey fk;
  fk.name = fields.identifier("name").value_or("");
  fk.columns = requiredColumns(fields, "columns");
  if (auto references = fields.object("references", {"table", "columns"})) {
    fk.refTable = references->requiredIdentifier("table");
    fk.refColumns = requiredColumns(*references, "columns");
  } else {
    issues.report(fields.pathOf("references"), "must be set");
  }
  fk.onDelete = readAction(fields, "onDelete");
  fk.onUpdate = readAction(fields, "onUpdate");
  fk.field = item.path;
  fk.deferrable = readDeferrable(fields);
  fk.matchFull = eitherWord(fields, "match", "full", "simple") == "full";
  return fk;
}

schema::Check readCheck(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "expression", "noInherit"}, issues);
  schema::Check check;
  check.name = fields.identifier("name").value_or("");
  check.expression = fields.requiredText("expression");
  check.field = item.path;
  check.noInherit = fields.boolean("noInherit").value_or(false);
  return check;
}

bool isAccessMethodName(const std::string& s) {
  if (s.empty() || s.size() > 63 || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A map of parameter names to values (`with`, `opclassParameters`), sorted by name. Values are
// scalars taken as text (fillfactor: 90 is "90"); they are rendered as literals, names quoted.
schema::Parameters readParameters(const Fields& owner, std::string_view key) {
  schema::Parameters out;
  auto item = owner.get(key);
  if (!item) return out;
  Fields parameters(*item, owner.issues());
  for (const auto& [name, value] : parameters.entries()) {
    const std::string path = parameters.pathOf(name);
    if (!isAccessMethodName(name)) {
      owner.issues().report(path, quoteShort(name) + " is not a parameter name: lowercase letters, digits and _");
      continue;
    }
    auto text = scalarText(Item{value, path}, owner.issues());
    if (!text) {
      if (value.IsNull()) owner.issues().report(path, "must have a value");
      continue;
    }
    out.emplace_back(name, *text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Only btree (the one built-in method that keeps keys in order) takes ASC/DESC and NULLS.
constexpr const char* kOrderedMethod = "btree";

schema::IndexKey readIndexKey(const Item& item, const std::string& method, Issues& issues) {
  Fields fields(item, {"column", "expression", "order", "nulls", "opclass", "opclassParameters", "collation"}, issues);
  schema::IndexKey key;
  key.field = item.path;
  const bool hasColumn = fields.has("column"), hasExpression = fields.has("expression");
  if (hasColumn == hasExpression)
    issues.report(item.path, "must set exactly one of column and expression");
  key.column = fields.identifier("column").value_or("");
  key.expression = fields.nonBlankText("expression").value_or("");
  if (auto order = fields.text("order")) {
    if (*order != "asc" && *order != "desc")
      issues.report(fields.pathOf("order"), "must be asc or desc, found " + quoteShort(*order));
    key.descending = *order == "desc";
    if (method != kOrderedMethod)
      issues.report(fields.pathOf("order"), "only btree indexes have an order; this index's method is " + method);
  }
  key.nullsFirst = key.descending;  // Postgres' default: NULLS LAST for ASC, NULLS FIRST for DESC
  if (auto nulls = fields.text("nulls")) {
    if (*nulls != "first" && *nulls != "last")
      issues.report(fields.pathOf("nulls"), "must be first or last, found " + quoteShort(*nulls));
    key.nullsFirst = *nulls == "first";
    if (method != kOrderedMethod)
      issues.report(fields.pathOf("nulls"), "only btree indexes order NULLs; this index's method is " + method);
  }
  if (auto opclass = fields.text("opclass")) {
    if (!isAccessMethodName(*opclass))
      issues.report(fields.pathOf("opclass"), quoteShort(*opclass) +
                                                  " is not an operator class name: lowercase letters, digits and _, "
                                                  "such as text_pattern_ops or gin_trgm_ops");
    key.opclass = *opclass;
  }
  key.opclassParameters = readParameters(fields, "opclassParameters");
  if (!key.opclassParameters.empty() && key.opclass.empty())
    issues.report(fields.pathOf("opclassParameters"), "needs opclass: parameters belong to an operator class");
  if (auto collation = fields.identifier("collation")) {
    key.collation = *collation;
    if (hasExpression)
      issues.report(fields.pathOf("collation"), "is for column keys; an expression key takes its collation from the expression");
  }
  return key;
}

// `columns` (plain column keys, the shorthand) or `keys`: exactly one of them.
std::vector<schema::IndexKey> readIndexKeys(const Fields& fields, const std::string& method) {
  std::vector<schema::IndexKey> keys;
  if (fields.has("columns") && fields.has("keys")) {
    fields.issues().report(fields.pathOf("keys"), "set either columns or keys, not both");
    return keys;
  }
  if (!fields.get("keys")) {
    if (!fields.has("columns")) fields.issues().report(fields.pathOf("columns"), "must be set, or keys instead");
    for (auto& column : fields.identifiers("columns")) {
      schema::IndexKey key;
      key.column = std::move(column);
      keys.push_back(std::move(key));
    }
    if (keys.empty() && fields.get("columns")) fields.issues().report(fields.pathOf("columns"), "must name at least one column");
    return keys;
  }
  for (const auto& item : fields.list("keys")) keys.push_back(readIndexKey(item, method, fields.issues()));
  if (keys.empty()) fields.issues().report(fields.pathOf("keys"), "must declare at least one key");
  return keys;
}

schema::Index readIndex(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "columns", "keys", "include", "where", "method", "unique", "nullsNotDistinct", "with"},
                issues);
  schema::Index index;
  index.name = fields.identifier("name").value_or("");
  if (auto method = fields.text("method")) {
    if (!isAccessMethodName(*method))
      issues.report(fields.pathOf("method"), quoteShort(*method) +
                                                 " is not an access method name: lowercase, such as btree, hash, "
                                                 "gin, gist, spgist or brin");
    index.method = *method;
  }
  index.keys = readIndexKeys(fields, index.method);
  index.where = fields.nonBlankText("where");
  index.unique = fields.boolean("unique").value_or(false);
  index.field = item.path;
  index.include = fields.identifiers("include");
  if (index.include.empty() && fields.get("include")) issues.report(fields.pathOf("include"), "must name at least one column");
  index.nullsNotDistinct = fields.boolean("nullsNotDistinct").value_or(false);
  if (index.nullsNotDistinct && !index.unique)
    issues.report(fields.pathOf("nullsNotDistinct"), "applies to unique indexes only; set unique: true");
  index.with = readParameters(fields, "with");
  return index;
}

// An operator of an exclusion element, as a symbol ("=", "&&", "-|-"): it is pasted after WITH,
// so anything but operator characters is refused here rather than handed to the server.
bool isOperatorSymbol(const std::string& s) {
  static const std::string kOperatorChars = "+-*/<>=~!@#%^&|`?";
  return !s.empty() && s.size() <= 63 && s.find_first_not_of(kOperatorChars) == std::string::npos;
}

schema::ExclusionElement readExclusionElement(const Item& item, Issues& issues) {
  Fields fields(item, {"column", "expression", "operator", "opclass", "order"}, issues);
  schema::ExclusionElement e;
  e.column = fields.identifier("column").value_or("");
  e.expression = fields.nonBlankText("expression").value_or("");
  if (e.column.empty() == e.expression.empty())
    issues.report(item.path, "must set exactly one of column and expression");
  const std::string op = fields.requiredText("operator");
  if (fields.has("operator") && !isOperatorSymbol(op))
    issues.report(fields.pathOf("operator"), quoteShort(op) + " is not an operator: write its symbol, such as = or &&");
  e.op = op;
  e.opclass = fields.identifier("opclass").value_or("");
  e.descending = eitherWord(fields, "order", "asc", "desc") == "desc";
  return e;
}

schema::Exclusion readExclusion(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "method", "elements", "where"}, issues);
  schema::Exclusion x;
  x.name = fields.requiredIdentifier("name");
  if (auto method = fields.text("method")) {
    if (!isAccessMethodName(*method))
      issues.report(fields.pathOf("method"), quoteShort(*method) +
                                                 " is not an access method name: lowercase, such as gist or btree");
    x.method = *method;
  }
  for (const auto& element : fields.list("elements")) x.elements.push_back(readExclusionElement(element, issues));
  if (x.elements.empty()) issues.report(fields.pathOf("elements"), "must list at least one element");
  x.where = fields.nonBlankText("where");
  x.field = item.path;
  return x;
}

// A partition has its parent's columns, keys and foreign keys; it may declare its own indexes,
// checks and comment.
// policies[].command: what the policy applies to.
std::string readPolicyCommand(const Fields& fields) {
  auto value = fields.text("command");
  if (!value) return "all";
  if (*value == "all" || *value == "select" || *value == "insert" || *value == "update" || *value == "delete")
    return *value;
  fields.issues().report(fields.pathOf("command"),
                         "must be all, select, insert, update or delete, found " + quoteShort(*value));
  return "all";
}

// spec.tables[i].policies[j] (contract Part 2, Access). `using` and `withCheck` are SQL text put
// to Postgres (pg::askPolicies) before they reach a statement.
schema::RowPolicy readPolicy(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "command", "permissive", "roles", "using", "withCheck"}, issues);
  schema::RowPolicy p;
  p.field = item.path;
  p.name = fields.requiredIdentifier("name");
  p.command = readPolicyCommand(fields);
  p.permissive = fields.boolean("permissive").value_or(true);
  if (fields.get("roles")) {
    p.roles = fields.identifiers("roles");
    if (p.roles.empty()) issues.report(fields.pathOf("roles"), "must name at least one role, or be left out (PUBLIC)");
  }
  // As Postgres lists them: sorted, PUBLIC by the name pg_get_userbyid gives no role ("public").
  for (auto& r : p.roles)
    if (r == "PUBLIC") r = "public";
  std::sort(p.roles.begin(), p.roles.end());
  p.roles.erase(std::unique(p.roles.begin(), p.roles.end()), p.roles.end());
  p.usingExpr = fields.nonBlankText("using");
  p.withCheck = fields.nonBlankText("withCheck");
  return p;
}

void checkPartitionFields(const Fields& fields, bool partitioned) {
  for (const char* key : {"columns", "primaryKey", "unique", "foreignKeys"})
    if (fields.has(key))
      fields.issues().report(fields.pathOf(key), std::string("a partition declares no ") + key +
                                                     ": it has its parent's (partitionOf.table)");
  if (partitioned)
    fields.issues().report(fields.pathOf("partitionBy"),
                           "a partition cannot be partitioned again here (sub-partitioning is not supported)");
}

}  // namespace

schema::Table readTable(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "comment", "columns", "primaryKey", "unique", "foreignKeys", "checks", "indexes",
                       "renamedFrom", "unlogged", "exclusions", "partitionBy", "partitionOf", "rowLevelSecurity",
                       "policies", "grants", "triggers"},
                issues);
  schema::Table t;
  t.name = fields.requiredIdentifier("name");
  t.comment = fields.text("comment");
  t.field = item.path;
  t.partitionBy = readPartitionBy(fields);
  t.partitionOf = readPartitionOf(fields);
  if (t.partitionOf) checkPartitionFields(fields, t.partitionBy.has_value());

  std::vector<DeclaredColumn> columns;
  for (const auto& column : fields.list("columns")) columns.push_back(readColumn(column, issues));
  // A partition has its parent's columns; any other table needs one at least.
  if (columns.empty() && !t.partitionOf)
    issues.report(fields.pathOf("columns"), "must not be empty: declare at least one column (only a partition declares none)");

  if (fields.get("primaryKey")) {
    auto key = fields.identifiers("primaryKey");
    if (key.empty()) issues.report(fields.pathOf("primaryKey"), "must name at least one column");
    t.primaryKey = schema::PrimaryKey{"", std::move(key)};
  }
  // Key and identity columns are NOT NULL in Postgres whatever is written; default to what the
  // catalog will say so an unset `nullable` is never drift. Saying `nullable: true` is an error
  // (validate).
  for (auto& declared : columns) {
    const bool inKey = t.primaryKey && std::find(t.primaryKey->columns.begin(), t.primaryKey->columns.end(),
                                                 declared.column.name) != t.primaryKey->columns.end();
    declared.column.nullable = declared.nullable.value_or(!inKey && declared.column.identity == schema::Identity::None);
    t.columns.push_back(std::move(declared.column));
  }

  for (const auto& u : fields.list("unique")) t.uniques.push_back(readUnique(u, issues));
  for (const auto& fk : fields.list("foreignKeys")) t.foreignKeys.push_back(readForeignKey(fk, issues));
  for (const auto& check : fields.list("checks")) t.checks.push_back(readCheck(check, issues));
  for (const auto& index : fields.list("indexes")) t.indexes.push_back(readIndex(index, issues));
  t.renamedFrom = fields.identifiers("renamedFrom");
  t.unlogged = fields.boolean("unlogged").value_or(false);
  if (auto rls = fields.object("rowLevelSecurity", {"enabled", "forced"})) {
    // Declared: managed, each switch off unless said (forced without enabled is legal in
    // Postgres, and kept as written: it takes effect once enabled).
    const Fields& switches = *rls;
    t.rowLevelSecurity =
        schema::RowSecurity{switches.boolean("enabled").value_or(false), switches.boolean("forced").value_or(false)};
  }
  for (const auto& x : fields.list("exclusions")) t.exclusions.push_back(readExclusion(x, issues));
  for (const auto& p : fields.list("policies")) t.policies.push_back(readPolicy(p, issues));
  t.grants = readGrants(fields, GrantsOn::Table);
  for (const auto& tr : fields.list("triggers")) t.triggers.push_back(readTrigger(tr, issues));
  return t;
}

schema::Index readIndexItem(const Item& index, Issues& issues) { return readIndex(index, issues); }

}  // namespace spec::detail
