#include "controller/connection_source.hpp"

#include "core/base64.hpp"

namespace controller {

using json = nlohmann::json;

core::Result<std::shared_ptr<RuntimeDir>> CaFiles::dir() {
  std::lock_guard lock(mutex_);
  if (!dir_) {
    auto made = RuntimeDir::makePrivate();
    if (!made) return made.error();
    dir_ = *made;
  }
  return dir_;
}

core::Result<std::string> CaFiles::pathFor(const std::string& pem) {
  auto directory = dir();
  if (!directory) return directory.error();
  auto path = (*directory)->fileWith("ca", pem, ".crt");
  if (!path) return core::terminal("cannot write the CA bundle: " + path.error().describe());
  return *path;
}

core::Result<std::string> ConnectionSource::secretValue(const std::string& ns, const std::string& name,
                                                        const std::string& key, const std::string& field) {
  auto read = secrets_(ns, name);
  if (!read)
    return core::Error{read.error().kind, "Secret " + ns + "/" + name + " could not be read: " + read.error().message,
                       field, {}};
  const std::optional<json>& secret = *read;
  if (!secret) return core::invalid(field, "Secret " + ns + "/" + name + " not found");
  const json& data = secret->value("data", json::object());
  if (!data.contains(key) || !data[key].is_string())
    return core::invalid(field, "Secret " + ns + "/" + name + " has no key " + key);
  auto decoded = core::base64Decode(data[key].get<std::string>());
  if (!decoded) return core::invalid(field, "Secret " + ns + "/" + name + " key " + key + " is not valid base64");
  return *decoded;
}

core::Result<std::string> ConnectionSource::caFileFor(const spec::DatabaseSchema& r) {
  const auto& ref = *r.connection.rootCertRef;
  auto ca = secretValue(r.ns, ref.name, ref.key, "spec.connection.rootCertRef");
  if (!ca) return ca.error();
  return caFiles_.pathFor(*ca);
}

core::Result<pg::ConnectionOptions> ConnectionSource::resolve(const spec::DatabaseSchema& r) {
  const auto& secretRef = r.connection.secretRef;
  if (secretRef.name.empty() || secretRef.key.empty())
    return core::invalid("spec.connection.secretRef", "is required: the Secret holding DATABASE_URL");
  auto url = secretValue(r.ns, secretRef.name, secretRef.key, "spec.connection.secretRef");
  if (!url) return url.error();
  pg::ConnectionOptions options;
  options.url = *url;
  while (!options.url.empty() && (options.url.back() == '\n' || options.url.back() == '\r')) options.url.pop_back();
  // The same rule as the CLI's (pg::resolveSslMode): the stricter of the document's and the URL's
  // sslmode, verify-full when neither says.
  if (r.connection.sslModeSet) options.declaredSslMode = spec::toString(r.connection.sslMode);
  options.allowSelfSigned = r.connection.allowSelfSigned;
  options.connectTimeoutSeconds = connectTimeoutSeconds_;
  if (r.connection.rootCertRef) {
    auto caFile = caFileFor(r);
    if (!caFile) return caFile.error();
    options.rootCertFile = *caFile;
  }
  return options;
}

}  // namespace controller
