#include "schema/view.hpp"

#include <algorithm>
#include <cctype>
#include <deque>

#include "schema/match.hpp"
#include "schema/sql.hpp"

namespace schema {

std::string normalizeViewQuery(const std::string& query) {
  std::string out;
  out.reserve(query.size());
  char quote = 0;  // the quote character of the literal or identifier we are in, or 0
  bool pendingSpace = false;
  for (char c : query) {
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: the same text either way
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    if (c == '\'' || c == '"') quote = c;
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
  return out;
}

namespace {

bool sameText(const View& declared, const View& live) {
  return normalizeViewQuery(declared.query) == normalizeViewQuery(live.query);
}

bool sameOptions(const View& a, const View& b) {
  return a.securityBarrier == b.securityBarrier && a.securityInvoker == b.securityInvoker &&
         a.checkOption == b.checkOption;
}

// The declared table's columns as a scratch table takes them, and whether the live table has
// other ones (or other types).
struct TableShape {
  std::vector<ViewColumn> columns;
  bool changes = false;
};

TableShape shapeOf(const TableMatch& m, const Model& want, const std::set<std::string>& shadowedEnums) {
  TableShape out;
  const Table& t = *m.want;
  out.changes = !m.have || m.renamed || m.have->columns.size() != t.columns.size();
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    const bool isEnum = want.enumType(c.type) != nullptr;
    const std::string type = scratchTypeSql(c, want, shadowedEnums);
    out.columns.push_back({c.name, type});
    if (out.changes) continue;
    const Column& lc = m.have->columns[i];
    const bool sameType = isEnum ? lc.enumType && *lc.enumType == c.type : !lc.enumType && lc.type == c.type;
    out.changes = lc.name != c.name || !sameType;
  }
  return out;
}

// Live views by the relations they read: relation -> views, (relation, column) -> views.
struct Readers {
  std::map<std::string, std::set<std::string>> ofRelation;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> ofColumn;

  explicit Readers(const Model& have) {
    for (const auto& v : have.views)
      for (const auto& r : v.reads) {
        ofRelation[r.relation].insert(v.name);
        if (!r.column.empty()) ofColumn[{r.relation, r.column}].insert(v.name);
      }
  }

  // The views in `seeds` and every view that reads one of them, transitively, in creation order.
  std::vector<const View*> closure(const Model& have, const std::set<std::string>& seeds) const {
    std::set<std::string> seen(seeds.begin(), seeds.end());
    std::deque<std::string> queue(seeds.begin(), seeds.end());
    while (!queue.empty()) {
      const std::string v = queue.front();
      queue.pop_front();
      auto it = ofRelation.find(v);
      if (it == ofRelation.end()) continue;
      for (const auto& reader : it->second)
        if (seen.insert(reader).second) queue.push_back(reader);
    }
    std::vector<const View*> out;
    for (const View* v : creationOrder(have.views))
      if (seen.count(v->name)) out.push_back(v);
    return out;
  }
};

// A plain view is replaced in place when its live columns are the first of the new ones, with the
// same names and types (what CREATE OR REPLACE VIEW accepts).
bool replaceable(const View& live, const View& wanted) {
  if (live.materialized || wanted.materialized || wanted.columns.size() < live.columns.size()) return false;
  return std::equal(live.columns.begin(), live.columns.end(), wanted.columns.begin());
}

std::optional<std::string> storedComment(const std::optional<std::string>& declared) {
  if (!declared || declared->empty()) return std::nullopt;
  return declared;
}

class ViewDiffer {
 public:
  ViewDiffer(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& out)
      : have_(have), want_(want), policy_(policy), out_(out), readers_(have) {
    if (policy_.prune)
      for (const auto& v : have_.views)
        if (!want_.view(v.name)) pruned_.insert(v.name);
  }

  void run() {
    columnsUnderViews();
    functionsUnderViews();
    for (const View* v : creationOrder(want_.views)) declared(*v);
    drops();
  }

 private:
  Change& add(ChangeKind kind, const std::string& object, Detail detail) {
    Change c;
    c.kind = kind;
    c.object = object;
    c.safety = isDestructive(kind) ? Safety::Destructive : Safety::Safe;
    c.detail = std::move(detail);
    out_.push_back(std::move(c));
    return out_.back();
  }

  // The views in `closure` sorted onto `c`: declared ones are made again around it from their
  // declarations (and need no change of their own), undeclared ones block it.
  void settle(Change& c, const std::vector<const View*>& closure) {
    for (const View* live : closure) {
      if (const View* declared = want_.view(live->name)) {
        View again = *declared;
        if (!again.comment) again.comment = live->comment;  // not managed: kept as it is
        c.dependentViews.push_back(std::move(again));
        rebuilt_.insert(live->name);
      } else {
        c.undeclaredViews.push_back(live->name);
      }
    }
  }

  // ALTER COLUMN ... TYPE fails while a view reads the column, and so does DROP COLUMN. A type
  // change takes the views down and back up around it; a dropped column is no longer read by
  // the declared views (Postgres refused the declaration otherwise), which are replaced before
  // the drop, and undeclared views the plan drops (prune) go before it too.
  void columnsUnderViews() {
    const size_t tableChanges = out_.size();
    for (size_t i = 0; i < tableChanges; ++i) {
      Change& c = out_[i];
      std::string column;
      if (c.kind == ChangeKind::ChangeType || c.kind == ChangeKind::WidenType)
        column = std::get<ColumnChange>(c.detail).from.name;
      else if (c.kind == ChangeKind::DropColumn)
        column = std::get<Column>(c.detail).name;
      else
        continue;
      auto it = readers_.ofColumn.find({c.liveTable, column});
      if (it == readers_.ofColumn.end()) continue;
      const auto closure = readers_.closure(have_, it->second);
      if (c.kind != ChangeKind::DropColumn) {
        settle(c, closure);
        continue;
      }
      for (const View* live : closure)
        if (!want_.view(live->name) && !pruned_.count(live->name)) c.undeclaredViews.push_back(live->name);
    }
  }

  // DROP FUNCTION fails while a view calls it. A function dropped and created again takes the
  // views on it (and their readers) down and back up around itself; one dropped for good may only
  // go once the plan drops its views (prune) first.
  void functionsUnderViews() {
    const size_t count = out_.size();
    for (size_t i = 0; i < count; ++i) {
      Change& c = out_[i];
      const Function* live = nullptr;
      if (c.kind == ChangeKind::DropFunction) live = &std::get<Function>(c.detail);
      if (c.kind == ChangeKind::ReplaceFunction && std::get<FunctionChange>(c.detail).dropAndCreate)
        live = &std::get<FunctionChange>(c.detail).from;
      if (!live) continue;
      std::set<std::string> callers;
      for (const auto& d : live->dependents)
        if (d.kind == FunctionDependent::Kind::View && have_.view(d.table)) callers.insert(d.table);
      if (callers.empty()) continue;
      const auto closure = readers_.closure(have_, callers);
      if (c.kind == ChangeKind::ReplaceFunction) {
        settle(c, closure);
        continue;
      }
      std::string kept;
      for (const View* v : closure)
        if (!pruned_.count(v->name)) kept += (kept.empty() ? "" : ", ") + v->name;
      if (!kept.empty() && c.blockedBy.empty())
        c.blockedBy = "view " + kept + " calls " + c.object + "; Postgres cannot drop it while the view is there";
    }
  }

  void declared(const View& v) {
    const View* live = have_.view(v.name);
    if (!live) {
      add(v.materialized ? ChangeKind::CreateMaterializedView : ChangeKind::CreateView, v.name, v);
      return;
    }
    if (rebuilt_.count(v.name)) return;  // made again from its declaration by another change
    const bool queryChanged = !sameText(v, *live) || v.materialized != live->materialized;
    if (queryChanged || (!v.materialized && !sameOptions(v, *live))) {
      ViewChange change{*live, v, replaceable(*live, v)};
      if (!change.to.comment) change.to.comment = live->comment;
      const bool materialized = v.materialized || live->materialized;
      Change& c = add(materialized ? ChangeKind::ReplaceMaterializedView : ChangeKind::ReplaceView, v.name,
                      std::move(change));
      if (!std::get<ViewChange>(c.detail).orReplace) {
        // The views that read this one go down with it and come back after it.
        auto readers = readers_.closure(have_, {v.name});
        readers.erase(std::remove(readers.begin(), readers.end(), live), readers.end());
        settle(c, readers);
      }
      return;
    }
    if (v.comment && storedComment(v.comment) != live->comment) {
      View commented = v;
      commented.comment = storedComment(v.comment);
      add(ChangeKind::SetComment, v.name, std::move(commented));
    }
    if (v.materialized) indexes(v, *live);
  }

  // Indexes of a materialized view that stays: by name, a changed one dropped and built again.
  void indexes(const View& v, const View& live) {
    auto same = [](const Index& a, const Index& b) {
      return a.keys == b.keys && a.unique == b.unique && a.method == b.method && a.where == b.where;
    };
    auto onView = [&](Change& c) -> Change& {
      c.table = c.liveTable = v.name;
      return c;
    };
    for (const auto& ix : v.indexes) {
      auto it = std::find_if(live.indexes.begin(), live.indexes.end(), [&](const Index& l) { return l.name == ix.name; });
      if (it != live.indexes.end() && same(ix, *it) && it->valid) continue;
      if (it != live.indexes.end()) onView(add(ChangeKind::DropIndex, v.name + "." + it->name, *it));
      onView(add(ChangeKind::CreateIndex, v.name + "." + ix.name, ix));
    }
    for (const auto& l : live.indexes) {
      const bool declared = std::any_of(v.indexes.begin(), v.indexes.end(), [&](const Index& d) { return d.name == l.name; });
      if (!declared) onView(add(ChangeKind::DropIndex, v.name + "." + l.name, l));
    }
  }

  // Undeclared views go with `prune`, readers before what they read.
  void drops() {
    if (!policy_.prune) return;
    const auto order = creationOrder(have_.views);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (!pruned_.count((*it)->name)) continue;
      add((*it)->materialized ? ChangeKind::DropMaterializedView : ChangeKind::DropView, (*it)->name, **it);
    }
  }

  const Model& have_;
  const Model& want_;
  const Policy& policy_;
  std::vector<Change>& out_;
  Readers readers_;
  std::set<std::string> pruned_;   // live views the plan drops
  std::set<std::string> rebuilt_;  // declared views another change drops and makes again
};

}  // namespace

