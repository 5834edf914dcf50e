#pragma once
// Connecting to PostgreSQL: a libpq URL or key=value string plus the TLS choices of a resource,
// turned into one libpq connection string. Errors name the host and the cause, never the password.
#include <memory>
#include <optional>
#include <string>

#include <pqxx/connection>

#include "core/error.hpp"

namespace pg {

struct ConnectionOptions {
  std::string url;                         // DATABASE_URL: postgres://… or "host=… dbname=…"
  std::optional<std::string> sslMode;      // disable | require | verify-ca | verify-full; nullopt: keep the URL's
  std::optional<std::string> rootCertFile; // PG_SSL_ROOT_CERT
  bool allowSelfSigned = false;            // PG_SSL_ALLOW_SELF_SIGNED: encrypt, skip chain verification
  int connectTimeoutSeconds = 10;
  std::string applicationName = "schema-operator";
  bool operator==(const ConnectionOptions&) const = default;
};

// The final libpq conninfo (key=value). Fails with Invalid when the URL cannot be parsed; the
// message never quotes the URL (it may hold a password).
core::Result<std::string> conninfo(const ConnectionOptions& options);

// "host:port/dbname" (or "/socket/dir:port/dbname") for messages; no user, no password.
std::string describeTarget(const ConnectionOptions& options);

// Open a connection; Transient error naming the target and libpq's reason when it cannot.
core::Result<std::unique_ptr<pqxx::connection>> connect(const ConnectionOptions& options);

// Remove every occurrence of secrets (the password of the URL) from a message.
std::string redact(std::string message, const ConnectionOptions& options);

}  // namespace pg
