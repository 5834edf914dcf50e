#include "support/round_trips.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/postgres.hpp"

namespace testsupport {
namespace {

// Logged itself when the session logs already (a second counter on one connection): never counted.
constexpr const char* kLogAll = "SET log_statement = 'all' /* support/round_trips */";

}  // namespace

RoundTrips::RoundTrips(pqxx::connection& conn)
    : log_(PostgresServer::shared().logFile()),
      from_(static_cast<long long>(std::filesystem::file_size(log_))) {
  watch(conn);
}

void RoundTrips::watch(pqxx::connection& conn) {
  pqxx::nontransaction(conn).exec(kLogAll);
  std::lock_guard lock(mutex_);
  pids_.insert(conn.backendpid());
}

RoundTrips::Factory RoundTrips::watching(Factory open) {
  return [this, open = std::move(open)]() -> std::unique_ptr<pqxx::connection> {
    auto conn = open();
    if (conn) watch(*conn);
    return conn;
  };
}

std::vector<std::string> RoundTrips::sent() const {
  // log_line_prefix is '%m [%p] ' (support/postgres.cpp); continuation lines of a long statement
  // start with a tab and match nothing.
  static const std::regex line(R"(^\S+ \S+ \S+ \[(\d+)\] LOG:  (statement|execute [^:]*): )");
  std::ifstream in(log_);
  in.seekg(from_);
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  std::smatch m;
  for (std::string text; std::getline(in, text);)
    if (std::regex_search(text, m, line) && pids_.count(std::stoi(m[1].str())) && m.suffix().str() != kLogAll)
      out.push_back(m.suffix().str());
  return out;
}

std::string RoundTrips::describe() const {
  std::string out;
  for (const auto& s : sent()) out += "\n  " + s.substr(0, 160);
  return "round trips:" + out;
}

}  // namespace testsupport
