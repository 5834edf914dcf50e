// The command line as data: each command's flags, their environment fallbacks and defaults, and
// the errors that name the flag at fault (src/cli/command_line.cpp).
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/command_line.hpp"

namespace {

using cli::Command;
using cli::parseCommandLine;

// Sets (or, with nullopt, removes) environment variables for one test and restores them after.
using Variables = std::map<std::string, std::optional<std::string>>;

class Environment {
 public:
  explicit Environment(const Variables& values) {
    for (const auto& [name, value] : values) {
      const char* old = ::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      set(name, value);
    }
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) set(name, value);
  }

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

const Variables kNoConnectionEnvironment = {
    {"DATABASE_URL", std::nullopt}, {"PG_SSL_ROOT_CERT", std::nullopt}, {"PG_SSL_ALLOW_SELF_SIGNED", std::nullopt},
    {"KUBECONFIG", std::nullopt}};

cli::Invocation parsed(const std::vector<std::string>& argv) {
  auto r = parseCommandLine(argv);
  if (!r) ADD_FAILURE() << r.error().describe();
  return r ? *r : cli::Invocation{};
}

std::string errorOf(const std::vector<std::string>& argv) {
  auto r = parseCommandLine(argv);
  if (r) ADD_FAILURE() << "parsed without an error";
  return r ? "" : r.error().describe();
}

TEST(CommandLine, PlanAndApplyTakeTheirFlagsAsSeparateWordsOrAfterAnEqualsSign) {
  Environment env(kNoConnectionEnvironment);
  const auto plan = parsed({"plan", "-f", "shop.yaml", "--output=json", "--database-url", "host=/tmp", "--ssl-mode=require",
                            "--connect-timeout", "30", "--single-connection", "--allow-self-signed"});
  EXPECT_EQ(plan.command, Command::Plan);
  EXPECT_EQ(plan.args.file, "shop.yaml");
  EXPECT_EQ(plan.args.output, cli::OutputFormat::Json);
  EXPECT_EQ(plan.args.databaseUrl, "host=/tmp");
  EXPECT_EQ(plan.args.sslMode, "require");
  EXPECT_EQ(plan.args.connectTimeoutSeconds, 30);
  EXPECT_TRUE(plan.args.singleConnection);
  EXPECT_EQ(plan.args.allowSelfSigned, true);
  EXPECT_TRUE(plan.args.fromEnvironment.empty());

  const auto apply = parsed({"apply", "--file=-", "--allow-destructive", "--lock-timeout", "500ms",
                             "--lock-retry-budget", "2m", "--statement-timeout=0", "--lock-retries=8"});
  EXPECT_EQ(apply.command, Command::Apply);
  EXPECT_EQ(apply.args.file, "-");
  EXPECT_TRUE(apply.args.allowDestructive);
  EXPECT_EQ(apply.args.lockTimeout, std::chrono::milliseconds(500));
  EXPECT_EQ(apply.args.lockRetryBudget, std::chrono::minutes(2));
  EXPECT_EQ(apply.args.statementTimeout, std::chrono::milliseconds(0));
  EXPECT_TRUE(apply.args.lockRetriesGiven);  // deprecated: accepted, warned about, ignored
}

TEST(CommandLine, PlanDefaultsLeaveTheConnectionToTheDocument) {
  Environment env(kNoConnectionEnvironment);
  const auto plan = parsed({"plan", "-f", "x.yaml"});
  EXPECT_EQ(plan.args.output, cli::OutputFormat::Text);
  EXPECT_FALSE(plan.args.databaseUrl);
  EXPECT_FALSE(plan.args.sslMode);
  EXPECT_FALSE(plan.args.rootCertFile);
  EXPECT_FALSE(plan.args.allowSelfSigned);
  EXPECT_EQ(plan.args.connectTimeoutSeconds, 10);
  EXPECT_FALSE(plan.args.singleConnection);
  EXPECT_FALSE(plan.args.lockTimeout);
  EXPECT_FALSE(plan.args.lockRetryBudget);
  EXPECT_FALSE(plan.args.statementTimeout);
  EXPECT_FALSE(plan.args.lockRetriesGiven);
}

TEST(CommandLine, UnsetFlagsFallBackToTheirEnvironmentVariablesAndAFlagWins) {
  Environment env(Variables{{"DATABASE_URL", "host=/env"}, {"PG_SSL_ROOT_CERT", "/env/ca.crt"}, {"PG_SSL_ALLOW_SELF_SIGNED", "true"}});
  const auto fromEnv = parsed({"plan", "-f", "x.yaml"});
  EXPECT_EQ(fromEnv.args.databaseUrl, "host=/env");
  EXPECT_EQ(fromEnv.args.rootCertFile, "/env/ca.crt");
  EXPECT_EQ(fromEnv.args.allowSelfSigned, true);
  EXPECT_EQ(fromEnv.args.fromEnvironment,
            (std::set<std::string>{"DATABASE_URL", "PG_SSL_ROOT_CERT", "PG_SSL_ALLOW_SELF_SIGNED"}));

  // The flag wins over the environment in every command: one command's variable must not
  // overwrite the flag given to another (a plan against the wrong database).
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"plan", "-f", "x.yaml"}, {"apply", "-f", "x.yaml"}, {"export"}}) {
    auto words = command;
    for (const char* w : {"--database-url=host=/flag", "--root-cert", "/flag/ca.crt", "--allow-self-signed=false"})
      words.emplace_back(w);
    const auto flags = parsed(words);
    EXPECT_EQ(flags.args.databaseUrl, "host=/flag") << command[0];
    EXPECT_EQ(flags.args.rootCertFile, "/flag/ca.crt") << command[0];
    EXPECT_EQ(flags.args.allowSelfSigned, false) << command[0];
    EXPECT_TRUE(flags.args.fromEnvironment.empty()) << command[0];
  }
}

