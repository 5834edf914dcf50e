#include "export/document.hpp"

#include <algorithm>
#include <map>

#include "export/default_names.hpp"
#include "schema/function.hpp"

namespace exporting {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kAlembicVersion = "alembic_version";  // Alembic's own bookkeeping table

template <typename T>
std::vector<T> sortedByName(std::vector<T> items) {
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.name < b.name; });
  return items;
}

Json stringList(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::string joined(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : "_") + c;
  return out;
}

// Whether a name can be left out: Postgres, creating the object unnamed, would choose exactly it
// (nothing else of the schema holding it), and the engine, which names an undeclared name itself
// when it creates the object (schema/diff.cpp), would choose it too. The engine joins the parts
// whole and cuts only the total, so the two agree only where no cutting was needed; a name with
// a collision number ("t_a_key1") depends on what was created first, so it is kept as well.
class NameRule {
 public:
  NameRule(const std::string& table, const CatalogExtras& extras) : table_(table), extras_(extras) {}

  // The engine names an unnamed primary key as Postgres does, cut included.
  bool primaryKey(const std::string& name) const {
    return name == chosen(std::nullopt, "pkey", extras_.relationNames, name);
  }
  bool unique(const std::string& name, const std::vector<std::string>& columns) const {
    return columnsRule(name, columns, "key", extras_.relationNames);
  }
  bool index(const std::string& name, const std::vector<std::string>& columns) const {
    return columnsRule(name, columns, "idx", extras_.relationNames);
  }
  bool foreignKey(const std::string& name, const std::vector<std::string>& columns) const {
    return columnsRule(name, columns, "fkey", extras_.constraintNames);
  }
  // The engine calls every unnamed check "<table>_check"; Postgres does only when the expression
  // does not name exactly one column.
  bool check(const std::string& name) const {
    auto only = extras_.checkColumn.find({table_, name});
    if (only != extras_.checkColumn.end()) return false;
    return plainFits(table_ + "_check") && name == chosen(std::nullopt, "check", extras_.constraintNames, name);
  }

 private:
  static bool plainFits(const std::string& plain) { return plain.size() <= kMaxIdentifierBytes; }

  bool columnsRule(const std::string& name, const std::vector<std::string>& columns, const std::string& label,
                   const std::set<std::string>& names) const {
    return plainFits(table_ + "_" + joined(columns) + "_" + label) &&
           name == chosen(columnsPart(columns), label, names, name);
  }

  // Postgres's choice with every other name of its namespace taken; the object's own is free.
  std::string chosen(const std::optional<std::string>& part, const std::string& label,
                     const std::set<std::string>& names, const std::string& self) const {
    const std::string first = objectName(table_, part, label);
    if (first != self) return first;  // a numbered name is never left out
    return chooseName(table_, part, label, [&](const std::string& n) { return n != self && names.count(n) > 0; });
  }

  const std::string& table_;
  const CatalogExtras& extras_;
};

Json columnJson(const schema::Column& c, bool inPrimaryKey) {
  Json out;
  out["name"] = c.name;
  // An enum of the schema is declared by its raw name (render quotes it); format_type's text
  // would quote a mixed-case name a second time.
  out["type"] = c.enumType ? *c.enumType : c.type;
  // Key and identity columns are NOT NULL whatever is written: the reader assumes it.
  const bool impliedNotNull = inPrimaryKey || c.identity != schema::Identity::None;
  if (!c.nullable && !impliedNotNull) out["nullable"] = false;
  if (c.defaultExpr && c.identity == schema::Identity::None) out["default"] = *c.defaultExpr;
  if (c.identity != schema::Identity::None) out["identity"] = schema::toSpelling(c.identity);
  if (c.comment) out["comment"] = *c.comment;
  if (c.collation) out["collation"] = *c.collation;
  if (c.generated) out["generated"] = *c.generated;
  return out;
}

