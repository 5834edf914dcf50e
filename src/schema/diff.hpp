#pragma once
#include <vector>

#include "schema/canon.hpp"
#include "schema/change.hpp"
#include "schema/policy.hpp"

namespace schema {

// Every difference between live (`have`) and declared (`want`) objects of one schema, as changes
// in the contract's vocabulary. Safety is by kind; classify() refines it with facts.
std::vector<Change> diff(const Model& have, const Model& want, const Policy& policy, const Canon& canon);

}  // namespace schema
