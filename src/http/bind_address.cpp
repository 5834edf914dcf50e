#include "http/bind_address.hpp"

#include <charconv>

namespace http {

std::string BindAddress::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<std::optional<BindAddress>> parseBindAddress(const std::string& text, const std::string& flag) {
  if (text == "0") return std::optional<BindAddress>{};
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return core::invalid(flag, "\"" + text + "\" is not host:port, :port or 0 (off)");
  std::string host = text.substr(0, colon);
  const std::string portText = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc{} || end != portText.data() + portText.size() || portText.empty() || port > 65535)
    return core::invalid(flag, "\"" + portText + "\" is not a port number (0-65535)");
  return std::optional<BindAddress>{BindAddress{host, static_cast<unsigned short>(port)}};
}

}  // namespace http