std::vector<ShadowTable> reshapedTables(const Model& have, const Model& want, std::set<std::string>* reshapedLive) {
  std::vector<ShadowTable> out;
  const std::set<std::string> shadowed = shadowedEnums(have, want);
  for (const auto& m : matchTables(have, want)) {
    TableShape shape = shapeOf(m, want, shadowed);
    if (!shape.changes) continue;
    out.push_back({m.want->name, std::move(shape.columns)});
    if (m.have && reshapedLive) reshapedLive->insert(m.have->name);
  }
  return out;
}

ViewQuestions viewQuestions(const Model& have, const Model& want) {
  ViewQuestions q;
  if (want.views.empty()) return q;
  std::set<std::string> reshaped;  // live tables the plan changes the shape of
  q.tables = reshapedTables(have, want, &reshaped);
  bool ask = false;
  for (const auto& v : want.views) {
    const View* live = have.view(v.name);
    ask = ask || !live || !sameText(v, *live);
  }
  for (const auto& v : have.views)
    for (const auto& r : v.reads) ask = ask || reshaped.count(r.relation) > 0;
  if (!ask) return {};
  for (const auto& v : want.views) q.views.push_back({v.name, v.query, v.field, v.securityInvoker});
  return q;
}

namespace {

// A materialized view's index names columns of the view, as Postgres made it of the query.
std::optional<core::Error> indexColumnProblem(const View& v) {
  for (const auto& ix : v.indexes)
    for (size_t k = 0; k < ix.keys.size(); ++k) {
      const std::string& column = ix.keys[k].column;
      const bool found = std::any_of(v.columns.begin(), v.columns.end(), [&](const ViewColumn& c) { return c.name == column; });
      if (!found)
        return core::invalid(ix.field + ".columns[" + std::to_string(k) + "]",
                             "\"" + column + "\" is not a column of view \"" + v.name + "\"");
    }
  return std::nullopt;
}

}  // namespace

