// One DatabaseSchema document: the top-level fields and spec's own scalars and lists; tables,
// seeds, metadata and connection have readers of their own.
#include "spec/parse.hpp"
#include "spec/validate.hpp"

namespace spec::detail {

namespace {

void checkSchemaName(const std::string& name, const std::string& path, Issues& issues) {
  // Postgres reserves these (CREATE SCHEMA refuses pg_*); owning them would put the system
  // catalogs under prune.
  if (name.rfind("pg_", 0) == 0 || name == "information_schema")
    issues.report(path, "\"" + name + "\" is a system schema; choose a schema of your own");
}

Mode readMode(const Fields& spec) {
  auto value = spec.text("mode");
  if (!value || *value == "Apply") return Mode::Apply;
  if (*value == "Plan") return Mode::Plan;
  spec.issues().report(spec.pathOf("mode"), "must be Apply or Plan, found " + quoteShort(*value));
  return Mode::Apply;
}

std::vector<schema::Enum> readEnums(const Fields& spec) {
  std::vector<schema::Enum> out;
  for (const auto& item : spec.list("enums")) {
    Fields fields(item, {"name", "values"}, spec.issues());
    schema::Enum e;
    e.name = fields.requiredIdentifier("name");
    if (!fields.has("values")) spec.issues().report(fields.pathOf("values"), "must be set");
    e.values = fields.identifiers("values");
    e.field = item.path;
    out.push_back(std::move(e));
  }
  return out;
}

// spec.apply: lock budgets as durations, to the millisecond.
ApplySettings readApply(const Fields& apply) {
  ApplySettings out;
  auto duration = [&](std::string_view key, std::chrono::milliseconds least) -> std::optional<std::chrono::milliseconds> {
    auto text = apply.text(key);
    if (!text) return std::nullopt;
    auto parsed = parseMilliseconds(*text, apply.pathOf(key), least);
    if (parsed) return *parsed;
    apply.issues().report(parsed.error().field, parsed.error().message);
    return std::nullopt;
  };
  out.lockTimeout = duration("lockTimeout", std::chrono::milliseconds(1));
  out.lockRetryBudget = duration("lockRetryBudget", std::chrono::milliseconds(0));
  out.statementTimeout = duration("statementTimeout", std::chrono::milliseconds(0));
  return out;
}

void readSpec(const Fields& spec, DatabaseSchema& out) {
  Issues& issues = spec.issues();
  // Redacted: a connection string pasted here by mistake must not be echoed into status.
  if (auto connection = spec.object("connection", {"secretRef", "sslMode", "rootCertRef", "allowSelfSigned"},
                                    Fields::Values::Redacted))
    out.connection = readConnection(*connection);
  if (auto name = spec.identifier("schema")) {
    checkSchemaName(*name, spec.pathOf("schema"), issues);
    out.model.schema = *name;
  }
  out.mode = readMode(spec);
  if (auto interval = spec.text("interval")) {
    auto parsed = parseDuration(*interval, spec.pathOf("interval"));
    if (parsed)
      out.interval = *parsed;
    else
      issues.report(parsed.error().field, parsed.error().message);
  }
  if (auto apply = spec.object("apply", {"lockTimeout", "lockRetryBudget", "statementTimeout"}))
    out.apply = readApply(*apply);
  out.policy.prune = spec.boolean("prune").value_or(false);
  out.strict = spec.boolean("strict").value_or(false);
  out.policy.ignore = spec.identifiers("ignore");
  out.model.extensions = spec.identifiers("extensions");
  out.model.enums = readEnums(spec);
  out.model.sequences = readSequences(spec);
  out.model.domains = readDomains(spec);
  out.model.compositeTypes = readCompositeTypes(spec);
  for (const auto& table : spec.list("tables")) out.model.tables.push_back(readTable(table, issues));
  givePartitionsTheirColumns(out.model, issues);
  settleTriggerFunctions(out.model);
  out.model.seeds = readSeeds(spec, out.model);
  out.model.views = readViews(spec);
  out.model.schemaGrants = readGrants(spec, GrantsOn::Schema);
  out.model.defaultPrivileges = readDefaultPrivileges(spec);
  out.model.functions = readFunctions(spec);
}

}  // namespace

core::Result<DatabaseSchema> readResource(const Node& document) {
  Issues issues;
  DatabaseSchema out;
  Fields top(Item{document, ""}, issues);
  // What the document is comes first: a ConfigMap fed in by mistake should say so, not list
  // its fields as unknown.
  auto apiVersion = top.text("apiVersion");
  if (!apiVersion)
    issues.report("apiVersion", std::string("must be set to ") + kApiVersion);
  else if (*apiVersion != kApiVersion)
    issues.report("apiVersion", std::string("must be ") + kApiVersion + ", found " + quoteShort(*apiVersion));
  auto kind = top.text("kind");
  if (!kind)
    issues.report("kind", std::string("must be set to ") + kKind);
  else if (*kind != kKind)
    issues.report("kind", std::string("must be ") + kKind + ", found " + quoteShort(*kind));
  top.rejectUnknown({"apiVersion", "kind", "metadata", "spec", "status"});  // status is the controller's

  if (auto metadata = top.get("metadata"))
    readMetadata(*metadata, out, issues);
  else
    issues.report("metadata.name", "must be set");

  if (auto spec = top.object("spec", {"connection", "schema", "mode", "interval", "apply", "prune", "ignore",
                                      "extensions", "enums", "sequences", "tables", "seed", "domains",
                                      "compositeTypes", "strict", "views", "grants",
                                      "defaultPrivileges", "functions"}))
    readSpec(*spec, out);
  else
    issues.report("spec", "must be set");

  if (issues.ok()) validate(out, issues);
  if (!issues.ok()) return issues.first();
  return out;
}

std::optional<Preview> previewResource(const Node& document) {
  Issues issues;
  Fields top(Item{document, ""}, issues);
  auto specItem = top.get("spec");
  if (!specItem) return std::nullopt;
  Fields spec(*specItem, issues);
  Preview out;
  if (auto connection = spec.get("connection"))
    out.connection = readConnection(Fields(*connection, issues, Fields::Values::Redacted));
  if (auto name = spec.identifier("schema")) out.schema = *name;
  if (auto tables = spec.get("tables")) out.tables = tables->node.size();
  if (!issues.ok()) return std::nullopt;
  return out;
}

}  // namespace spec::detail
