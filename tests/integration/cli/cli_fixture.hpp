#pragma once
// Helpers for the CLI suites: the real binary, run as a user or pipeline would, against a fresh
// database of the shared throwaway PostgreSQL.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/postgres.hpp"
#include "support/process.hpp"

namespace clitest {

using testsupport::PostgresServer;
using testsupport::ProcessResult;

// Runs `schema-operator args…`. The caller's DATABASE_URL and TLS variables never leak in: a test
// sets what it means to.
inline ProcessResult cli(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                         const std::string& stdinText = "") {
  for (const char* name : {"DATABASE_URL", "PG_SSL_ROOT_CERT", "PG_SSL_ALLOW_SELF_SIGNED", "PGPASSWORD",
                           "PGSSLMODE", "PGHOST", "PGDATABASE", "PGUSER", "PGPORT"}) {
    env.emplace(name, testsupport::kUnset);
  }
  std::vector<std::string> argv{SCHEMA_OPERATOR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return testsupport::runProcess(argv, env, stdinText);
}

// What a failed assertion prints: enough to see why without re-running.
inline std::string show(const ProcessResult& r) {
  return "exit " + std::to_string(r.exitCode) + (r.timedOut ? " (timed out)" : "") + "\n--- stdout\n" + r.out +
         "--- stderr\n" + r.err;
}

// A YAML file that exists for the test's lifetime.
class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& suffix = ".yaml") {
    std::string pattern = (std::filesystem::temp_directory_path() / "schema-operator-cli-XXXXXX").string() + suffix;
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const int fd = ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw std::runtime_error("mkstemps failed");
    ::close(fd);
    path_ = buf.data();
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A DatabaseSchema document: header fields around a `spec:` body given indented by two spaces.
inline std::string document(const std::string& specBody, const std::string& name = "shop",
                            const std::string& annotations = "") {
  std::string doc =
      "apiVersion: dbschema.io/v1alpha1\n"
      "kind: DatabaseSchema\n"
      "metadata:\n"
      "  name: " + name + "\n"
      "  namespace: apps\n";
  if (!annotations.empty()) doc += "  annotations:\n" + annotations;
  doc +=
      "spec:\n"
      "  connection:\n"
      "    secretRef: {name: shop-db, key: DATABASE_URL}\n" +
      specBody;
  return doc;
}

// customers(id, email) with a primary key: the smallest useful schema.
inline std::string customersSpec(const std::string& extra = "") {
  return "  tables:\n"
         "    - name: customers\n"
         "      columns:\n"
         "        - {name: id, type: bigint, nullable: false}\n"
         "        - {name: email, type: text, nullable: false}\n"
         "      primaryKey: [id]\n" +
         extra;
}

inline const char* kCustomersSql = "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL)";

// The JSON object of each line of stdout.
inline std::vector<nlohmann::json> jsonLines(const std::string& out) {
  std::vector<nlohmann::json> docs;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) docs.push_back(nlohmann::json::parse(line));
  }
  return docs;
}

inline bool tableExists(const std::string& db, const std::string& table) {
  return PostgresServer::shared().queryValue(
             db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'") == "1";
}

inline bool columnExists(const std::string& db, const std::string& table, const std::string& column) {
  return PostgresServer::shared().queryValue(
             db, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '" +
                     table + "' AND column_name = '" + column + "'") == "1";
}

}  // namespace clitest
