// Durations as Kubernetes writes them (Go's time.ParseDuration): "30s", "5m", "1h30m", "1.5h".
#include <cstdint>
#include <limits>

#include "spec/reader.hpp"
#include "spec/resource.hpp"

namespace spec {

namespace {

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr uint64_t kMaxNanos = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());  // Go's limit

// Nanoseconds per unit; 0 when `unit` is not one. "µs" is accepted in both Unicode spellings.
uint64_t unitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return 60 * kNanosPerSecond;
  if (unit == "h") return 3600 * kNanosPerSecond;
  return 0;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Total nanoseconds of an unsigned duration; nullopt when malformed or beyond Go's range.
std::optional<uint64_t> parseNanos(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  uint64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    uint64_t whole = 0;
    bool digits = false;
    for (; i < s.size() && isDigit(s[i]); ++i, digits = true) {
      if (whole > (kMaxNanos - (s[i] - '0')) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    long double fraction = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && isDigit(s[i]); ++i, digits = true) {
        scale /= 10;
        fraction += (s[i] - '0') * scale;
      }
    }
    if (!digits) return std::nullopt;
    const size_t unitStart = i;
    while (i < s.size() && !isDigit(s[i]) && s[i] != '.') ++i;
    const uint64_t unit = unitNanos(s.substr(unitStart, i - unitStart));
    if (unit == 0) return std::nullopt;
    if (whole > kMaxNanos / unit) return std::nullopt;
    const uint64_t part = whole * unit + static_cast<uint64_t>(fraction * static_cast<long double>(unit));
    if (part > kMaxNanos - total) return std::nullopt;
    total += part;
  }
  return total;
}

// Nanoseconds of a signed duration text, or the error naming `field`.
core::Result<std::pair<bool, uint64_t>> signedNanos(const std::string& text, const std::string& field) {
  std::string_view s = text;
  const bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  auto nanos = parseNanos(s);
  if (!nanos)
    return core::invalid(field, detail::quoteShort(text) +
                                    " is not a duration: write a number and a unit, e.g. 30s, 5m or 1h30m "
                                    "(units h, m, s, ms, us, ns)");
  return std::pair{negative && *nanos > 0, *nanos};
}

}  // namespace

core::Result<std::chrono::seconds> parseDuration(const std::string& text, const std::string& field) {
  auto parsed = signedNanos(text, field);
  if (!parsed) return parsed.error();
  const auto [negative, nanos] = *parsed;
  if (negative || nanos < kNanosPerSecond) return core::invalid(field, "must be at least 1s, found " + detail::quoteShort(text));
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(nanos / kNanosPerSecond));
}

core::Result<std::chrono::milliseconds> parseMilliseconds(const std::string& text, const std::string& field,
                                                          std::chrono::milliseconds least) {
  auto parsed = signedNanos(text, field);
  if (!parsed) return parsed.error();
  const auto [negative, nanos] = *parsed;
  const std::chrono::milliseconds value(static_cast<std::chrono::milliseconds::rep>(nanos / 1'000'000));
  if (negative || value < least)
    return core::invalid(field, "must be at least " + std::to_string(least.count()) + "ms, found " + detail::quoteShort(text));
  return value;
}

}  // namespace spec
