#pragma once
// Domains and composite types (contract Part 2, "Table layer, completed"): how declared ones pair
// with live ones, the changes that make them alike, what must be asked of the server about their
// SQL text, and the order they are created in. Pure: data in, data out, like the rest of schema/.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/canon.hpp"
#include "schema/change.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"

namespace schema {

// The schema's type a type text names, or empty: "email_address[]" -> "email_address",
// "\"My Type\"" -> "My Type", "app.money" -> "money" when `schemaName` is "app". Used to find
// what depends on a declared type; a built-in ("text", "varchar(10)") gives its own name, which
// no declared type carries.
std::string referencedTypeName(const std::string& type, const std::string& schemaName);

// The declared domains and composite types in an order each can be created in: a type that
// another one's base type or attribute names comes first. Cycles (which Postgres refuses anyway)
// keep the declared order.
struct UserTypeRef {
  bool domain = false;
  size_t index = 0;  // into Model::domains or Model::compositeTypes
};
std::vector<UserTypeRef> creationOrder(const Model& want);

// Every difference in domains and composite types. Undeclared live ones are dropped only with
// `prune`, as tables, enums and sequences are. `tableChanges` are the changes diff() found for
// the tables: a DropDomain / DropType is blocked while a column the plan keeps uses the type.
std::vector<Change> diffUserTypes(const Model& have, const Model& want, const Policy& policy,
                                  const std::vector<Change>& tableChanges);

// Whether the change is about a domain or a composite type (its detail is DomainChange or
// CompositeTypeChange), whatever its kind.
bool isUserTypeChange(const Change& c);

// The facts such a change needs: a domain's SET NOT NULL counts the NULLs of every column of it.
void userTypeFactsNeeded(const Change& c, FactQuestions& q);

// Blocks what cannot run: a change diff() marked (a base type, collation or attribute type that
// cannot change in place; a type still in use), a domain's SET NOT NULL while rows hold NULL.
void classifyUserType(Change& c, const Facts& facts);

// The statements of such a change.
std::vector<Step> renderUserType(const Change& c, const std::string& schemaName);

// Adds to `q` what must be asked about declared domains and composite types: every base and
// attribute type (unless cheaply the live one), and every domain default and check that is not,
// on its face, the live one's text. The domains and types the plan creates are listed for the
// server to create first (rolled back), so that columns and other types may name them.
void userTypeQuestions(const Model& have, const Model& want, CanonQuestions& q);

// `out` (canonicalModel's copy of `want`) with every domain and attribute type, domain default
// and check replaced by Postgres' text: the server's answer, or the live text where the
// declaration is cheaply the same. A text with neither is an error naming its field.
core::Result<void> canonicalUserTypes(const Model& have, const Model& want, const Canon& canon, Model& out);

}  // namespace schema
