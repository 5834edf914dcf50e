#include "support/postgres.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <pqxx/pqxx>

namespace testsupport {
namespace {

// Use the versioned path: /usr/local/bin may hold nothing on a fresh machine.
constexpr const char* kDebianBinDir = "/usr/lib/postgresql/15/bin";

bool runningAsRoot() { return geteuid() == 0; }

// Runs argv (no shell, so paths need no quoting) and returns its exit status; output is captured
// so that a failure can say why.
int run(std::vector<std::string> argv, std::string* output) {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// initdb and postgres refuse to run as root: run them as the postgres OS user then.
std::vector<std::string> asServerUser(std::vector<std::string> argv) {
  if (!runningAsRoot()) return argv;
  std::vector<std::string> out{"/usr/sbin/runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void runOrThrow(const std::vector<std::string>& argv, const std::string& what) {
  std::string output;
  int rc = run(argv, &output);
  if (rc != 0) throw std::runtime_error(what + " failed (exit " + std::to_string(rc) + "): " + output);
}

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
}

// State the signal handler needs, prepared in advance: a handler may not allocate.
volatile sig_atomic_t gPostmasterPid = 0;
volatile sig_atomic_t gOwnerPid = 0;  // a forked child that crashes before exec must not stop the server
char gCleanupScript[512];

void onFatalSignal(int sig) {
  const bool owner = gOwnerPid == getpid();
  if (owner && gPostmasterPid > 0) kill(gPostmasterPid, SIGQUIT);  // immediate shutdown
  if (owner && gCleanupScript[0] != '\0' && fork() == 0) {
    setsid();
    const char* args[] = {"/bin/sh", "-c", gCleanupScript, nullptr};
    execv(args[0], const_cast<char* const*>(args));
    _exit(127);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void installSignalHandlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(sig, onFatalSignal);
}

// "postgres (PostgreSQL) 14.23" -> 14; 0 when the text is not that.
int majorOfVersionText(const std::string& text) {
  const std::string marker = "(PostgreSQL) ";
  const size_t at = text.find(marker);
  if (at == std::string::npos) return 0;
  return std::atoi(text.c_str() + at + marker.size());
}

// The binaries run as the postgres OS user when the tests run as root: a folder that user cannot
// read or execute makes initdb fail with a message about something else, so ask the binary first.
void checkServerBinary(const ServerBinaries& binaries) {
  std::string output;
  const int rc = run(asServerUser({binaries.binDir + "/postgres", "--version"}), &output);
  if (rc != 0)
    throw std::runtime_error(binaries.binDir + "/postgres --version failed (exit " + std::to_string(rc) +
                             (runningAsRoot() ? ", run as the postgres OS user, who must be able to read the folder" : "") +
                             "): " + output);
  if (majorOfVersionText(output) != binaries.major)
    throw std::runtime_error(binaries.binDir + "/postgres is not PostgreSQL " + std::to_string(binaries.major) +
                             ": it says " + output);
}

}  // namespace

ServerBinaries serverBinaries(const char* requested, const std::string& majorsDir) {
  const std::string value = requested ? requested : "";
  if (value.empty()) return {kDebianMajor, kDebianBinDir};
  int major = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), major);
  if (ec != std::errc() || end != value.data() + value.size() || major < 10)
    throw std::runtime_error(std::string(kMajorVariable) + "=" + value +
                             ": expected a PostgreSQL major version such as 14, 15, 16, 17 or 18");
  if (major == kDebianMajor) return {kDebianMajor, kDebianBinDir};
  ServerBinaries binaries{major, majorsDir + "/" + value + "/bin"};
  for (const char* tool : {"initdb", "pg_ctl", "postgres"})
    if (!std::filesystem::exists(binaries.binDir + "/" + tool))
      throw std::runtime_error("PostgreSQL " + value + " (" + kMajorVariable + "=" + value + "): no " +
                               binaries.binDir + "/" + tool +
                               "; `make deps` (or `make pg-majors`) fetches 14, 16, 17 and 18 there");
  return binaries;
}

ServerBinaries serverBinaries() { return serverBinaries(std::getenv(kMajorVariable), SCHEMA_OPERATOR_PG_MAJORS_DIR); }

int testedMajor() { return serverBinaries().major; }

PostgresServer& PostgresServer::shared() {
  // A function-local static: its destructor stops the server on a normal exit (gtest failures
  // included); signal handlers cover aborts and crashes.
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() { start(); }

PostgresServer::~PostgresServer() { stop(); }

void PostgresServer::start() {
  binaries_ = serverBinaries();
  checkServerBinary(binaries_);
  char tmpl[] = "/tmp/so-pgtest-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
  dir_ = tmpl;
  ownerPid_ = getpid();
  gOwnerPid = ownerPid_;
  dataDir_ = dir_ + "/data";
  std::snprintf(gCleanupScript, sizeof gCleanupScript, "sleep 1; rm -rf '%s'", dir_.c_str());
  installSignalHandlers();

  try {
    const std::string pwfile = dir_ + "/pwfile";
    const std::string cert = dir_ + "/server.crt";
    const std::string key = dir_ + "/server.key";
    writeFile(pwfile, std::string(kPassword) + "\n");
    // An EC key is generated in milliseconds; RSA would cost most of the start-up time.
    runOrThrow({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=127.0.0.1", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:TRUE"},
               "openssl req");
    chmod(key.c_str(), 0600);
    chmod(cert.c_str(), 0644);
    if (runningAsRoot()) {
      passwd* pw = getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root but there is no postgres OS user");
      for (const auto& p : {dir_, pwfile, cert, key})
        if (chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0)
          throw std::runtime_error("chown " + p + " failed: " + std::strerror(errno));
    }

    runOrThrow(asServerUser({binaries_.binDir + "/initdb", "-D", dataDir_, "-U", "postgres", "--pwfile=" + pwfile,
                             "-E", "UTF8", "--locale=C", "--no-sync", "--auth-local=trust",
                             "--auth-host=scram-sha-256"}),
               "initdb");

    writeFile(dataDir_ + "/pg_hba.conf",
              "local all all trust\n"
              "host all all 127.0.0.1/32 scram-sha-256\n");

    // A port picked now may be taken before the server binds it: retry with another.
    std::string lastError;
    for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
      port_ = freePort();
      std::ostringstream conf;
      conf << "listen_addresses = '127.0.0.1'\n"
           << "port = " << port_ << "\n"
           << "unix_socket_directories = '" << dir_ << "'\n"
           << "ssl = on\nssl_cert_file = '" << cert << "'\nssl_key_file = '" << key << "'\n"
           << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
           << "shared_buffers = 32MB\nmax_connections = 60\n"
           // Benchmarks create thousands of tables in one transaction.
           << "max_locks_per_transaction = 1024\n"
           << "log_min_messages = warning\nlogging_collector = off\n"
           // Read by support/round_trips.cpp, which turns log_statement on per session.
           << "log_line_prefix = '%m [%p] '\n";
      writeFile(dataDir_ + "/postgresql.auto.conf", conf.str());
      std::string output;
      int rc = run(asServerUser({binaries_.binDir + "/pg_ctl", "-D", dataDir_, "-l", dir_ + "/server.log", "-w",
                                 "-t", "60", "start"}),
                   &output);
      if (rc == 0) {
        running_ = true;
      } else {
        std::ifstream log(dir_ + "/server.log");
        std::stringstream ss;
        ss << log.rdbuf();
        lastError = output + ss.str();
      }
    }
    if (!running_) throw std::runtime_error("pg_ctl start failed: " + lastError);

    std::ifstream pidFile(dataDir_ + "/postmaster.pid");
    long pid = 0;
    pidFile >> pid;
    gPostmasterPid = static_cast<sig_atomic_t>(pid);
  } catch (...) {
    stop();
    throw;
  }
}

void PostgresServer::stop() {
  std::lock_guard lock(mutex_);
  // Only the process that started the server stops it: a forked child that exits must not.
  if (dir_.empty() || getpid() != ownerPid_) return;
  if (running_) {
    run(asServerUser({binaries_.binDir + "/pg_ctl", "-D", dataDir_, "-m", "immediate", "-w", "stop"}), nullptr);
    running_ = false;
  }
  gPostmasterPid = 0;
  gCleanupScript[0] = '\0';
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

std::string PostgresServer::createDatabase(const std::string& prefix) {
  std::string name;
  {
    std::lock_guard lock(mutex_);
    name = prefix + "_" + std::to_string(++counter_);
  }
  exec("postgres", "CREATE DATABASE \"" + name + "\" TEMPLATE template1");
  return name;
}

std::string PostgresServer::socketUrl(const std::string& db) const {
  return "host=" + dir_ + " port=" + std::to_string(port_) + " dbname=" + db + " user=postgres";
}

std::string PostgresServer::tcpUrl(const std::string& db, const std::string& password) const {
  return "postgresql://postgres:" + password + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

int PostgresServer::port() const { return port_; }

int PostgresServer::major() const { return binaries_.major; }

std::string PostgresServer::socketDir() const { return dir_; }

std::string PostgresServer::caCertFile() const { return dir_ + "/server.crt"; }
std::string PostgresServer::logFile() const { return dir_ + "/server.log"; }

void PostgresServer::exec(const std::string& db, const std::string& sql) {
  pqxx::connection conn(socketUrl(db));
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

std::string PostgresServer::queryValue(const std::string& db, const std::string& sql) {
  pqxx::connection conn(socketUrl(db));
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

}  // namespace testsupport
