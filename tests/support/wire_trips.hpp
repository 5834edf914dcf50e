#pragma once
// Round trips as the client sees them on the wire: libpq's protocol trace of one connection,
// counted as the times the client stops sending and waits for the server (a run of frontend
// messages followed by backend ones). Unlike RoundTrips (statements in the server's log), a
// pipeline of many statements counts once here, which is what pipelining is for.
#include <cstdio>
#include <string>

#include <pqxx/pqxx>

namespace testsupport {

class WireTrips {
 public:
  // Traces what `conn` sends and receives from now on, until destroyed.
  explicit WireTrips(pqxx::connection& conn);
  ~WireTrips();
  WireTrips(const WireTrips&) = delete;
  WireTrips& operator=(const WireTrips&) = delete;

  // Round trips so far.
  long long count() const;
  // The trace's frontend message names, one line a round trip: for a failing test's message.
  std::string describe() const;

 private:
  pqxx::connection& conn_;
  std::FILE* file_ = nullptr;
};

}  // namespace testsupport
