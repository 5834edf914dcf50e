#include "core/base64.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace core {

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  // EVP_DecodeBlock wants whole quads and counts padding as zero bytes: strip the white space and
  // padding here, pad to a quad, and take the padding's bytes off its answer.
  std::string quads;
  quads.reserve(text.size() + 3);
  size_t padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return std::nullopt;
    quads.push_back(c);
  }
  if (padding > 2 || quads.size() % 4 == 1) return std::nullopt;
  const size_t missing = (4 - quads.size() % 4) % 4;
  quads.append(missing, '=');
  std::string out(quads.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(quads.data()), static_cast<int>(quads.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - missing);
  return out;
}

}  // namespace core