Json foreignKeyJson(const schema::ForeignKey& fk, bool withName) {
  Json out;
  if (withName) out["name"] = fk.name;
  out["columns"] = stringList(fk.columns);
  out["references"] = Json{{"table", fk.refTable}, {"columns", stringList(fk.refColumns)}};
  if (fk.onDelete != schema::FkAction::NoAction) out["onDelete"] = schema::toSpelling(fk.onDelete);
  if (fk.onUpdate != schema::FkAction::NoAction) out["onUpdate"] = schema::toSpelling(fk.onUpdate);
  if (fk.matchFull) out["match"] = "full";
  if (fk.deferrable != schema::Deferrable::No) out["deferrable"] = schema::toSpelling(fk.deferrable);
  return out;
}

Json exclusionJson(const schema::Exclusion& x) {
  Json out;
  out["name"] = x.name;
  if (x.method != "gist") out["method"] = x.method;
  Json elements = Json::array();
  for (const auto& e : x.elements) {
    Json element;
    if (e.column.empty()) element["expression"] = e.expression;
    else element["column"] = e.column;
    if (!e.opclass.empty()) element["opclass"] = e.opclass;
    if (e.descending) element["order"] = "desc";
    element["operator"] = e.op;
    elements.push_back(std::move(element));
  }
  out["elements"] = std::move(elements);
  if (x.where) out["where"] = *x.where;
  return out;
}

Json parametersJson(const schema::Parameters& parameters) {
  Json out = Json::object();
  for (const auto& [name, value] : parameters) out[name] = value;
  return out;
}

// A key that the `columns` shorthand can say: a column with every option at its default.
bool plainColumnKey(const schema::IndexKey& key) {
  return !key.column.empty() && !key.descending && !key.nullsFirst && key.opclass.empty() &&
         key.opclassParameters.empty() && key.collation.empty();
}

Json indexKeyJson(const schema::IndexKey& key) {
  Json out;
  if (!key.column.empty()) out["column"] = key.column;
  else out["expression"] = key.expression;
  if (key.descending) out["order"] = "desc";
  if (key.nullsFirst != key.descending) out["nulls"] = key.nullsFirst ? "first" : "last";
  if (!key.opclass.empty()) out["opclass"] = key.opclass;
  if (!key.opclassParameters.empty()) out["opclassParameters"] = parametersJson(key.opclassParameters);
  if (!key.collation.empty()) out["collation"] = key.collation;
  return out;
}

// The names Postgres (and the engine) build an unnamed index's name from: its keys ("expr" for an
// expression, as the engine does) and its INCLUDE columns.
std::vector<std::string> indexNameParts(const schema::Index& index) {
  std::vector<std::string> parts;
  for (const auto& key : index.keys) parts.push_back(key.column.empty() ? "expr" : key.column);
  parts.insert(parts.end(), index.include.begin(), index.include.end());
  return parts;
}

Json indexJson(const schema::Index& index, bool withName) {
  Json out;
  if (withName) out["name"] = index.name;
  if (std::all_of(index.keys.begin(), index.keys.end(), plainColumnKey)) {
    std::vector<std::string> columns;
    for (const auto& key : index.keys) columns.push_back(key.column);
    out["columns"] = stringList(columns);
  } else {
    Json keys = Json::array();
    for (const auto& key : index.keys) keys.push_back(indexKeyJson(key));
    out["keys"] = std::move(keys);
  }
  if (!index.include.empty()) out["include"] = stringList(index.include);
  if (index.where) out["where"] = *index.where;
  if (index.method != "btree") out["method"] = index.method;
  if (index.unique) out["unique"] = true;
  if (index.nullsNotDistinct) out["nullsNotDistinct"] = true;
  if (!index.with.empty()) out["with"] = parametersJson(index.with);
  return out;
}

// partitionBy as a person writes it: plain key columns as columns, else every key an expression
// (as pg_get_partkeydef prints it, which Postgres reads back as the same key).
Json partitionByJson(const schema::PartitionBy& by) {
  Json out;
  out["strategy"] = by.strategy;
  if (by.expressions.empty())
    out["columns"] = stringList(by.columns);
  else
    out["expressions"] = stringList(by.expressions);
  return out;
}

