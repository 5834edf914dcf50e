#include "schema/view_render.hpp"

#include <algorithm>

#include "schema/sql.hpp"

namespace schema {

namespace {

using sql::ident;

// "security_barrier=true, ..." as CREATE VIEW ... WITH (...) takes them; empty for none.
std::string optionList(const View& v) {
  std::vector<std::string> options;
  if (v.checkOption == CheckOption::Local) options.push_back("check_option=local");
  if (v.checkOption == CheckOption::Cascaded) options.push_back("check_option=cascaded");
  if (v.securityBarrier) options.push_back("security_barrier=true");
  if (v.securityInvoker) options.push_back("security_invoker=true");
  std::string out;
  for (const auto& o : options) out += (out.empty() ? "" : ", ") + o;
  return out;
}

// The query as Postgres printed it, without the semicolon it ends with.
std::string queryText(const std::string& query) {
  std::string q = query;
  while (!q.empty() && (q.back() == ';' || q.back() == ' ' || q.back() == '\n')) q.pop_back();
  return q;
}

class ViewSql {
 public:
  explicit ViewSql(const std::string& schemaName) : schema_(schemaName) {}

  std::string q(const std::string& name) const { return sql::qualified(schema_, name); }
  static const char* noun(const View& v) { return v.materialized ? "MATERIALIZED VIEW " : "VIEW "; }

  // The statements that make `v` as declared: the view, its indexes, its comment.
  std::vector<std::string> create(const View& v, bool orReplace = false) const {
    std::vector<std::string> out;
    std::string head = std::string("CREATE ") + (orReplace ? "OR REPLACE " : "") + noun(v) + q(v.name);
    const std::string options = v.materialized ? "" : optionList(v);
    if (!options.empty()) head += " WITH (" + options + ")";
    head += " AS " + queryText(v.query);
    if (v.materialized) head += " WITH DATA";
    out.push_back(std::move(head));
    for (const auto& ix : v.indexes) out.push_back(createIndex(v, ix));
    if (v.comment) out.push_back(comment(v, v.comment));
    return out;
  }

  std::string drop(const View& v) const { return std::string("DROP ") + noun(v) + q(v.name); }

  std::string comment(const View& v, const std::optional<std::string>& text) const {
    return std::string("COMMENT ON ") + noun(v) + q(v.name) + " IS " + sql::literalOrNull(text);
  }

 private:
  // Built with the view, before anyone reads it: no CONCURRENTLY needed.
  std::string createIndex(const View& v, const Index& ix) const {
    std::string keys;
    for (const auto& k : ix.keys) keys += (keys.empty() ? "" : ", ") + ident(k.column);
    return std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + ident(ix.name) + " ON " + q(v.name) +
           " USING " + ident(ix.method) + " (" + keys + ")";
  }

  const std::string& schema_;
};

Step stepOf(const Change& c, std::vector<std::string> statements, std::vector<TableLock> locks) {
  Step s;
  s.kind = c.kind;
  s.object = c.object;
  s.safety = c.safety;
  s.statements = std::move(statements);
  s.locks = std::move(locks);
  return s;
}

}  // namespace

std::vector<Step> renderView(const Change& c, const std::string& schemaName) {
  const ViewSql sql(schemaName);
  // Replacing or dropping a view locks it ACCESS EXCLUSIVE; creating one locks nothing that exists.
  const std::vector<TableLock> onView{{sql.q(c.object), LockMode::AccessExclusive}};
  switch (c.kind) {
    case ChangeKind::CreateView:
    case ChangeKind::CreateMaterializedView: return {stepOf(c, sql.create(std::get<View>(c.detail)), {})};
    case ChangeKind::DropView:
    case ChangeKind::DropMaterializedView: return {stepOf(c, {sql.drop(std::get<View>(c.detail))}, onView)};
    case ChangeKind::SetComment: {
      const auto& v = std::get<View>(c.detail);
      return {stepOf(c, {sql.comment(v, v.comment)}, onView)};
    }
    case ChangeKind::ReplaceView:
    case ChangeKind::ReplaceMaterializedView: {
      const auto& r = std::get<ViewChange>(c.detail);
      if (r.orReplace) {
        std::vector<std::string> s = sql.create(r.to, true);
        // CREATE OR REPLACE keeps the comment: it is set only when it differs.
        if (r.to.comment == r.from.comment && !s.empty() && s.back().rfind("COMMENT ON ", 0) == 0) s.pop_back();
        return {stepOf(c, std::move(s), onView)};
      }
      std::vector<std::string> s{sql.drop(r.from)};
      for (auto& statement : sql.create(r.to)) s.push_back(std::move(statement));
      return {stepOf(c, std::move(s), onView)};
    }
    default: return {};
  }
}

std::vector<Step> withDependentViews(std::vector<Step> steps, const Change& c, const std::string& schemaName) {
  if (c.dependentViews.empty() || steps.empty()) return steps;
  const ViewSql sql(schemaName);
  std::vector<std::string> before, after;
  for (auto it = c.dependentViews.rbegin(); it != c.dependentViews.rend(); ++it) before.push_back(sql.drop(*it));
  for (const auto& v : c.dependentViews)
    for (auto& statement : sql.create(v)) after.push_back(std::move(statement));
  Step& first = steps.front();
  first.statements.insert(first.statements.begin(), before.begin(), before.end());
  Step& last = steps.back();
  last.statements.insert(last.statements.end(), after.begin(), after.end());
  for (const auto& v : c.dependentViews) {
    const std::string name = sql.q(v.name);
    const bool held = std::any_of(first.locks.begin(), first.locks.end(), [&](const TableLock& l) { return l.table == name; });
    if (!held) first.locks.push_back({name, LockMode::AccessExclusive});
  }
  return steps;
}

}  // namespace schema
