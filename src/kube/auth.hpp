#pragma once
// The bearer token as a layer over ClusterConfig: a static token, or a token file re-read at
// most once a minute (projected service-account tokens rotate) and at once after a 401.
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "kube/config.hpp"

namespace kube {

class BearerAuth {
 public:
  BearerAuth(const ClusterConfig& config, core::Clock& clock, core::Millis refresh = std::chrono::minutes(1));

  // "Bearer <token>" or nullopt when the config has no token. Thread-safe.
  std::optional<std::string> header();
  // After a 401: the next header() re-reads the file.
  void invalidate();

 private:
  std::mutex m_;
  core::Clock& clock_;
  std::string token_;
  std::string tokenFile_;
  core::Millis refresh_;
  core::TimePoint readAt_{};
  bool stale_ = false;
};

}  // namespace kube
