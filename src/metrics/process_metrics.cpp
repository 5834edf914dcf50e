#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace metrics {

namespace {

std::string readFile(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double bootTime() {
  std::istringstream in(readFile("/proc/stat"));
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type, double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  f.metric.push_back(m);
  return f;
}

}  // namespace

ProcessSample parseProcStat(const std::string& stat, long ticksPerSecond, long pageSize, double bootTimeSeconds) {
  ProcessSample s;
  // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || ticksPerSecond <= 0) return s;
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;  // fields[0] is field 3 (state) of proc(5)
  for (std::string f; in >> f;) fields.push_back(f);
  auto field = [&](size_t number) -> double {  // proc(5) numbering, from 1
    const size_t i = number - 3;
    return i < fields.size() ? std::strtod(fields[i].c_str(), nullptr) : 0.0;
  };
  const double ticks = static_cast<double>(ticksPerSecond);
  s.cpuSeconds = (field(14) + field(15)) / ticks;  // utime + stime
  s.startTimeSeconds = bootTimeSeconds + field(22) / ticks;
  s.virtualBytes = field(23);
  s.residentBytes = field(24) * static_cast<double>(pageSize);
  return s;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  ProcessSample s = parseProcStat(readFile("/proc/self/stat"), ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE), bootTime());
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    s.openFds += 1;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) s.maxFds = static_cast<double>(limit.rlim_cur);

  using prometheus::MetricType;
  return {
      family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType::Counter, s.cpuSeconds),
      family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge, s.residentBytes),
      family("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge, s.virtualBytes),
      family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
             s.startTimeSeconds),
      family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, s.openFds),
      family("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge, s.maxFds),
  };
}

}  // namespace metrics
