#pragma once
// Connecting to PostgreSQL: a libpq URL or key=value string plus the TLS choices of a resource,
// turned into one libpq connection string. Errors name the host and the cause, never the password.
// Every connection speaks UTF8 with standard_conforming_strings on, whatever the server's, the
// database's or the role's defaults and whatever the URL says.
#include <memory>
#include <optional>
#include <string>

#include <pqxx/connection>

#include "core/error.hpp"

namespace pg {

struct ConnectionOptions {
  std::string url;                         // DATABASE_URL: postgres://… or "host=… dbname=…"
  std::optional<std::string> sslMode;      // asked for explicitly (--ssl-mode): used as given
  std::optional<std::string> declaredSslMode;  // the document's spec.connection.sslMode, when it sets one
  std::optional<std::string> rootCertFile; // PG_SSL_ROOT_CERT
  bool allowSelfSigned = false;            // PG_SSL_ALLOW_SELF_SIGNED: encrypt, skip chain verification
  int connectTimeoutSeconds = 10;
  std::string applicationName = "schema-operator";
  bool operator==(const ConnectionOptions&) const = default;
};

// The TLS mode of a connection, one rule for the CLI and the daemon: the mode asked for explicitly
// when there is one; else the stricter of the document's and the URL's sslmode (disable < allow <
// prefer < require < verify-ca < verify-full), so neither can weaken the other; verify-full when
// neither says. Invalid when the URL's sslmode is not one of those.
core::Result<std::string> resolveSslMode(const std::optional<std::string>& requested,
                                         const std::optional<std::string>& declared,
                                         const std::optional<std::string>& inUrl);

// The final libpq conninfo (key=value). Fails with Invalid when the URL cannot be parsed; the
// message never quotes the URL (it may hold a password).
core::Result<std::string> conninfo(const ConnectionOptions& options);

// "host:port/dbname" (or "/socket/dir:port/dbname") for messages; no user, no password.
std::string describeTarget(const ConnectionOptions& options);

// Open a connection and set its session up (UTF8, standard_conforming_strings). When it cannot: a
// Transient error "cannot connect to HOST:PORT/DB as USER: <the server's or the network's reason>",
// TLS failures said as such, never the password or the URL.
core::Result<std::unique_ptr<pqxx::connection>> connect(const ConnectionOptions& options);

// Whether the URL (or key=value string) holds a password.
bool hasPassword(const std::string& url);

// Remove every occurrence of secrets (the password of the URL) from a message.
std::string redact(std::string message, const ConnectionOptions& options);

}  // namespace pg
