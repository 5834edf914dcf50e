#pragma once
// The certificates and keys one test control plane needs, made for the run with the openssl
// command and kept in its folder: a CA; signed by it, kube-apiserver's serving certificate
// (127.0.0.1 and localhost) and the admin's client certificate (group system:masters); and the
// key pair that ServiceAccount tokens are signed with.
#include <string>

namespace controlplane {

struct Pki {
  std::string caCert, caKey;
  std::string servingCert, servingKey;
  std::string adminCert, adminKey;  // CN=admin, O=system:masters
  std::string serviceAccountKey, serviceAccountPub;
};

// Writes every file into `dir`; throws std::runtime_error naming the openssl step that failed.
Pki makePki(const std::string& dir);

}  // namespace controlplane
