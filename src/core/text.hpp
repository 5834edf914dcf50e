#pragma once
// Small string helpers shared by every module.
#include <string>
#include <string_view>

namespace core {

// `text` without leading and trailing white space (std::isspace).
std::string trim(std::string_view text);

// `text` with each ASCII letter in lower (upper) case, as Postgres folds an unquoted word (and
// prints a keyword).
std::string toLower(std::string_view text);
std::string toUpper(std::string_view text);

}  // namespace core
