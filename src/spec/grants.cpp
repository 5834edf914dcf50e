// `grants` lists (contract Part 2, Access): on the schema (spec.grants) and on a table
// (spec.tables[i].grants, with `columns` for column privileges). Privileges are the words GRANT
// takes for that kind of object; roles are identifiers ("public" or PUBLIC for PUBLIC).
#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

// The privileges an object kind takes, and those a column takes.
const std::vector<std::string> kSchemaPrivileges = {"CREATE", "USAGE"};
const std::vector<std::string> kTablePrivileges = {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE",
                                                   "UPDATE"};
const std::vector<std::string> kColumnPrivileges = {"INSERT", "REFERENCES", "SELECT", "UPDATE"};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

// Role and privileges, read the same way for the schema and for a table; `g.columns` is read
// before (a table's grant), so that the privileges are checked against what columns take.
void readRoleAndPrivileges(const Fields& fields, bool onTable, schema::Grant& g) {
  g.role = fields.requiredIdentifier("role");
  if (g.role == "PUBLIC") g.role = "public";
  const std::vector<std::string>& allowed =
      !onTable ? kSchemaPrivileges : g.columns.empty() ? kTablePrivileges : kColumnPrivileges;
  const auto privileges = fields.list("privileges");
  if (privileges.empty()) fields.issues().report(fields.pathOf("privileges"), "must name at least one privilege");
  for (const auto& p : privileges) {
    auto word = scalarText(p, fields.issues());
    if (!word) continue;
    std::string upper = *word;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (std::find(allowed.begin(), allowed.end(), upper) == allowed.end()) {
      fields.issues().report(p.path, "must be " + joined(allowed) + (onTable && !g.columns.empty() ? " (on columns)" : "") +
                                         ", found " + quoteShort(*word));
      continue;
    }
    g.privileges.push_back(upper);
  }
  std::sort(g.privileges.begin(), g.privileges.end());
  g.privileges.erase(std::unique(g.privileges.begin(), g.privileges.end()), g.privileges.end());
}

schema::Grant readSchemaGrant(const Item& item, Issues& issues) {
  Fields fields(item, {"role", "privileges"}, issues);
  schema::Grant g;
  g.field = item.path;
  readRoleAndPrivileges(fields, /*onTable=*/false, g);
  return g;
}

schema::Grant readTableGrant(const Item& item, Issues& issues) {
  Fields fields(item, {"role", "privileges", "columns"}, issues);
  schema::Grant g;
  g.field = item.path;
  g.columns = fields.identifiers("columns");
  if (fields.get("columns") && g.columns.empty())
    issues.report(fields.pathOf("columns"), "must name at least one column, or be left out (the whole table)");
  std::sort(g.columns.begin(), g.columns.end());
  readRoleAndPrivileges(fields, /*onTable=*/true, g);
  return g;
}

}  // namespace

std::optional<std::vector<schema::Grant>> readGrants(const Fields& owner, bool onTable) {
  if (!owner.get("grants")) return std::nullopt;
  std::vector<schema::Grant> out;
  for (const auto& item : owner.list("grants"))
    out.push_back(onTable ? readTableGrant(item, owner.issues()) : readSchemaGrant(item, owner.issues()));
  return out;
}

}  // namespace spec::detail