Json partitionOfJson(const schema::PartitionOf& of) {
  Json out;
  out["table"] = of.table;
  if (of.bounds == "DEFAULT")
    out["default"] = true;
  else
    out["bounds"] = of.bounds;
  return out;
}

// What is left out of each table, and which tables are left out whole.
struct LeftOut {
  std::set<std::string> tables;
  std::set<std::pair<std::string, std::string>> parts;  // (table, constraint or index)

  bool part(const std::string& table, const std::string& name) const { return parts.count({table, name}) > 0; }
};

// Triggers as a person writes them: forEach statement, no updateOf, no arguments and enabled
// left out (the defaults). A trigger that fires in replica or always mode is written enabled: only
// enabled against disabled has a field.
Json triggersJson(const std::vector<schema::Trigger>& triggers) {
  Json out = Json::array();
  for (const auto& tr : triggers) {
    Json item;
    item["name"] = tr.name;
    item["timing"] = tr.timing;
    item["events"] = tr.events;
    if (!tr.updateOf.empty()) item["updateOf"] = tr.updateOf;
    if (tr.forEach != "statement") item["forEach"] = tr.forEach;
    if (tr.when) item["when"] = *tr.when;
    item["function"] = (tr.functionSchema.empty() ? "" : tr.functionSchema + ".") + tr.function;
    if (!tr.arguments.empty()) item["arguments"] = tr.arguments;
    if (!tr.enabled) item["enabled"] = false;
    out.push_back(std::move(item));
  }
  return out;
}

// A `grants` list as a person writes it: a role's privileges on the whole object, then columns
// with the same role and privileges in one entry.
Json grantsJson(const std::vector<schema::Grant>& held) {
  std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>> byRoleAndPrivileges;
  Json grants = Json::array();
  for (const auto& g : held) {
    if (g.columns.empty()) {
      grants.push_back(Json{{"role", g.role}, {"privileges", g.privileges}});
    } else {
      auto& columns = byRoleAndPrivileges[{g.role, g.privileges}];
      columns.insert(columns.end(), g.columns.begin(), g.columns.end());
    }
  }
  for (const auto& [key, columns] : byRoleAndPrivileges)
    grants.push_back(Json{{"role", key.first}, {"privileges", key.second}, {"columns", columns}});
  return grants;
}

// Default privileges with forRole always written: the role that exports may not be the one the
// operator connects as.
Json defaultPrivilegesJson(const std::vector<schema::DefaultPrivilege>& entries) {
  Json out = Json::array();
  for (const auto& d : entries)
    out.push_back(Json{{"forRole", d.forRole}, {"objects", d.objects}, {"role", d.role}, {"privileges", d.privileges}});
  return out;
}

