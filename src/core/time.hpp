#pragma once
// RFC 3339 timestamps as Kubernetes writes them: Time is UTC seconds, MicroTime has six fraction
// digits. Formatting and parsing are Howard Hinnant's date library (C++20 <chrono> formatting is
// not in our g++ yet).
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace core {

std::string formatTime(TimePoint t);       // 2025-01-01T00:00:00Z
std::string formatMicroTime(TimePoint t);  // 2025-01-01T00:00:00.000000Z
// Accepts either form (any fraction length, kept to microseconds; 'Z' or ±hh:mm); nullopt if
// malformed.
std::optional<TimePoint> parseTime(const std::string& text);

}  // namespace core
