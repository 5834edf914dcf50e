#include "kube/lease.hpp"

#include "core/time.hpp"

namespace kube {

LeaseSpec leaseSpecOf(const nlohmann::json& lease) {
  LeaseSpec s;
  if (!lease.is_object() || !lease.contains("spec") || !lease["spec"].is_object()) return s;
  const auto& spec = lease["spec"];
  s.holderIdentity = spec.value("holderIdentity", "");
  if (spec.contains("leaseDurationSeconds") && spec["leaseDurationSeconds"].is_number_integer())
    s.leaseDurationSeconds = spec["leaseDurationSeconds"].get<int>();
  if (spec.contains("leaseTransitions") && spec["leaseTransitions"].is_number_integer())
    s.leaseTransitions = spec["leaseTransitions"].get<int>();
  if (spec.contains("acquireTime") && spec["acquireTime"].is_string())
    s.acquireTime = core::parseTime(spec["acquireTime"].get<std::string>());
  if (spec.contains("renewTime") && spec["renewTime"].is_string())
    s.renewTime = core::parseTime(spec["renewTime"].get<std::string>());
  return s;
}

nlohmann::json toJson(const LeaseSpec& s) {
  nlohmann::json j = nlohmann::json::object();
  j["holderIdentity"] = s.holderIdentity;
  j["leaseDurationSeconds"] = s.leaseDurationSeconds;
  if (s.acquireTime) j["acquireTime"] = core::formatMicroTime(*s.acquireTime);
  if (s.renewTime) j["renewTime"] = core::formatMicroTime(*s.renewTime);
  j["leaseTransitions"] = s.leaseTransitions;
  return j;
}

LeaseAction decide(const LeaseSpec& observed, core::TimePoint now, const std::string& identity,
                   const LeaseDurations& durations) {
  if (!observed.holderIdentity.empty() && observed.holderIdentity == identity) return LeaseAction::Renew;
  if (observed.holderIdentity.empty() || !observed.renewTime) return LeaseAction::Acquire;
  core::Millis duration = observed.leaseDurationSeconds > 0 ? core::Millis(observed.leaseDurationSeconds * 1000LL)
                                                      : durations.leaseDuration;
  if (*observed.renewTime + duration > now) return LeaseAction::Standby;
  return LeaseAction::Acquire;
}

LeaderElector::LeaderElector(Client& client, LeaderElectionConfig config, std::function<void()> onStartedLeading,
                             std::function<void()> onStoppedLeading)
    : client_(client),
      config_(std::move(config)),
      onStarted_(std::move(onStartedLeading)),
      onStopped_(std::move(onStoppedLeading)) {}

CallOptions LeaderElector::callOptions() const {
  core::Millis t = config_.durations.renewDeadline / 2;
  return CallOptions{std::max(t, core::Millis(1)), 1};
}

ApiResult<bool> LeaderElector::tryAcquireOrRenew() {
  const ResourceType lease = resources::lease();
  const core::TimePoint now = client_.clock().now();
  const int durationSeconds = static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(config_.durations.leaseDuration).count());
  auto got = client_.call(request::get(lease, config_.ns, config_.name), callOptions());
  if (!got) {
    if (!got.error().isNotFound()) return got.error();
    LeaseSpec spec{config_.identity, durationSeconds, now, now, 0};
    nlohmann::json object = {{"apiVersion", "coordination.k8s.io/v1"},
                             {"kind", "Lease"},
                             {"metadata", {{"name", config_.name}, {"namespace", config_.ns}}},
                             {"spec", toJson(spec)}};
    auto created = client_.call(request::create(lease, config_.ns, object), callOptions());
    if (created) return true;
    if (created.error().isConflict()) return false;  // another candidate created it first
    return created.error();
  }
  nlohmann::json object = *got;
  LeaseSpec observed = leaseSpecOf(object);
  LeaseAction action = decide(observed, now, config_.identity, config_.durations);
  if (action == LeaseAction::Standby) return false;
  LeaseSpec spec = observed;
  if (action == LeaseAction::Acquire) {
    if (observed.holderIdentity != config_.identity) spec.leaseTransitions = observed.leaseTransitions + 1;
    spec.holderIdentity = config_.identity;
    spec.acquireTime = now;
  }
  spec.renewTime = now;
  spec.leaseDurationSeconds = durationSeconds;
  object["spec"] = toJson(spec);  // metadata.resourceVersion as read: a 409 means we lost a race
  auto put = client_.call(request::replace(lease, config_.ns, config_.name, object), callOptions());
  if (put) return true;
  if (put.error().isConflict()) return false;
  return put.error();
}

void LeaderElector::release() {
  const ResourceType lease = resources::lease();
  auto got = client_.call(request::get(lease, config_.ns, config_.name), callOptions());
  if (!got) return;
  nlohmann::json object = *got;
  LeaseSpec spec = leaseSpecOf(object);
  if (spec.holderIdentity != config_.identity) return;
  spec.holderIdentity = "";
  spec.leaseDurationSeconds = 1;
  spec.renewTime = client_.clock().now();
  object["spec"] = toJson(spec);
  (void)client_.call(request::replace(lease, config_.ns, config_.name, object), callOptions());
}

void LeaderElector::run(std::stop_token stop) {
  core::Clock& clock = client_.clock();
  std::optional<core::TimePoint> lastRenew;
  while (!stop.stop_requested()) {
    auto r = tryAcquireOrRenew();
    const core::TimePoint now = clock.now();
    if (r) settled_.store(true);
    if (r && *r) {
      lastRenew = now;
      if (!leader_.exchange(true) && onStarted_) onStarted_();
    } else if (leader_.load()) {
      // Someone else holds it now, or renewing kept failing past the deadline.
      bool lost = (r && !*r) || !lastRenew || now - *lastRenew >= config_.durations.renewDeadline;
      if (lost) {
        leader_.store(false);
        if (onStopped_) onStopped_();
      }
    }
    clock.sleepFor(config_.durations.retryPeriod, stop);
  }
  if (leader_.exchange(false)) {
    release();
    if (onStopped_) onStopped_();
  }
}

}  // namespace kube
