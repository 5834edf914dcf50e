#pragma once
// Small string helpers shared by every module.
#include <string>
#include <string_view>

namespace core {

// `text` without leading and trailing white space (std::isspace).
std::string trim(std::string_view text);

}  // namespace core
