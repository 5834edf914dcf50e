#include "pg/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include <pqxx/except>

#include "core/text.hpp"
#include "pg/failure.hpp"

namespace pg {
namespace {

// The URL's options after parsing, in libpq's order, unset ones left out.
using Options = std::vector<std::pair<std::string, std::string>>;

// libpq names a bad URL's parts in quotes; keep only the quoted words that are option names or
// punctuation, so that the message never repeats a value that may be a password.
std::string scrubParseError(const std::string& message) {
  std::set<std::string> keywords;
  if (PQconninfoOption* defaults = PQconndefaults()) {
    for (PQconninfoOption* o = defaults; o->keyword; ++o) keywords.insert(o->keyword);
    PQconninfoFree(defaults);
  }
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    size_t open = message.find('"', i);
    if (open == std::string::npos) {
      out += message.substr(i);
      break;
    }
    size_t close = message.find('"', open + 1);
    if (close == std::string::npos) {
      out += message.substr(i, open - i) + "\"***\"";
      break;
    }
    const std::string word = message.substr(open + 1, close - open - 1);
    const bool safe = keywords.count(word) || (word.size() == 1 && std::ispunct(static_cast<unsigned char>(word[0])));
    out += message.substr(i, open - i) + "\"" + (safe ? word : "***") + "\"";
    i = close + 1;
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

core::Result<Options> parse(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (!parsed) {
    std::string reason = err ? scrubParseError(err) : "out of memory";
    if (err) PQfreemem(err);
    return core::invalid("", "invalid database URL (neither a postgres:// URL nor a key=value string): " + reason);
  }
  Options out;
  for (PQconninfoOption* o = parsed; o->keyword; ++o)
    if (o->val) out.emplace_back(o->keyword, o->val);
  PQconninfoFree(parsed);
  return out;
}

const std::string* find(const Options& options, const std::string& key) {
  for (const auto& [k, v] : options)
    if (k == key) return &v;
  return nullptr;
}

void set(Options& options, const std::string& key, std::string value) {
  for (auto& [k, v] : options)
    if (k == key) {
      v = std::move(value);
      return;
    }
  options.emplace_back(key, std::move(value));
}

// key='value' with backslashes and quotes escaped, as libpq's key=value syntax requires.
std::string quoteValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// The password as it appears in the URL before percent-decoding ("p%40ss" for "p@ss").
std::string rawUrlPassword(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?", start);
  const std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const size_t at = authority.rfind('@');
  if (at == std::string::npos) return {};
  const std::string userinfo = authority.substr(0, at);
  const size_t colon = userinfo.find(':');
  if (colon == std::string::npos) return {};
  return userinfo.substr(colon + 1);
}

void replaceAll(std::string& text, const std::string& needle, const std::string& with) {
  if (needle.empty()) return;
  size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), with);
    pos += with.size();
  }
}

std::string lowerFirst(std::string text) {
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) &&
      std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// libpq's message for one line of a status: it repeats "connection to server at "h", port p
// failed: " before each attempt (the target is already named), puts hints on tab-indented lines,
// and with sslmode=prefer says the same thing twice. Reasons are kept once each, hints in
// parentheses: "connection refused (Is the server running on that host …?)".
std::string oneLine(const std::string& message) {
  std::vector<std::string> reasons;
  std::string current;
  auto flush = [&] {
    current = core::trim(current);
    if (current.rfind("FATAL:", 0) == 0) current = core::trim(current.substr(6));
    if (!current.empty() && std::find(reasons.begin(), reasons.end(), current) == reasons.end())
      reasons.push_back(current);
    current.clear();
  };
  size_t start = 0;
  bool inHint = false;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line[0] == '\t' || line[0] == ' ') {
      current += (inHint ? " " : " (") + core::trim(line);
      inHint = true;
      continue;
    }
    if (inHint) current += ")";
    inHint = false;
    flush();
    if (line.rfind("connection to server ", 0) == 0) {
      const size_t failed = line.find(" failed: ");
      if (failed != std::string::npos) line = line.substr(failed + 9);
    }
    current = lowerFirst(core::trim(line));
  }
  if (inHint) current += ")";
  flush();
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

// libpq's sslmode values, weakest first.
constexpr std::array<const char*, 6> kSslModes = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};

std::optional<size_t> sslStrength(const std::string& mode) {
  for (size_t i = 0; i < kSslModes.size(); ++i)
    if (mode == kSslModes[i]) return i;
  return std::nullopt;
}

// libpq's reason in the user's terms: a failure of TLS is named as one.
std::string userReason(const std::string& reason, const std::string& sslMode) {
  if (reason.find("does not support SSL") != std::string::npos)
    return "the server does not offer TLS, which sslmode=" + sslMode + " requires";
  if (reason.find("certificate") != std::string::npos) return "TLS verification failed: " + reason;
  return reason;
}

