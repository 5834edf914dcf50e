#pragma once
// The release this build is: `schema-operator version`, schema_operator_build_info, User-Agent.
namespace core {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace core