Json tableJson(const schema::Table& t, const CatalogExtras& extras, const LeftOut& leftOut) {
  const NameRule names(t.name, extras);
  Json out;
  out["name"] = t.name;
  if (t.comment) out["comment"] = *t.comment;
  if (t.unlogged) out["unlogged"] = true;
  // Written when either switch is on; a table without it keeps what it has under the operator.
  if (t.rowLevelSecurity && (t.rowLevelSecurity->enabled || t.rowLevelSecurity->forced)) {
    Json rls;
    rls["enabled"] = t.rowLevelSecurity->enabled;
    if (t.rowLevelSecurity->forced) rls["forced"] = true;
    out["rowLevelSecurity"] = rls;
  }
  // A partition declares none of its columns, keys and foreign keys: they are its parent's.
  const bool partition = t.partitionOf.has_value();
  if (partition) out["partitionOf"] = partitionOfJson(*t.partitionOf);
  if (t.partitionBy) out["partitionBy"] = partitionByJson(*t.partitionBy);
  Json columns = Json::array();
  for (const auto& c : t.columns) columns.push_back(columnJson(c, t.primaryKey && contains(t.primaryKey->columns, c.name)));
  if (!partition) out["columns"] = std::move(columns);
  if (t.primaryKey && !partition && !leftOut.part(t.name, t.primaryKey->name)) out["primaryKey"] = stringList(t.primaryKey->columns);

  Json uniques = Json::array();
  for (const auto& u : sortedByName(t.uniques)) {
    if (partition || leftOut.part(t.name, u.name)) continue;
    Json item;
    if (!names.unique(u.name, u.columns)) item["name"] = u.name;
    item["columns"] = stringList(u.columns);
    if (u.deferrable != schema::Deferrable::No) item["deferrable"] = schema::toSpelling(u.deferrable);
    if (u.nullsNotDistinct) item["nullsNotDistinct"] = true;
    uniques.push_back(std::move(item));
  }
  if (!uniques.empty()) out["unique"] = std::move(uniques);

  Json foreignKeys = Json::array();
  for (const auto& fk : sortedByName(t.foreignKeys)) {
    if (partition || leftOut.part(t.name, fk.name)) continue;
    foreignKeys.push_back(foreignKeyJson(fk, !names.foreignKey(fk.name, fk.columns)));
  }
  if (!foreignKeys.empty()) out["foreignKeys"] = std::move(foreignKeys);

  Json checks = Json::array();
  for (const auto& ck : sortedByName(t.checks)) {
    if (leftOut.part(t.name, ck.name)) continue;
    Json item;
    if (!names.check(ck.name)) item["name"] = ck.name;
    item["expression"] = ck.expression;
    if (ck.noInherit) item["noInherit"] = true;
    checks.push_back(std::move(item));
  }
  if (!checks.empty()) out["checks"] = std::move(checks);

  Json indexes = Json::array();
  for (const auto& index : sortedByName(t.indexes)) {
    if (leftOut.part(t.name, index.name)) continue;
    indexes.push_back(indexJson(index, !names.index(index.name, indexNameParts(index))));
  }
  if (!indexes.empty()) out["indexes"] = std::move(indexes);

  Json exclusions = Json::array();
  for (const auto& x : sortedByName(t.exclusions))
    if (!leftOut.part(t.name, x.name)) exclusions.push_back(exclusionJson(x));
  if (!exclusions.empty()) out["exclusions"] = std::move(exclusions);
  // Grants when roles other than the owner hold any (a table without the list keeps its own).
  if (t.grants && !t.grants->empty()) out["grants"] = grantsJson(*t.grants);
  // Policies as a person writes them: defaults (all, permissive, PUBLIC) left out.
  if (!t.policies.empty()) {
    Json policies = Json::array();
    for (const auto& p : t.policies) {
      Json item;
      item["name"] = p.name;
      if (p.command != "all") item["command"] = p.command;
      if (!p.permissive) item["permissive"] = false;
      if (p.roles != std::vector<std::string>{"public"}) item["roles"] = p.roles;
      if (p.usingExpr) item["using"] = *p.usingExpr;
      if (p.withCheck) item["withCheck"] = *p.withCheck;
      policies.push_back(std::move(item));
    }
    out["policies"] = std::move(policies);
  }
  if (!t.triggers.empty()) out["triggers"] = triggersJson(t.triggers);
  return out;
}

// CREATE SEQUENCE's defaults for the type and direction: what a declaration may leave out.
struct SequenceDefaults {
  long long start, minValue, maxValue;
};

SequenceDefaults sequenceDefaults(const std::string& type, long long increment) {
  long long typeMax = 9223372036854775807LL;
  if (type == "integer") typeMax = 2147483647LL;
  if (type == "smallint") typeMax = 32767LL;
  const long long typeMin = -typeMax - 1;
  if (increment < 0) return {-1, typeMin, -1};
  return {1, 1, typeMax};
}

