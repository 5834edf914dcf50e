// The statements of domain and composite-type changes (user_types.hpp). Types and expressions
// are Postgres' own texts (canonicalModel); names are quoted.
#include "schema/sql.hpp"
#include "schema/user_types.hpp"

namespace schema {

namespace {

using sql::ident;

std::string collate(const std::optional<std::string>& collation) {
  return collation ? " COLLATE " + ident(*collation) : "";
}

class UserTypeRenderer {
 public:
  UserTypeRenderer(const Change& c, const std::string& schemaName) : c_(c), schema_(schemaName) {}

  std::vector<Step> run() const {
    if (const auto* d = std::get_if<DomainChange>(&c_.detail)) return domain(*d);
    return compositeType(std::get<CompositeTypeChange>(c_.detail));
  }

 private:
  std::string q(const std::string& name) const { return sql::qualified(schema_, name); }

  Step step(std::vector<std::string> statements) const {
    Step s;
    s.kind = c_.kind;
    s.object = c_.object;
    s.safety = c_.safety;
    s.statements = std::move(statements);
    return s;
  }
  std::vector<Step> one(std::string statement) const { return {step({std::move(statement)})}; }

  std::vector<Step> domain(const DomainChange& d) const {
    const std::string alter = "ALTER DOMAIN " + q(d.to.name.empty() ? d.from.name : d.to.name) + " ";
    switch (c_.kind) {
      case ChangeKind::CreateDomain: return one(createDomain(d.to));
      case ChangeKind::DropDomain: return one("DROP DOMAIN IF EXISTS " + q(d.from.name));
      case ChangeKind::SetDefault: return one(alter + "SET DEFAULT " + *d.to.defaultExpr);
      case ChangeKind::DropDefault: return one(alter + "DROP DEFAULT");
      case ChangeKind::SetNotNull: return one(alter + "SET NOT NULL");
      case ChangeKind::DropNotNull: return one(alter + "DROP NOT NULL");
      case ChangeKind::DropDomainCheck: return one(alter + "DROP CONSTRAINT IF EXISTS " + ident(d.check.name));
      case ChangeKind::AddDomainCheck: {
        // As a table's check: added NOT VALID (new values are checked at once), then VALIDATEd
        // against the columns that use the domain. A row that fails it fails the VALIDATE; the
        // check stays NOT VALID and the next plan validates it again (a repair).
        const std::string validate = alter + "VALIDATE CONSTRAINT " + ident(d.check.name);
        if (c_.repair) return one(validate);
        Step add = step({alter + "ADD CONSTRAINT " + ident(d.check.name) + " CHECK (" + d.check.expression + ") NOT VALID"});
        Step check = step({validate});
        check.onFailure = {alter + "DROP CONSTRAINT IF EXISTS " + ident(d.check.name)};
        return {add, check};
      }
      default: return {};  // ChangeType is blocked, never rendered
    }
  }

  std::string createDomain(const Domain& d) const {
    std::string out = "CREATE DOMAIN " + q(d.name) + " AS " + d.type + collate(d.collation);
    if (d.defaultExpr) out += " DEFAULT " + *d.defaultExpr;
    if (!d.nullable) out += " NOT NULL";
    for (const auto& ck : d.checks) out += " CONSTRAINT " + ident(ck.name) + " CHECK (" + ck.expression + ")";
    return out;
  }

  std::vector<Step> compositeType(const CompositeTypeChange& t) const {
    const std::string alter = "ALTER TYPE " + q(t.to.name.empty() ? t.from.name : t.to.name) + " ";
    const TypeAttribute& a = t.attribute;
    switch (c_.kind) {
      case ChangeKind::CreateType: {
        std::string attributes;
        for (const auto& at : t.to.attributes)
          attributes += (attributes.empty() ? "" : ", ") + ident(at.name) + " " + at.type + collate(at.collation);
        return one("CREATE TYPE " + q(t.to.name) + " AS (" + attributes + ")");
      }
      case ChangeKind::DropType: return one("DROP TYPE IF EXISTS " + q(t.from.name));
      case ChangeKind::AddTypeAttribute: return one(alter + "ADD ATTRIBUTE " + ident(a.name) + " " + a.type + collate(a.collation));
      case ChangeKind::DropTypeAttribute: return one(alter + "DROP ATTRIBUTE IF EXISTS " + ident(a.name));
      default: return {};  // ChangeType is blocked, never rendered
    }
  }

  const Change& c_;
  const std::string& schema_;
};

}  // namespace

std::vector<Step> renderUserType(const Change& c, const std::string& schemaName) {
  return UserTypeRenderer(c, schemaName).run();
}

}  // namespace schema
