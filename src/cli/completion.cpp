#include "cli/completion.hpp"

#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

namespace cli {

namespace {

// What a shell needs to know of one flag or positional argument.
struct Word {
  std::vector<std::string> names;    // "-f", "--file"; empty for a positional
  std::string description;
  bool takesValue = false;
  std::string valueType;             // the option's type name: FILE, DIR, URL, …
  std::vector<std::string> choices;  // from a type name such as "text|json"
};

struct CommandWords {
  std::string name;
  std::string description;
  std::vector<Word> flags;
  std::vector<Word> positionals;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator = " ") {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

// Hidden options (no group) are not offered.
Word wordOf(const CLI::Option& option, const std::vector<std::string>& commandNames) {
  Word w;
  for (const auto& s : option.get_snames()) w.names.push_back("-" + s);
  for (const auto& l : option.get_lnames()) w.names.push_back("--" + l);
  w.description = option.get_description();
  w.takesValue = option.get_expected_max() != 0;  // flags expect no value
  w.valueType = option.get_type_name();
  if (w.valueType.find('|') != std::string::npos) w.choices = split(w.valueType, '|');
  if (w.valueType == "COMMAND") w.choices = commandNames;
  return w;
}

CommandWords commandWordsOf(const CLI::App& command, const std::vector<std::string>& commandNames) {
  CommandWords c{command.get_name(), command.get_description(), {}, {}};
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_group().empty()) continue;
    (option->get_positional() ? c.positionals : c.flags).push_back(wordOf(*option, commandNames));
  }
  return c;
}

std::vector<CommandWords> commandsOf(const CLI::App& app) {
  const auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
  std::vector<std::string> names;
  for (const CLI::App* sub : subcommands) names.push_back(sub->get_name());
  std::vector<CommandWords> commands{commandWordsOf(app, names)};  // the first: the program itself
  for (const CLI::App* sub : subcommands) commands.push_back(commandWordsOf(*sub, names));
  return commands;
}

// ---- bash

// The case arm completing the value after one of `flags`.
std::string bashValueArm(const Word& flag) {
  std::string action;
  if (!flag.choices.empty()) action = "COMPREPLY=($(compgen -W \"" + joined(flag.choices) + "\" -- \"$cur\"))";
  else if (flag.valueType == "FILE") action = "compopt -o filenames; COMPREPLY=($(compgen -f -- \"$cur\"))";
  else if (flag.valueType == "DIR") action = "compopt -o filenames; COMPREPLY=($(compgen -d -- \"$cur\"))";
  else action = "COMPREPLY=()";  // a free value: nothing to offer
  return "        " + joined(flag.names, "|") + ") " + action + "; return ;;\n";
}

std::string bashCommandArm(const CommandWords& command) {
  std::vector<std::string> words;
  std::string valueArms;
  for (const Word& flag : command.flags) {
    words.insert(words.end(), flag.names.begin(), flag.names.end());
    if (flag.takesValue) valueArms += bashValueArm(flag);
  }
  for (const Word& positional : command.positionals) words.insert(words.end(), positional.choices.begin(), positional.choices.end());
  std::string arm = "    " + command.name + ")\n";
  if (!valueArms.empty()) arm += "      case \"$prev\" in\n" + valueArms + "      esac\n";
  return arm + "      words=\"" + joined(words) + "\" ;;\n";
}

std::string bashScript(const std::vector<CommandWords>& commands) {
  const CommandWords& program = commands.front();
  std::vector<std::string> first;
  for (size_t i = 1; i < commands.size(); ++i) first.push_back(commands[i].name);
  for (const Word& flag : program.flags) first.insert(first.end(), flag.names.begin(), flag.names.end());
  std::string arms;
  for (size_t i = 1; i < commands.size(); ++i) arms += bashCommandArm(commands[i]);
  return "# bash completion for " + program.name + " (`" + program.name + " completion bash`)\n"
         "_schema_operator() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=\"\"\n"
         "  # --flag=value: bash splits at the '=', the flag is the word before it.\n"
         "  if [[ $cur == = ]]; then cur=\"\"; elif [[ $prev == = ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
         "  if (( COMP_CWORD == 1 )); then\n"
         "    COMPREPLY=($(compgen -W \"" + joined(first) + "\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case ${COMP_WORDS[1]} in\n" + arms +
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -F _schema_operator " + program.name + "\n";
}

// ---- zsh

// Text inside single quotes; in an _arguments description a bracket would end it early.
std::string zshText(const std::string& text, bool inBrackets = false) {
  std::string out;
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else if (inBrackets && (c == '[' || c == ']')) out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

std::string zshAction(const Word& word) {
  if (!word.choices.empty()) return "(" + joined(word.choices) + ")";
  if (word.valueType == "FILE") return "_files";
  if (word.valueType == "DIR") return "_files -/";
  return " ";
}

std::string zshFlagSpec(const Word& flag) {
  const std::string value = flag.takesValue ? ":" + zshText(flag.valueType) + ":" + zshAction(flag) : "";
  const std::string description = "'[" + zshText(flag.description, true) + "]" + value + "'";
  if (flag.names.size() == 1) return flag.names.front() + description;
  // -f and --file exclude each other: '(-f --file)'{-f,--file}'[…]'
  return "'(" + joined(flag.names) + ")'{" + joined(flag.names, ",") + "}" + description;
}

std::string zshCommandArm(const CommandWords& command) {
  std::string specs;
  for (const Word& flag : command.flags) specs += " \\\n        " + zshFlagSpec(flag);
  for (const Word& positional : command.positionals)
    specs += " \\\n        '1:" + zshText(positional.valueType) + ":" + zshAction(positional) + "'";
  return "    " + command.name + ")\n      _arguments -s" + specs + " ;;\n";
}

std::string zshScript(const std::vector<CommandWords>& commands) {
  const CommandWords& program = commands.front();
  std::string described, arms;
  for (size_t i = 1; i < commands.size(); ++i) {
    described += "    '" + commands[i].name + ":" + zshText(commands[i].description) + "'\n";
    arms += zshCommandArm(commands[i]);
  }
  return "#compdef " + program.name + "\n"
         "# zsh completion for " + program.name + " (`" + program.name + " completion zsh`)\n"
         "_schema_operator() {\n"
         "  local -a commands\n"
         "  commands=(\n" + described + "  )\n"
         "  if (( CURRENT == 2 )); then\n"
         "    _describe -t commands '" + program.name + " command' commands\n"
         "    return\n"
         "  fi\n"
         "  (( CURRENT-- )); shift words\n"
         "  case $words[1] in\n" + arms +
         "  esac\n"
         "}\n"
         "# Autoloaded from $fpath this file is the function's body; sourced, it registers it.\n"
         "if [[ ${funcstack[1]} == _schema_operator ]]; then _schema_operator \"$@\"; "
         "else compdef _schema_operator " + program.name + "; fi\n";
}

}  // namespace

std::string completionScript(const CLI::App& app, const std::string& shell) {
  const auto commands = commandsOf(app);
  return shell == "zsh" ? zshScript(commands) : bashScript(commands);
}

}  // namespace cli