Json sequenceJson(const schema::Sequence& s) {
  Json out;
  out["name"] = s.name;
  if (s.type != "bigint") out["type"] = s.type;
  const long long increment = s.increment.value_or(1);
  const SequenceDefaults defaults = sequenceDefaults(s.type, increment);
  if (s.start && *s.start != defaults.start) out["start"] = *s.start;
  if (increment != 1) out["increment"] = increment;
  if (s.minValue && *s.minValue != defaults.minValue) out["minValue"] = *s.minValue;
  if (s.maxValue && *s.maxValue != defaults.maxValue) out["maxValue"] = *s.maxValue;
  if (s.cache && *s.cache != 1) out["cache"] = *s.cache;
  if (s.cycle) out["cycle"] = true;
  if (!s.ownedBy.empty()) out["ownedBy"] = s.ownedBy;
  if (s.grants && !s.grants->empty()) out["grants"] = grantsJson(*s.grants);
  return out;
}

// A domain as a person would write it: no `nullable: true`, no empty lists.
Json domainJson(const schema::Domain& d) {
  Json out;
  out["name"] = d.name;
  out["type"] = d.type;
  if (!d.nullable) out["nullable"] = false;
  if (d.defaultExpr) out["default"] = *d.defaultExpr;
  if (d.collation) out["collation"] = *d.collation;
  Json checks = Json::array();
  for (const auto& ck : sortedByName(d.checks)) checks.push_back(Json{{"name", ck.name}, {"expression", ck.expression}});
  if (!checks.empty()) out["checks"] = std::move(checks);
  return out;
}

// Attributes in their order (the type's shape is that order).
Json compositeTypeJson(const schema::CompositeType& t) {
  Json attributes = Json::array();
  for (const auto& a : t.attributes) {
    Json attribute{{"name", a.name}, {"type", a.type}};
    if (a.collation) attribute["collation"] = *a.collation;
    attributes.push_back(std::move(attribute));
  }
  return Json{{"name", t.name}, {"attributes", std::move(attributes)}};
}

const char* checkOptionSpelling(schema::CheckOption o) {
  return o == schema::CheckOption::Local ? "local" : o == schema::CheckOption::Cascaded ? "cascaded" : "none";
}

// A view as declared: the query as Postgres keeps it, options only where they are not the
// default, a materialized view's indexes on plain columns (others are left out, into `leftOut`).
Json viewJson(const schema::View& v, std::vector<std::string>& leftOut) {
  Json out;
  out["name"] = v.name;
  std::string query = v.query;
  query.erase(0, std::min(query.size(), query.find_first_not_of(" \n")));
  out["query"] = query;
  if (v.materialized) out["materialized"] = true;
  Json options = Json::object();
  if (v.securityBarrier) options["securityBarrier"] = true;
  if (v.securityInvoker) options["securityInvoker"] = true;
  if (v.checkOption != schema::CheckOption::None) options["checkOption"] = checkOptionSpelling(v.checkOption);
  if (!options.empty()) out["options"] = std::move(options);
  if (v.comment) out["comment"] = *v.comment;
  Json indexes = Json::array();
  for (const auto& ix : sortedByName(v.indexes)) {
    const bool plain = !ix.where && std::all_of(ix.keys.begin(), ix.keys.end(), [](const schema::IndexKey& k) {
      return !k.column.empty();
    });
    if (!plain) {
      leftOut.push_back("index " + v.name + "." + ix.name + ": a key is an expression or it has a predicate");
      continue;
    }
    Json item = indexJson(ix, true);
    indexes.push_back(std::move(item));
  }
  if (!indexes.empty()) out["indexes"] = std::move(indexes);
  if (v.grants && !v.grants->empty()) out["grants"] = grantsJson(*v.grants);
  return out;
}