TEST(CommandLine, AnEmptyEnvironmentVariableIsNoValue) {
  Environment env(Variables{{"DATABASE_URL", ""}, {"PG_SSL_ROOT_CERT", ""}, {"PG_SSL_ALLOW_SELF_SIGNED", ""}});
  const auto plan = parsed({"plan", "-f", "x.yaml"});
  EXPECT_FALSE(plan.args.databaseUrl);
  EXPECT_FALSE(plan.args.rootCertFile);
  EXPECT_FALSE(plan.args.allowSelfSigned);
}

TEST(CommandLine, AFlagWithAnEqualsSignAndNothingAfterHasAnEmptyValue) {
  Environment env(kNoConnectionEnvironment);
  EXPECT_EQ(parsed({"plan", "-f", "x.yaml", "--database-url=", "-o", "json"}).args.databaseUrl.value_or("unset"),
            parsed({"plan", "-f", "x.yaml", "--database-url", "", "-o", "json"}).args.databaseUrl.value_or("unset"));
  EXPECT_EQ(parsed({"plan", "-f", "x.yaml", "--database-url=", "-o", "json"}).args.output, cli::OutputFormat::Json);
  // Only the first '=' separates: a value may end with one.
  EXPECT_EQ(parsed({"plan", "-f", "x.yaml", "--database-url=host=/tmp password="}).args.databaseUrl,
            "host=/tmp password=");
}

TEST(CommandLine, AFlagGivenTwiceTakesItsLastValue) {
  Environment env(kNoConnectionEnvironment);
  const auto plan = parsed({"plan", "-f", "a.yaml", "-o", "json", "-f", "b.yaml", "-o", "text"});
  EXPECT_EQ(plan.args.file, "b.yaml");
  EXPECT_EQ(plan.args.output, cli::OutputFormat::Text);
}

TEST(CommandLine, RunHasTheDaemonsDefaults) {
  Environment env(kNoConnectionEnvironment);
  const auto run = parsed({"run"});
  ASSERT_EQ(run.command, Command::Run);
  const operator_::Options& o = run.serve;
  EXPECT_EQ(o.kubeconfig, "");
  EXPECT_TRUE(o.namespaces.empty());
  EXPECT_EQ(o.concurrency, 4);
  EXPECT_FALSE(o.leaderElect);
  EXPECT_EQ(o.leaseName, "schema-operator");
  EXPECT_EQ(o.leaseDuration, std::chrono::seconds(15));
  EXPECT_EQ(o.renewDeadline, std::chrono::seconds(10));
  EXPECT_EQ(o.retryPeriod, std::chrono::seconds(2));
  ASSERT_TRUE(o.metricsAddress);
  EXPECT_EQ(o.metricsAddress->str(), http::parseBindAddress(":8080", "")->value().str());
  ASSERT_TRUE(o.probeAddress);
  EXPECT_EQ(o.probeAddress->str(), http::parseBindAddress(":8081", "")->value().str());
  EXPECT_EQ(o.logLevel, core::log::Level::Info);
  EXPECT_EQ(o.logFormat, core::log::Format::Json);
  EXPECT_EQ(o.connectTimeoutSeconds, 10);
  EXPECT_EQ(o.lockTimeout, std::chrono::milliseconds(300));
  EXPECT_EQ(o.lockRetryBudget, std::chrono::minutes(5));
  EXPECT_EQ(o.statementTimeout, std::chrono::minutes(1));
  EXPECT_FALSE(o.lockRetriesGiven);
  EXPECT_EQ(o.runtimeDir, "");
}

