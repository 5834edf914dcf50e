#include "cli/args.hpp"

#include <cctype>
#include <charconv>

namespace cli {

namespace {

std::optional<Command> commandNamed(const std::string& name) {
  if (name == "plan") return Command::Plan;
  if (name == "apply") return Command::Apply;
  if (name == "version" || name == "--version") return Command::Version;
  if (name == "help" || name == "--help" || name == "-h") return Command::Help;
  return std::nullopt;
}

std::optional<long long> parseWhole(const std::string& text) {
  long long v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || p != end || text.empty()) return std::nullopt;
  return v;
}

core::Result<bool> parseBool(const std::string& text, const std::string& flag) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return core::invalid(flag, "expected true or false, got \"" + text + "\"");
}

// A switch: on when given bare (--flag), else what --flag=VALUE says.
core::Result<bool> switchValue(const std::optional<std::string>& inlineValue, const std::string& flag) {
  if (!inlineValue) return true;
  return parseBool(*inlineValue, flag);
}

}  // namespace

core::Result<std::chrono::milliseconds> parseTimeout(const std::string& text, const std::string& flag) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const auto number = parseWhole(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (!number) return core::invalid(flag, "expected a duration such as 5s, 500ms or 1m, got \"" + text + "\"");
  if (unit == "ms") return std::chrono::milliseconds(*number);
  if (unit == "s" || unit.empty()) return std::chrono::milliseconds(*number * 1000);
  if (unit == "m") return std::chrono::milliseconds(*number * 60'000);
  return core::invalid(flag, "expected a duration such as 5s, 500ms or 1m, got \"" + text + "\"");
}

core::Result<Args> parseArgs(const std::vector<std::string>& argv) {
  Args args;
  if (argv.empty()) {
    args.command = Command::Help;
    return args;
  }
  const auto command = commandNamed(argv[0]);
  if (!command) {
    return core::invalid("", "unknown command \"" + argv[0] + "\" (try: schema-operator help)");
  }
  args.command = *command;

  if (args.command == Command::Help) {
    if (argv.size() > 1) {
      const auto topic = commandNamed(argv[1]);
      if (!topic) return core::invalid("", "unknown command \"" + argv[1] + "\" (try: schema-operator help)");
      args.helpTopic = *topic;
    }
    return args;
  }

  bool fileSeen = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string flag = argv[i];
    std::optional<std::string> inlineValue;
    if (flag.size() > 2 && flag.compare(0, 2, "--") == 0) {
      if (auto eq = flag.find('='); eq != std::string::npos) {
        inlineValue = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
      }
    }
    // The value of a flag that takes one: `--flag value` or `--flag=value`.
    auto value = [&]() -> core::Result<std::string> {
      if (inlineValue) return *inlineValue;
      if (i + 1 >= argv.size()) return core::invalid(flag, "needs a value");
      return argv[++i];
    };

    if (flag == "-h" || flag == "--help") {
      args.helpRequested = true;
      args.helpTopic = args.command;
      return args;
    }
    if (args.command == Command::Version) {
      return core::invalid(flag, "version takes no flags");
    }

    if (flag == "-f" || flag == "--file") {
      auto v = value();
      if (!v) return v.error();
      if (v->empty()) return core::invalid(flag, "needs a file name (or - for standard input)");
      args.file = *v;
      fileSeen = true;
    } else if (flag == "-o" || flag == "--output") {
      auto v = value();
      if (!v) return v.error();
      if (*v == "text") {
        args.output = OutputFormat::Text;
      } else if (*v == "json") {
        args.output = OutputFormat::Json;
      } else {
        return core::invalid(flag, "expected text or json, got \"" + *v + "\"");
      }
    } else if (flag == "--database-url") {
      auto v = value();
      if (!v) return v.error();
      args.databaseUrl = *v;
    } else if (flag == "--ssl-mode") {
      auto v = value();
      if (!v) return v.error();
      if (*v != "disable" && *v != "require" && *v != "verify-ca" && *v != "verify-full") {
        return core::invalid(flag, "expected disable, require, verify-ca or verify-full, got \"" + *v + "\"");
      }
      args.sslMode = *v;
    } else if (flag == "--root-cert") {
      auto v = value();
      if (!v) return v.error();
      args.rootCertFile = *v;
    } else if (flag == "--allow-self-signed") {
      auto b = switchValue(inlineValue, flag);
      if (!b) return b.error();
      args.allowSelfSigned = *b;
    } else if (flag == "--single-connection") {
      auto b = switchValue(inlineValue, flag);
      if (!b) return b.error();
      args.singleConnection = *b;
    } else if (flag == "--connect-timeout") {
      auto v = value();
      if (!v) return v.error();
      const auto n = parseWhole(*v);
      if (!n || *n < 1 || *n > 3600) return core::invalid(flag, "expected whole seconds from 1 to 3600, got \"" + *v + "\"");
      args.connectTimeoutSeconds = static_cast<int>(*n);
    } else if (flag == "--lock-timeout") {
      auto v = value();
      if (!v) return v.error();
      auto t = parseTimeout(*v, flag);
      if (!t) return t.error();
      if (t->count() < 1) return core::invalid(flag, "must be at least 1ms");
      args.lockTimeout = *t;
    } else if (flag == "--lock-retry-budget" || flag == "--statement-timeout") {
      auto v = value();
      if (!v) return v.error();
      auto t = parseTimeout(*v, flag);
      if (!t) return t.error();
      (flag == "--lock-retry-budget" ? args.lockRetryBudget : args.statementTimeout) = *t;
    } else if (flag == "--lock-retries") {
      // Deprecated: a step now retries until --lock-retry-budget is spent, however many tries.
      auto v = value();
      if (!v) return v.error();
      const auto n = parseWhole(*v);
      if (!n || *n < 0 || *n > 100) return core::invalid(flag, "expected a whole number from 0 to 100, got \"" + *v + "\"");
      args.lockRetriesGiven = true;
    } else if (flag == "--allow-destructive" && args.command == Command::Apply) {
      auto b = switchValue(inlineValue, flag);
      if (!b) return b.error();
      args.allowDestructive = *b;
    } else if (flag == "--allow-destructive") {
      return core::invalid(flag, "only apply takes it (plan changes nothing)");
    } else {
      return core::invalid("", "unknown flag \"" + flag + "\" (try: schema-operator " +
                                   (args.command == Command::Plan ? "plan" : "apply") + " --help)");
    }
  }

  if (args.command != Command::Version && !fileSeen) {
    return core::invalid("-f", "is required: the DatabaseSchema YAML file (or - for standard input)");
  }
  return args;
}

