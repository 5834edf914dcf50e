#include "cli/commands.hpp"
#include "cli/run_command.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/output.hpp"
#include "core/version.hpp"
#include "engine/engine.hpp"

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

  if (args.sslMode) {
    options.sslMode = *args.sslMode;
  } else if (resource.connection.sslModeSet) {
    options.sslMode = spec::toString(resource.connection.sslMode);
  }

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

  // Every document is read and validated, and every connection resolved, before the first
  // connection: an invalid file changes nothing anywhere.
  auto text = readInput(args.file, io.in);
  if (!text) {
    printError(io.err, displayName(args.file), text.error());
    return kExitError;
  }
  auto documents = spec::parseDocuments(*text);
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
  if (args.lockTimeout) engineOptions.applyOptions.lockTimeout = *args.lockTimeout;
  if (args.lockRetries) engineOptions.applyOptions.lockRetries = *args.lockRetries;

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

    auto conn = pg::connect(connection);
    if (!conn) {
      fail(conn.error());
      continue;
    }
    if (!args.singleConnection) {
      engineOptions.openReader = [&connection]() -> std::unique_ptr<pqxx::connection> {
        auto helper = pg::connect(connection);
        return helper ? std::move(*helper) : nullptr;
      };
    }
    auto report = engine::run(**conn, resource, engineOptions);
    if (!report) {
      fail(report.error());
      continue;
    }

    const DocumentResult result{resource, args.command, *report,
                                args.command == Command::Apply && resource.mode == spec::Mode::Plan};
    if (args.output == OutputFormat::Json) {
      io.out << renderJson(result) << "\n";
    } else {
      if (i > 0) io.out << "\n";
      io.out << renderText(result);
    }
    io.out.flush();

    if (report->failure) {
      const auto& f = *report->failure;
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