TEST(CommandLine, RunTakesEveryFlagOfTheDeployment) {
  Environment env(Variables{{"KUBECONFIG", "/env/kubeconfig"}});
  const auto run = parsed({"run", "--namespace", "a,b", "-n", "c", "--namespace=", "--concurrency=8", "--leader-elect",
                           "--leader-election-namespace=ops", "--leader-election-id", "lease", "--lease-duration=30s",
                           "--renew-deadline", "20s", "--retry-period", "500ms", "--metrics-bind-address=0",
                           "--health-probe-bind-address", "127.0.0.1:9000", "--log-level=debug", "--log-format", "text",
                           "--connect-timeout", "0", "--lock-timeout=1m", "--lock-retries", "200", "--lock-retry-budget=10m",
                           "--statement-timeout", "30s", "--runtime-dir=/run/x",
                           "--context", "kind"});
  const operator_::Options& o = run.serve;
  EXPECT_EQ(o.kubeconfig, "/env/kubeconfig");
  EXPECT_EQ(o.context, "kind");
  EXPECT_EQ(o.namespaces, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(o.concurrency, 8);
  EXPECT_TRUE(o.leaderElect);
  EXPECT_EQ(o.leaseNamespace, "ops");
  EXPECT_EQ(o.leaseName, "lease");
  EXPECT_EQ(o.leaseDuration, std::chrono::seconds(30));
  EXPECT_EQ(o.renewDeadline, std::chrono::seconds(20));
  EXPECT_EQ(o.retryPeriod, std::chrono::milliseconds(500));
  EXPECT_FALSE(o.metricsAddress);
  ASSERT_TRUE(o.probeAddress);
  EXPECT_EQ(o.probeAddress->str(), "127.0.0.1:9000");
  EXPECT_EQ(o.logLevel, core::log::Level::Debug);
  EXPECT_EQ(o.logFormat, core::log::Format::Text);
  EXPECT_EQ(o.connectTimeoutSeconds, 0);
  EXPECT_EQ(o.lockTimeout, std::chrono::minutes(1));
  EXPECT_EQ(o.lockRetryBudget, std::chrono::minutes(10));
  EXPECT_EQ(o.statementTimeout, std::chrono::seconds(30));
  EXPECT_TRUE(o.lockRetriesGiven);
  EXPECT_EQ(o.runtimeDir, "/run/x");

  EXPECT_EQ(parsed({"run", "--kubeconfig", "/flag/kubeconfig"}).serve.kubeconfig, "/flag/kubeconfig");
  EXPECT_FALSE(parsed({"run", "--leader-elect=false"}).serve.leaderElect);
}

TEST(CommandLine, HelpVersionAndCompletionComeBackWithTheirText) {
  const auto overview = parsed({});
  EXPECT_EQ(overview.command, Command::Help);
  for (const char* command : {"plan", "apply", "run", "version", "help", "completion"})
    EXPECT_NE(overview.text.find(command), std::string::npos) << command;
  const auto planHelp = parsed({"help", "plan"});
  EXPECT_EQ(planHelp.command, Command::Help);
  EXPECT_NE(planHelp.text.find("--single-connection"), std::string::npos) << planHelp.text;
  EXPECT_EQ(planHelp.text, parsed({"plan", "--help"}).text);
  EXPECT_NE(parsed({"run", "-h"}).text.find("--health-probe-bind-address"), std::string::npos);
  EXPECT_NE(parsed({"--help"}).text.find("completion"), std::string::npos);
  EXPECT_EQ(parsed({"version"}).command, Command::Version);
  EXPECT_EQ(parsed({"--version"}).command, Command::Version);
  const auto completion = parsed({"completion", "bash"});
  EXPECT_EQ(completion.command, Command::Completion);
  EXPECT_NE(completion.text.find("complete -F"), std::string::npos);
}

// Each bad command line is an error that names the flag (or command) at fault.
TEST(CommandLine, ErrorsNameTheFlagAtFault) {
  Environment env(kNoConnectionEnvironment);
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
      {{"migrate"}, {"unknown command \"migrate\""}},
      {{"help", "migrate"}, {"unknown command \"migrate\""}},
      {{"plan"}, {"--file", "required"}},
      {{"plan", "-f"}, {"--file"}},
      {{"plan", "-f", ""}, {"--file", "needs a file name"}},
      {{"plan", "-f", "x", "--frobnicate"}, {"--frobnicate", "schema-operator plan --help"}},
      {{"plan", "-f", "x", "--allow-destructive"}, {"--allow-destructive", "only apply takes it"}},
      {{"plan", "-f", "x", "-o", "yaml"}, {"--output", "\"yaml\""}},
      {{"plan", "-f", "x", "--ssl-mode", "prefer"}, {"--ssl-mode", "\"prefer\""}},
      {{"plan", "-f", "x", "--connect-timeout", "0"}, {"--connect-timeout", "\"0\""}},
      {{"plan", "-f", "x", "--connect-timeout", "3601"}, {"--connect-timeout", "\"3601\""}},
      {{"plan", "-f", "x", "--allow-self-signed=maybe"}, {"--allow-self-signed"}},
      {{"apply", "-f", "x", "--lock-timeout", "5x"}, {"--lock-timeout", "\"5x\""}},
      {{"apply", "-f", "x", "--lock-timeout", "0ms"}, {"--lock-timeout", "at least 1ms"}},
      {{"apply", "-f", "x", "--lock-retries", "101"}, {"--lock-retries", "\"101\""}},
      {{"apply", "-f", "x", "--database-url"}, {"--database-url"}},
      {{"version", "--verbose"}, {"--verbose"}},
      {{"run", "--frobnicate"}, {"--frobnicate", "schema-operator run --help"}},
      {{"run", "--concurrency", "0"}, {"--concurrency", "\"0\""}},
      {{"run", "--concurrency", "many"}, {"--concurrency", "\"many\""}},
      {{"run", "--lease-duration", "soon"}, {"--lease-duration", "\"soon\""}},
      {{"run", "--renew-deadline", "15s"}, {"--renew-deadline", "shorter than --lease-duration"}},
      {{"run", "--metrics-bind-address", "localhost"}, {"--metrics-bind-address", "localhost"}},
      {{"run", "--health-probe-bind-address", ":99999"}, {"--health-probe-bind-address"}},
      {{"run", "--log-level", "loud"}, {"--log-level", "\"loud\""}},
      {{"run", "--log-format", "xml"}, {"--log-format", "\"xml\""}},
      {{"completion"}, {"shell", "required"}},
      {{"completion", "fish"}, {"\"fish\"", "bash or zsh"}},
  };
  for (const auto& [argv, words] : cases) {
    const std::string error = errorOf(argv);
    for (const auto& word : words) EXPECT_NE(error.find(word), std::string::npos) << argv.front() << ": " << error;
  }
}

