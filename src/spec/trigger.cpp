// spec.tables[i].triggers[j] (contract Part 2, Code objects). Every field but `when` is a word
// from a fixed list, a name, or a literal: only `when` is SQL text, and it is put to Postgres
// (pg::askTriggers) before it reaches a statement.
#include <algorithm>

#include "schema/trigger.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

// events: at least one, each once, kept in the model's order (insert, update, delete, truncate).
std::vector<std::string> readEvents(const Fields& fields) {
  if (!fields.has("events")) fields.issues().report(fields.pathOf("events"), "must be set");
  std::vector<std::string> declared;
  const auto items = fields.list("events");
  for (const auto& item : items) {
    auto value = scalarText(item, fields.issues());
    if (!value) continue;
    const auto& order = schema::triggerEventOrder();
    if (std::find(order.begin(), order.end(), *value) == order.end()) {
      fields.issues().report(item.path, "must be insert, update, delete or truncate, found " + quoteShort(*value));
      continue;
    }
    if (std::find(declared.begin(), declared.end(), *value) != declared.end())
      fields.issues().report(item.path, quoteShort(*value) + " is listed twice");
    declared.push_back(*value);
  }
  if (fields.has("events") && items.empty()) fields.issues().report(fields.pathOf("events"), "must name at least one event");
  std::vector<std::string> out;
  for (const auto& e : schema::triggerEventOrder())
    if (std::find(declared.begin(), declared.end(), e) != declared.end()) out.push_back(e);
  return out;
}

// "touch" (a function of the managed schema) or "util.touch": two names, each an identifier.
void readFunction(const Fields& fields, schema::Trigger& t) {
  const std::string path = fields.pathOf("function");
  const std::string text = fields.requiredText("function");
  if (text.empty()) return;
  const size_t dot = text.find('.');
  if (dot != std::string::npos && text.find('.', dot + 1) != std::string::npos) {
    fields.issues().report(path, "must be a function name or schema.function, found " + quoteShort(text));
    return;
  }
  if (dot != std::string::npos) t.functionSchema = text.substr(0, dot);
  t.function = dot == std::string::npos ? text : text.substr(dot + 1);
  if (dot != std::string::npos && !checkIdentifier(t.functionSchema, path, fields.issues())) return;
  checkIdentifier(t.function, path, fields.issues());
}

// What Postgres refuses for any table, said here with the field that causes it.
void checkShape(const Fields& fields, const schema::Trigger& t) {
  Issues& issues = fields.issues();
  if (t.timing == "instead-of")
    issues.report(fields.pathOf("timing"), "instead-of triggers are for views; a table's trigger is before or after");
  const bool truncate = std::find(t.events.begin(), t.events.end(), "truncate") != t.events.end();
  if (truncate && t.forEach == "row")
    issues.report(fields.pathOf("events"), "truncate fires for each statement only: declare forEach: statement, "
                                           "or a trigger of its own for truncate");
  const bool update = std::find(t.events.begin(), t.events.end(), "update") != t.events.end();
  if (!t.updateOf.empty() && !update)
    issues.report(fields.pathOf("updateOf"), "names columns of an update, but events has no update");
}

}  // namespace

schema::Trigger readTrigger(const Item& item, Issues& issues) {
  Fields fields(item, {"name", "timing", "events", "updateOf", "forEach", "when", "function", "arguments", "enabled"},
                issues);
  schema::Trigger t;
  t.field = item.path;
  t.name = fields.requiredIdentifier("name");
  if (!fields.has("timing")) issues.report(fields.pathOf("timing"), "must be set");
  t.timing = oneOf(fields, "timing", {"before", "after", "instead-of"}, "before");
  t.events = readEvents(fields);
  t.updateOf = fields.identifiers("updateOf");
  t.forEach = oneOf(fields, "forEach", {"row", "statement"}, "statement");
  t.when = fields.nonBlankText("when");
  readFunction(fields, t);
  for (const auto& a : fields.list("arguments"))
    if (auto value = scalarText(a, issues)) t.arguments.push_back(*value);
  t.enabled = fields.boolean("enabled").value_or(true);
  t.firing = t.enabled ? 'O' : 'D';
  checkShape(fields, t);
  return t;
}

void settleTriggerFunctions(schema::Model& model) {
  for (auto& t : model.tables)
    for (auto& tr : t.triggers)
      if (tr.functionSchema == model.schema) tr.functionSchema.clear();
}

}  // namespace spec::detail
