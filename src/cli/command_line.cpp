#include "cli/command_line.hpp"

#include <charconv>
#include <climits>
#include <functional>

#include <CLI/CLI.hpp>

#include "cli/completion.hpp"
#include "http/bind_address.hpp"

namespace cli {

namespace {

// ---- Values: each check says what was expected; CLI11 puts the flag in front ("--flag: …").

std::string inQuotes(const std::string& text) { return "\"" + text + "\""; }

// "a, b or c"
std::string choiceList(const std::vector<std::string>& choices) {
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i)
    list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  return list;
}

CLI::Validator oneOf(const std::vector<std::string>& choices) {
  return CLI::Validator(
      [choices](std::string& value) -> std::string {
        for (const auto& choice : choices)
          if (value == choice) return "";
        return "expected " + choiceList(choices) + ", got " + inQuotes(value);
      },
      "");
}

CLI::Validator wholeNumber(long long min, long long max) {
  return CLI::Validator(
      [min, max](std::string& value) -> std::string {
        long long n = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec == std::errc{} && end == value.data() + value.size() && !value.empty() && n >= min && n <= max) return "";
        const std::string range = max == INT_MAX ? "of at least " + std::to_string(min)
                                                 : "from " + std::to_string(min) + " to " + std::to_string(max);
        return "expected a whole number " + range + ", got " + inQuotes(value);
      },
      "");
}

CLI::Validator durationAtLeast(std::chrono::milliseconds minimum) {
  return CLI::Validator(
      [minimum](std::string& value) -> std::string {
        auto duration = parseTimeout(value, "");
        if (!duration) return duration.error().message;
        if (*duration < minimum) return "must be at least " + std::to_string(minimum.count()) + "ms";
        return "";
      },
      "");
}

CLI::Validator nonEmpty(const std::string& what) {
  return CLI::Validator([what](std::string& value) -> std::string { return value.empty() ? "needs " + what : ""; }, "");
}

CLI::Validator bindAddress() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto parsed = http::parseBindAddress(value, "");
        return parsed ? "" : parsed.error().message;
      },
      "");
}

// ---- Options whose value is converted on the way in.

using Duration = std::chrono::milliseconds;

CLI::Option* addDuration(CLI::App& cmd, const std::string& name, std::function<void(Duration)> set,
                         const std::string& description, Duration minimum = Duration(0)) {
  auto store = [set](const std::string& value) { set(*parseTimeout(value, "")); };
  return cmd.add_option_function<std::string>(name, store, description)
      ->type_name("DURATION")
      ->check(durationAtLeast(minimum));
}

// One of a few words, stored as what `parse` makes of it. The choices are the option's type name
// too ("text|json"): help shows them and the completion scripts offer them (cli/completion.cpp).
template <typename Parse, typename Target>
CLI::Option* addChoice(CLI::App& cmd, const std::string& name, const std::vector<std::string>& choices, Parse parse,
                       Target& target, const std::string& description) {
  auto store = [parse, &target](const std::string& value) { target = *parse(value); };
  std::string typeName;
  for (const auto& choice : choices) typeName += (typeName.empty() ? "" : "|") + choice;
  return cmd.add_option_function<std::string>(name, store, description)->type_name(typeName)->check(oneOf(choices));
}

CLI::Option* addBindAddress(CLI::App& cmd, const std::string& name, std::optional<http::BindAddress>& target,
                            const std::string& description) {
  auto store = [&target](const std::string& value) { target = *http::parseBindAddress(value, ""); };
  return cmd.add_option_function<std::string>(name, store, description)->type_name("ADDR")->check(bindAddress());
}

std::optional<OutputFormat> outputFormat(const std::string& text) {
  if (text == "text") return OutputFormat::Text;
  if (text == "json") return OutputFormat::Json;
  return std::nullopt;
}

std::optional<std::string> sameText(const std::string& text) { return text; }

// ---- plan and apply

