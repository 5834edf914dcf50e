// spec.domains[i] and spec.compositeTypes[i]: shapes and values as declared. Types, defaults and
// check expressions are SQL text that Postgres judges (canonicalisation); whether names clash is
// validate's job.
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

std::vector<schema::Check> readDomainChecks(const Fields& domain) {
  std::vector<schema::Check> out;
  for (const auto& item : domain.list("checks")) {
    Fields fields(item, {"name", "expression"}, domain.issues());
    schema::Check ck;
    ck.name = fields.requiredIdentifier("name");
    ck.expression = fields.requiredText("expression");
    ck.field = item.path;
    out.push_back(std::move(ck));
  }
  return out;
}

}  // namespace

std::vector<schema::Domain> readDomains(const Fields& spec) {
  std::vector<schema::Domain> out;
  for (const auto& item : spec.list("domains")) {
    Fields fields(item, {"name", "type", "nullable", "default", "collation", "checks"}, spec.issues());
    schema::Domain d;
    d.name = fields.requiredIdentifier("name");
    d.type = fields.requiredText("type");
    d.nullable = fields.boolean("nullable").value_or(true);
    d.defaultExpr = fields.nonBlankText("default");
    d.collation = fields.identifier("collation");
    d.checks = readDomainChecks(fields);
    d.field = item.path;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<schema::CompositeType> readCompositeTypes(const Fields& spec) {
  std::vector<schema::CompositeType> out;
  for (const auto& item : spec.list("compositeTypes")) {
    Fields fields(item, {"name", "attributes"}, spec.issues());
    schema::CompositeType t;
    t.name = fields.requiredIdentifier("name");
    t.field = item.path;
    if (!fields.has("attributes")) spec.issues().report(fields.pathOf("attributes"), "must be set");
    for (const auto& attribute : fields.list("attributes")) {
      Fields a(attribute, {"name", "type", "collation"}, spec.issues());
      schema::TypeAttribute at;
      at.name = a.requiredIdentifier("name");
      at.type = a.requiredText("type");
      at.collation = a.identifier("collation");
      at.field = attribute.path;
      t.attributes.push_back(std::move(at));
    }
    if (fields.has("attributes") && t.attributes.empty())
      spec.issues().report(fields.pathOf("attributes"), "must declare at least one attribute");
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace spec::detail
