#pragma once
// A throwaway PostgreSQL 15 server for integration tests: one per test process, started on first
// use in a temporary folder, stopped and removed at exit. Never touches the system cluster.
#include <memory>
#include <mutex>
#include <string>

namespace testsupport {

inline constexpr const char* kPassword = "s3cret-Test-pass";  // the postgres role's password for TCP logins

class PostgresServer {
 public:
  static PostgresServer& shared();  // started on first use in this process; stopped and its folder removed at exit

  std::string createDatabase(const std::string& prefix = "t");  // fresh empty database, unique name; returns the name
  // "host=<socketdir> port=<p> dbname=<db> user=postgres" (trust auth)
  std::string socketUrl(const std::string& db) const;
  // "postgresql://postgres:<pw>@127.0.0.1:<p>/<db>" (scram auth)
  std::string tcpUrl(const std::string& db, const std::string& password = kPassword) const;
  int port() const;
  std::string socketDir() const;
  std::string caCertFile() const;  // the self-signed certificate the server uses (CN/SAN 127.0.0.1, localhost)
  // The server's log: each line starts "<time> [<pid>] " (support/round_trips.hpp reads it).
  std::string logFile() const;
  void exec(const std::string& db, const std::string& sql);               // as superuser over the socket; throws on error
  std::string queryValue(const std::string& db, const std::string& sql);  // first column of the first row ("" for NULL); throws on error

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void stop();  // idempotent; called at exit

 private:
  PostgresServer();
  void start();

  std::string dir_;      // the mkdtemp folder; also the unix socket directory
  std::string dataDir_;  // dir_/data
  int port_ = 0;
  int counter_ = 0;
  int ownerPid_ = 0;
  bool running_ = false;
  std::mutex mutex_;
};

}  // namespace testsupport