void addInputOptions(CLI::App& cmd, Args& args) {
  cmd.add_option("-f,--file", args.file, "one or more DatabaseSchema documents; - reads standard input")
      ->type_name("FILE")
      ->required()
      ->check(nonEmpty("a file name (or - for standard input)"));
  addChoice(cmd, "-o,--output", {"text", "json"}, outputFormat, args.output,
            "text (default) or json (one JSON object per document, one per line)");
  cmd.add_flag("--strict", args.strict,
               "fail (exit 1, nothing applied) while the schema holds objects of kinds the resource does not "
               "manage, as spec.strict: true does");
}

void addConnectionOptions(CLI::App& cmd, Args& args) {
  const std::string group = "Connection";
  cmd.add_option("--database-url", args.databaseUrl,
                 "libpq URL or key=value string (the environment keeps a password out of the process list)")
      ->type_name("URL")->envname("DATABASE_URL")->group(group);
  addChoice(cmd, "--ssl-mode", {"disable", "require", "verify-ca", "verify-full"}, sameText, args.sslMode,
            "default verify-full; else the stricter of the document's spec.connection.sslMode and the URL's sslmode")
      ->group(group);
  cmd.add_option("--root-cert", args.rootCertFile, "CA bundle to verify the server with")
      ->type_name("FILE")->envname("PG_SSL_ROOT_CERT")->group(group);
  // Unbound: settle() reads it only when given, so that an absent flag leaves the document's setting.
  cmd.add_flag("--allow-self-signed")
      ->description("trust the server's own self-signed certificate (default: spec.connection.allowSelfSigned)")
      ->envname("PG_SSL_ALLOW_SELF_SIGNED")->group(group);
  cmd.add_option("--connect-timeout", args.connectTimeoutSeconds, "give up connecting after SECS seconds (default 10)")
      ->type_name("SECS")->check(wholeNumber(1, 3600))->group(group);
  cmd.add_flag("--single-connection", args.singleConnection,
               "read the catalog over one connection only (by default a schema declaring 200 tables or more is "
               "read over two, in one snapshot)")
      ->group(group);
}

void addApplyOptions(CLI::App& cmd, Args& args) {
  cmd.add_flag("--allow-destructive", args.allowDestructive, "approve every destructive change (drops, type changes)");
  addDuration(cmd, "--lock-timeout", [&args](Duration d) { args.lockTimeout = d; },
              "the longest one attempt at a step's table lock may make the application's queries wait, e.g. "
              "300ms or 1s (default 300ms; else the document's spec.apply.lockTimeout)",
              Duration(1));
  addDuration(cmd, "--lock-retry-budget", [&args](Duration d) { args.lockRetryBudget = d; },
              "how long a step keeps trying for its locks, waiting while another session holds a conflicting one "
              "(default 5m; else spec.apply.lockRetryBudget)");
  addDuration(cmd, "--statement-timeout", [&args](Duration d) { args.statementTimeout = d; },
              "statement_timeout of a step that blocks writes, 0 for none (default 1m; else "
              "spec.apply.statementTimeout); never on CONCURRENTLY or VALIDATE");
  cmd.add_option_function<int>("--lock-retries", [&args](int) { args.lockRetriesGiven = true; },
                               "deprecated and ignored: retries are bounded by --lock-retry-budget")
      ->type_name("N")->check(wholeNumber(0, 100));
}

// plan changes nothing, so it has no --allow-destructive; asking for it is a mistake worth naming.
void refuseAllowDestructive(CLI::App& plan) {
  plan.add_flag_callback("--allow-destructive", [] {
        throw CLI::ValidationError("--allow-destructive", "only apply takes it (plan changes nothing)");
      })
      ->group("");
}

