#pragma once
// Every command, flag, environment fallback and help text of schema-operator, declared once with
// CLI11; the help, the errors and the shell completion scripts are all made from these definitions.
#include <memory>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "core/error.hpp"

namespace CLI {
class App;
}

namespace cli {

class CommandLine {
 public:
  CommandLine();
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // argv without the program name; unset flags take their environment variable. Errors are
  // Invalid and name the command or flag at fault. `help`, `--help` and `completion` come back
  // with the text to print.
  core::Result<Invocation> parse(const std::vector<std::string>& argv);

  const CLI::App& app() const { return *app_; }

 private:
  core::Result<Invocation> settle(const std::vector<std::string>& argv);

  Invocation parsed_;
  std::string helpTopic_;  // `help COMMAND`
  std::unique_ptr<CLI::App> app_;
};

// One parse with a fresh set of definitions.
core::Result<Invocation> parseCommandLine(const std::vector<std::string>& argv);

}  // namespace cli
