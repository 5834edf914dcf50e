#pragma once
// A throwaway PostgreSQL server for integration tests: one per test process, started on first
// use in a temporary folder, stopped and removed at exit. Never touches the system cluster.
// The major version is the one SCHEMA_OPERATOR_TEST_PG names (14, 15, 16, 17 or 18; 15 when unset):
// ctest runs each suite that starts a server once per major (CMakeLists.txt, docs/compatibility.md).
#include <memory>
#include <mutex>
#include <string>

namespace testsupport {

inline constexpr const char* kPassword = "s3cret-Test-pass";  // the postgres role's password for TCP logins

inline constexpr const char* kMajorVariable = "SCHEMA_OPERATOR_TEST_PG";
inline constexpr int kDebianMajor = 15;  // postgresql-15 from Debian 12, in /usr/lib/postgresql/15/bin

// Where the server binaries of one major are.
struct ServerBinaries {
  int major = kDebianMajor;
  std::string binDir;  // holds initdb, pg_ctl and postgres
};

// The binaries for `requested` (SCHEMA_OPERATOR_TEST_PG's value; null or empty means 15): 15 is
// Debian's, any other major is majorsDir/<major>/bin, where `make deps` unpacks them. Throws, naming
// the variable, the folder and the command that fetches them, when the value is no major number or
// its initdb, pg_ctl or postgres is missing: a suite asked to run on a major must never quietly run
// on another one, nor be skipped.
ServerBinaries serverBinaries(const char* requested, const std::string& majorsDir);
ServerBinaries serverBinaries();  // from the environment and the repository's .tools/pg

int testedMajor();  // the major the tests of this process run on (from the environment)

class PostgresServer {
 public:
  static PostgresServer& shared();  // started on first use in this process; stopped and its folder removed at exit

  std::string createDatabase(const std::string& prefix = "t");  // fresh empty database, unique name; returns the name
  // "host=<socketdir> port=<p> dbname=<db> user=postgres" (trust auth)
  std::string socketUrl(const std::string& db) const;
  // "postgresql://postgres:<pw>@127.0.0.1:<p>/<db>" (scram auth)
  std::string tcpUrl(const std::string& db, const std::string& password = kPassword) const;
  int port() const;
  int major() const;  // the server's major version, checked against its own `postgres --version`
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

  ServerBinaries binaries_;
  std::string dir_;      // the mkdtemp folder; also the unix socket directory
  std::string dataDir_;  // dir_/data
  int port_ = 0;
  int counter_ = 0;
  int ownerPid_ = 0;
  bool running_ = false;
  std::mutex mutex_;
};

}  // namespace testsupport
