#include "cli/args.hpp"

#include <cctype>
#include <charconv>

namespace cli {

core::Result<std::chrono::milliseconds> parseTimeout(const std::string& text, const std::string& flag) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  long long number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  const std::string unit = text.substr(digits);
  const bool whole = digits > 0 && ec == std::errc{} && end == text.data() + digits;
  if (whole && unit == "ms") return std::chrono::milliseconds(number);
  if (whole && (unit == "s" || unit.empty())) return std::chrono::milliseconds(number * 1000);
  if (whole && unit == "m") return std::chrono::milliseconds(number * 60'000);
  return core::invalid(flag, "expected a duration such as 5s, 500ms or 1m, got \"" + text + "\"");
}

}  // namespace cli
