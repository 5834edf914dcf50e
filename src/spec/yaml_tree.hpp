#pragma once
// The YAML the readers walk (src/yaml), under the names src/spec uses. Internal to src/spec.
#include "yaml/tree.hpp"

namespace spec::detail {

using yaml::Documents;
using yaml::Node;
using yaml::NodeData;
using yaml::NodeKind;

}  // namespace spec::detail
