// spec.views[i]: a view or materialized view as declared. Its query is SQL text the author owns:
// Postgres parses it (pg::canonicalizeViews) before anything uses it.
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

schema::CheckOption readCheckOption(const Fields& options) {
  auto value = options.text("checkOption");
  if (!value || *value == "none") return schema::CheckOption::None;
  if (*value == "local") return schema::CheckOption::Local;
  if (*value == "cascaded") return schema::CheckOption::Cascaded;
  options.issues().report(options.pathOf("checkOption"), "must be none, local or cascaded, found " + quoteShort(*value));
  return schema::CheckOption::None;
}

// A materialized view's index: named, on plain columns. Expressions and predicates are SQL text
// that this build does not yet put to Postgres for materialized views, so they are refused rather
// than pasted.
schema::Index readViewIndex(const Item& item, Issues& issues) {
  schema::Index index = readIndexItem(item, issues);
  if (index.name.empty()) issues.report(joinPath(item.path, "name"), "must be set: a materialized view's index is named");
  if (index.where) issues.report(joinPath(item.path, "where"), "is not supported on a materialized view's index");
  return index;
}

}  // namespace

std::vector<schema::View> readViews(const Fields& spec) {
  std::vector<schema::View> out;
  for (const auto& item : spec.list("views")) {
    Fields fields(item, {"name", "query", "materialized", "options", "comment", "indexes", "grants"}, spec.issues());
    schema::View v;
    v.name = fields.requiredIdentifier("name");
    v.query = fields.requiredText("query");
    v.materialized = fields.boolean("materialized").value_or(false);
    if (auto options = fields.object("options", {"securityBarrier", "securityInvoker", "checkOption"})) {
      if (v.materialized)
        spec.issues().report(options->path(), "a materialized view takes no options (they are a plain view's)");
      v.securityBarrier = options->boolean("securityBarrier").value_or(false);
      v.securityInvoker = options->boolean("securityInvoker").value_or(false);
      v.checkOption = readCheckOption(*options);
    }
    v.comment = fields.text("comment");
    const auto indexes = fields.list("indexes");
    if (!indexes.empty() && !v.materialized)
      spec.issues().report(fields.pathOf("indexes"), "only a materialized view has indexes (materialized: true)");
    for (const auto& index : indexes) v.indexes.push_back(readViewIndex(index, spec.issues()));
    v.grants = readGrants(fields, GrantsOn::View);
    v.field = item.path;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace spec::detail
