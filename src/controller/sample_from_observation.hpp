#pragma once
// What a reconcile observed, as the metrics report it. Pure: the observation in, the sample out.
#include <string>

#include "controller/status.hpp"
#include "metrics/resource_sample.hpp"

namespace controller {

// In sync only when the engine ran and nothing differs afterwards; the database is up when the
// engine connected, down when connecting failed or its Secret is missing, and unknown when the
// spec is invalid. Drift is what still differs after any apply.
metrics::ResourceSample sampleOf(const std::string& ns, const std::string& name, const Observation& observed,
                                 double checkedAt);

}  // namespace controller
