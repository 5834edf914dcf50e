// Names of domains and composite types: unique among the schema's types (enums, domains,
// composite types and the row type every table has), a composite type's also among relations
// (it is one: pg_class relkind 'c'); check and attribute names unique within their type.
#include <map>

#include "spec/validate.hpp"

namespace spec::detail {

namespace {

// First declaration of each name, reporting a second one.
class Names {
 public:
  Names(const char* what, const char* why) : what_(what), why_(why) {}
  void declare(const std::string& name, const std::string& path, Issues& issues) {
    if (name.empty()) return;
    auto [it, fresh] = first_.emplace(name, path);
    if (!fresh)
      issues.report(path, "\"" + name + "\" is also declared at " + it->second + "; " + what_ + " " + why_);
  }
  const std::string* find(const std::string& name) const {
    auto it = first_.find(name);
    return it == first_.end() ? nullptr : &it->second;
  }

 private:
  const char* what_;
  const char* why_;
  std::map<std::string, std::string> first_;
};

}  // namespace

void checkTypeNames(const DatabaseSchema& resource, Issues& issues) {
  const schema::Model& model = resource.model;
  Names types("a type name", "is unique among the schema's enums, domains, composite types and tables");
  for (const auto& e : model.enums) types.declare(e.name, e.field + ".name", issues);
  for (const auto& t : model.tables) types.declare(t.name, t.field + ".name", issues);
  for (const auto& d : model.domains) {
    types.declare(d.name, d.field + ".name", issues);
    Names checks("a check name", "is unique within its domain");
    for (const auto& ck : d.checks) checks.declare(ck.name, ck.field + ".name", issues);
  }
  Names relations("a composite type", "shares the schema's namespace with tables and sequences");
  for (const auto& t : model.tables) relations.declare(t.name, t.field + ".name", issues);
  for (const auto& s : model.sequences) relations.declare(s.name, s.field + ".name", issues);
  for (const auto& t : model.compositeTypes) {
    types.declare(t.name, t.field + ".name", issues);
    relations.declare(t.name, t.field + ".name", issues);
    Names attributes("an attribute name", "is unique within its type");
    for (const auto& a : t.attributes) attributes.declare(a.name, a.field + ".name", issues);
  }
}

}  // namespace spec::detail
