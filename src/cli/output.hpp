#pragma once
// What the CLI prints for one document: a readable summary, or one JSON object in the shapes of
// the resource's status (drift, plan) plus what was applied.
#include <string>

#include "cli/args.hpp"
#include "engine/engine.hpp"
#include "spec/resource.hpp"

namespace cli {

struct DocumentResult {
  const spec::DatabaseSchema& resource;
  Command command;
  const engine::Report& report;
  bool planOnly = false;  // `apply` on a document with `mode: Plan`: nothing was applied
  bool allowDestructive = false;  // --allow-destructive: every destructive change is approved
};

// Several lines, ending with the summary line ("shop: in sync").
std::string renderText(const DocumentResult& result);

// One compact JSON object, no newline. For apply, `drift` and `plan` are what remains afterwards;
// `unmanaged` lists the schema's objects of kinds the resource does not manage.
std::string renderJson(const DocumentResult& result);

// "shop: in sync" / "shop: 3 changes pending (1 destructive, awaiting approval)"
std::string summaryLine(const DocumentResult& result);

}  // namespace cli
