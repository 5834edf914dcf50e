#include "schema/model.hpp"

namespace schema {

std::string SeedRow::object() const {
  std::string out = table + "[";
  bool first = true;
  for (const auto& k : key) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] != k) continue;
      if (!first) out += ",";
      first = false;
      out += k + "=" + (values[i] ? *values[i] : "null");
    }
  }
  return out + "]";
}

std::string routineSignature(const std::string& name, const std::string& argumentTypes) {
  std::string types;
  for (size_t i = 0; i < argumentTypes.size(); ++i) {
    if (argumentTypes[i] == ' ' && i > 0 && argumentTypes[i - 1] == ',') continue;  // "a, b" -> "a,b"
    types.push_back(argumentTypes[i]);
  }
  return name + "(" + types + ")";
}

std::string Function::signature() const { return routineSignature(name, argumentTypes); }

const char* toSql(FkAction a) {
  switch (a) {
    case FkAction::NoAction: return "NO ACTION";
    case FkAction::Restrict: return "RESTRICT";
    case FkAction::Cascade: return "CASCADE";
    case FkAction::SetNull: return "SET NULL";
    case FkAction::SetDefault: return "SET DEFAULT";
  }
  return "NO ACTION";
}

const char* toSpelling(FkAction a) {
  switch (a) {
    case FkAction::NoAction: return "no action";
    case FkAction::Restrict: return "restrict";
    case FkAction::Cascade: return "cascade";
    case FkAction::SetNull: return "set null";
    case FkAction::SetDefault: return "set default";
  }
  return "no action";
}

const char* toSpelling(Identity i) {
  switch (i) {
    case Identity::None: return "";
    case Identity::Always: return "always";
    case Identity::ByDefault: return "by-default";
  }
  return "";
}

const char* toSpelling(Deferrable d) {
  switch (d) {
    case Deferrable::No: return "false";
    case Deferrable::InitiallyImmediate: return "initially-immediate";
    case Deferrable::InitiallyDeferred: return "initially-deferred";
  }
  return "false";
}

std::string deferrableSql(Deferrable d) {
  switch (d) {
    case Deferrable::No: return "";
    case Deferrable::InitiallyImmediate: return " DEFERRABLE INITIALLY IMMEDIATE";
    case Deferrable::InitiallyDeferred: return " DEFERRABLE INITIALLY DEFERRED";
  }
  return "";
}

}  // namespace schema