TEST(CommandLine, ASwitchFromTheEnvironmentThatIsNotABooleanNamesTheVariable) {
  Environment env(Variables{{"PG_SSL_ALLOW_SELF_SIGNED", "maybe"}});
  EXPECT_EQ(errorOf({"plan", "-f", "x.yaml"}), "PG_SSL_ALLOW_SELF_SIGNED: expected true or false, got \"maybe\"");
  EXPECT_EQ(errorOf({"plan", "-f", "x.yaml", "--allow-self-signed=maybe"}),
            "--allow-self-signed: expected true or false, got \"maybe\"");
  EXPECT_EQ(parsed({"plan", "-f", "x.yaml", "--allow-self-signed=false"}).args.allowSelfSigned, false);
}

}  // namespace

// export (issue 13): its flags, --seed repeatable in the order given, --secret's NAME[/KEY] shape.
TEST(CommandLine, ExportTakesItsFlagsAndTheConnectionFlags) {
  Environment env(kNoConnectionEnvironment);
  const auto e = parsed({"export", "--database-url", "host=/tmp", "--schema", "billing", "--name", "shop", "-n", "apps",
                         "--secret", "shop-db/URL", "--seed", "currencies", "--seed", "plans", "-o", "json"});
  EXPECT_EQ(e.command, Command::Export);
  EXPECT_EQ(e.args.databaseUrl, "host=/tmp");
  EXPECT_EQ(e.args.exporting.schema, "billing");
  EXPECT_EQ(e.args.exporting.name, "shop");
  EXPECT_EQ(e.args.exporting.ns, "apps");
  EXPECT_EQ(e.args.exporting.secret, "shop-db/URL");
  EXPECT_EQ(e.args.exporting.seedTables, (std::vector<std::string>{"currencies", "plans"}));
  EXPECT_TRUE(e.args.exporting.json);
  const auto defaults = parsed({"export"});
  EXPECT_EQ(defaults.args.exporting.schema, "public");
  EXPECT_FALSE(defaults.args.exporting.json);
  EXPECT_TRUE(defaults.args.exporting.seedTables.empty());
  EXPECT_NE(parsed({}).text.find("export"), std::string::npos);
  EXPECT_NE(parsed({"help", "export"}).text.find("--seed"), std::string::npos);

  EXPECT_NE(errorOf({"export", "--secret", "a/b/c"}).find("--secret"), std::string::npos);
  EXPECT_NE(errorOf({"export", "--secret", "/key"}).find("expected NAME or NAME/KEY"), std::string::npos);
  EXPECT_NE(errorOf({"export", "--secret", "name/"}).find("expected NAME or NAME/KEY"), std::string::npos);
  EXPECT_NE(errorOf({"export", "-o", "text"}).find("expected yaml or json"), std::string::npos);
  EXPECT_NE(errorOf({"export", "--schema", ""}).find("--schema"), std::string::npos);
  EXPECT_NE(errorOf({"export", "-f", "x.yaml"}).find("-f"), std::string::npos);
}