void definePlan(CLI::App& app, Args& args) {
  auto* plan = app.add_subcommand("plan", "Compare the database with the file and print the drift and the plan. "
                                          "Changes nothing.");
  plan->footer(
      "Exit status: 0 in sync, 2 drift found, 1 error (with --strict or spec.strict: true, also objects in\n"
      "the schema of kinds the resource does not manage).");
  addInputOptions(*plan, args);
  addConnectionOptions(*plan, args);
  refuseAllowDestructive(*plan);
}

void defineApply(CLI::App& app, Args& args) {
  auto* apply = app.add_subcommand("apply", "Apply what `mode: Apply` would: safe changes always, destructive ones "
                                            "only when approved.");
  apply->footer(
      "Destructive changes run only with --allow-destructive or the document's dbschema.io/allow-destructive\n"
      "annotation. A document with `mode: Plan` is only planned.\n"
      "Exit status: 0 the database then matches, 2 changes still pending (blocked or destructive), 1 error\n"
      "(with --strict or spec.strict: true, also objects in the schema of kinds the resource does not manage:\n"
      "nothing is applied).");
  addInputOptions(*apply, args);
  addApplyOptions(*apply, args);
  addConnectionOptions(*apply, args);
}

// ---- export

std::optional<bool> exportFormatIsJson(const std::string& text) {
  if (text == "yaml") return false;
  if (text == "json") return true;
  return std::nullopt;
}

// NAME or NAME/KEY: a Secret's name and, optionally, the key holding the URL.
CLI::Validator secretReference() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const auto slash = value.find('/');
        const std::string name = value.substr(0, slash);
        if (name.empty()) return "expected NAME or NAME/KEY, got " + inQuotes(value);
        if (slash != std::string::npos && (slash + 1 == value.size() || value.find('/', slash + 1) != std::string::npos))
          return "expected NAME or NAME/KEY, got " + inQuotes(value);
        return "";
      },
      "");
}

void defineExport(CLI::App& app, Args& args) {
  auto* exp = app.add_subcommand("export", "Print the DatabaseSchema of a live schema (to adopt an existing "
                                           "database). Changes nothing.");
  exp->footer(
      "The document has mode: Plan. Objects a resource cannot express are listed as comments at the top\n"
      "and on standard error, never silently dropped.\n"
      "Exit status: 0 written, 1 error (a URL that does not parse, an unreachable server, no such schema).");
  ExportArgs& e = args.exporting;
  exp->add_option("--schema", e.schema, "the PostgreSQL schema to export (default public)")
      ->type_name("SCHEMA")->check(nonEmpty("a schema name"));
  exp->add_option("--name", e.name, "metadata.name (default: the database's name)")->type_name("NAME");
  exp->add_option("-n,--namespace", e.ns, "metadata.namespace (default: none written)")->type_name("NS");
  exp->add_option("--secret", e.secret,
                  "the Secret holding the database URL, as NAME or NAME/KEY (key default DATABASE_URL); "
                  "without it, a placeholder the output explains")
      ->type_name("NAME[/KEY]")->check(secretReference());
  exp->add_option("--seed", e.seedTables, "write this table's rows as seed rows (repeatable; for lookup tables)")
      ->type_name("TABLE")->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false)
      ->check(nonEmpty("a table name"));
  addChoice(*exp, "-o,--output", {"yaml", "json"}, exportFormatIsJson, e.json, "yaml (default) or json");
  addConnectionOptions(*exp, args);
}

// ---- run

void addKubernetesOptions(CLI::App& run, operator_::Options& o) {
  const std::string group = "Kubernetes";
  run.add_option("--kubeconfig", o.kubeconfig, "kubeconfig to use (default: in-cluster, else ~/.kube/config)")
      ->type_name("FILE")->envname("KUBECONFIG")->group(group);
  run.add_option("--context", o.context, "kubeconfig context (default: the current one)")
      ->type_name("NAME")->group(group);
  run.add_option("-n,--namespace", o.namespaces,
                 "watch only these namespaces (repeatable or comma-separated; default: all)")
      ->type_name("NS")->delimiter(',')->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->group(group);
}

