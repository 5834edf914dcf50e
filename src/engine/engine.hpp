#pragma once
// One reconcile of one resource against one database: inspect, canonicalise, diff, probe,
// classify, plan and (when asked) apply. The pipeline is data; pg:: does the I/O.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "pg/apply.hpp"
#include "pg/inspect.hpp"
#include "schema/plan.hpp"
#include "spec/resource.hpp"

namespace engine {

struct Options {
  bool apply = false;             // false: plan only (changes nothing)
  bool allowDestructive = false;  // --allow-destructive: every destructive change may run
  pg::ApplyOptions applyOptions;
  std::chrono::milliseconds lockWait{60000};  // waiting for another applier's advisory lock
  // Applying: take the lock before the first catalog read. Off (the daemon's re-checks, mostly in
  // sync), the catalog is read first and the lock taken, and the plan made again, only when
  // something would run. On (`schema-operator apply`, run because there is work), that second
  // read is saved.
  bool lockFirst = false;
  // Opens a second connection to the same database (null: none). With it, the catalog of a schema
  // declaring many tables is read over both connections in one snapshot (pg::inspect).
  pg::ConnectionFactory openReader;
};

struct Report {
  std::string serverVersion;
  schema::Plan plan;                       // drift and plan before anything ran
  std::vector<schema::Step> applied;       // steps that ran
  std::optional<pg::StepFailure> failure;  // the step that stopped an apply
  schema::Plan remaining;                  // after an apply: what still differs (== plan when not applied)
  long long queries = 0;                   // round trips to the server
  double introspectionSeconds = 0;         // the first catalog read (pg::inspect)
};

// Plan (options.apply false) or reconcile (true; `mode: Plan` in the resource turns it into a
// plan). The allow-destructive annotation and options.allowDestructive both approve.
core::Result<Report> run(pqxx::connection& conn, const spec::DatabaseSchema& resource, const Options& options);

}  // namespace engine
