#include "metrics/operator_metrics.hpp"

#include <charconv>
#include <cmath>

#include <prometheus/text_serializer.h>

namespace metrics {

namespace {

// Reconciles take milliseconds in sync and seconds when they apply; catalog reads are faster.
const prometheus::Histogram::BucketBoundaries kReconcileBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                               0.5,   1,    2.5,   5,    10,  30};
const prometheus::Histogram::BucketBoundaries kIntrospectionBuckets{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                   0.05,  0.1,    0.25,  0.5,  1, 2.5};

}  // namespace

OperatorMetrics::OperatorMetrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      reconcileTotal_(prometheus::BuildCounter()
                          .Name("schema_operator_reconcile_total")
                          .Help("Reconciles by result (success or error)")
                          .Register(*registry_)),
      reconcileDuration_(prometheus::BuildHistogram()
                             .Name("schema_operator_reconcile_duration_seconds")
                             .Help("Time of one reconcile: read, plan, apply and status write")
                             .Register(*registry_)),
      introspectionDuration_(prometheus::BuildHistogram()
                                 .Name("schema_operator_introspection_duration_seconds")
                                 .Help("Time of reading one schema's catalog")
                                 .Register(*registry_)),
      buildInfo_(prometheus::BuildGauge()
                     .Name("schema_operator_build_info")
                     .Help("Always 1; the version label says which build runs")
                     .Register(*registry_)),
      leaderFamily_(prometheus::BuildGauge()
                        .Name("schema_operator_leader")
                        .Help("1 while this replica holds the leader lease and reconciles")
                        .Register(*registry_)),
      // Both results exist from the start, so rate() and increase() see the first error.
      reconcileSucceeded_(reconcileTotal_.Add({{"result", "success"}})),
      reconcileFailed_(reconcileTotal_.Add({{"result", "error"}})),
      reconcileSeconds_(reconcileDuration_.Add({}, kReconcileBuckets)),
      introspectionSeconds_(introspectionDuration_.Add({}, kIntrospectionBuckets)),
      leader_(leaderFamily_.Add({})),
      // controller-runtime names its controller's queue after the kind it reconciles.
      workQueue_(*registry_, "databaseschema"),
      apiClient_(*registry_) {
  buildInfo_.Add({{"version", version}}).Set(1);
}

