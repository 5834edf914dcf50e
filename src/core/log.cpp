#include "core/log.hpp"

#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>

namespace core::log {

namespace {

std::mutex mutex;
Level minimum = Level::Info;
Format format = Format::Json;
std::ostream* sink = nullptr;

const char* name(Level l) {
  switch (l) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "info";
}

void jsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", static_cast<long long>(ms));
  return buf;
}

}  // namespace

std::optional<Level> parseLevel(std::string_view t) {
  if (t == "debug") return Level::Debug;
  if (t == "info") return Level::Info;
  if (t == "warn") return Level::Warn;
  if (t == "error") return Level::Error;
  return std::nullopt;
}

std::optional<Format> parseFormat(std::string_view t) {
  if (t == "json") return Format::Json;
  if (t == "text") return Format::Text;
  return std::nullopt;
}

void configure(Level level, Format f, std::ostream* out) {
  std::lock_guard lock(mutex);
  minimum = level;
  format = f;
  sink = out;
}

void write(Level level, std::string_view msg, Fields fields) {
  std::string line;
  Format f;
  {
    std::lock_guard lock(mutex);
    if (level < minimum) return;
    f = format;
  }
  if (f == Format::Json) {
    line = "{\"time\":";
    jsonString(line, timestamp());
    line += ",\"level\":";
    jsonString(line, name(level));
    line += ",\"msg\":";
    jsonString(line, msg);
    for (const auto& [k, v] : fields) {
      line.push_back(',');
      jsonString(line, k);
      line.push_back(':');
      jsonString(line, v);
    }
    line += "}\n";
  } else {
    line = timestamp() + " " + name(level) + " " + std::string(msg);
    for (const auto& [k, v] : fields) line += " " + std::string(k) + "=" + v;
    line += "\n";
  }
  std::lock_guard lock(mutex);
  std::ostream& out = sink ? *sink : std::cerr;
  out << line << std::flush;
}

}  // namespace core::log
