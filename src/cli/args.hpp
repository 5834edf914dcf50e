#pragma once
// The command line as data: what the user asked for, before any file is read or server reached.
// cli/command_line.hpp fills it from argv and the environment.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "operator/serve.hpp"

namespace cli {

enum class Command { Plan, Apply, Export, Run, Completion, Version, Help };
enum class OutputFormat { Text, Json };

// export: which schema, and what to call the resource it writes.
struct ExportArgs {
  std::string schema = "public";         // --schema
  std::string name;                      // --name; empty: the database's name
  std::string ns;                        // --namespace; empty: none written
  std::string secret;                    // --secret NAME[/KEY]; empty: a placeholder
  std::vector<std::string> seedTables;   // --seed, repeatable, in the order given
  bool json = false;                     // -o json
};

// plan, apply and export.
struct Args {
  std::string file;  // -f; "-" is standard input
  OutputFormat output = OutputFormat::Text;
  bool allowDestructive = false;
  bool strict = false;  // --strict: as spec.strict, refuse while the schema holds unmanaged objects

  // Connection; the flag, else its environment variable, else the document.
  std::optional<std::string> databaseUrl;   // --database-url, $DATABASE_URL
  std::optional<std::string> sslMode;       // --ssl-mode
  std::optional<std::string> rootCertFile;  // --root-cert, $PG_SSL_ROOT_CERT
  std::optional<bool> allowSelfSigned;      // --allow-self-signed, $PG_SSL_ALLOW_SELF_SIGNED
  int connectTimeoutSeconds = 10;
  // --single-connection: never open the second connection that reads a large catalog beside the
  // first (for servers with few connections to spare).
  bool singleConnection = false;
  // The environment variables that gave a value (no flag did): errors and warnings name the
  // variable the user set, not the flag they did not pass.
  std::set<std::string> fromEnvironment;

  // Applying; unset values fall back to the document's spec.apply, then to pg::ApplyOptions.
  std::optional<std::chrono::milliseconds> lockTimeout;
  std::optional<std::chrono::milliseconds> lockRetryBudget;
  std::optional<std::chrono::milliseconds> statementTimeout;
  bool lockRetriesGiven = false;  // the deprecated --lock-retries: accepted, warned about, ignored

  ExportArgs exporting;
};

// One parsed command line: the command and what it needs.
struct Invocation {
  Command command = Command::Help;
  Args args;                 // plan, apply, export: the chosen command's, after parsing
  // Each of plan, apply and export binds its flags to its own Args: CLI11 gives a flag's
  // environment variable to every subcommand's option, chosen or not, so a shared binding would let
  // another command's DATABASE_URL overwrite the --database-url given to the chosen one. The chosen
  // command's is moved into `args` (apply binds `args` itself).
  Args planArgs;
  Args exportArgs;
  operator_::Options serve;  // run
  std::string shell;         // completion: bash or zsh
  std::string text;          // help, completion: what to print
};

// "5s", "500ms", "2m", or a bare number of seconds.
core::Result<std::chrono::milliseconds> parseTimeout(const std::string& text, const std::string& flag);

}  // namespace cli
