// `grants` lists (contract Part 2, Access): on the schema (spec.grants), on a table
// (spec.tables[i].grants, with `columns` for column privileges), on a view (spec.views[i].grants)
// and on a sequence (spec.sequences[i].grants); and spec.defaultPrivileges. Privileges are the
// words GRANT takes for that kind of object; roles are identifiers ("public" or PUBLIC for PUBLIC).
#include <algorithm>

#include "core/text.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

// The privileges each kind of object takes, and those a column takes. A view takes a table's.
const std::vector<std::string> kSchemaPrivileges = {"CREATE", "USAGE"};
const std::vector<std::string> kTablePrivileges = {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE",
                                                   "UPDATE"};
const std::vector<std::string> kColumnPrivileges = {"INSERT", "REFERENCES", "SELECT", "UPDATE"};
const std::vector<std::string> kSequencePrivileges = {"SELECT", "UPDATE", "USAGE"};
const std::vector<std::string> kFunctionPrivileges = {"EXECUTE"};
const std::vector<std::string> kTypePrivileges = {"USAGE"};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

// `privileges`: at least one, each one of `allowed` in any case; upper-case, sorted, once each.
// `what` says what they are on when an error names the allowed words (" (on columns)").
std::vector<std::string> readPrivileges(const Fields& fields, const std::vector<std::string>& allowed,
                                        const std::string& what) {
  std::vector<std::string> out;
  const auto privileges = fields.list("privileges");
  if (privileges.empty()) fields.issues().report(fields.pathOf("privileges"), "must name at least one privilege");
  for (const auto& p : privileges) {
    auto word = scalarText(p, fields.issues());
    if (!word) continue;
    const std::string upper = core::toUpper(*word);
    if (std::find(allowed.begin(), allowed.end(), upper) == allowed.end()) {
      fields.issues().report(p.path, "must be " + joined(allowed) + what + ", found " + quoteShort(*word));
      continue;
    }
    out.push_back(upper);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// `role`: an identifier, PUBLIC (any case) being "public".
std::string readRole(const Fields& fields) {
  std::string role = fields.requiredIdentifier("role");
  return role == "PUBLIC" ? "public" : role;
}

const std::vector<std::string>& privilegesOf(GrantsOn on) {
  switch (on) {
    case GrantsOn::Schema: return kSchemaPrivileges;
    case GrantsOn::Sequence: return kSequencePrivileges;
    case GrantsOn::Function: return kFunctionPrivileges;
    case GrantsOn::Table:
    case GrantsOn::View: break;
  }
  return kTablePrivileges;
}

const char* onWhat(GrantsOn on) {
  return on == GrantsOn::Schema     ? " (on a schema)"
         : on == GrantsOn::Sequence ? " (on a sequence)"
         : on == GrantsOn::View     ? " (on a view)"
         : on == GrantsOn::Function ? " (on a function)"
                                    : "";
}

// A grant on the schema, a view or a sequence: a role and its privileges.
schema::Grant readObjectGrant(const Item& item, GrantsOn on, Issues& issues) {
  Fields fields(item, {"role", "privileges"}, issues);
  schema::Grant g;
  g.field = item.path;
  g.role = readRole(fields);
  g.privileges = readPrivileges(fields, privilegesOf(on), onWhat(on));
  return g;
}

// A table's grant, on the whole table or, with `columns`, on those columns (which take fewer
// privileges).
schema::Grant readTableGrant(const Item& item, Issues& issues) {
  Fields fields(item, {"role", "privileges", "columns"}, issues);
  schema::Grant g;
  g.field = item.path;
  g.columns = fields.identifiers("columns");
  if (fields.get("columns") && g.columns.empty())
    issues.report(fields.pathOf("columns"), "must name at least one column, or be left out (the whole table)");
  std::sort(g.columns.begin(), g.columns.end());
  g.role = readRole(fields);
  g.privileges = g.columns.empty() ? readPrivileges(fields, kTablePrivileges, "")
                                   : readPrivileges(fields, kColumnPrivileges, " (on columns)");
  return g;
}

// `objects` of a default privilege, and the privileges objects of that kind take; null when it is
// missing or not a kind ALTER DEFAULT PRIVILEGES ... IN SCHEMA takes.
const std::vector<std::string>* readDefaultObjects(const Fields& fields, std::string& objects) {
  const auto value = fields.text("objects");
  if (!value) {
    fields.issues().report(fields.pathOf("objects"), "must be set");
    return nullptr;
  }
  objects = *value;
  if (*value == "tables") return &kTablePrivileges;
  if (*value == "sequences") return &kSequencePrivileges;
  if (*value == "functions") return &kFunctionPrivileges;
  if (*value == "types") return &kTypePrivileges;
  fields.issues().report(fields.pathOf("objects"),
                         "must be tables, sequences, functions or types, found " + quoteShort(*value));
  return nullptr;
}

schema::DefaultPrivilege readDefaultPrivilege(const Item& item, Issues& issues) {
  Fields fields(item, {"forRole", "objects", "role", "privileges"}, issues);
  schema::DefaultPrivilege d;
  d.field = item.path;
  d.forRole = fields.identifier("forRole").value_or("");
  if (d.forRole == "PUBLIC" || d.forRole == "public")
    issues.report(fields.pathOf("forRole"), "must name a role that creates objects, not PUBLIC");
  d.role = readRole(fields);
  const auto* allowed = readDefaultObjects(fields, d.objects);
  if (allowed) d.privileges = readPrivileges(fields, *allowed, " (on " + d.objects + ")");
  return d;
}

}  // namespace

std::optional<std::vector<schema::Grant>> readGrants(const Fields& owner, GrantsOn on) {
  if (!owner.get("grants")) return std::nullopt;
  std::vector<schema::Grant> out;
  for (const auto& item : owner.list("grants"))
    out.push_back(on == GrantsOn::Table ? readTableGrant(item, owner.issues()) : readObjectGrant(item, on, owner.issues()));
  return out;
}

std::optional<std::vector<schema::DefaultPrivilege>> readDefaultPrivileges(const Fields& spec) {
  if (!spec.get("defaultPrivileges")) return std::nullopt;
  std::vector<schema::DefaultPrivilege> out;
  for (const auto& item : spec.list("defaultPrivileges")) out.push_back(readDefaultPrivilege(item, spec.issues()));
  return out;
}

}  // namespace spec::detail
