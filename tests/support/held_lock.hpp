#pragma once
// Another session holding a lock on a table in an open transaction, named as a reporting job
// would be ("nightly-report"): ACCESS EXCLUSIVE as a long migration takes, or ACCESS SHARE as a
// long read does. For the tests of waiting for locks (docs/online-ddl.md).
#include <string>

#include <pqxx/pqxx>

namespace testsupport {

class HeldLock {
 public:
  // `url`: a key=value connection string; `mode`: a LOCK TABLE mode, e.g. "ACCESS SHARE".
  HeldLock(const std::string& url, const std::string& table, const std::string& mode)
      : conn_(url + " application_name=nightly-report"), tx_(conn_) {
    tx_.exec("LOCK TABLE " + tx_.quote_name(table) + " IN " + mode + " MODE");
  }
  int pid() const { return conn_.backendpid(); }
  void release() { tx_.commit(); }

 private:
  pqxx::connection conn_;
  pqxx::work tx_;
};

}  // namespace testsupport
