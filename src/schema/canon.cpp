#include "schema/canon.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <unordered_map>
#include <utility>

#include "schema/match.hpp"
#include "schema/sql.hpp"
#include "schema/user_types.hpp"

namespace schema {

namespace {

// Lower-case outside double quotes, one space between words, none around '(' ',' ')'.
std::string squeeze(const std::string& text) {
  std::string out;
  bool quoted = false;
  bool pendingSpace = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      pendingSpace = !out.empty();
      continue;
    }
    const bool tight = c == '(' || c == ')' || c == ',' || c == '[' || c == ']';
    const bool afterTight = !out.empty() && (out.back() == '(' || out.back() == ',' || out.back() == '[');
    if (pendingSpace && !tight && !afterTight) out.push_back(' ');
    pendingSpace = false;
    out.push_back(quoted ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Splits "name(args)" into name and "(args)"; args empty when there are none.
std::pair<std::string, std::string> splitModifier(const std::string& t) {
  const auto open = t.find('(');
  if (open == std::string::npos || t.back() != ')') return {t, ""};
  std::string name = t.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return {name, t.substr(open)};
}

std::string normalizeScalarType(const std::string& t) {
  // "timestamp(3) with time zone" keeps its modifier in the middle.
  static const std::pair<const char*, const char*> zoned[] = {
      {"timestamptz", "timestamp%s with time zone"}, {"timetz", "time%s with time zone"},
      {"timestamp", "timestamp%s without time zone"}, {"time", "time%s without time zone"},
  };
  auto [name, mod] = splitModifier(t);
  for (const auto& [alias, pattern] : zoned) {
    if (name == alias) {
      std::string out = pattern;
      out.replace(out.find("%s"), 2, mod);
      return out;
    }
  }
  static const std::pair<const char*, const char*> aliases[] = {
      {"int", "integer"},       {"int4", "integer"},           {"integer", "integer"},
      {"int8", "bigint"},       {"int2", "smallint"},          {"bool", "boolean"},
      {"float8", "double precision"}, {"float", "double precision"}, {"float4", "real"},
      {"varchar", "character varying"}, {"char", "character"}, {"bpchar", "character"},
      {"decimal", "numeric"},   {"varbit", "bit varying"},
  };
  for (const auto& [alias, canonical] : aliases) {
    if (name == alias) {
      name = canonical;
      break;
    }
  }
  if (name == "character" && mod.empty()) mod = "(1)";
  if (name == "numeric" && !mod.empty() && mod.find(',') == std::string::npos) mod.insert(mod.size() - 1, ",0");
  if (name == "double precision" && !mod.empty()) {
    // float(p): 1..24 is real, 25..53 double precision.
    try {
      const int p = std::stoi(mod.substr(1));
      return p <= 24 ? "real" : "double precision";
    } catch (...) {
      return t;
    }
  }
  return name + mod;
}

}  // namespace

namespace {

std::string normalizeTypeUncached(const std::string& type) {
  std::string t = squeeze(type);
  std::string arrays;
  while (t.size() >= 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
    arrays += "[]";
    t.resize(t.size() - 2);
  }
  if (t.empty() || t.front() == '"') return t + arrays;
  return normalizeScalarType(t) + arrays;
}

}  // namespace

// A schema repeats a few dozen type spellings across thousands of columns, and a diff asks about
// each column more than once: the answers are remembered (per thread, a bounded number of them).
std::string normalizeType(const std::string& type) {
  constexpr size_t kRemembered = 4096;
  thread_local std::unordered_map<std::string, std::string> known;
  if (auto it = known.find(type); it != known.end()) return it->second;
  std::string normal = normalizeTypeUncached(type);
  if (known.size() >= kRemembered) known.clear();
  known.emplace(type, normal);
  return normal;
}

std::string normalizeExpression(const std::string& expr) {
  size_t b = 0, e = expr.size();
  for (;;) {
    while (b < e && std::isspace(static_cast<unsigned char>(expr[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(expr[e - 1]))) --e;
    if (e - b < 2 || expr[b] != '(' || expr[e - 1] != ')') break;
    // Strip only when the first '(' closes at the very end: "(a) + (b)" keeps its parentheses.
    int depth = 0;
    bool wraps = true;
    bool inString = false;
    for (size_t i = b; i < e; ++i) {
      const char c = expr[i];
      if (c == '\'') inString = !inString;
      if (inString) continue;
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0 && i != e - 1) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    ++b;
    --e;
  }
  return expr.substr(b, e - b);
}

namespace {

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Length of the type name format_type printed at `text[i]` ("character varying(20)[]",
// "timestamp(3) with time zone", "\"My Enum\""), or 0 when there is none.
size_t typeNameLength(const std::string& text, size_t i) {
  size_t j = i;
  if (j < text.size() && text[j] == '"') {
    for (++j; j < text.size(); ++j) {
      if (text[j] != '"') continue;
      if (j + 1 < text.size() && text[j + 1] == '"') { ++j; continue; }
      ++j;
      break;
    }
  } else {
    while (j < text.size() && (identChar(text[j]) || text[j] == '.')) ++j;
    static const char* words[] = {" varying", " precision"};
    for (const char* w : words)
      if (text.compare(j, std::strlen(w), w) == 0) j += std::strlen(w);
  }
  if (j == i) return 0;
  if (j < text.size() && text[j] == '(') {
    const size_t close = text.find(')', j);
    if (close == std::string::npos) return 0;
    j = close + 1;
  }
  for (const char* zone : {" with time zone", " without time zone"})
    if (text.compare(j, std::strlen(zone), zone) == 0) j += std::strlen(zone);
  while (text.compare(j, 2, "[]") == 0) j += 2;
  return j - i;
}

}  // namespace

std::string stripLiteralCasts(const std::string& expr) {
  std::string out;
  out.reserve(expr.size());
  size_t i = 0;
  while (i < expr.size()) {
    const char c = expr[i];
    size_t literalEnd = std::string::npos;  // index just past a literal starting at i
    size_t literalStart = i;
    if (c == '\'') {
      size_t j = i + 1;
      for (; j < expr.size(); ++j) {
        if (expr[j] != '\'') continue;
        if (j + 1 < expr.size() && expr[j + 1] == '\'') { ++j; continue; }
        break;
      }
      literalEnd = j < expr.size() ? j + 1 : expr.size();
    } else if ((std::isdigit(static_cast<unsigned char>(c)) || c == '-') && (out.empty() || !identChar(out.back()))) {
      size_t j = i + (c == '-' ? 1 : 0);
      const size_t digits = j;
      while (j < expr.size() && (std::isdigit(static_cast<unsigned char>(expr[j])) || expr[j] == '.')) ++j;
      if (j > digits) literalEnd = j;
    } else if (c == '(') {
      // "(-1)::bigint": a parenthesised number.
      size_t j = i + 1;
      if (j < expr.size() && expr[j] == '-') ++j;
      const size_t digits = j;
      while (j < expr.size() && (std::isdigit(static_cast<unsigned char>(expr[j])) || expr[j] == '.')) ++j;
      if (j > digits && j < expr.size() && expr[j] == ')') {
        literalStart = i + 1;
        literalEnd = j + 1;
      }
    }
    if (literalEnd == std::string::npos) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::string literal = expr.substr(literalStart, literalEnd - literalStart);
    if (c == '(') literal.pop_back();  // drop the closing parenthesis with the cast
    size_t next = literalEnd;
    bool cast = false;
    while (expr.compare(next, 2, "::") == 0) {
      const size_t n = typeNameLength(expr, next + 2);
      if (n == 0) break;
      next += 2 + n;
      cast = true;
    }
    if (!cast) literal = expr.substr(i, literalEnd - i);
    out += literal;
    i = next;
  }
  return out;
}

bool cheaplySame(const std::string& declared, const std::string& live) {
  if (normalizeExpression(declared) == normalizeExpression(live)) return true;
  return normalizeExpression(stripLiteralCasts(declared)) == normalizeExpression(stripLiteralCasts(live));
}

namespace {

// What a declaration is, on its face, the same as in the catalog: the live object's text (which
// Postgres printed), or nullptr when the server must be asked. canonQuestions and canonicalModel
// both decide with these, so every text the second needs is one the first asked about.

bool typeIsSame(const Column* live, const Column& declared, const Model& want) {
  static const Canon none;
  return live && sameType(*live, declared, want, none);
}

// A default is only taken as the live one while the column keeps its type: after a type change
// the live text may carry a cast to the old type.
const std::string* liveDefaultFor(const Column* live, const Column& declared, bool typeSame) {
  if (!typeSame || !live->defaultExpr || !declared.defaultExpr) return nullptr;
  return cheaplySame(*declared.defaultExpr, *live->defaultExpr) ? &*live->defaultExpr : nullptr;
}

const std::string* liveCheckFor(const Table* live, const Check& declared) {
  if (!live) return nullptr;
  for (const auto& lck : live->checks)
    if (cheaplySame(declared.expression, lck.expression)) return &lck.expression;
  return nullptr;
}

const std::string* livePredicateFor(const Table* live, const Index& declared) {
  if (!live || !declared.where) return nullptr;
  for (const auto& lix : live->indexes)
    if (lix.where && cheaplySame(*declared.where, *lix.where)) return &*lix.where;
  return nullptr;
}

// As for defaults: the live generation expression, while the column keeps its type.
const std::string* liveGeneratedFor(const Column* live, const Column& declared, bool typeSame) {
  if (!typeSame || !live->generated || !declared.generated) return nullptr;
  return cheaplySame(*declared.generated, *live->generated) ? &*live->generated : nullptr;
}

bool sameElement(const ExclusionElement& declared, const ExclusionElement& live) {
  if (declared.column != live.column || declared.opclass != live.opclass || declared.descending != live.descending ||
      declared.op != live.op)
    return false;
  return declared.column.empty() ? cheaplySame(declared.expression, live.expression) : live.expression.empty();
}

// The live exclusion constraint whose parts are, on their face, the declared ones: its definition.
const std::string* liveExclusionFor(const Table* live, const Exclusion& declared) {
  if (!live) return nullptr;
  for (const auto& lx : live->exclusions) {
    if (lx.method != declared.method || lx.elements.size() != declared.elements.size()) continue;
    if (lx.where.has_value() != declared.where.has_value()) continue;
    if (declared.where && !cheaplySame(*declared.where, *lx.where)) continue;
    bool same = true;
    for (size_t k = 0; k < lx.elements.size() && same; ++k) same = sameElement(declared.elements[k], lx.elements[k]);
    if (same) return &lx.definition;
  }
  return nullptr;
}

// The live text of an expression key that is, on its face, the declared one: any key of any
// index of the live table will do, as for predicates.
const std::string* liveKeyExpressionFor(const Table* live, const IndexKey& declared) {
  if (!live || declared.expression.empty()) return nullptr;
  for (const auto& lix : live->indexes)
    for (const auto& lk : lix.keys)
      if (!lk.expression.empty() && cheaplySame(declared.expression, lk.expression)) return &lk.expression;
  return nullptr;
}

// Whether a declared operator class is one the live table's indexes already use (live indexes
// name only classes that are not their type's default, so the name is certainly not a default).
bool liveOpclass(const Table* live, const std::string& opclass) {
  if (!live) return false;
  for (const auto& lix : live->indexes)
    for (const auto& lk : lix.keys)
      if (lk.opclass == opclass) return true;
  return false;
}

// An index is asked about when one of its expression keys or named operator classes is not
// already in the live table as Postgres printed it, or its storage parameters are not those of a
// live index (Postgres checks names and values only when it builds or alters an index).
bool asksIndex(const Table* live, const Index& declared) {
  for (const auto& k : declared.keys) {
    if (!k.expression.empty() && !liveKeyExpressionFor(live, k)) return true;
    if (!k.opclass.empty() && !liveOpclass(live, k.opclass)) return true;
  }
  if (declared.with.empty()) return false;
  return !live || std::none_of(live->indexes.begin(), live->indexes.end(),
                               [&](const Index& l) { return l.with == declared.with; });
}

bool asksDefault(const Column* live, const Column& declared, bool typeSame) {
  return declared.defaultExpr && declared.identity == Identity::None && !liveDefaultFor(live, declared, typeSame);
}

// The key canon answers are filed under: the live table's name, or the declared one when new.
const std::string& questionTable(const TableMatch& m) { return m.have ? m.have->name : m.want->name; }

}  // namespace

std::string exclusionSql(const Exclusion& x) {
  std::string elements;
  for (const auto& e : x.elements) {
    if (!elements.empty()) elements += ", ";
    elements += e.column.empty() ? "(" + e.expression + ")" : sql::ident(e.column);
    if (!e.opclass.empty()) elements += " " + sql::ident(e.opclass);
    if (e.descending) elements += " DESC";
    elements += " WITH " + e.op;
  }
  std::string out = "EXCLUDE USING " + sql::ident(x.method) + " (" + elements + ")";
  if (x.where) out += " WHERE (" + *x.where + ")";
  return out;
}

CanonQuestions canonQuestions(const Model& have, const Model& want) {
  CanonQuestions q;
  for (size_t i = 0; i < want.extensions.size(); ++i) {
    const auto& e = want.extensions[i];
    if (std::find(have.extensions.begin(), have.extensions.end(), e) == have.extensions.end())
      q.extensions.push_back({e, "spec.extensions[" + std::to_string(i) + "]"});
  }
  const std::set<std::string> shadowed = shadowedEnums(have, want);
  for (const auto& e : want.enums)
    if (shadowed.count(e.name)) q.shadowEnums.push_back(e);
  for (const auto& s : want.sequences) {
    const bool live = std::any_of(have.sequences.begin(), have.sequences.end(),
                                  [&](const Sequence& l) { return l.name == s.name; });
    if (!live) q.newSequences.push_back(s);
  }
  std::set<std::string> askedTypes;
  for (const auto& m : matchTables(have, want)) {
    const Table* live = m.have;
    const Table& wanted = *m.want;
    TableQuestion tq;
    tq.table = questionTable(m);
    bool askTable = false;
    std::vector<const Column*> liveOf;  // the live column each declared one matches, in order
    liveOf.reserve(wanted.columns.size());
    std::vector<char> typeSameOf;
    typeSameOf.reserve(wanted.columns.size());
    for (const auto& col : wanted.columns) {
      const Column* lc = live ? matchColumn(*live, wanted, col) : nullptr;
      const bool typeSame = typeIsSame(lc, col, want);
      liveOf.push_back(lc);
      typeSameOf.push_back(typeSame);
      // A declared enum is a name, quoted when rendered: there is no text to ask about.
      if (!typeSame && !want.enumType(col.type) && askedTypes.insert(col.type).second)
        q.types.push_back({col.type, col.field + ".type"});
      askTable = askTable || asksDefault(lc, col, typeSame);
      // A collation the column does not have yet: that it exists, and suits the type.
      if (col.collation && !want.enumType(col.type) && !(lc && lc->collation == col.collation)) {
        const std::string collated = col.type + " COLLATE " + sql::ident(*col.collation);
        if (askedTypes.insert(collated).second) q.types.push_back({collated, col.field + ".collation"});
      }
      if (col.generated && !(lc && liveGeneratedFor(lc, col, typeSame))) {
        tq.generated.push_back({col.name, *col.generated, col.field + ".generated"});
        askTable = true;
      }
    }
    for (const auto& x : wanted.exclusions) {
      if (liveExclusionFor(live, x)) continue;
      tq.exclusions.push_back({exclusionSql(x), x.elements.size(), x.field});
      askTable = true;
    }
    for (const auto& ck : wanted.checks) {
      if (liveCheckFor(live, ck)) continue;
      tq.checks.emplace_back(ck.expression, ck.field + ".expression");
      askTable = true;
    }
    for (const auto& ix : wanted.indexes) {
      if (!ix.where || livePredicateFor(live, ix)) continue;
      tq.predicates.emplace_back(*ix.where, ix.field + ".where");
      askTable = true;
    }
    for (const auto& ix : wanted.indexes) {
      if (!asksIndex(live, ix)) continue;
      tq.indexes.push_back({ix.method, ix.keys, ix.field, ix.with});
      askTable = true;
    }
    if (!askTable) continue;
    // The scratch columns: every column the table will have after the plan, with the type it
    // will have then, so that defaults, checks and predicates are read as they will be applied.
    for (size_t i = 0; i < wanted.columns.size(); ++i) {
      const Column& col = wanted.columns[i];
      const Column* lc = liveOf[i];
      TableQuestion::ColumnQ cq;
      cq.name = col.name;
      if (want.enumType(col.type))
        cq.type = scratchTypeSql(col, want, shadowed);
      else if (typeSameOf[i])
        cq.type = lc->type;
      else
        cq.type = col.type;
      if (asksDefault(lc, col, typeSameOf[i])) cq.defaultExpr = col.defaultExpr;
      cq.field = col.field;
      tq.columns.push_back(std::move(cq));
    }
    // Live columns that are not declared still exist while the plan runs; checks may name them.
    if (live)
      for (const auto& lc : live->columns) {
        const bool matched = std::find(liveOf.begin(), liveOf.end(), &lc) != liveOf.end();
        if (!matched && !wanted.column(lc.name)) tq.columns.push_back({lc.name, lc.type, std::nullopt, ""});
      }
    q.tables.push_back(std::move(tq));
  }
  userTypeQuestions(have, want, q);
  return q;
}

core::Result<Model> canonicalModel(const Model& have, const Model& want, const Canon& canon) {
  Model out = want;
  auto missing = [](const std::string& field) {
    return core::invalid(field, "Postgres was not asked about this text, so it cannot be used in a statement");
  };
  const auto matches = matchTables(have, want);
  for (size_t t = 0; t < matches.size(); ++t) {
    const TableMatch& m = matches[t];
    const Table* live = m.have;
    const std::string& key = questionTable(m);
    Table& table = out.tables[t];  // matchTables keeps the declared order
    for (auto& col : table.columns) {
      const Column* lc = live ? matchColumn(*live, *m.want, col) : nullptr;
      const bool typeSame = typeIsSame(lc, col, want);
      if (col.identity != Identity::None) col.defaultExpr.reset();  // an identity column has none
      if (col.defaultExpr) {
        if (const std::string* text = liveDefaultFor(lc, col, typeSame)) {
          col.defaultExpr = *text;
        } else {
          auto it = canon.defaults.find({key, col.name, *col.defaultExpr});
          if (it == canon.defaults.end()) return missing(col.field + ".default");
          col.defaultExpr = it->second;
        }
      }
      if (col.generated) {
        if (const std::string* text = lc ? liveGeneratedFor(lc, col, typeSame) : nullptr) {
          col.generated = *text;
        } else {
          auto it = canon.generated.find({key, col.name, *col.generated});
          if (it == canon.generated.end()) return missing(col.field + ".generated");
          col.generated = it->second;
        }
      }
      if (want.enumType(col.type)) continue;  // a name: render quotes it
      if (typeSame) {
        // Matched by the enum's raw name, the declared text is that name; otherwise Postgres' text.
        if (!lc->enumType) col.type = lc->type;
        continue;
      }
      auto it = canon.types.find(col.type);
      if (it == canon.types.end()) return missing(col.field + ".type");
      col.type = it->second;
    }
    for (auto& ck : table.checks) {
      if (const std::string* text = liveCheckFor(live, ck)) {
        ck.expression = *text;
        continue;
      }
      auto it = canon.checks.find({key, ck.expression});
      if (it == canon.checks.end()) return missing(ck.field + ".expression");
      ck.expression = it->second;
    }
    for (auto& x : table.exclusions) {
      if (const std::string* text = liveExclusionFor(live, x)) {
        x.definition = *text;
        continue;
      }
      auto it = canon.exclusions.find({key, exclusionSql(x)});
      if (it == canon.exclusions.end()) return missing(x.field);
      x.definition = it->second;
    }
    for (auto& ix : table.indexes) {
      if (asksIndex(live, ix)) {
        auto it = canon.indexKeys.find({key, ix.field});
        if (it == canon.indexKeys.end() || it->second.size() != ix.keys.size()) return missing(ix.field + ".keys");
        for (size_t k = 0; k < ix.keys.size(); ++k) {
          IndexKey& key = ix.keys[k];
          const Canon::IndexKeyAnswer& answer = it->second[k];
          if (!key.expression.empty()) {
            key.column = answer.column;
            key.expression = answer.column.empty() ? answer.expression : "";
          }
          key.opclass = answer.opclass;
        }
      } else {
        for (auto& k : ix.keys)
          if (const std::string* text = liveKeyExpressionFor(live, k)) k.expression = *text;
      }
      if (!ix.where) continue;
      if (const std::string* text = livePredicateFor(live, ix)) {
        ix.where = *text;
        continue;
      }
      auto it = canon.predicates.find({key, *ix.where});
      if (it == canon.predicates.end()) return missing(ix.field + ".where");
      ix.where = it->second;
    }
  }
  if (auto typed = canonicalUserTypes(have, want, canon, out); !typed) return typed.error();
  return out;
}

namespace {

// The live check texts of `live` that no declared check of `want` is cheaply the same as.
std::vector<const std::string*> unmatchedChecks(const Table& live, const Table& want) {
  std::vector<const std::string*> out;
  for (const auto& lck : live.checks)
    if (std::none_of(want.checks.begin(), want.checks.end(),
                     [&](const Check& ck) { return cheaplySame(ck.expression, lck.expression); }))
      out.push_back(&lck.expression);
  return out;
}

std::vector<const std::string*> unmatchedPredicates(const Table& live, const Table& want) {
  std::vector<const std::string*> out;
  for (const auto& lix : live.indexes)
    if (lix.where && std::none_of(want.indexes.begin(), want.indexes.end(), [&](const Index& ix) {
          return ix.where && cheaplySame(*ix.where, *lix.where);
        }))
      out.push_back(&*lix.where);
  return out;
}

bool matchesNone(const std::string& text, const std::vector<const std::string*>& live) {
  return std::none_of(live.begin(), live.end(), [&](const std::string* l) { return cheaplySame(text, *l); });
}

// A declared text that its first answer left unlike every live text of its kind, and unlike what the
// author wrote.
bool unsettled(const std::string& answer, const std::string& written, const std::vector<std::string>& liveTexts) {
  if (normalizeExpression(answer) == normalizeExpression(written)) return false;
  return std::none_of(liveTexts.begin(), liveTexts.end(), [&](const std::string& l) { return cheaplySame(answer, l); });
}

// Two texts are the same expression when either, or Postgres' second printing of either, agree.
bool samePrinted(const std::string& table, const std::string& a, const std::string& b,
                 const std::map<std::pair<std::string, std::string>, std::string>& printed) {
  std::vector<std::string> as{normalizeExpression(a)}, bs{normalizeExpression(b)};
  if (auto it = printed.find({table, a}); it != printed.end()) as.push_back(normalizeExpression(it->second));
  if (auto it = printed.find({table, b}); it != printed.end()) bs.push_back(normalizeExpression(it->second));
  for (const auto& x : as)
    if (std::find(bs.begin(), bs.end(), x) != bs.end()) return true;
  return false;
}

}  // namespace

CanonQuestions secondLookQuestions(const Model& have, const Model& declared, const Model& want) {
  std::vector<const Table*> liveOf;
  std::vector<size_t> again;  // the declared tables to look at again
  const auto matches = matchTables(have, want);
  for (size_t t = 0; t < matches.size(); ++t) {
    const Table* live = matches[t].have;
    if (!live) continue;  // nothing to be the same as
    const Table& answered = want.tables[t];
    const Table& written = declared.tables[t];
    std::vector<std::string> liveChecks, livePredicates;
    for (const auto& c : live->checks) liveChecks.push_back(c.expression);
    for (const auto& ix : live->indexes)
      if (ix.where) livePredicates.push_back(*ix.where);
    bool unsettledHere = false;
    for (size_t k = 0; k < answered.checks.size() && !unsettledHere; ++k)
      unsettledHere = unsettled(answered.checks[k].expression, written.checks[k].expression, liveChecks);
    for (size_t k = 0; k < answered.indexes.size() && !unsettledHere; ++k)
      unsettledHere = answered.indexes[k].where &&
                      unsettled(*answered.indexes[k].where, *written.indexes[k].where, livePredicates);
    if (!unsettledHere) continue;
    again.push_back(t);
    liveOf.push_back(live);
  }
  if (again.empty()) return {};  // the usual case: no copy of the model
  // The tables to look at again, with everything else the questions need.
  Model pending = want;
  pending.tables.clear();
  for (size_t t : again) pending.tables.push_back(want.tables[t]);

  CanonQuestions q = canonQuestions(have, pending);
  for (size_t t = 0; t < pending.tables.size(); ++t) {
    const Table& live = *liveOf[t];
    auto tq = std::find_if(q.tables.begin(), q.tables.end(), [&](const TableQuestion& x) { return x.table == live.name; });
    if (tq == q.tables.end()) continue;
    for (const std::string* text : unmatchedChecks(live, pending.tables[t]))
      tq->checks.emplace_back(*text, "a live check of " + live.name);
    for (const std::string* text : unmatchedPredicates(live, pending.tables[t]))
      tq->predicates.emplace_back(*text, "a live index predicate of " + live.name);
  }
  return q;
}

Model afterSecondLook(const Model& have, const Model& want, const Canon& second) {
  Model out = want;
  const auto matches = matchTables(have, want);
  for (size_t t = 0; t < matches.size(); ++t) {
    const Table* live = matches[t].have;
    if (!live) continue;
    Table& table = out.tables[t];
    std::vector<const std::string*> liveChecks, livePredicates;
    for (const auto& c : live->checks) liveChecks.push_back(&c.expression);
    for (const auto& ix : live->indexes)
      if (ix.where) livePredicates.push_back(&*ix.where);
    std::vector<const std::string*> checks = unmatchedChecks(*live, *matches[t].want);
    for (auto& ck : table.checks) {
      if (!matchesNone(ck.expression, liveChecks)) continue;  // already a live one
      for (auto it = checks.begin(); it != checks.end(); ++it) {
        if (!samePrinted(live->name, ck.expression, **it, second.checks)) continue;
        ck.expression = **it;
        checks.erase(it);  // one live check stands for one declared check
        break;
      }
    }
    std::vector<const std::string*> predicates = unmatchedPredicates(*live, *matches[t].want);
    for (auto& ix : table.indexes) {
      if (!ix.where || !matchesNone(*ix.where, livePredicates)) continue;
      for (auto it = predicates.begin(); it != predicates.end(); ++it) {
        if (!samePrinted(live->name, *ix.where, **it, second.predicates)) continue;
        ix.where = **it;
        predicates.erase(it);
        break;
      }
    }
  }
  return out;
}

}  // namespace schema
