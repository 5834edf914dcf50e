#pragma once
// Leader election on a coordination.k8s.io/v1 Lease (contract §8): client-side optimistic
// concurrency. decide() is the pure rule; LeaderElector runs GET → (404 → POST) → PUT with the
// read resourceVersion every retryPeriod, loses leadership when no renew succeeds within
// renewDeadline, and releases (empty holderIdentity) on shutdown. Lease calls time out under
// renewDeadline/2 and are not retried inside the client: the loop is the retry.
#include <atomic>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"
#include "core/clock.hpp"

namespace kube {

struct LeaseSpec {
  std::string holderIdentity;
  int leaseDurationSeconds = 0;
  std::optional<core::TimePoint> acquireTime, renewTime;
  int leaseTransitions = 0;
};

LeaseSpec leaseSpecOf(const nlohmann::json& lease);      // reads .spec
nlohmann::json toJson(const LeaseSpec& spec);           // MicroTime timestamps

struct LeaseDurations {
  core::Millis leaseDuration = std::chrono::seconds(15);
  core::Millis renewDeadline = std::chrono::seconds(10);
  core::Millis retryPeriod = std::chrono::seconds(2);
};

enum class LeaseAction {
  Acquire,  // free, expired or never renewed: take it over (PUT with the read RV)
  Renew,    // ours: PUT a new renewTime
  Standby,  // held by another and not expired
};

// Expiry is renewTime + the lease's own leaseDurationSeconds (ours when it has none), compared
// with our clock: the API server stores the times, it does not interpret them.
LeaseAction decide(const LeaseSpec& observed, core::TimePoint now, const std::string& identity,
                   const LeaseDurations& durations);

struct LeaderElectionConfig {
  std::string ns;
  std::string name;
  std::string identity;  // e.g. the pod name + a random suffix
  LeaseDurations durations;
};

class LeaderElector {
 public:
  LeaderElector(Client& client, LeaderElectionConfig config, std::function<void()> onStartedLeading,
                std::function<void()> onStoppedLeading);

  // Blocks until stop: tries to acquire or renew every retryPeriod; releases when it stops.
  void run(std::stop_token stop);
  bool isLeader() const { return leader_.load(); }
  // The API answered at least once: this replica knows whether it leads or stands by.
  bool settled() const { return settled_.load(); }

  // One round (exposed for tests): true when we hold the lease afterwards.
  ApiResult<bool> tryAcquireOrRenew();
  // PUT an empty holder if we hold it. Best effort.
  void release();

 private:
  CallOptions callOptions() const;

  Client& client_;
  LeaderElectionConfig config_;
  std::function<void()> onStarted_, onStopped_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> settled_{false};
};

}  // namespace kube
