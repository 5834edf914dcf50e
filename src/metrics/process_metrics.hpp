#pragma once
// The standard process_* metrics (CPU, resident memory, start time, open files) read from /proc
// at scrape time, as the Go and Java clients export them; prometheus-cpp has none of its own.
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace metrics {

struct ProcessSample {
  double cpuSeconds = 0;
  double residentBytes = 0;
  double virtualBytes = 0;
  double startTimeSeconds = 0;  // Unix time
  double openFds = 0;
  double maxFds = 0;
};

// Parses /proc/self/stat text (the part after the command name is what matters), with the
// clock tick, page size and boot time it needs. Pure, for tests; fields it cannot read stay 0.
ProcessSample parseProcStat(const std::string& stat, long ticksPerSecond, long pageSize, double bootTimeSeconds);

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace metrics
