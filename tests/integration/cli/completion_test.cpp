// `schema-operator completion bash|zsh`: the scripts a shell sources, tried in the real shells
// (bash's programmable completion driven by hand through COMP_WORDS; zsh's compinit).
#include <filesystem>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

// Sources the bash script and completes each line of words, printing one line of candidates each.
std::string completeInBash(const std::string& script, const std::vector<std::vector<std::string>>& lines,
                           const std::string& directory = "/") {
  std::string body = "source \"$1\" || exit 3\ncomplete -p schema-operator || exit 4\ncd '" + directory + "'\n"
                     "complete_words() {\n"
                     "  COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}\n"
                     "  COMPREPLY=()\n"
                     "  _schema_operator schema-operator \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" "
                     "2>/dev/null\n"
                     "  echo \"[${COMPREPLY[*]}]\"\n"
                     "}\n";
  for (const auto& words : lines) {
    body += "complete_words";
    for (const auto& w : words) body += " '" + w + "'";
    body += "\n";
  }
  TempFile file(script, ".bash");
  const auto r = testsupport::runProcess({"/bin/bash", "--norc", "-c", body, "bash", file.path()});
  EXPECT_EQ(r.exitCode, 0) << show(r);
  return r.out;
}

TEST(CliCompletion, BashRegistersAFunctionThatCompletesCommandsFlagsAndValues) {
  const auto script = cli({"completion", "bash"});
  ASSERT_EQ(script.exitCode, 0) << show(script);
  const std::string out = completeInBash(script.out, {
                                                         {"schema-operator", "pl"},
                                                         {"schema-operator", ""},
                                                         {"schema-operator", "plan", "--ou"},
                                                         {"schema-operator", "plan", "-o", ""},
                                                         {"schema-operator", "apply", "--allow-d"},
                                                         {"schema-operator", "plan", "--allow-d"},
                                                         {"schema-operator", "run", "--log-level", "=", "w"},
                                                         {"schema-operator", "apply", "--ssl-mode", "verify-"},
                                                         {"schema-operator", "completion", ""},
                                                         {"schema-operator", "help", "ap"},
                                                     });
  EXPECT_NE(out.find("complete -F _schema_operator schema-operator\n"), std::string::npos) << out;
  const std::vector<std::string> expected = {
      "[plan]",
      "[plan apply export run version help completion -h --help --version]",
      "[--output]",
      "[text json]",
      "[--allow-destructive]",
      "[]",  // plan has no --allow-destructive
      "[warn]",
      "[verify-ca verify-full]",
      "[-h --help bash zsh]",
      "[apply]",
  };
  std::string want = "complete -F _schema_operator schema-operator\n";
  for (const auto& line : expected) want += line + "\n";
  EXPECT_EQ(out, want);
}

TEST(CliCompletion, BashCompletesFileNamesAfterAFileFlag) {
  const auto script = cli({"completion", "bash"});
  ASSERT_EQ(script.exitCode, 0) << show(script);
  const auto dir = std::filesystem::temp_directory_path() / ("schema-operator-completion-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "shop.yaml") << "kind: DatabaseSchema\n";
  const std::string out =
      completeInBash(script.out, {{"schema-operator", "plan", "-f", "sh"}, {"schema-operator", "plan", "--file", "=", "sh"}},
                     dir.string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out, "complete -F _schema_operator schema-operator\n[shop.yaml]\n[shop.yaml]\n");
}

TEST(CliCompletion, ZshLoadsTheScriptAndRegistersItsFunction) {
  const auto script = cli({"completion", "zsh"});
  ASSERT_EQ(script.exitCode, 0) << show(script);
  EXPECT_EQ(script.out.rfind("#compdef schema-operator\n", 0), 0u) << script.out;
  TempFile file(script.out, ".zsh");
  const auto syntax = testsupport::runProcess({"/usr/bin/zsh", "-n", file.path()});
  EXPECT_EQ(syntax.exitCode, 0) << show(syntax);
  const auto loaded = testsupport::runProcess(
      {"/usr/bin/zsh", "-f", "-c",
       "autoload -U compinit && compinit -u -D && source \"$1\" && print -r -- \"$_comps[schema-operator]\" && "
       "functions _schema_operator",
       "zsh", file.path()});
  EXPECT_EQ(loaded.exitCode, 0) << show(loaded);
  EXPECT_EQ(loaded.out.rfind("_schema_operator\n", 0), 0u) << show(loaded);
  for (const char* word : {"--allow-destructive", "--health-probe-bind-address", "(text json)", "_files"})
    EXPECT_NE(loaded.out.find(word), std::string::npos) << word << "\n" << show(loaded);
}

TEST(CliCompletion, AnUnknownShellIsAnErrorNamingIt) {
  const auto r = cli({"completion", "fish"});
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("\"fish\""), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("bash or zsh"), std::string::npos) << show(r);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace clitest
