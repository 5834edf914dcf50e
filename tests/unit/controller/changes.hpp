#pragma once
// A schema::Change as the tests of the controller's pure parts write one.
#include <string>

#include "schema/change.hpp"

namespace controller::fixtures {

inline schema::Change change(schema::ChangeKind kind, const std::string& object, schema::Safety safety,
                             const std::string& reason = "") {
  schema::Change c;
  c.kind = kind;
  c.object = object;
  c.safety = safety;
  c.reason = reason;
  return c;
}

}  // namespace controller::fixtures
