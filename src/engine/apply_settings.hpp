#pragma once
// A resource's spec.apply over the options an apply starts from: what the document sets wins over
// `base` (the daemon's flags; for the CLI, its defaults, which its own flags then override).
#include "pg/apply.hpp"
#include "spec/resource.hpp"

namespace engine {

pg::ApplyOptions withSettings(pg::ApplyOptions base, const spec::ApplySettings& settings);

}  // namespace engine
