#pragma once
// Facts about the data that decide whether a change can run: rows present, NULLs present, seed
// rows present. Gathered by pg::probe in one round trip; consumed by classify().
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "schema/change.hpp"

namespace schema {

struct FactQuestions {
  std::vector<std::string> tablesWithRows;                     // does the table hold any row?
  std::vector<std::pair<std::string, std::string>> nullCounts; // (table, column): how many NULLs?
  std::vector<SeedRow> seedRows;                               // does a row with this key exist?
  bool empty() const { return tablesWithRows.empty() && nullCounts.empty() && seedRows.empty(); }
};

struct Facts {
  std::map<std::string, bool> hasRows;
  std::map<std::pair<std::string, std::string>, long long> nulls;
  std::set<std::string> existingSeedRows;  // SeedRow::object()
};

FactQuestions factsNeeded(const std::vector<Change>& changes);

// Marks blocked changes (with the reason and counts) and drops seed rows that already exist.
std::vector<Change> classify(std::vector<Change> changes, const Facts& facts);

}  // namespace schema
