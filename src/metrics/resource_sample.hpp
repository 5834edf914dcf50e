#pragma once
// What one check of one resource found, as the metrics see it: plain data, so the controller
// builds it without knowing Prometheus.
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace metrics {

struct ResourceSample {
  std::string ns;
  std::string name;
  bool inSync = false;
  std::optional<bool> databaseUp;  // unset: the check never got as far as connecting
  // (change kind, class) → how many drift items; class is safe, destructive or blocked.
  std::map<std::pair<std::string, std::string>, int> drift;
  int destructivePending = 0;              // destructive changes waiting for approval
  std::map<std::string, int> applied;      // change kind → changes applied by this check
  double checkedAt = 0;                    // epoch seconds
  std::optional<double> introspectionSeconds;  // the catalog read, when one ran
  // Kind → objects of the schema of that kind the resource does not manage. Unset when the
  // catalog was not read: the last known counts stand (an outage does not remove them).
  std::optional<std::map<std::string, int>> unmanaged;
};

}  // namespace metrics
