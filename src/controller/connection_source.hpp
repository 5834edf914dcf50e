#pragma once
// The connection a DatabaseSchema declares, resolved for libpq: the URL from the Secret it names,
// sslmode by the CLI's rule, and its CA bundle, read from a Secret and written to a file (libpq
// reads a CA only from a file) in the daemon's RuntimeDir.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/runtime_dir.hpp"
#include "core/error.hpp"
#include "pg/connection.hpp"
#include "spec/resource.hpp"

namespace controller {

// The Secret object (as the API returns it) or nullopt when it does not exist; an error when it
// could not be read.
using SecretLookup =
    std::function<core::Result<std::optional<nlohmann::json>>(const std::string& ns, const std::string& name)>;

// CA bundles as files: one per content, so a rotated CA is a new file and the connection options
// (the pool's key) change with it. Thread-safe.
class CaFiles {
 public:
  // `dir` nullptr: a private one made on first use (RuntimeDir::makePrivate).
  explicit CaFiles(std::shared_ptr<RuntimeDir> dir) : dir_(std::move(dir)) {}
  core::Result<std::string> pathFor(const std::string& pem);

 private:
  core::Result<std::shared_ptr<RuntimeDir>> dir();

  std::mutex mutex_;
  std::shared_ptr<RuntimeDir> dir_;
};

class ConnectionSource {
 public:
  ConnectionSource(SecretLookup secrets, std::shared_ptr<RuntimeDir> runtimeDir, int connectTimeoutSeconds)
      : secrets_(std::move(secrets)), caFiles_(std::move(runtimeDir)), connectTimeoutSeconds_(connectTimeoutSeconds) {}

  // Errors name the field at fault (spec.connection.secretRef / rootCertRef) and never the URL.
  core::Result<pg::ConnectionOptions> resolve(const spec::DatabaseSchema& r);

 private:
  // The decoded value of `key` in Secret ns/name; errors carry `field`.
  core::Result<std::string> secretValue(const std::string& ns, const std::string& name, const std::string& key,
                                        const std::string& field);
  core::Result<std::string> caFileFor(const spec::DatabaseSchema& r);  // r declares a rootCertRef

  SecretLookup secrets_;
  CaFiles caFiles_;
  int connectTimeoutSeconds_;
};

}  // namespace controller
