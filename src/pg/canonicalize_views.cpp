// pg::canonicalizeViews: Postgres itself says what a declared view query is, by making it a
// temporary view and reading back pg_get_viewdef, its columns and what it reads (pg_depend).
//
// Safety, as for the other declarations (pg/canonicalize.cpp): the query is pasted after
// CREATE TEMPORARY VIEW name AS, and
//  - each statement goes through exec_params (the extended protocol), which runs exactly one
//    statement: a query with "; DROP TABLE x" after it is an error, never a second statement;
//  - the views are temporary and the transaction is always rolled back;
//  - the views are made with no options and read back: a query that appends "WITH CHECK OPTION"
//    (the one clause CREATE VIEW takes after AS) is rejected as not one query, and a
//    materialized view's query, asked as a plain view, cannot append "WITH DATA" either.
// Nothing is selected from the views, so their queries never run here.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/inspect.hpp"
#include "pg/pipelined.hpp"
#include "pg/pqerror.hpp"
#include "pg/user_types.hpp"
#include "pg/view_catalog.hpp"
#include "schema/sql.hpp"

namespace pg {
namespace {

using schema::sql::ident;

}  // namespace

namespace detail {

std::vector<std::string> shadowTableStatements(const std::vector<schema::ShadowTable>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) {
    std::string columns;
    for (const auto& c : t.columns) columns += (columns.empty() ? "" : ", ") + ident(c.name) + " " + c.type;
    out.push_back("CREATE TEMPORARY TABLE " + ident(t.name) + " (" + columns + ") ON COMMIT DROP");
  }
  return out;
}

}  // namespace detail

namespace {

std::string viewStatement(const schema::ViewQuestion& v) {
  return "CREATE TEMPORARY VIEW " + ident(v.name) + " AS " + v.query;
}

// The names a query mentions: quoted identifiers as written, other words lower-cased (as Postgres
// folds them); string literals skipped.
std::set<std::string> mentionedNames(const std::string& query) {
  std::set<std::string> out;
  for (size_t i = 0; i < query.size();) {
    const char c = query[i];
    if (c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      for (; j < query.size(); ++j) {
        if (query[j] != c) {
          text.push_back(query[j]);
          continue;
        }
        if (j + 1 < query.size() && query[j + 1] == c) {
          text.push_back(c);
          ++j;
          continue;
        }
        break;
      }
      if (c == '"') out.insert(text);
      i = j + 1;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::string word;
      for (; i < query.size() && (std::isalnum(static_cast<unsigned char>(query[i])) || query[i] == '_' || query[i] == '$'); ++i)
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(query[i]))));
      out.insert(word);
      continue;
    }
    ++i;
  }
  return out;
}

// The order to make the scratch views in: each after the declared views its text mentions, so
// that a name resolves to the declared view (temporary, found first) rather than to a live view
// of that name. Only the scratch's order: what each view reads is then read from pg_depend.
std::vector<const schema::ViewQuestion*> scratchOrder(const schema::ViewQuestions& q) {
  std::map<std::string, std::set<std::string>> mentions;
  for (const auto& v : q.views) {
    const auto names = mentionedNames(v.query);
    for (const auto& other : q.views)
      if (other.name != v.name && names.count(other.name)) mentions[v.name].insert(other.name);
  }
  std::vector<const schema::ViewQuestion*> out;
  std::set<std::string> placed;
  while (out.size() < q.views.size()) {
    const size_t before = out.size();
    for (const auto& v : q.views) {
      if (placed.count(v.name)) continue;
      const auto& needs = mentions[v.name];
      if (!std::all_of(needs.begin(), needs.end(), [&](const std::string& n) { return placed.count(n) > 0; })) continue;
      out.push_back(&v);
      placed.insert(v.name);
    }
    if (out.size() == before)  // mentions in a cycle (a word that is not a reference): as declared
      for (const auto& v : q.views)
        if (placed.insert(v.name).second) out.push_back(&v);
  }
  return out;
}

// Creates every view it can, each under a savepoint, passes over the rest until none is made:
// a view reading another declared view waits for it. The server's refusal of each view left.
using detail::Refusal;

std::map<std::string, Refusal> makeViews(pqxx::transaction_base& tx, const schema::ViewQuestions& q) {
  std::map<std::string, Refusal> refused;
  std::vector<const schema::ViewQuestion*> pending = scratchOrder(q);
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<const schema::ViewQuestion*> left;
    for (const auto* v : pending) {
      tx.exec("SAVEPOINT so_canon_view");
      try {
        tx.exec_params(viewStatement(*v));
        tx.exec("RELEASE SAVEPOINT so_canon_view");
        refused.erase(v->name);
        progress = true;
      } catch (const pqxx::sql_error& e) {
        tx.exec("ROLLBACK TO SAVEPOINT so_canon_view");
        refused[v->name] = detail::refusalOf(e);
        left.push_back(v);
      }
    }
    pending = std::move(left);
  }
  return refused;
}