core::Result<Model> canonicalViews(const Model& have, Model want, const ViewAnswers& answers) {
  for (auto& v : want.views) {
    if (auto it = answers.find(v.name); it != answers.end()) {
      v.query = it->second.query;
      v.columns = it->second.columns;
      v.reads = it->second.reads;
    } else {
      const View* live = have.view(v.name);
      if (!live || !sameText(v, *live))
        return core::invalid(v.field + ".query", "Postgres was not asked about this text, so it cannot be used in a statement");
      v.query = live->query;
      v.columns = live->columns;
      v.reads = live->reads;
    }
    if (auto problem = indexColumnProblem(v)) return *problem;
  }
  return want;
}

std::vector<const View*> creationOrder(const std::vector<View>& views) {
  std::map<std::string, const View*> byName;
  for (const auto& v : views) byName[v.name] = &v;
  std::vector<const View*> out;
  std::set<std::string> placed;
  // Each pass places, in the given order, every view whose views are placed; Postgres allows no
  // cycle, and a view whose reads cannot be placed (none should) is put last as it comes.
  while (out.size() < views.size()) {
    const size_t before = out.size();
    for (const auto& v : views) {
      if (placed.count(v.name)) continue;
      const bool ready = std::all_of(v.reads.begin(), v.reads.end(), [&](const ViewRead& r) {
        return r.relation == v.name || !byName.count(r.relation) || placed.count(r.relation);
      });
      if (!ready) continue;
      out.push_back(&v);
      placed.insert(v.name);
    }
    if (out.size() == before) {
      for (const auto& v : views)
        if (placed.insert(v.name).second) out.push_back(&v);
    }
  }
  return out;
}

void diffViews(const Model& have, const Model& want, const Policy& policy, std::vector<Change>& changes) {
  if (have.views.empty() && want.views.empty()) return;
  ViewDiffer(have, want, policy, changes).run();
}

void blockOnUndeclaredViews(Change& c) {
  if (c.undeclaredViews.empty()) return;
  std::string names;
  for (const auto& v : c.undeclaredViews) names += (names.empty() ? "" : ", ") + v;
  const bool one = c.undeclaredViews.size() == 1;
  c.safety = Safety::Blocked;
  c.reason = std::string(one ? "view " : "views ") + names + (one ? " reads " : " read ") + c.object +
             " but " + (one ? "is" : "are") + " not declared; declare " + (one ? "it" : "them") +
             " under spec.views (the change then drops and creates " + (one ? "it" : "them") +
             " again around itself) or drop " + (one ? "it" : "them") + " first";
}

}  // namespace schema
