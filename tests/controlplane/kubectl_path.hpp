#pragma once
// Which kubectl the tests run: $KUBECTL, else the machine's, else the one `make deps` fetches
// into the repository's .tools/bin.
#include <string>

namespace controlplane {

std::string kubectlPath();

}  // namespace controlplane
