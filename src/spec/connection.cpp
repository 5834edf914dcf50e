// spec.connection: where the database URL and CA bundle live, and how strictly TLS is checked.
#include "spec/parse.hpp"

namespace spec {

const char* toString(SslMode m) {
  switch (m) {
    case SslMode::Disable: return "disable";
    case SslMode::Require: return "require";
    case SslMode::VerifyCa: return "verify-ca";
    case SslMode::VerifyFull: return "verify-full";
  }
  return "verify-full";
}

namespace detail {

namespace {

SecretKeyRef readSecretKeyRef(const Fields& ref) {
  return SecretKeyRef{ref.requiredText("name"), ref.requiredText("key")};
}

SslMode readSslMode(const Fields& connection, const std::string& value) {
  for (auto mode : {SslMode::Disable, SslMode::Require, SslMode::VerifyCa, SslMode::VerifyFull})
    if (value == toString(mode)) return mode;
  // The value is not quoted: connection is where a connection string gets pasted by mistake.
  connection.issues().report(connection.pathOf("sslMode"), "must be disable, require, verify-ca or verify-full");
  return SslMode::VerifyFull;
}

}  // namespace

// secretRef may be left out: the CLI takes the URL from --database-url and may still want the
// document's sslMode. The controller insists on it where it reads the Secret.
ConnectionSpec readConnection(const Fields& connection) {
  ConnectionSpec out;
  if (auto ref = connection.object("secretRef", {"name", "key"})) out.secretRef = readSecretKeyRef(*ref);
  if (auto mode = connection.text("sslMode")) {
    out.sslMode = readSslMode(connection, *mode);
    out.sslModeSet = true;
  }
  if (auto ref = connection.object("rootCertRef", {"name", "key"})) out.rootCertRef = readSecretKeyRef(*ref);
  out.allowSelfSigned = connection.boolean("allowSelfSigned").value_or(false);
  return out;
}

}  // namespace detail
}  // namespace spec
