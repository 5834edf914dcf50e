#pragma once
// A program running beside the test (the operator daemon): started with argv and extra
// environment, its output going to a file the test can read, stopped with a signal.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace testsupport {

class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extraEnv,
                    const std::string& logFile);
  ~BackgroundProcess();  // SIGKILL if still running
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for the exit; its status (128 + signal when killed), or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  std::string output() const;  // everything written so far (stdout and stderr)

 private:
  int pid_ = -1;
  int status_ = -1;
  bool exited_ = false;
  std::string logFile_;
};

// Polls `condition` every 50 ms until it holds or `timeout` passes: waits never sleep blindly.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace testsupport
