#pragma once
// Helpers for the spec tests: a minimal document around a spec, and error assertions that show
// what was found when they fail.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>

#include "spec/resource.hpp"

namespace spec::testing {

// A DatabaseSchema named "t" whose spec is `body`, a block of YAML written at column 0.
inline std::string withSpec(std::string_view body) {
  std::string out = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata: {name: t}\nspec:\n";
  std::istringstream lines{std::string(body)};
  for (std::string line; std::getline(lines, line);) out += "  " + line + "\n";
  return out;
}

inline DatabaseSchema parseOk(std::string_view text) {
  auto r = parseDocument(text);
  if (!r) {
    ADD_FAILURE() << "unexpected error: " << r.error().describe() << "\n" << text;
    return {};
  }
  return *r;
}

// The error is Invalid, names exactly `field`, and its message contains `message`.
inline ::testing::AssertionResult isInvalid(const core::Result<DatabaseSchema>& r, const std::string& field,
                                            const std::string& message) {
  if (r) return ::testing::AssertionFailure() << "parsed without error";
  const core::Error& e = r.error();
  if (e.kind != core::ErrorKind::Invalid) return ::testing::AssertionFailure() << "kind is not Invalid: " << e.describe();
  if (e.field != field)
    return ::testing::AssertionFailure() << "field is \"" << e.field << "\", expected \"" << field << "\" (" << e.describe() << ")";
  if (e.message.find(message) == std::string::npos)
    return ::testing::AssertionFailure() << "message \"" << e.message << "\" lacks \"" << message << "\"";
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult rejects(std::string_view text, const std::string& field, const std::string& message) {
  return isInvalid(parseDocument(text), field, message);
}

}  // namespace spec::testing