// A function as declared: the texts as Postgres prints them, options only where they are not
// the default.
Json functionJson(const schema::Function& f) {
  Json out;
  out["name"] = f.name;
  if (f.procedure) out["kind"] = "procedure";
  if (!f.arguments.empty()) out["arguments"] = f.arguments;
  if (!f.procedure) out["returns"] = f.returns;
  out["language"] = f.language;
  out["body"] = f.body;
  if (f.volatility != "volatile") out["volatility"] = f.volatility;
  if (f.strict) out["strict"] = true;
  if (f.securityDefiner) out["securityDefiner"] = true;
  if (f.parallel != "unsafe") out["parallel"] = f.parallel;
  if (!f.settings.empty()) {
    Json set = Json::object();
    for (const auto& s : f.settings) set[s.name] = s.value;
    out["set"] = std::move(set);
  }
  if (f.comment) out["comment"] = *f.comment;
  // Postgres's default (PUBLIC may execute) is left unmanaged, as a function without `grants` is.
  if (f.grants && *f.grants != schema::defaultRoutineGrants()) out["grants"] = grantsJson(*f.grants);
  return out;
}

Json seedJson(const SeedTable& seed) {
  Json rows = Json::array();
  for (const auto& values : seed.rows) {
    Json row = Json::object();
    for (size_t i = 0; i < seed.columns.size() && i < values.size(); ++i)
      row[seed.columns[i]] = values[i] ? Json(*values[i]) : Json(nullptr);
    rows.push_back(std::move(row));
  }
  return Json{{"table", seed.table}, {"rows", std::move(rows)}};
}

std::string describe(const Unexpressible& u) {
  std::string what = u.kind + " ";
  if (u.scope == Scope::TablePart) what += u.table + ".";
  what += u.name;
  return u.reason.empty() ? what : what + ": " + u.reason;
}

