#pragma once
// Round trips to PostgreSQL counted by the server, not by the code under test. With
// log_statement = all the server logs every simple-protocol message once ("statement: …",
// however many statements it carries) and every extended-protocol execute once ("execute …"),
// each line with the backend's pid: one line a round trip. Tests that hold a plan to a number of
// round trips count them here.
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace testsupport {

class RoundTrips {
 public:
  // Counts what `conn`'s backend is sent from now on.
  explicit RoundTrips(pqxx::connection& conn);

  // Counts what `conn`'s backend is sent from now on as well (a second connection of the code).
  void watch(pqxx::connection& conn);
  // `open`, with every connection it opens watched; may be called from another thread.
  using Factory = std::function<std::unique_ptr<pqxx::connection>()>;
  Factory watching(Factory open);

  // Round trips the watched backends were sent since they were watched.
  long long count() const { return static_cast<long long>(sent().size()); }
  // What they were sent, one line a round trip: for a failing test's message.
  std::string describe() const;

 private:
  std::vector<std::string> sent() const;

  std::string log_;
  long long from_ = 0;  // the log's size when counting began
  mutable std::mutex mutex_;
  std::set<int> pids_;
};

}  // namespace testsupport
