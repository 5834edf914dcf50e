#pragma once
// `schema-operator completion bash|zsh`: completion scripts made from the command-line definitions
// (cli/command_line.cpp), so a new command or flag is offered without editing a list here.
#include <string>

namespace CLI {
class App;
}

namespace cli {

// The script for `shell` ("bash" or "zsh"; the parser admits no other).
std::string completionScript(const CLI::App& app, const std::string& shell);

}  // namespace cli
