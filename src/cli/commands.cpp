#include "cli/commands.hpp"
#include "cli/run_command.hpp"

#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/output.hpp"
#include "core/version.hpp"
#include "engine/apply_settings.hpp"
#include "engine/engine.hpp"
#include "pg/claim.hpp"
#include "pg/failure.hpp"

namespace cli {

namespace {

// Kept in step with project(VERSION) in CMakeLists.txt.

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

bool isTrue(const std::optional<std::string>& v) { return v && (*v == "true" || *v == "1" || *v == "yes"); }

// The `error: …` line: where, then what. Messages are redacted of the URL's password by the caller.
void printError(std::ostream& err, const std::string& where, const core::Error& e) {
  err << "error: " << where << ": " << e.describe() << "\n";
}

std::string documentLabel(const std::string& file, size_t index, const spec::DatabaseSchema& r) {
  std::string label = displayName(file) + ": document " + std::to_string(index + 1) + " (";
  if (!r.ns.empty()) label += r.ns + "/";
  return label + r.name + ")";
}

bool pending(const engine::Report& report, Command command) {
  const schema::Plan& p = command == Command::Apply ? report.remaining : report.plan;
  return !p.drift.empty();
}

}  // namespace

core::Result<pg::ConnectionOptions> connectionFor(const Args& args, const spec::DatabaseSchema& resource,
                                                  const Io& io) {
  pg::ConnectionOptions options;
  if (args.databaseUrl) {
    options.url = *args.databaseUrl;
  } else if (auto url = io.env("DATABASE_URL"); url && !url->empty()) {
    options.url = *url;
  } else {
    return core::invalid("--database-url",
                         "no database to connect to: pass --database-url or set DATABASE_URL "
                         "(spec.connection.secretRef is read only by the controller)");
  }

  // pg::resolveSslMode decides: the flag as given, else the stricter of document and URL, else
  // verify-full.
  options.sslMode = args.sslMode;
  if (resource.connection.sslModeSet) options.declaredSslMode = spec::toString(resource.connection.sslMode);

  if (args.rootCertFile) {
    options.rootCertFile = *args.rootCertFile;
  } else if (auto cert = io.env("PG_SSL_ROOT_CERT"); cert && !cert->empty()) {
    options.rootCertFile = *cert;
  }
  if (options.rootCertFile) {
    std::ifstream probe(*options.rootCertFile);
    if (!probe) {
      return core::invalid(args.rootCertFile ? "--root-cert" : "PG_SSL_ROOT_CERT",
                           "cannot read " + *options.rootCertFile);
    }
  }

  if (args.allowSelfSigned) {
    options.allowSelfSigned = *args.allowSelfSigned;
  } else if (auto env = io.env("PG_SSL_ALLOW_SELF_SIGNED"); env && !env->empty()) {
    options.allowSelfSigned = isTrue(env);
  } else {
    options.allowSelfSigned = resource.connection.allowSelfSigned;
  }
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

// The first document's connection and catalog read on a thread of its own while the documents
// are read and validated: parsing a large file takes a good part of the time the server needs
// for its catalog (22 ms against some 50 at 1,000 tables). Only reads happen here, with the connection settings the document's
// Preview gives (so never with weaker TLS than it asks for); whatever the read found is used only
// when the validated document asks for the same connection and schema, and dropped otherwise.
// The thread is detached: an invalid file is reported at once, without waiting for it (main()
// then ends the process with _Exit, never running static destructors under it).
class EarlyRead {
 public:
  struct Result {
    core::Result<std::unique_ptr<pqxx::connection>> connection = core::terminal("not connected");
    core::Result<engine::CatalogRead> catalog = core::terminal("not read");
  };

  static std::shared_ptr<EarlyRead> start(const Args& args, const spec::Preview& preview, const Io& io) {
    spec::DatabaseSchema declared;
    declared.connection = preview.connection;
    declared.model.schema = preview.schema;
    auto options = connectionFor(args, declared, io);
    if (!options) return nullptr;  // the full read reports it
    auto early = std::shared_ptr<EarlyRead>(new EarlyRead(*options, preview.schema));
    const pg::ConnectionFactory reader = secondConnection(args, *options);
    std::thread([early, reader, tables = preview.tables] {
      Result r;
      try {
        r.connection = pg::connect(early->options_);
        if (r.connection) r.catalog = engine::readCatalog(**r.connection, early->schema_, tables, reader);
      } catch (const std::exception& e) {  // out of memory, say: the main thread reports it
        const auto failed = pg::failureOf(e, "cannot read the catalog");
        if (!r.connection) r.connection = failed;
        r.catalog = failed;
      }
      early->promise_.set_value(std::move(r));
    }).detach();
    return early;
  }

  // What was read, when the validated document asks for the same connection and schema. A read
  // made as if the document declared verify-full without self-signed certificates (what the
  // preview asks for while the document's connection is not read yet) serves any TLS setting on
  // the same URL and flags: resolved, it was at least as strict. When it could not connect, the
  // document's own setting is tried afresh.
  std::optional<Result> take(const pg::ConnectionOptions& options, const std::string& schema) {
    pg::ConnectionOptions asked = options;
    if (options_.declaredSslMode == std::string("verify-full") && !options_.allowSelfSigned) {
      asked.declaredSslMode = options_.declaredSslMode;
      asked.allowSelfSigned = false;
    }
    if (!(asked == options_) || schema != schema_) return std::nullopt;
    Result r = result_.get();
    if (!(asked == options) && !r.connection) return std::nullopt;
    return r;
  }

 private:
  EarlyRead(pg::ConnectionOptions options, std::string schema)
      : options_(std::move(options)), schema_(std::move(schema)), result_(promise_.get_future()) {}

  const pg::ConnectionOptions options_;
  const std::string schema_;
  std::promise<Result> promise_;
  std::future<Result> result_;
};

}  // namespace

int run(const std::vector<std::string>& argv, Io& io) {
  if (!argv.empty() && argv[0] == "run") return runOperator({argv.begin() + 1, argv.end()}, io);
  auto parsed = parseArgs(argv);
  if (!parsed) {
    io.err << "error: " << parsed.error().describe() << "\n";
    return kExitError;
  }
  const Args& args = *parsed;

  switch (args.command) {
    case Command::Help:
      io.out << (args.helpTopic ? commandUsage(*args.helpTopic) : usage());
      return kExitOk;
    case Command::Version:
      if (args.helpRequested) {
        io.out << commandUsage(Command::Version);
        return kExitOk;
      }
      io.out << "schema-operator " << core::kVersion << "\n";
      return kExitOk;
    case Command::Plan:
    case Command::Apply:
      break;
  }
  if (args.helpRequested) {
    io.out << commandUsage(args.command);
    return kExitOk;
  }

  // argv is readable by every user of the machine (ps, /proc/PID/cmdline); the environment is not.
  if (args.databaseUrl && pg::hasPassword(*args.databaseUrl))
    io.err << "warning: the password in --database-url can be read by other users of this machine in the "
              "process list; set it in the environment instead: DATABASE_URL=… schema-operator "
           << (args.command == Command::Apply ? "apply" : "plan") << " -f …\n";

  // Every document is read and validated, and every connection resolved, before anything is
  // asked of a database but reading: an invalid file changes nothing anywhere. `plan` reads the
  // first document's catalog while the documents are read and validated (EarlyRead).
  auto text = readInput(args.file, io.in);
  if (!text) {
    printError(io.err, displayName(args.file), text.error());
    return kExitError;
  }
  std::shared_ptr<EarlyRead> early;
  auto documents = spec::parseDocuments(*text, [&](const spec::Preview& preview) {
    if (args.command == Command::Plan) early = EarlyRead::start(args, preview, io);
  });
  if (!documents) {
    printError(io.err, displayName(args.file), documents.error());
    return kExitError;
  }
  if (documents->empty()) {
    io.err << "error: " << displayName(args.file) << ": no DatabaseSchema document found\n";
    return kExitError;
  }
  std::vector<pg::ConnectionOptions> connections;
  for (size_t i = 0; i < documents->size(); ++i) {
    auto options = connectionFor(args, (*documents)[i], io);
    if (!options) {
      printError(io.err, documentLabel(args.file, i, (*documents)[i]), options.error());
      return kExitError;
    }
    connections.push_back(std::move(*options));
  }

  engine::Options engineOptions;
  engineOptions.apply = args.command == Command::Apply;
  engineOptions.allowDestructive = args.allowDestructive;
  engineOptions.lockFirst = true;  // apply is run because there is work: one catalog read, under the lock
  if (args.lockRetriesGiven)
    io.err << "warning: --lock-retries is deprecated and ignored: a step retries until --lock-retry-budget (default "
           << pg::describeDuration(pg::kDefaultLockRetryBudget) << ") is spent\n";

  bool anyError = false;
  bool anyPending = false;
  for (size_t i = 0; i < documents->size(); ++i) {
    const spec::DatabaseSchema& resource = (*documents)[i];
    const pg::ConnectionOptions& connection = connections[i];
    const std::string label = documentLabel(args.file, i, resource);
    auto fail = [&](core::Error e) {
      e.message = pg::redact(e.message, connection);
      printError(io.err, label, e);
      anyError = true;
    };

    engineOptions.openReader = secondConnection(args, connection);
    engineOptions.catalog.reset();
    // The flags win over the document's spec.apply, which wins over the defaults.
    engineOptions.applyOptions = engine::withSettings(pg::ApplyOptions{}, resource.apply);
    if (args.lockTimeout) engineOptions.applyOptions.lockTimeout = *args.lockTimeout;
    if (args.lockRetryBudget) engineOptions.applyOptions.lockRetryBudget = *args.lockRetryBudget;
    if (args.statementTimeout) engineOptions.applyOptions.statementTimeout = *args.statementTimeout;
    engineOptions.applyOptions.onLockWait = [&io, &label](const pg::LockWait& wait) {
      io.err << "waiting: " << label << ": " << wait.object << " needs " << pg::describeLocks(wait.wanted) << "; held by "
             << pg::describeHolders(wait.holders) << " (trying for " << pg::describeDuration(wait.waited) << ")\n";
      io.err.flush();
    };
    core::Result<std::unique_ptr<pqxx::connection>> conn = core::terminal("not connected");
    if (auto taken = i == 0 && early ? early->take(connection, resource.model.schema) : std::nullopt) {
      conn = std::move(taken->connection);
      if (conn && !taken->catalog) {
        fail(taken->catalog.error());
        continue;
      }
      if (conn) engineOptions.catalog = std::move(*taken->catalog);
    } else {
      conn = pg::connect(connection);
    }
    if (!conn) {
      fail(conn.error());
      continue;
    }
    // One owner per schema (pg/claim.hpp): apply takes the claim for the document's
    // namespace/name, plan only reads it; either refuses a schema another resource holds.
    const bool applying = args.command == Command::Apply && resource.mode == spec::Mode::Apply;
    auto claim = pg::claimSchema(**conn, resource.model.schema, {resource.ns, resource.name, ""},
                                 applying ? pg::ClaimMode::Take : pg::ClaimMode::Read);
    if (!claim) {
      fail(claim.error());
      continue;
    }
    if (claim->conflict) {
      fail(core::invalid("metadata.name", claim->conflictMessage(resource.model.schema)));
      continue;
    }
    auto report = engine::run(**conn, resource, engineOptions);
    if (!report) {
      fail(report.error());
      continue;
    }

    const DocumentResult result{resource, args.command, *report,
                                args.command == Command::Apply && resource.mode == spec::Mode::Plan,
                                args.allowDestructive};
    if (args.output == OutputFormat::Json) {
      io.out << renderJson(result) << "\n";
    } else {
      if (i > 0) io.out << "\n";
      io.out << renderText(result);
    }
    io.out.flush();

    if (report->failure) {
      const auto& f = *report->failure;
      if (f.statement.empty())
        io.err << "error: " << label << ": " << pg::redact(f.message, connection) << "\n";
      else
        io.err << "error: " << label << ": " << f.object << ": statement failed: " << f.statement << ": "
               << pg::redact(f.message, connection) << "\n";
      anyError = true;
    } else if (pending(*report, args.command)) {
      anyPending = true;
    }
  }
  if (anyError) return kExitError;
  return anyPending ? kExitPending : kExitOk;
}

}  // namespace cli
