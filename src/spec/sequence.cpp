// spec.sequences[i]: a sequence's options as declared, checked as CREATE SEQUENCE would check
// them. Whether ownedBy names a declared column is validate's job (it needs the tables).
#include "schema/sequence.hpp"
#include "spec/parse.hpp"

namespace spec::detail {

namespace {

std::string readSequenceType(const Fields& sequence) {
  auto value = sequence.text("type");
  if (!value) return "bigint";
  if (*value == "smallint" || *value == "integer" || *value == "bigint") return *value;
  sequence.issues().report(sequence.pathOf("type"), "must be smallint, integer or bigint, found " + quoteShort(*value));
  return "bigint";
}

}  // namespace

std::vector<schema::Sequence> readSequences(const Fields& spec) {
  std::vector<schema::Sequence> out;
  for (const auto& item : spec.list("sequences")) {
    Fields fields(item, {"name", "type", "start", "increment", "minValue", "maxValue", "cache", "cycle", "ownedBy",
                          "grants"},
                  spec.issues());
    schema::Sequence s;
    s.name = fields.requiredIdentifier("name");
    s.type = readSequenceType(fields);
    s.start = fields.integer("start");
    s.increment = fields.integer("increment");
    s.minValue = fields.integer("minValue");
    s.maxValue = fields.integer("maxValue");  // null: the type's (or the direction's) bound
    s.cache = fields.integer("cache");
    s.cycle = fields.boolean("cycle").value_or(false);
    s.ownedBy = fields.nonBlankText("ownedBy").value_or("");
    s.grants = readGrants(fields, GrantsOn::Sequence);
    s.field = item.path;
    if (auto problem = schema::optionsProblem(s)) spec.issues().report(fields.pathOf(problem->option), problem->reason);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace spec::detail