std::string usage() {
  return R"(schema-operator keeps PostgreSQL schemas aligned with DatabaseSchema resources.

Usage:
  schema-operator plan  -f FILE [--database-url URL] [-o text|json]
  schema-operator apply -f FILE [--database-url URL] [--allow-destructive] [-o text|json]
  schema-operator run   [--kubeconfig FILE] [--namespace NS] [--leader-elect] ...
  schema-operator version
  schema-operator help [COMMAND]

Commands:
  plan     Compare the database with the file and print the drift and the plan. Changes nothing.
           Exit 0 in sync, 2 drift found, 1 error.
  apply    Apply what mode: Apply would: safe changes always, destructive ones only when approved.
           Exit 0 when the database then matches, 2 when changes are still pending, 1 error.
  run      The controller: reconcile every DatabaseSchema of the cluster until SIGTERM.
  version  Print the version.
  help     Print this help, or a command's.

Run `schema-operator COMMAND --help` for a command's flags.
)";
}

std::string commandUsage(Command cmd) {
  const std::string connectionFlags = R"(
Connection:
  --database-url URL       libpq URL or key=value string (default: $DATABASE_URL, which keeps a
                           password out of the process list)
  --ssl-mode MODE          disable | require | verify-ca | verify-full (default verify-full; else the
                           stricter of the document's spec.connection.sslMode and the URL's sslmode)
  --root-cert FILE         CA bundle to verify the server with (default: $PG_SSL_ROOT_CERT)
  --allow-self-signed      trust the server's own self-signed certificate
                           (default: $PG_SSL_ALLOW_SELF_SIGNED=true, else spec.connection.allowSelfSigned)
  --connect-timeout SECS   give up connecting after SECS seconds (default 10)
  --single-connection      read the catalog over one connection only (by default a schema
                           declaring 200 tables or more is read over two, in one snapshot)
)";
  const std::string common = R"(
  -f, --file FILE          one or more DatabaseSchema documents; - reads standard input
  -o, --output FORMAT      text (default) or json (one JSON object per document, one per line)
)";
  switch (cmd) {
    case Command::Plan:
      return "Usage: schema-operator plan -f FILE [flags]\n\n"
             "Compare the database with each document and print the drift and the plan. Changes nothing.\n"
             "Exit status: 0 in sync, 2 drift found, 1 error.\n\nFlags:" +
             common + connectionFlags;
    case Command::Apply:
      return "Usage: schema-operator apply -f FILE [flags]\n\n"
             "Apply what `mode: Apply` would: every safe change, and destructive changes only with\n"
             "--allow-destructive or the document's dbschema.io/allow-destructive annotation.\n"
             "A document with `mode: Plan` is only planned.\n"
             "Exit status: 0 the database then matches, 2 changes still pending (blocked or destructive), 1 error.\n\n"
             "Flags:" +
             common +
             "  --allow-destructive      approve every destructive change (drops, type changes)\n"
             "  --lock-timeout DURATION  the longest one attempt at a step's table lock may make the\n"
             "                           application's queries wait, e.g. 300ms or 1s (default 300ms;\n"
             "                           else the document's spec.apply.lockTimeout)\n"
             "  --lock-retry-budget DURATION\n"
             "                           how long a step keeps trying for its locks, waiting while another\n"
             "                           session holds a conflicting one (default 5m; spec.apply.lockRetryBudget)\n"
             "  --statement-timeout DURATION\n"
             "                           statement_timeout of a step that blocks writes, 0 for none (default 1m;\n"
             "                           spec.apply.statementTimeout); never on CONCURRENTLY or VALIDATE\n"
             "  --lock-retries N         deprecated and ignored: retries are bounded by --lock-retry-budget\n" +
             connectionFlags;
    case Command::Version:
      return "Usage: schema-operator version\n\nPrint the version.\n";
    case Command::Help:
      return usage();
  }
  return usage();
}

}  // namespace cli
