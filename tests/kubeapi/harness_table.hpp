#pragma once
// Reading kubectl's human-readable output (get, get events, api-resources) in the proof suite.
#include <map>
#include <string>
#include <vector>

namespace kubetest {

// kubectl's human-readable table (get, get events): the header's column names, and each row as
// column name -> trimmed cell, cut at the header's column offsets (cells may be empty).
std::vector<std::string> tableHeader(const std::string& text);
std::vector<std::map<std::string, std::string>> tableRows(const std::string& text);
// The row whose NAME column is `name` (empty map when none).
std::map<std::string, std::string> tableRow(const std::string& text, const std::string& name);

}  // namespace kubetest