// The refusal to report: the first view (in declared order) whose refusal is not that another
// refused view is missing.
core::Error refusal(const schema::ViewQuestions& q, const std::map<std::string, Refusal>& refused) {
  const schema::ViewQuestion* chosen = nullptr;
  for (const auto& v : q.views) {
    auto it = refused.find(v.name);
    if (it == refused.end()) continue;
    if (!chosen) chosen = &v;
    bool waitsForAnother = false;
    for (const auto& [other, message] : refused)
      waitsForAnother =
          waitsForAnother || (other != v.name && it->second.message.find("\"" + other + "\"") != std::string::npos);
    if (!waitsForAnother) {
      chosen = &v;
      break;
    }
  }
  const Refusal& why = refused.at(chosen->name);
  return core::invalid(chosen->field + ".query", why.message, why.sqlstate);
}

// Every temporary view of this session: its text, whether it has options, its columns, and the
// relations (of the managed schema or temporary) it reads.
const std::string kReadBack =
    "SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid, true), c.reloptions IS NULL, " + detail::viewColumnsJson() +
    ", " +
    detail::viewReadsJson("r.relnamespace = pg_catalog.pg_my_temp_schema()"
                          " OR r.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)") +
    " FROM pg_catalog.pg_class c WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'v'";

core::Result<schema::ViewAnswers> readAnswers(pqxx::transaction_base& tx, const std::string& schemaName,
                                              const schema::ViewQuestions& q) {
  std::map<std::string, const schema::ViewQuestion*> asked;
  for (const auto& v : q.views) asked[v.name] = &v;
  schema::ViewAnswers answers;
  for (const auto& row : tx.exec_params(kReadBack, schemaName)) {
    auto it = asked.find(row[0].c_str());
    if (it == asked.end()) continue;
    if (row[2].c_str()[0] != 't')
      return core::invalid(it->second->field + ".query",
                           "not a single query: it sets view options (WITH ... CHECK OPTION); declare them under options");
    schema::View read;
    detail::decodeViewColumns(row[3], read);
    detail::decodeViewReads(row[4], read);
    answers[it->first] = schema::ViewAnswer{detail::viewQueryText(row[1]), std::move(read.columns), std::move(read.reads)};
  }
  for (const auto& v : q.views)
    if (!answers.count(v.name)) return core::invalid(v.field + ".query", "Postgres made no view of this query");
  return answers;
}

}  // namespace

core::Result<schema::ViewAnswers> canonicalizeViews(pqxx::connection& conn, const std::string& schemaName,
                                                    const schema::CanonQuestions& planned,
                                                    const schema::ViewQuestions& questions) {
  if (questions.empty()) return schema::ViewAnswers{};
  // Options the server's major lacks are the declaration's fault, said as such.
  if (conn.server_version() < 150000)
    for (const auto& v : questions.views)
      if (v.securityInvoker)
        return core::invalid(v.field + ".options.securityInvoker",
                             "security_invoker views need PostgreSQL 15 or later; this server is " + serverVersion(conn));
  try {
    // Every view at once first, in one round trip, in the order their mentions give; only when
    // Postgres refuses one are they asked again one by one, each under a savepoint, to name it.
    for (const bool together : {true, false}) {
      pqxx::work tx(conn, "canonicalize-views");
      if (auto failed = detail::createPlannedObjects(tx, schemaName, planned)) {
        tx.abort();
        return core::invalid(failed->field, failed->message, failed->sqlstate);
      }
      if (auto refused = detail::execPipelined(tx, detail::shadowTableStatements(questions.tables))) {
        tx.abort();
        return core::terminal("cannot stand in the declared tables for the view queries: " + refused->message);
      }
      core::Result<schema::ViewAnswers> out = schema::ViewAnswers{};
      if (together) {
        std::vector<std::string> views;
        for (const auto* v : scratchOrder(questions)) views.push_back(viewStatement(*v));
        if (detail::execPipelined(tx, views)) {
          tx.abort();
          continue;
        }
        out = readAnswers(tx, schemaName, questions);
      } else {
        const auto refused = makeViews(tx, questions);
        out = refused.empty() ? readAnswers(tx, schemaName, questions) : refusal(questions, refused);
      }
      tx.abort();  // scratch only: nothing is ever committed
      return out;
    }
    return core::terminal("cannot put the declared view queries to Postgres");  // not reached
  } catch (const nlohmann::json::exception& e) {
    return core::terminal(std::string("cannot read back the declared views: ") + e.what());
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot put the declared view queries to Postgres in schema " + schemaName);
  }
}

}  // namespace pg
