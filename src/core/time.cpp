#include "core/time.hpp"

#include <date/date.h>

#include <cctype>
#include <sstream>

namespace core {

std::string formatTime(TimePoint t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string formatMicroTime(TimePoint t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::microseconds>(t));
}

std::optional<TimePoint> parseTime(const std::string& text) {
  // The library reads a fraction only as long as its precision and an offset only as ±hh:mm:
  // drop digits past microseconds and spell 'Z' as +00:00 first.
  std::string normal = text;
  if (const size_t dot = normal.find('.'); dot != std::string::npos) {
    size_t end = dot + 1;
    while (end < normal.size() && std::isdigit(static_cast<unsigned char>(normal[end]))) ++end;
    if (end - dot - 1 > 6) normal.erase(dot + 7, end - dot - 7);
  }
  if (!normal.empty() && (normal.back() == 'Z' || normal.back() == 'z')) normal.replace(normal.size() - 1, 1, "+00:00");
  std::istringstream in(normal);
  date::sys_time<std::chrono::microseconds> parsed;
  in >> date::parse("%FT%T%Ez", parsed);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return std::chrono::time_point_cast<TimePoint::duration>(parsed);
}

}  // namespace core
