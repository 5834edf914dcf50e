#pragma once
// A document as YAML a person would write: block maps and lists for the outline, one-line flow
// maps for small items (a column, an index), and every string that YAML or kubectl could read as
// something else (yes/on/no, null, numbers, reserved characters, leading spaces, line breaks)
// double-quoted, so that the project's reader (src/yaml) and kubectl read back the same text.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace exporting {

// Comment lines first ("# " each; control characters in them escaped, so no line can end the
// comment), then the document.
std::string toYaml(const nlohmann::ordered_json& document, const std::vector<std::string>& comments = {});

// A string as a YAML scalar: plain when that reads back as the same string in YAML 1.1 and 1.2,
// in a flow collection or not; else double-quoted.
std::string yamlScalar(const std::string& text);

}  // namespace exporting
