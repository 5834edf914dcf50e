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

// One schema's live catalog as a plan reads it, with how long reading it took.
struct CatalogRead {
  schema::Model model;
  double seconds = 0;
};

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
  // The catalog already read on this connection for this resource (readCatalog, as the CLI does
  // while the file is still being validated): the first plan uses it instead of reading again.
  // Ignored when the lock is taken first, since a plan that runs must be read under the lock.
  std::optional<CatalogRead> catalog;
  // --strict: as spec.strict (either refuses to apply while unmanaged objects exist).
  bool strict = false;
};

struct Report {
  std::string serverVersion;
  schema::Plan plan;                       // drift and plan before anything ran
  std::vector<schema::Step> applied;       // steps that ran
  std::optional<pg::StepFailure> failure;  // the step that stopped an apply
  schema::Plan remaining;                  // after an apply: what still differs (== plan when not applied)
  double introspectionSeconds = 0;         // the first catalog read (pg::inspect)
  // The schema's objects of kinds the resource does not manage, from the last catalog read.
  std::vector<schema::UnmanagedObject> unmanaged;
  // Strict (spec.strict or Options::strict) and `unmanaged` is not empty: nothing was applied.
  bool refusedUnmanaged = false;
};

// Sets the session's search_path to the schema and reads its catalog; over two connections (one
// from openReader) when the resource declares many tables.
core::Result<CatalogRead> readCatalog(pqxx::connection& conn, const std::string& schemaName, size_t declaredTables,
                                      const pg::ConnectionFactory& openReader);

// Plan (options.apply false) or reconcile (true; `mode: Plan` in the resource turns it into a
// plan). The allow-destructive annotation and options.allowDestructive both approve. Strict, with
// unmanaged objects in the schema, it applies nothing and reports the plan (Report::refusedUnmanaged).
core::Result<Report> run(pqxx::connection& conn, const spec::DatabaseSchema& resource, const Options& options);

}  // namespace engine
