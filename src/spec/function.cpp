// spec.functions[i]: a function or procedure as declared (contract Part 2, "Code objects"). The
// arguments, result and body are SQL text the author owns: Postgres parses them
// (pg::askFunctions) before anything uses them. Here only the words with a fixed vocabulary are
// checked, and what a procedure cannot have.
#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

// A configuration parameter's name as SET takes it: a word, or "prefix.word" for an extension's.
bool settingName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  bool wordStart = true;
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      if (wordStart || ++dots > 1) return false;
      wordStart = true;
      continue;
    }
    const bool letter = std::isalpha(static_cast<unsigned char>(c)) || c == '_';
    if (!letter && !(std::isdigit(static_cast<unsigned char>(c)) && !wordStart)) return false;
    wordStart = false;
  }
  return !wordStart;
}

std::vector<schema::FunctionSetting> readSettings(const Fields& fields) {
  std::vector<schema::FunctionSetting> out;
  auto item = fields.get("set");
  if (!item) return out;
  Fields set(*item, fields.issues());
  for (const auto& [key, node] : set.entries()) {
    const std::string path = set.pathOf(key);
    const std::string name = core::toLower(key);
    if (!settingName(name)) {
      fields.issues().report(path, "is not a configuration parameter's name (letters, digits, _ and one dot)");
      continue;
    }
    auto value = scalarText(Item{node, path}, fields.issues());
    if (!value) {
      fields.issues().report(path, "must have a value");
      continue;
    }
    if (!checkText(*value, path, fields.issues())) continue;
    out.push_back({name, *value});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].name == out[i - 1].name)
      fields.issues().report(set.pathOf(out[i].name), "is set twice (parameter names are case-insensitive)");
  return out;
}

schema::Function readRoutine(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "kind", "arguments", "returns", "language", "body", "volatility", "strict",
                       "securityDefiner", "parallel", "set", "comment", "grants"},
                issues);
  schema::Function f;
  f.field = item.path;
  f.name = fields.requiredIdentifier("name");
  f.procedure = oneOf(fields, "kind", {"function", "procedure"}, "function") == "procedure";
  f.arguments = fields.text("arguments").value_or("");
  // Folded as Postgres folds the unquoted word in LANGUAGE plpgsql.
  f.language = core::toLower(fields.requiredIdentifier("language"));
  f.body = fields.requiredText("body");
  f.securityDefiner = fields.boolean("securityDefiner").value_or(false);
  f.settings = readSettings(fields);
  f.comment = fields.text("comment");
  f.grants = readGrants(fields, GrantsOn::Function);
  const auto returns = fields.nonBlankText("returns");
  const std::string volatility = oneOf(fields, "volatility", {"volatile", "stable", "immutable"}, "volatile");
  const bool strict = fields.boolean("strict").value_or(false);
  const std::string parallel = oneOf(fields, "parallel", {"unsafe", "restricted", "safe"}, "unsafe");
  if (f.procedure) {
    // What CREATE PROCEDURE does not take is refused rather than dropped without a word; the
    // defaults (which the API server may fill in) are what a procedure is anyway.
    const std::string theirs = "is a function's; a procedure (kind: procedure) has none";
    if (returns) issues.report(fields.pathOf("returns"), theirs);
    if (volatility != "volatile") issues.report(fields.pathOf("volatility"), theirs);
    if (strict) issues.report(fields.pathOf("strict"), theirs);
    if (parallel != "unsafe") issues.report(fields.pathOf("parallel"), theirs);
    return f;
  }
  if (returns)
    f.returns = *returns;
  else if (!fields.has("returns"))
    issues.report(fields.pathOf("returns"), "must be set: the type a function returns (\"void\" for none)");
  f.volatility = volatility;
  f.strict = strict;
  f.parallel = parallel;
  return f;
}

}  // namespace

std::vector<schema::Function> readFunctions(const Fields& spec) {
  std::vector<schema::Function> out;
  for (const auto& item : spec.list("functions")) out.push_back(readRoutine(item, spec.issues()));
  return out;
}

}  // namespace spec::detail
