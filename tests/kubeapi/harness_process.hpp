#pragma once
// Child processes for the proof suite: argv, environment additions, stdin text, exit status, and
// stdout/stderr captured in files so that a long-running command can be read while it runs.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kubetest {

struct ProcResult {
  int exitCode = -1;      // 128 + signal when killed
  bool timedOut = false;  // killed because the time was up
  std::string out, err;
  std::string describe() const;  // exit code and both streams, for failure messages
};

class Process {
 public:
  // env entries replace the parent's variables of the same name; files go to dir.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::string& dir, const std::string& stdinText = "");
  ~Process();  // kills the child (and its process group) if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool running();
  // Waits for the exit; past the timeout the child is killed and timedOut set.
  ProcResult wait(std::chrono::milliseconds timeout);
  std::string out() const;  // stdout so far
  std::string err() const;

 private:
  void reap(int status);

  pid_t pid_ = -1;
  bool exited_ = false;
  int exitCode_ = -1;
  std::string outPath_, errPath_, inPath_;
};

}  // namespace kubetest
