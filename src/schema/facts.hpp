#pragma once
// Facts about the data that decide whether a change can run: rows present, NULLs present, seed
// rows present; and what uses an enum the plan rebuilds. Gathered by pg::probe in one round trip
// (and one more per rebuilt enum); consumed by classify().
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
  std::vector<std::string> rebuiltEnums;  // what uses this enum, that rebuilding it must carry over?
  std::vector<std::string> sequenceValues;   // the value a sequence whose range narrows has reached
  std::vector<std::string> droppedSequences; // what uses a sequence the plan drops?
  std::vector<std::string> roles;            // does the role exist? (the policies' roles, sorted)
  // Does the trigger function (schema, name) exist, with no arguments, returning trigger? Schema
  // "" is the managed one. Sorted, each once.
  std::vector<std::pair<std::string, std::string>> triggerFunctions;
  bool empty() const {
    return tablesWithRows.empty() && nullCounts.empty() && seedRows.empty() && rebuiltEnums.empty() &&
           sequenceValues.empty() && droppedSequences.empty() && roles.empty() &&
           triggerFunctions.empty();
  }
};

// What uses an enum of the schema beyond its columns (which the rebuild casts over).
struct EnumUses {
  std::vector<EnumDependent> dependents;  // taken down and made again around the rebuild
  std::vector<std::string> blockers;      // what a rebuild cannot carry: "view public.open_orders"
};

// What uses a sequence of the schema (pg_depend), but its owner: column defaults, each as
// (live table, column), and anything else, by description ("view public.next_ids").
struct SequenceUses {
  std::vector<std::pair<std::string, std::string>> defaults;
  std::vector<std::string> others;
};

struct Facts {
  std::map<std::string, bool> hasRows;
  std::map<std::pair<std::string, std::string>, long long> nulls;
  std::set<std::string> existingSeedRows;  // SeedRow::object()
  std::map<std::string, EnumUses> enumUses;  // by enum name
  std::map<std::string, long long> sequenceValues;     // last_value, by sequence name
  std::map<std::string, SequenceUses> sequenceUses;    // by sequence name
  std::set<std::string> existingRoles;                 // of FactQuestions::roles, those that exist
  std::set<std::pair<std::string, std::string>> existingTriggerFunctions;  // of FactQuestions::triggerFunctions
};

FactQuestions factsNeeded(const std::vector<Change>& changes);

// Marks blocked changes (with the reason and counts) and drops seed rows that already exist.
std::vector<Change> classify(std::vector<Change> changes, const Facts& facts);

}  // namespace schema