void addReconcileOptions(CLI::App& run, operator_::Options& o) {
  const std::string group = "Reconciling";
  run.add_option("--concurrency", o.concurrency, "reconciles at once (default 4; never two for one resource)")
      ->type_name("N")->check(wholeNumber(1, INT_MAX))->group(group);
  run.add_option("--connect-timeout", o.connectTimeoutSeconds, "database connect timeout (default 10)")
      ->type_name("SECONDS")->check(wholeNumber(0, INT_MAX))->group(group);
  addDuration(run, "--lock-timeout", [&o](Duration d) { o.lockTimeout = d; },
              "the longest one attempt at a table lock may make the application's queries wait (default 300ms; "
              "a resource's spec.apply.lockTimeout wins)", Duration(1))->group(group);
  addDuration(run, "--lock-retry-budget", [&o](Duration d) { o.lockRetryBudget = d; },
              "how long a step keeps trying for its locks (default 5m; spec.apply.lockRetryBudget wins)")->group(group);
  addDuration(run, "--statement-timeout", [&o](Duration d) { o.statementTimeout = d; },
              "statement_timeout of a step that blocks writes, 0 for none (default 1m; spec.apply.statementTimeout "
              "wins)")->group(group);
  run.add_option_function<int>("--lock-retries", [&o](int) { o.lockRetriesGiven = true; },
                               "deprecated and ignored (retries are bounded by --lock-retry-budget)")
      ->type_name("N")->check(wholeNumber(0, INT_MAX))->group(group);
  run.add_option("--runtime-dir", o.runtimeDir,
                 "where CA bundles from Secrets are written for libpq (default: a private 0700 directory made "
                 "under $TMPDIR or /tmp, removed at exit)")
      ->type_name("DIR")->group(group);
}

void addLeaderElectionOptions(CLI::App& run, operator_::Options& o) {
  const std::string group = "Leader election (one replica reconciles; the others stand by)";
  run.add_flag("--leader-elect", o.leaderElect, "enable it")->group(group);
  run.add_option("--leader-election-namespace", o.leaseNamespace,
                 "the Lease's namespace (default: the pod's namespace, else default)")
      ->type_name("NS")->group(group);
  run.add_option("--leader-election-id", o.leaseName, "the Lease's name (default schema-operator)")
      ->type_name("NAME")->group(group);
  addDuration(run, "--lease-duration", [&o](Duration d) { o.leaseDuration = d; }, "default 15s")->group(group);
  addDuration(run, "--renew-deadline", [&o](Duration d) { o.renewDeadline = d; }, "default 10s")->group(group);
  addDuration(run, "--retry-period", [&o](Duration d) { o.retryPeriod = d; }, "default 2s")->group(group);
}

void addObservabilityOptions(CLI::App& run, operator_::Options& o) {
  const std::string group = "Observability";
  addBindAddress(run, "--metrics-bind-address", o.metricsAddress,
                 "Prometheus /metrics: host:port, :port or 0 for off (default :8080)")->group(group);
  addBindAddress(run, "--health-probe-bind-address", o.probeAddress,
                 "/healthz and /readyz: host:port, :port or 0 for off (default :8081)")->group(group);
  addChoice(run, "--log-level", {"debug", "info", "warn", "error"}, core::log::parseLevel, o.logLevel, "default info")
      ->group(group);
  addChoice(run, "--log-format", {"json", "text"}, core::log::parseFormat, o.logFormat, "default json")->group(group);
}

void defineRun(CLI::App& app, operator_::Options& o) {
  auto* run = app.add_subcommand("run", "The controller: reconcile every DatabaseSchema of the cluster until SIGTERM.");
  run->footer("Stops cleanly on SIGTERM or SIGINT: no new work, the step in flight finishes, the lease is released.");
  addKubernetesOptions(*run, o);
  addReconcileOptions(*run, o);
  addLeaderElectionOptions(*run, o);
  addObservabilityOptions(*run, o);
}

