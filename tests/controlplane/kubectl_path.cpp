#include "controlplane/kubectl_path.hpp"

#include <unistd.h>

#include <cstdlib>

namespace controlplane {

std::string kubectlPath() {
  const char* env = std::getenv("KUBECTL");
  if (env && *env) return env;
  if (::access("/usr/bin/kubectl", X_OK) == 0) return "/usr/bin/kubectl";
  return KUBECTL_FALLBACK;
}

}  // namespace controlplane
