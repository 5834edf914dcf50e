#include "kube/auth.hpp"

#include <fstream>
#include <sstream>

namespace kube {

BearerAuth::BearerAuth(const ClusterConfig& config, core::Clock& clock, core::Millis refresh)
    : clock_(clock), token_(config.token), tokenFile_(config.tokenFile), refresh_(refresh), readAt_(clock.now()) {
  if (!tokenFile_.empty() && token_.empty()) stale_ = true;
}

std::optional<std::string> BearerAuth::header() {
  std::lock_guard l(m_);
  if (!tokenFile_.empty() && (stale_ || clock_.now() - readAt_ >= refresh_)) {
    std::ifstream in(tokenFile_, std::ios::binary);
    if (in) {  // keep the last good token when the file is briefly missing mid-rotation
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string t = ss.str();
      while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
      if (!t.empty()) token_ = t;
    }
    readAt_ = clock_.now();
    stale_ = false;
  }
  if (token_.empty()) return std::nullopt;
  return "Bearer " + token_;
}

void BearerAuth::invalidate() {
  std::lock_guard l(m_);
  stale_ = true;
}

}  // namespace kube