// ---- version, help, completion

void defineSmallCommands(CLI::App& app, Invocation& parsed, std::string& helpTopic) {
  app.add_subcommand("version", "Print the version.");
  app.add_flag_callback("--version", [&parsed] { parsed.command = Command::Version; }, "print the version");
  auto* help = app.add_subcommand("help", "Print this help, or a command's.");
  help->add_option("command", helpTopic, "the command to describe")->type_name("COMMAND");
  auto* completion = app.add_subcommand("completion", "Print a shell completion script (bash or zsh).");
  completion->footer("bash: source <(schema-operator completion bash)\n"
                     "zsh:  schema-operator completion zsh > \"${fpath[1]}/_schema-operator\"");
  completion->add_option("shell", parsed.shell, "bash or zsh")->type_name("bash|zsh")->required()->check(
      oneOf({"bash", "zsh"}));
}

std::unique_ptr<CLI::App> defineProgram(Invocation& parsed, std::string& helpTopic) {
  auto app = std::make_unique<CLI::App>(
      "schema-operator keeps PostgreSQL schemas aligned with DatabaseSchema resources.", "schema-operator");
  app->get_formatter()->column_width(38);
  app->require_subcommand(0, 1);
  // A flag given twice means its last value, as in most command lines (repeatable ones say so).
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->footer("Run `schema-operator COMMAND --help` for a command's flags.");
  definePlan(*app, parsed.planArgs);
  defineApply(*app, parsed.args);
  defineExport(*app, parsed.exportArgs);
  defineRun(*app, parsed.serve);
  defineSmallCommands(*app, parsed, helpTopic);
  return app;
}

// ---- After parsing

Command commandNamed(const std::string& name) {
  if (name == "plan") return Command::Plan;
  if (name == "apply") return Command::Apply;
  if (name == "export") return Command::Export;
  if (name == "run") return Command::Run;
  if (name == "completion") return Command::Completion;
  if (name == "version") return Command::Version;
  return Command::Help;
}

bool namesCommand(const CLI::App& app, const std::string& word) {
  return !app.get_subcommands([&word](const CLI::App* sub) { return sub->check_name(word); }).empty();
}

core::Error unknownCommand(const std::string& word) {
  return core::invalid("", "unknown command " + inQuotes(word) + " (try: schema-operator help)");
}

// A command's help as `schema-operator COMMAND --help` prints it.
std::string helpOf(const CLI::App& app, const CLI::App& command) {
  const std::string usage = &app == &command ? app.get_name() : app.get_name() + " " + command.get_name();
  return app.get_formatter()->make_help(&command, usage, CLI::AppFormatMode::Normal);
}

// Where to read on after an error: the help of the command at fault.
std::string hint(const CLI::App& app) {
  const auto chosen = app.get_subcommands();
  return " (try: schema-operator " + (chosen.empty() ? std::string("help") : chosen.front()->get_name() + " --help") +
         ")";
}

// Whether argv names the option itself (so its value did not come from the environment).
bool givenOnCommandLine(const CLI::Option& option, const std::vector<std::string>& argv) {
  for (const auto& word : argv) {
    const std::string name = word.substr(0, word.find('='));
    if (name.size() > 1 && name[0] == '-' && option.check_name(name)) return true;
  }
  return false;
}

// The environment variables that gave an option its value.
std::set<std::string> variablesUsed(const CLI::App& command, const std::vector<std::string>& argv) {
  std::set<std::string> used;
  for (const CLI::Option* option : command.get_options()) {
    if (!option->get_envname().empty() && option->count() > 0 && !givenOnCommandLine(*option, argv))
      used.insert(option->get_envname());
  }
  return used;
}

