#pragma once
// The command line as data: what the user asked for, before any file is read or server reached.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace cli {

enum class Command { Plan, Apply, Version, Help };
enum class OutputFormat { Text, Json };

struct Args {
  Command command = Command::Help;
  // `help plan`, `plan --help`: print that command's usage instead of running it.
  bool helpRequested = false;
  std::optional<Command> helpTopic;

  std::string file;  // -f; "-" is standard input
  OutputFormat output = OutputFormat::Text;
  bool allowDestructive = false;

  // Connection; unset values fall back to the environment, then to the document.
  std::optional<std::string> databaseUrl;
  std::optional<std::string> sslMode;
  std::optional<std::string> rootCertFile;
  std::optional<bool> allowSelfSigned;
  int connectTimeoutSeconds = 10;
  // --single-connection: never open the second connection that reads a large catalog beside the
  // first (for servers with few connections to spare).
  bool singleConnection = false;

  // Applying; unset values fall back to the document's spec.apply, then to pg::ApplyOptions.
  std::optional<std::chrono::milliseconds> lockTimeout;
  std::optional<std::chrono::milliseconds> lockRetryBudget;
  std::optional<std::chrono::milliseconds> statementTimeout;
  bool lockRetriesGiven = false;  // the deprecated --lock-retries: accepted, warned about, ignored
};

// argv without the program name. Errors are Invalid and name the flag.
core::Result<Args> parseArgs(const std::vector<std::string>& argv);

// "5s", "500ms", "2m", or a bare number of seconds.
core::Result<std::chrono::milliseconds> parseTimeout(const std::string& text, const std::string& flag);

std::string usage();                   // the overview `schema-operator help` prints
std::string commandUsage(Command cmd);  // `schema-operator plan --help`

}  // namespace cli
