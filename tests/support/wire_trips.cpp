#include "support/wire_trips.hpp"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace testsupport {
namespace {

// libpq's trace: one message a line, tab-separated, the direction ("F" or "B") after an optional
// timestamp, then the length and the message's name.
struct Message {
  char direction = 0;
  std::string name;
};

std::vector<Message> readTrace(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::vector<Message> out;
  char buffer[1 << 16];
  std::string line;
  while (std::fgets(buffer, sizeof buffer, file)) {
    line += buffer;
    if (line.empty() || line.back() != '\n') continue;  // a long line, read on
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string f; std::getline(in, f, '\t');) fields.push_back(f);
    for (size_t i = 0; i + 2 < fields.size() && i < 2; ++i)
      if (fields[i] == "F" || fields[i] == "B") {
        out.push_back({fields[i][0], fields[i + 2]});
        break;
      }
    line.clear();
  }
  std::fseek(file, 0, SEEK_END);
  return out;
}

// The frontend runs that the backend answered: each is one round trip.
std::vector<std::string> trips(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  std::string run;
  for (const auto& m : messages) {
    if (m.direction == 'F') {
      run += (run.empty() ? "" : " ") + m.name;
    } else if (!run.empty()) {
      out.push_back(run);
      run.clear();
    }
  }
  return out;
}

}  // namespace

WireTrips::WireTrips(pqxx::connection& conn) : conn_(conn), file_(std::tmpfile()) {
  if (!file_) throw std::runtime_error("cannot make a file for the protocol trace");
  conn_.trace(file_);
}

WireTrips::~WireTrips() {
  conn_.trace(nullptr);
  std::fclose(file_);
}

long long WireTrips::count() const { return static_cast<long long>(trips(readTrace(file_)).size()); }

std::string WireTrips::describe() const {
  std::string out;
  for (const auto& t : trips(readTrace(file_))) out += t + "\n";
  return out;
}

}  // namespace testsupport
