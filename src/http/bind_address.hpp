#pragma once
// Bind addresses as controller-runtime spells them: ":8080" (every interface), "127.0.0.1:8080",
// "[::1]:8080", or "0" to turn the listener off.
#include <optional>
#include <string>

#include "core/error.hpp"

namespace http {

struct BindAddress {
  std::string host;  // "0.0.0.0" when the address named none
  unsigned short port = 0;
  std::string str() const;  // host:port, IPv6 hosts in brackets
};

// nullopt: disabled ("0"). An error names `flag`.
core::Result<std::optional<BindAddress>> parseBindAddress(const std::string& text, const std::string& flag);

}  // namespace http
