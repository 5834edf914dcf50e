#include "util.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "core/base64.hpp"
#include "core/time.hpp"
#include "yaml/tree.hpp"

namespace kubeapi {

std::string nowRfc3339() { return core::formatTime(std::chrono::system_clock::now()); }

std::string nowMicroTime() { return core::formatMicroTime(std::chrono::system_clock::now()); }

long long parseRfc3339(const std::string& s) {
  const auto t = core::parseTime(s);
  return t ? std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() : -1;
}

// Mirrors k8s.io/apimachinery/pkg/util/duration.HumanDuration closely enough for printing.
std::string humanAge(long long s) {
  if (s < 0) return "<invalid>";
  auto str = [](long long v, const char* u) { return std::to_string(v) + u; };
  if (s < 120) return str(s, "s");
  long long m = s / 60;
  if (m < 10) {
    long long rs = s % 60;
    return rs == 0 ? str(m, "m") : str(m, "m") + str(rs, "s");
  }
  if (m < 180) return str(m, "m");
  long long h = s / 3600;
  if (h < 8) {
    long long rm = m % 60;
    return rm == 0 ? str(h, "h") : str(h, "h") + str(rm, "m");
  }
  if (h < 48) return str(h, "h");
  if (h < 192) {
    long long rh = h % 24;
    return rh == 0 ? str(h / 24, "d") : str(h / 24, "d") + str(rh, "h");
  }
  if (h < 24 * 365 * 2) return str(h / 24, "d");
  return str(h / 24 / 365, "y");
}

std::string newUid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[40];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::string randomSuffix(size_t n) {
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";  // the apiserver's alphabet
  std::string out;
  unsigned char b[64];
  RAND_bytes(b, sizeof b);
  for (size_t i = 0; i < n && i < sizeof b; ++i) out += alphabet[b[i] % (sizeof alphabet - 1)];
  return out;
}

// As strict as Go's base64.StdEncoding, which the API server decodes Secret data with: padded
// quads, no white space.
bool base64Decode(const std::string& in, std::string& out) {
  if (in.size() % 4 != 0 || in.find_first_of(" \t\r\n") != std::string::npos) return false;
  auto decoded = core::base64Decode(in);
  if (!decoded) return false;
  out = std::move(*decoded);
  return true;
}

std::string urlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(s[i + 1]) && std::isxdigit(s[i + 2])) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string toLower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

namespace {
// The operator's own reader (src/yaml) builds the tree; this gives it JSON's types as the API
// server would (YAML 1.1 booleans and numbers, quoted text stays text).
json yamlNode(const yaml::Node& n) {
  switch (n.kind()) {
    case yaml::NodeKind::Null:
      return nullptr;
    case yaml::NodeKind::Scalar: {
      const std::string s(n.Scalar());
      if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return s;  // quoted
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (!s.empty()) {
        char* end = nullptr;
        long long v = std::strtoll(s.c_str(), &end, 10);
        if (*end == '\0' && (std::isdigit(s[0]) || s[0] == '-' || s[0] == '+')) return v;
        double d = std::strtod(s.c_str(), &end);
        if (*end == '\0' && (std::isdigit(s[0]) || s[0] == '-' || s[0] == '.' || s[0] == '+')) return d;
      }
      return s;
    }
    case yaml::NodeKind::Sequence: {
      json a = json::array();
      for (size_t i = 0; i < n.size(); ++i) a.push_back(yamlNode(n.item(i)));
      return a;
    }
    case yaml::NodeKind::Map: {
      json o = json::object();
      for (size_t i = 0; i < n.size(); ++i) o[std::string(n.key(i).Scalar())] = yamlNode(n.value(i));
      return o;
    }
  }
  return nullptr;
}
}  // namespace

json yamlToJson(const std::string& text) {
  const yaml::Documents documents = yaml::load(text);
  return documents.documents.empty() ? json(nullptr) : yamlNode(documents.documents.front());
}

std::vector<json> yamlDocuments(const std::string& text) {
  std::vector<json> out;
  const yaml::Documents documents = yaml::load(text);
  for (const auto& n : documents.documents) {
    json j = yamlNode(n);
    if (!j.is_null()) out.push_back(j);
  }
  return out;
}

json parseJsonOrYaml(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  return yamlToJson(text);
}

namespace {
// Evaluates one filter "@.type==\"Ready\"" against an element.
bool filterMatches(const json& el, const std::string& expr) {
  auto eq = expr.find("==");
  if (eq == std::string::npos) return false;
  std::string lhs = trim(expr.substr(0, eq)), rhs = trim(expr.substr(eq + 2));
  if (lhs.rfind("@.", 0) != 0) return false;
  json v = jsonPathGet(el, lhs.substr(1));
  if (rhs.size() >= 2 && (rhs.front() == '"' || rhs.front() == '\'')) rhs = rhs.substr(1, rhs.size() - 2);
  return v.is_string() ? v.get<std::string>() == rhs : v.dump() == rhs;
}
}  // namespace

json jsonPathGet(const json& obj, const std::string& pathIn) {
  std::string path = pathIn;
  if (!path.empty() && path.front() == '{' && path.back() == '}') path = path.substr(1, path.size() - 2);
  const json* cur = &obj;
  json holder;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      size_t j = i;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      std::string key = path.substr(i, j - i);
      i = j;
      if (key.empty()) continue;
      if (!cur->is_object() || !cur->contains(key)) return nullptr;
      cur = &(*cur)[key];
    } else if (path[i] == '[') {
      size_t j = path.find(']', i);
      if (j == std::string::npos) return nullptr;
      // A filter may contain ']' only inside quotes; good enough for printer columns.
      std::string inner = path.substr(i + 1, j - i - 1);
      i = j + 1;
      if (!cur->is_array()) return nullptr;
      if (inner.rfind("?(", 0) == 0) {
        std::string expr = inner.substr(2, inner.size() - 3);
        json found = nullptr;
        for (const auto& el : *cur)
          if (filterMatches(el, expr)) {
            found = el;
            break;
          }
        if (found.is_null()) return nullptr;
        holder = found;
        cur = &holder;
      } else if (inner == "*") {
        // keep the array
      } else {
        long idx = std::strtol(inner.c_str(), nullptr, 10);
        if (idx < 0) idx += static_cast<long>(cur->size());
        if (idx < 0 || static_cast<size_t>(idx) >= cur->size()) return nullptr;
        holder = (*cur)[idx];
        cur = &holder;
      }
    } else {
      return nullptr;
    }
  }
  return *cur;
}

std::string jsonPathText(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string sha256Hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  std::string out;
  char b[3];
  for (unsigned char c : md) {
    std::snprintf(b, sizeof b, "%02X", c);
    out += b;
  }
  return out;
}

}  // namespace kubeapi
