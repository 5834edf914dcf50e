#include "cli/commands.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/export_command.hpp"
#include "cli/output.hpp"
#include "core/version.hpp"
#include "engine/apply_settings.hpp"
#include "engine/catalog_prefetch.hpp"
#include "engine/engine.hpp"
#include "operator/serve.hpp"
#include "pg/claim.hpp"

namespace cli {

namespace {

core::Result<std::string> readInput(const std::string& file, std::istream& in) {
  if (file == "-") {
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return core::invalid("", "cannot read the file");
  // Whole blocks from the buffer: a character at a time cost more than parsing a big schema.
  std::string text;
  char block[1 << 16];
  for (std::streamsize n; (n = stream.rdbuf()->sgetn(block, sizeof block)) > 0;) text.append(block, static_cast<size_t>(n));
  if (stream.bad()) return core::invalid("", "cannot read the file");
  return text;
}

std::string displayName(const std::string& file) { return file == "-" ? "<stdin>" : file; }

// The `error: …` line: where, then what. Messages are redacted of the URL's password by the caller.
void printError(std::ostream& err, const std::string& where, const core::Error& e) {
  err << "error: " << where << ": " << e.describe() << "\n";
}

std::string documentLabel(const std::string& file, size_t index, const spec::DatabaseSchema& r) {
  std::string label = displayName(file) + ": document " + std::to_string(index + 1) + " (";
  if (!r.ns.empty()) label += r.ns + "/";
  return label + r.name + ")";
}

const char* commandName(Command command) {
  return command == Command::Apply ? "apply" : command == Command::Export ? "export" : "plan";
}

}  // namespace

core::Result<pg::ConnectionOptions> connectionFor(const Args& args, const spec::DatabaseSchema& resource) {
  pg::ConnectionOptions options;
  if (!args.databaseUrl) {
    return core::invalid("--database-url",
                         "no database to connect to: pass --database-url or set DATABASE_URL "
                         "(spec.connection.secretRef is read only by the controller)");
  }
  options.url = *args.databaseUrl;
  // pg::resolveSslMode decides: the flag as given, else the stricter of document and URL, else
  // verify-full.
  options.sslMode = args.sslMode;
  if (resource.connection.sslModeSet) options.declaredSslMode = spec::toString(resource.connection.sslMode);
  options.rootCertFile = args.rootCertFile;
  if (options.rootCertFile && !std::ifstream(*options.rootCertFile)) {
    return core::invalid(args.fromEnvironment.count("PG_SSL_ROOT_CERT") ? "PG_SSL_ROOT_CERT" : "--root-cert",
                         "cannot read " + *options.rootCertFile);
  }
  options.allowSelfSigned = args.allowSelfSigned.value_or(resource.connection.allowSelfSigned);
  options.connectTimeoutSeconds = args.connectTimeoutSeconds;
  return options;
}

namespace {

// Opens further connections like the first: the second reader of a large catalog. None with
// --single-connection.
pg::ConnectionFactory secondConnection(const Args& args, const pg::ConnectionOptions& options) {
  if (args.singleConnection) return {};
  return [options]() -> std::unique_ptr<pqxx::connection> {
    auto conn = pg::connect(options);
    return conn ? std::move(*conn) : nullptr;
  };
}

// One document to plan or apply, with the connection it resolved to.
struct Target {
  const spec::DatabaseSchema& resource;
  pg::ConnectionOptions connection;
  std::string label;
};

// `plan` reads the first document's catalog while the file is read and validated, with the
// connection its Preview resolves to (never weaker TLS than the document can ask for).
std::unique_ptr<engine::CatalogPrefetch> prefetch(const Args& args, const spec::Preview& preview) {
  spec::DatabaseSchema declared;
  declared.connection = preview.connection;
  declared.model.schema = preview.schema;
  auto options = connectionFor(args, declared);
  if (!options) return nullptr;  // the document's own turn reports it
  auto reader = secondConnection(args, *options);
  return std::make_unique<engine::CatalogPrefetch>(std::move(*options), preview.schema, preview.tables,
                                                   std::move(reader));
}

// Every document is read and validated, and every connection resolved, before anything is asked
// of a database but reading: an invalid file changes nothing anywhere. nullopt: the error is printed.
std::optional<std::vector<spec::DatabaseSchema>> readDocuments(const Args& args, Command command,
                                                               std::unique_ptr<engine::CatalogPrefetch>& early,
                                                               Io& io) {
  auto text = readInput(args.file, io.in);
  if (!text) {
    printError(io.err, displayName(args.file), text.error());
    return std::nullopt;
  }
  auto documents = spec::parseDocuments(*text, [&](const spec::Preview& preview) {
    if (command == Command::Plan) early = prefetch(args, preview);
  });
  if (!documents) {
    printError(io.err, displayName(args.file), documents.error());
    return std::nullopt;
  }
  if (documents->empty()) {
    io.err << "error: " << displayName(args.file) << ": no DatabaseSchema document found\n";
    return std::nullopt;
  }
  return std::move(*documents);
}

std::optional<std::vector<Target>> resolveTargets(const Args& args, const std::vector<spec::DatabaseSchema>& documents,
                                                  Io& io) {
  std::vector<Target> targets;
  for (size_t i = 0; i < documents.size(); ++i) {
    const std::string label = documentLabel(args.file, i, documents[i]);
    auto options = connectionFor(args, documents[i]);
    if (!options) {
      printError(io.err, label, options.error());
      return std::nullopt;
    }
    targets.push_back({documents[i], std::move(*options), label});
  }
  return targets;
}

engine::Options engineOptions(const Args& args, Command command) {
  engine::Options options;
  options.apply = command == Command::Apply;
  options.allowDestructive = args.allowDestructive;
  options.strict = args.strict;
  options.lockFirst = true;  // apply is run because there is work: one catalog read, under the lock
  return options;
}

// The flags win over the document's spec.apply, which wins over the defaults. Waiting for a lock
// another session holds is said on standard error as it happens.
pg::ApplyOptions applyOptionsFor(const Args& args, const Target& target, Io& io) {
  pg::ApplyOptions options = engine::withSettings(pg::ApplyOptions{}, target.resource.apply);
  if (args.lockTimeout) options.lockTimeout = *args.lockTimeout;
  if (args.lockRetryBudget) options.lockRetryBudget = *args.lockRetryBudget;
  if (args.statementTimeout) options.statementTimeout = *args.statementTimeout;
  options.onLockWait = [&io, label = target.label](const pg::LockWait& wait) {
    io.err << "waiting: " << label << ": " << wait.object << " needs " << pg::describeLocks(wait.wanted) << "; held by "
           << pg::describeHolders(wait.holders) << " (trying for " << pg::describeDuration(wait.waited) << ")\n";
    io.err.flush();
  };
  return options;
}

// The connection of a document, with its catalog when the prefetch read it already.
core::Result<std::unique_ptr<pqxx::connection>> connectTo(const Target& target, engine::CatalogPrefetch* early,
                                                          engine::Options& options) {
  auto taken = early ? early->take(target.connection, target.resource.model.schema) : std::nullopt;
  if (!taken) return pg::connect(target.connection);
  if (!taken->catalog) return taken->catalog.error();
  options.catalog = std::move(*taken->catalog);
  return std::move(taken->connection);
}

// Connects, checks who owns the schema and runs the engine. One owner per schema (pg/claim.hpp):
// apply takes the claim for the document's namespace/name, plan only reads it; either refuses a
// schema another resource holds.
core::Result<engine::Report> reconcile(const Target& target, Command command, engine::CatalogPrefetch* early,
                                       engine::Options options) {
  auto conn = connectTo(target, early, options);
  if (!conn) return conn.error();
  const spec::DatabaseSchema& resource = target.resource;
  const bool applying = command == Command::Apply && resource.mode == spec::Mode::Apply;
  auto claim = pg::claimSchema(**conn, resource.model.schema, {resource.ns, resource.name, ""},
                               applying ? pg::ClaimMode::Take : pg::ClaimMode::Read);
  if (!claim) return claim.error();
  if (claim->conflict) return core::invalid("metadata.name", claim->conflictMessage(resource.model.schema));
  return engine::run(**conn, resource, options);
}

enum class Outcome { InSync, Pending, Failed };

void printReport(const Args& args, Command command, const Target& target, const engine::Report& report, bool first,
                 Io& io) {
  const DocumentResult result{target.resource, command, report,
                              command == Command::Apply && target.resource.mode == spec::Mode::Plan,
                              args.allowDestructive};
  if (args.output == OutputFormat::Json) {
    io.out << renderJson(result) << "\n";
  } else {
    if (!first) io.out << "\n";
    io.out << renderText(result);
  }
  io.out.flush();
}

// After the report: a statement that failed is an error; drift left (apply: still pending) is Pending.
Outcome outcomeOf(const engine::Report& report, Command command, const Target& target, Io& io) {
  if (report.failure) {
    const auto& f = *report.failure;
    io.err << "error: " << target.label << ": ";
    if (!f.statement.empty()) io.err << f.object << ": statement failed: " << f.statement << ": ";
    io.err << pg::redact(f.message, target.connection) << "\n";
    return Outcome::Failed;
  }
  if (report.refusedUnmanaged) {
    io.err << "error: " << target.label << ": " << schema::strictRefusal(report.unmanaged)
           << " (see the \"Not managed\" list; docs/unmanaged.md)\n";
    return Outcome::Failed;
  }
  const schema::Plan& left = command == Command::Apply ? report.remaining : report.plan;
  return left.drift.empty() ? Outcome::InSync : Outcome::Pending;
}

Outcome planOrApplyOne(const Args& args, Command command, const Target& target, engine::CatalogPrefetch* early,
                       bool first, Io& io) {
  engine::Options options = engineOptions(args, command);
  options.applyOptions = applyOptionsFor(args, target, io);
  options.openReader = secondConnection(args, target.connection);
  auto report = reconcile(target, command, early, std::move(options));
  if (!report) {
    core::Error e = report.error();
    e.message = pg::redact(e.message, target.connection);
    printError(io.err, target.label, e);
    return Outcome::Failed;
  }
  printReport(args, command, target, *report, first, io);
  return outcomeOf(*report, command, target, io);
}

// argv is readable by every user of the machine (ps, /proc/PID/cmdline); the environment is not.
void warnOfPasswordInArgv(const Args& args, Command command, std::ostream& err) {
  if (!args.databaseUrl || args.fromEnvironment.count("DATABASE_URL") || !pg::hasPassword(*args.databaseUrl)) return;
  err << "warning: the password in --database-url can be read by other users of this machine in the "
         "process list; set it in the environment instead: DATABASE_URL=… schema-operator "
      << commandName(command) << (command == Command::Export ? " …\n" : " -f …\n");
}

int planOrApply(const Args& args, Command command, Io& io) {
  warnOfPasswordInArgv(args, command, io.err);
  if (args.lockRetriesGiven)
    io.err << "warning: --lock-retries is deprecated and ignored: a step retries until --lock-retry-budget (default "
           << pg::describeDuration(pg::kDefaultLockRetryBudget) << ") is spent\n";
  std::unique_ptr<engine::CatalogPrefetch> early;  // joined when this returns, valid file or not
  const auto documents = readDocuments(args, command, early, io);
  if (!documents) return kExitError;
  const auto targets = resolveTargets(args, *documents, io);
  if (!targets) return kExitError;
  bool anyError = false;
  bool anyPending = false;
  for (size_t i = 0; i < targets->size(); ++i) {
    const Outcome outcome = planOrApplyOne(args, command, (*targets)[i], i == 0 ? early.get() : nullptr, i == 0, io);
    anyError |= outcome == Outcome::Failed;
    anyPending |= outcome == Outcome::Pending;
  }
  if (anyError) return kExitError;
  return anyPending ? kExitPending : kExitOk;
}

}  // namespace

int run(const std::vector<std::string>& argv, Io& io) {
  auto parsed = parseCommandLine(argv);
  if (!parsed) {
    io.err << "error: " << parsed.error().describe() << "\n";
    return kExitError;
  }
  switch (parsed->command) {
    case Command::Help:
    case Command::Completion:
      io.out << parsed->text;
      return kExitOk;
    case Command::Version:
      io.out << "schema-operator " << core::kVersion << "\n";
      return kExitOk;
    case Command::Run:
      return operator_::serve(parsed->serve, io.err);
    case Command::Export:
      warnOfPasswordInArgv(parsed->args, parsed->command, io.err);
      return exportCommand(parsed->args, io);
    case Command::Plan:
    case Command::Apply:
      break;
  }
  return planOrApply(parsed->args, parsed->command, io);
}

}  // namespace cli