// The tables and table parts left out, with a foreign key of a kept table that references a
// table left out added to them (a resource's keys stay within it).
std::vector<Unexpressible> settleLeftOut(const schema::Model& live, const CatalogExtras& extras, LeftOut& leftOut) {
  std::vector<Unexpressible> all = extras.unexpressible;
  for (const auto& name : extras.sequenceNames) {
    const bool inModel = std::any_of(live.sequences.begin(), live.sequences.end(),
                                     [&](const schema::Sequence& s) { return s.name == name; });
    if (!inModel) all.push_back({Scope::Object, "sequence", "", name, "this build does not read sequences"});
  }
  for (const auto& u : all) {
    if (u.scope == Scope::Table) leftOut.tables.insert(u.table.empty() ? u.name : u.table);
    if (u.scope == Scope::TablePart) leftOut.parts.insert({u.table, u.name});
  }
  for (const auto& t : live.tables) {
    if (t.partitionOf && leftOut.tables.count(t.partitionOf->table) && !leftOut.tables.count(t.name)) {
      all.push_back({Scope::Table, "table", t.name, t.name, "a partition of " + t.partitionOf->table + ", which is left out"});
      leftOut.tables.insert(t.name);
    }
    if (leftOut.tables.count(t.name)) continue;
    for (const auto& fk : t.foreignKeys) {
      if (leftOut.part(t.name, fk.name) || !leftOut.tables.count(fk.refTable)) continue;
      all.push_back({Scope::TablePart, "foreign key", t.name, fk.name,
                     "references table " + fk.refTable + ", which is left out"});
      leftOut.parts.insert({t.name, fk.name});
    }
    // A primary key named otherwise than "<table>_pkey": the shorthand cannot carry its name.
    if (t.primaryKey && !leftOut.part(t.name, t.primaryKey->name) && !NameRule(t.name, extras).primaryKey(t.primaryKey->name))
      all.push_back({Scope::TablePart, "primary key name", t.name, t.primaryKey->name,
                     "kept as a primary key of (" + joined(t.primaryKey->columns) +
                         "); a database built from this export names it " + primaryKeyName(t.name)});
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace

std::string placeholderSecret(const std::string& resourceName) { return resourceName + "-database"; }

Exported exportSchema(const schema::Model& live, const CatalogExtras& extras, const Options& options) {
  Exported out;
  LeftOut leftOut;
  const std::vector<Unexpressible> unexpressible = settleLeftOut(live, extras, leftOut);

  Json& doc = out.document;
  doc["apiVersion"] = "dbschema.io/v1alpha1";
  doc["kind"] = "DatabaseSchema";
  doc["metadata"]["name"] = options.name;
  if (!options.ns.empty()) doc["metadata"]["namespace"] = options.ns;
  Json& spec = doc["spec"];
  const std::string secret = options.secret.value_or(placeholderSecret(options.name));
  spec["connection"]["secretRef"] = Json{{"name", secret}, {"key", options.secretKey}};
  if (live.schema != "public") spec["schema"] = live.schema;
  spec["mode"] = "Plan";

  std::vector<std::string> ignore(leftOut.tables.begin(), leftOut.tables.end());
  if (live.table(kAlembicVersion) && !contains(ignore, kAlembicVersion)) ignore.push_back(kAlembicVersion);
  std::sort(ignore.begin(), ignore.end());
  if (!ignore.empty()) spec["ignore"] = stringList(ignore);

  // plpgsql is in every database from the start: declaring it says nothing.
  std::vector<std::string> extensions;
  for (const auto& e : live.extensions)
    if (e != "plpgsql") extensions.push_back(e);
  std::sort(extensions.begin(), extensions.end());
  if (!extensions.empty()) spec["extensions"] = stringList(extensions);

  Json enums = Json::array();
  for (const auto& e : sortedByName(live.enums)) enums.push_back(Json{{"name", e.name}, {"values", stringList(e.values)}});
  if (!enums.empty()) spec["enums"] = std::move(enums);

  Json domains = Json::array();
  for (const auto& d : sortedByName(live.domains)) domains.push_back(domainJson(d));
  if (!domains.empty()) spec["domains"] = std::move(domains);

  Json compositeTypes = Json::array();
  for (const auto& t : sortedByName(live.compositeTypes)) compositeTypes.push_back(compositeTypeJson(t));
  if (!compositeTypes.empty()) spec["compositeTypes"] = std::move(compositeTypes);

  Json sequences = Json::array();
  for (const auto& s : sortedByName(live.sequences)) sequences.push_back(sequenceJson(s));
  if (!sequences.empty()) spec["sequences"] = std::move(sequences);

  Json tables = Json::array();
  for (const auto& t : sortedByName(live.tables)) {
    if (contains(ignore, t.name)) continue;
    tables.push_back(tableJson(t, extras, leftOut));
  }
  if (!tables.empty()) spec["tables"] = std::move(tables);

  std::vector<std::string> viewsLeftOut;
  Json views = Json::array();
  for (const auto& v : sortedByName(live.views)) views.push_back(viewJson(v, viewsLeftOut));
  if (!views.empty()) spec["views"] = std::move(views);

  // By name, then argument types (the live read's order): overloads in a stable order.
  Json functions = Json::array();
  for (const auto& f : live.functions) functions.push_back(functionJson(f));
  if (!functions.empty()) spec["functions"] = std::move(functions);
  if (live.defaultPrivileges && !live.defaultPrivileges->empty())
    spec["defaultPrivileges"] = defaultPrivilegesJson(*live.defaultPrivileges);

  Json seeds = Json::array();
  for (const auto& seed : extras.seeds) seeds.push_back(seedJson(seed));
  if (!seeds.empty()) spec["seed"] = std::move(seeds);

  out.notes.push_back("Exported by schema-operator export. mode: Plan changes nothing; set mode: Apply to let the "
                      "operator fix drift.");
  if (!options.secret)
    out.notes.push_back("connection.secretRef names a placeholder Secret \"" + secret + "\" (key " + options.secretKey +
                        "): create it with the database URL, or export again with --secret NAME[/KEY].");
  for (const auto& u : unexpressible) out.leftOut.push_back(describe(u));
  out.leftOut.insert(out.leftOut.end(), viewsLeftOut.begin(), viewsLeftOut.end());
  return out;
}

}  // namespace exporting