namespace {

// A label value as the text format writes it: backslash, double quote and newline escaped.
void appendLabelValue(std::string& out, const std::string& value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

// Whole numbers (counts, Unix times) as integers, anything else in the shortest form that reads
// back the same.
void appendValue(std::string& out, double v) {
  char buf[32];
  std::to_chars_result r;
  if (std::abs(v) < 1e15 && v == std::floor(v)) r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
  else r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void appendHeader(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{extra labels…,name="…",namespace="…"} value: labels in name order, as prometheus-cpp
// writes them. `extra` are (label, value) pairs that sort before "name".
void appendSample(std::string& out, const char* name, std::initializer_list<std::pair<const char*, const std::string*>> extra,
                  const std::pair<std::string, std::string>& resource, double value) {
  out += name;
  out += '{';
  for (const auto& [label, v] : extra) {
    out += label;
    out += "=\"";
    appendLabelValue(out, *v);
    out += "\",";
  }
  out += "name=\"";
  appendLabelValue(out, resource.second);
  out += "\",namespace=\"";
  appendLabelValue(out, resource.first);
  out += "\"} ";
  appendValue(out, value);
  out += '\n';
}

}  // namespace

void OperatorMetrics::appendExposition(std::string& out) const {
  out += prometheus::TextSerializer().Serialize(registry_->Collect());
  workQueue_.appendGauges(out);

  std::lock_guard lock(mutex_);
  // One pass per family: the text format wants each family's samples together. Reserved up
  // front from the series count so the text grows once.
  size_t series = 0;
  for (const auto& [key, s] : resources_) series += 4 + s.drift.size() + s.applied.size() + s.unmanaged.size();
  out.reserve(out.size() + 1024 + series * (48 + 2 * 24));

  appendHeader(out, "schema_operator_in_sync", "gauge",
               "1 when the database matches the DatabaseSchema, 0 when it drifts or cannot be checked");
  for (const auto& [key, s] : resources_) appendSample(out, "schema_operator_in_sync", {}, key, s.inSync ? 1 : 0);
  appendHeader(out, "schema_operator_drift_items", "gauge",
               "Differences between the database and the DatabaseSchema, by change kind and class "
               "(safe, destructive, blocked)");
  for (const auto& [key, s] : resources_)
    for (const auto& [kind, count] : s.drift)
      appendSample(out, "schema_operator_drift_items", {{"change", &kind.first}, {"class", &kind.second}}, key, count);
  appendHeader(out, "schema_operator_destructive_pending", "gauge",
               "Destructive changes waiting for the dbschema.io/allow-destructive annotation");
  for (const auto& [key, s] : resources_)
    appendSample(out, "schema_operator_destructive_pending", {}, key, s.destructivePending);
  appendHeader(out, "schema_operator_database_up", "gauge",
               "1 when the last check reached the database, 0 when it could not connect");
  for (const auto& [key, s] : resources_)
    if (s.databaseUp) appendSample(out, "schema_operator_database_up", {}, key, *s.databaseUp ? 1 : 0);
  appendHeader(out, "schema_operator_changes_applied_total", "counter", "Changes applied to the database, by change kind");
  for (const auto& [key, s] : resources_)
    for (const auto& [change, count] : s.applied)
      appendSample(out, "schema_operator_changes_applied_total", {{"change", &change}}, key, count);
  appendHeader(out, "schema_operator_unmanaged_objects", "gauge",
               "Objects in the resource's schema of a kind it does not manage (never changed; spec.strict refuses "
               "to apply while any exist), by kind");
  for (const auto& [key, s] : resources_)
    for (const auto& [kind, count] : s.unmanaged)
      appendSample(out, "schema_operator_unmanaged_objects", {{"kind", &kind}}, key, count);
  appendHeader(out, "schema_operator_last_check_timestamp_seconds", "gauge",
               "When the resource was last checked against its database (Unix time)");
  for (const auto& [key, s] : resources_)
    appendSample(out, "schema_operator_last_check_timestamp_seconds", {}, key, s.lastCheck);
}

OperatorMetrics::~OperatorMetrics() = default;

void OperatorMetrics::resourceChecked(const ResourceSample& sample) {
  if (sample.introspectionSeconds) introspectionSeconds_.Observe(*sample.introspectionSeconds);
  std::lock_guard lock(mutex_);
  Series& s = resources_[{sample.ns, sample.name}];
  s.inSync = sample.inSync;
  s.destructivePending = sample.destructivePending;
  s.lastCheck = sample.checkedAt;
  if (sample.databaseUp) s.databaseUp = *sample.databaseUp;
  // Drift kinds that went away lose their series rather than lingering at 0.
  s.drift.clear();
  for (const auto& [key, count] : sample.drift) s.drift[key] = count;
  for (const auto& [change, count] : sample.applied) s.applied[change] += count;
  // As drift: a kind whose objects are gone loses its series.
  if (sample.unmanaged) s.unmanaged = {sample.unmanaged->begin(), sample.unmanaged->end()};
}

void OperatorMetrics::resourceGone(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  resources_.erase({ns, name});
}

void OperatorMetrics::reconcileFinished(bool succeeded, double seconds) {
  (succeeded ? reconcileSucceeded_ : reconcileFailed_).Increment();
  reconcileSeconds_.Observe(seconds);
}

void OperatorMetrics::setLeader(bool leading) { leader_.Set(leading ? 1 : 0); }

}  // namespace metrics
