#pragma once
// Logs: one JSON object per line (time, level, msg, then fields) for machines, or a plain line
// for people (--log-format text). Thread-safe. Callers never pass secrets.
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace core::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Json, Text };

std::optional<Level> parseLevel(std::string_view text);
std::optional<Format> parseFormat(std::string_view text);

// Defaults: Info, Json, std::cerr.
void configure(Level level, Format format, std::ostream* out = nullptr);

using Fields = std::initializer_list<std::pair<std::string_view, std::string>>;
void write(Level level, std::string_view msg, Fields fields = {});

inline void debug(std::string_view msg, Fields f = {}) { write(Level::Debug, msg, f); }
inline void info(std::string_view msg, Fields f = {}) { write(Level::Info, msg, f); }
inline void warn(std::string_view msg, Fields f = {}) { write(Level::Warn, msg, f); }
inline void error(std::string_view msg, Fields f = {}) { write(Level::Error, msg, f); }

}  // namespace core::log