// What every statement the engine renders relies on: text travels as UTF8 (a LATIN1 or GBK
// session would re-encode comments and seed values, and GBK can hide a quote inside a multibyte
// character), and a backslash in a literal is just a backslash. client_encoding is asked for in
// the startup packet (conninfo); a pooler may drop it, so it is checked here without a round trip.
// standard_conforming_strings is SET when it is off: the `options` startup parameter would do it
// for free, but poolers such as PgBouncer refuse connections that carry it. The server reports the
// setting at start-up and libpq escapes by it — a backslash is doubled only when it is off — so
// asking the escaper costs no round trip (and it is on by default since PostgreSQL 9.1).
core::Result<void> setUpSession(pqxx::connection& conn) {
  if (conn.get_client_encoding() != "UTF8") conn.set_client_encoding("UTF8");
  if (conn.get_client_encoding() != "UTF8")
    return core::terminal("the server did not accept client_encoding UTF8 (it says " + conn.get_client_encoding() + ")");
  if (conn.esc("\\") != "\\") conn.set_variable("standard_conforming_strings", "on");
  return {};
}

}  // namespace

core::Result<std::string> resolveSslMode(const std::optional<std::string>& requested,
                                         const std::optional<std::string>& declared,
                                         const std::optional<std::string>& inUrl) {
  if (requested) return *requested;
  if (inUrl && !sslStrength(*inUrl))
    return core::invalid("", "the database URL's sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
  if (declared && inUrl) return *sslStrength(*declared) >= *sslStrength(*inUrl) ? *declared : *inUrl;
  if (declared) return *declared;
  if (inUrl) return *inUrl;
  return std::string("verify-full");
}

core::Result<std::string> conninfo(const ConnectionOptions& options) {
  auto parsed = parse(options.url);
  if (!parsed) return parsed.error();
  Options opts = std::move(*parsed);

  const std::string* urlMode = find(opts, "sslmode");
  auto sslMode = resolveSslMode(options.sslMode, options.declaredSslMode,
                                urlMode ? std::optional<std::string>(*urlMode) : std::nullopt);
  if (!sslMode) return sslMode.error();
  set(opts, "sslmode", *sslMode);
  if (options.rootCertFile) set(opts, "sslrootcert", *options.rootCertFile);
  if (options.allowSelfSigned) {
    // Encrypt but do not verify the chain. libpq upgrades `require` to verify-ca when the root
    // certificate file exists (an explicit sslrootcert or ~/.postgresql/root.crt), so point it at a
    // path that can never exist: nothing under /dev/null can be opened.
    set(opts, "sslmode", "require");
    set(opts, "sslrootcert", "/dev/null/schema-operator-allow-self-signed");
  }
  if (options.connectTimeoutSeconds > 0) set(opts, "connect_timeout", std::to_string(options.connectTimeoutSeconds));
  if (!options.applicationName.empty()) set(opts, "application_name", options.applicationName);
  // Whatever the URL, the database or the role says (see setUpSession).
  set(opts, "client_encoding", "UTF8");

  std::string out;
  for (const auto& [k, v] : opts) {
    if (!out.empty()) out.push_back(' ');
    out += k + "=" + quoteValue(v);
  }
  return out;
}

std::string describeTarget(const ConnectionOptions& options) {
  auto parsed = parse(options.url);
  if (!parsed) return "<invalid database URL>";
  const Options& o = *parsed;
  const std::string* host = find(o, "host");
  const std::string* hostaddr = find(o, "hostaddr");
  const std::string* port = find(o, "port");
  const std::string* db = find(o, "dbname");
  const std::string* user = find(o, "user");
  std::string target = host && !host->empty() ? *host : hostaddr && !hostaddr->empty() ? *hostaddr : "localhost";
  target += ":" + (port && !port->empty() ? *port : std::string("5432"));
  // libpq's default database is the user's name.
  target += "/" + (db && !db->empty() ? *db : user ? *user : std::string());
  return target;
}

bool hasPassword(const std::string& url) {
  if (!rawUrlPassword(url).empty()) return true;
  auto parsed = parse(url);
  if (!parsed) return false;
  const std::string* password = find(*parsed, "password");
  return password && !password->empty();
}

std::string redact(std::string message, const ConnectionOptions& options) {
  // The whole URL first (it holds the password and maybe more), then the password on its own.
  replaceAll(message, options.url, "***");
  if (auto parsed = parse(options.url)) {
    if (const std::string* pw = find(*parsed, "password")) replaceAll(message, *pw, "***");
  }
  replaceAll(message, rawUrlPassword(options.url), "***");
  return message;
}

core::Result<std::unique_ptr<pqxx::connection>> connect(const ConnectionOptions& options) {
  auto info = conninfo(options);
  if (!info) return info.error();
  std::string target = describeTarget(options);
  if (auto parsed = parse(options.url))
    if (const std::string* user = find(*parsed, "user"); user && !user->empty()) target += " as " + *user;
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(*info);
  } catch (const std::exception& e) {
    const std::string* mode = nullptr;
    auto parsed = parse(*info);
    if (parsed) mode = find(*parsed, "sslmode");
    // The target too goes through redact: a password equal to, say, the database name must not
    // be confirmed by a message.
    return core::transient(
        redact("cannot connect to " + target + ": " + userReason(oneLine(e.what()), mode ? *mode : ""), options));
  }
  try {
    if (auto ready = setUpSession(*conn); !ready)
      return core::terminal(redact("cannot use " + target + ": " + ready.error().message, options));
  } catch (const std::exception& e) {
    auto failed = failureOf(e, "cannot set up the session on " + target);
    failed.message = redact(failed.message, options);
    return failed;
  }
  return conn;
}

}  // namespace pg
