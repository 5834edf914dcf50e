#pragma once
// A throwaway CA and a server certificate for 127.0.0.1/localhost, made at start with the OpenSSL API.
#include <string>

namespace kubeapi {

struct TlsMaterial {
  std::string caPem, certPem, keyPem;
};

TlsMaterial generateTls();  // throws std::runtime_error

}  // namespace kubeapi
