#include "harness_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kubetest {

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::string ProcResult::describe() const {
  std::string s = "exit " + std::to_string(exitCode) + (timedOut ? " (timed out)" : "") + "\n--- stdout\n" + out +
                  "--- stderr\n" + err;
  return s;
}

Process::Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                 const std::string& dir, const std::string& stdinText) {
  static std::atomic<int> seq{0};
  const std::string base = dir + "/proc-" + std::to_string(++seq);
  outPath_ = base + ".out";
  errPath_ = base + ".err";
  inPath_ = base + ".in";
  std::ofstream(inPath_, std::ios::binary) << stdinText;

  // Everything the child needs is built before fork: the server's thread may hold allocator
  // locks, so the child only calls async-signal-safe functions.
  std::vector<std::string> envStrings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!env.count(kv.substr(0, kv.find('=')))) envStrings.push_back(kv);
  }
  for (const auto& [k, v] : env) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argvCopy = argv;
  for (auto& a : argvCopy) args.push_back(a.data());
  args.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);  // its own group, so a kill reaches whatever it starts
    int in = open(inPath_.c_str(), O_RDONLY);
    int out = open(outPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(errPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
}

Process::~Process() {
  if (pid_ > 0 && !exited_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void Process::reap(int status) {
  exited_ = true;
  if (WIFEXITED(status)) exitCode_ = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) exitCode_ = 128 + WTERMSIG(status);
}

bool Process::running() {
  if (exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) reap(status);
  return !exited_;
}

ProcResult Process::wait(std::chrono::milliseconds timeout) {
  ProcResult r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      reap(status);
      r.timedOut = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.exitCode = exitCode_;
  r.out = out();
  r.err = err();
  return r;
}

std::string Process::out() const { return slurp(outPath_); }
std::string Process::err() const { return slurp(errPath_); }

}  // namespace kubetest
