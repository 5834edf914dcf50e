#pragma once
// Base64 (standard alphabet) over OpenSSL: Secret data and kubeconfig's *-data fields.
#include <optional>
#include <string>
#include <string_view>

namespace core {

std::string base64Encode(std::string_view bytes);
// Strict: the standard alphabet only, padding optional, whitespace ignored; nullopt if malformed.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace core
