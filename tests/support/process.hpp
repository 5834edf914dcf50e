#pragma once
// Running a program the way a user or a pipeline would: argv, extra environment, standard input;
// both output streams captured, and a deadline so a hung child fails the test instead of the run.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace testsupport {

struct ProcessResult {
  int exitCode = -1;  // the exit status; 128 + signal when killed by one (a timeout kills with SIGKILL)
  std::string out;
  std::string err;
  bool timedOut = false;
};

// argv[0] is the program's path. extraEnv adds to (or overrides) this process's environment; a
// value of "\x01unset" removes the variable instead.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extraEnv = {},
                         const std::string& stdinText = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

inline constexpr const char* kUnset = "\x01unset";

}  // namespace testsupport
