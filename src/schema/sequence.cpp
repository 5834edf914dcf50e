#include "schema/sequence.hpp"

#include <limits>

namespace schema {

std::optional<SequenceRange> rangeOfType(const std::string& type) {
  if (type == "smallint") return SequenceRange{std::numeric_limits<short>::min(), std::numeric_limits<short>::max()};
  if (type == "integer") return SequenceRange{std::numeric_limits<int>::min(), std::numeric_limits<int>::max()};
  if (type == "bigint") return SequenceRange{std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max()};
  return std::nullopt;
}

Sequence withDefaults(const Sequence& declared) {
  Sequence s = declared;
  const SequenceRange type = rangeOfType(s.type).value_or(*rangeOfType("bigint"));
  if (!s.increment) s.increment = 1;
  const bool ascending = *s.increment > 0;
  if (!s.minValue) s.minValue = ascending ? 1 : type.min;
  if (!s.maxValue) s.maxValue = ascending ? type.max : -1;
  if (!s.start) s.start = ascending ? *s.minValue : *s.maxValue;
  if (!s.cache) s.cache = 1;
  return s;
}

std::optional<SequenceProblem> optionsProblem(const Sequence& declared) {
  const auto type = rangeOfType(declared.type);
  if (!type) return SequenceProblem{"type", "must be smallint, integer or bigint"};
  if (declared.increment && *declared.increment == 0) return SequenceProblem{"increment", "must not be zero"};
  auto outOfType = [&](const char* option, const std::optional<long long>& v) -> std::optional<SequenceProblem> {
    if (v && (*v < type->min || *v > type->max))
      return SequenceProblem{option, std::to_string(*v) + " is out of range for " + declared.type + " (" +
                                         std::to_string(type->min) + " to " + std::to_string(type->max) + ")"};
    return std::nullopt;
  };
  if (auto p = outOfType("minValue", declared.minValue)) return p;
  if (auto p = outOfType("maxValue", declared.maxValue)) return p;
  const Sequence s = withDefaults(declared);
  if (*s.minValue >= *s.maxValue)
    return SequenceProblem{declared.minValue ? "minValue" : "maxValue",
                           "minValue " + std::to_string(*s.minValue) + " must be less than maxValue " +
                               std::to_string(*s.maxValue)};
  if (*s.start < *s.minValue)
    return SequenceProblem{"start", std::to_string(*s.start) + " is below minValue " + std::to_string(*s.minValue)};
  if (*s.start > *s.maxValue)
    return SequenceProblem{"start", std::to_string(*s.start) + " is above maxValue " + std::to_string(*s.maxValue)};
  if (*s.cache < 1) return SequenceProblem{"cache", "must be at least 1"};
  return std::nullopt;
}

bool sameOptions(const Sequence& live, const Sequence& wanted) {
  return live.type == wanted.type && live.start == wanted.start && live.increment == wanted.increment &&
         live.minValue == wanted.minValue && live.maxValue == wanted.maxValue && live.cache == wanted.cache &&
         live.cycle == wanted.cycle;
}

std::optional<std::pair<std::string, std::string>> splitOwner(const std::string& ownedBy, const Model& model) {
  for (size_t dot = ownedBy.find('.'); dot != std::string::npos; dot = ownedBy.find('.', dot + 1)) {
    const Table* t = model.table(ownedBy.substr(0, dot));
    if (t && t->column(ownedBy.substr(dot + 1))) return std::make_pair(t->name, ownedBy.substr(dot + 1));
  }
  return std::nullopt;
}

}  // namespace schema
