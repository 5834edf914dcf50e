#pragma once
// Kubernetes timestamps: Time is RFC 3339 UTC seconds, MicroTime has six fraction digits.
#include <optional>
#include <string>

#include "kube/clock.hpp"

namespace kube {

std::string formatTime(TimePoint t);       // 2025-01-01T00:00:00Z
std::string formatMicroTime(TimePoint t);  // 2025-01-01T00:00:00.000000Z
// Accepts either form (any fraction length, 'Z' or ±hh:mm).
std::optional<TimePoint> parseTime(const std::string& s);

}  // namespace kube