// A switch left unbound: nullopt when absent, else what it (or its environment variable) says.
core::Result<std::optional<bool>> switchGiven(const CLI::Option& option, const std::set<std::string>& fromEnvironment) {
  if (option.count() == 0) return std::optional<bool>();
  try {
    return std::optional<bool>(option.as<bool>());
  } catch (const CLI::ConversionError&) {
    const bool fromVariable = fromEnvironment.count(option.get_envname()) > 0;
    return core::invalid(fromVariable ? option.get_envname() : option.get_name(),
                         "expected true or false, got " + inQuotes(option.results().back()));
  }
}

core::Result<void> checkLeaseTimes(const operator_::Options& o) {
  if (o.renewDeadline >= o.leaseDuration) return core::invalid("--renew-deadline", "must be shorter than --lease-duration");
  return {};
}

// "--flag=" is the flag with an empty value. CLI11 would take the next word as its value instead
// (`--namespace= --concurrency=8` would watch a namespace named "--concurrency=8"), so it gets the
// empty value as a word of its own. Reversed, as CLI11 takes the words last first.
std::vector<std::string> wordsForCli11(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (auto word = argv.rbegin(); word != argv.rend(); ++word) {
    const bool emptyValue = word->starts_with("--") && word->size() > 3 && word->find('=') == word->size() - 1;
    if (emptyValue) words.emplace_back();
    words.push_back(emptyValue ? word->substr(0, word->size() - 1) : *word);
  }
  return words;
}

}  // namespace

CommandLine::CommandLine() : app_(defineProgram(parsed_, helpTopic_)) {}
CommandLine::~CommandLine() = default;

core::Result<Invocation> CommandLine::parse(const std::vector<std::string>& argv) {
  if (!argv.empty() && !argv[0].starts_with("-") && !namesCommand(*app_, argv[0])) return unknownCommand(argv[0]);
  try {
    std::vector<std::string> reversed = wordsForCli11(argv);
    app_->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    parsed_.command = Command::Help;
    parsed_.text = app_->help();
    return parsed_;
  } catch (const CLI::ParseError& e) {
    return core::invalid("", e.what() + hint(*app_));
  }
  return settle(argv);
}

// What the definitions cannot say: the command chosen, values that depend on each other, and
// the texts help and completion print.
core::Result<Invocation> CommandLine::settle(const std::vector<std::string>& argv) {
  const auto chosen = app_->get_subcommands();
  if (chosen.empty()) {
    if (parsed_.command != Command::Version) parsed_.text = helpOf(*app_, *app_);
    return parsed_;
  }
  parsed_.command = commandNamed(chosen.front()->get_name());
  if (parsed_.command == Command::Plan) parsed_.args = std::move(parsed_.planArgs);
  if (parsed_.command == Command::Export) parsed_.args = std::move(parsed_.exportArgs);
  switch (parsed_.command) {
    case Command::Plan:
    case Command::Apply:
    case Command::Export:
      parsed_.args.fromEnvironment = variablesUsed(*chosen.front(), argv);
      if (auto given = switchGiven(*chosen.front()->get_option("--allow-self-signed"), parsed_.args.fromEnvironment))
        parsed_.args.allowSelfSigned = *given;
      else
        return given.error();
      break;
    case Command::Run:
      std::erase(parsed_.serve.namespaces, std::string());
      if (auto valid = checkLeaseTimes(parsed_.serve); !valid) return valid.error();
      break;
    case Command::Help:
      if (!helpTopic_.empty() && !namesCommand(*app_, helpTopic_)) return unknownCommand(helpTopic_);
      parsed_.text = helpOf(*app_, helpTopic_.empty() ? *app_ : *app_->get_subcommand(helpTopic_));
      break;
    case Command::Completion:
      parsed_.text = completionScript(*app_, parsed_.shell);
      break;
    case Command::Version:
      break;
  }
  return parsed_;
}

core::Result<Invocation> parseCommandLine(const std::vector<std::string>& argv) { return CommandLine().parse(argv); }

}  // namespace cli
