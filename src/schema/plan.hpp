#pragma once
// Changes in, ordered lock-safe SQL steps out. No connection: the plan is data, the hash is over
// its canonical statements, and pg::apply runs it.
#include <string>
#include <vector>

#include "schema/change.hpp"
#include "schema/locks.hpp"
#include "schema/policy.hpp"

namespace schema {

struct Step {
  ChangeKind kind{};
  std::string object;
  Safety safety = Safety::Safe;
  std::vector<std::string> statements;  // in order; one transaction when `transactional`
  bool transactional = true;            // false for CREATE/DROP INDEX CONCURRENTLY
  std::vector<std::string> onFailure;   // best effort after the step failed, so nothing half-made stays (an INVALID index, a NOT VALID constraint)
  // Set on both halves of a definition change (a Drop and the Add that re-creates the object):
  // when the Drop may not run, neither does the Add.
  std::string replaces;
  // The table locks its statements take (the strongest per table): pg::apply waits, outside the
  // lock queue, while another session holds a conflicting one. Empty: no existing table is locked.
  std::vector<TableLock> locks;
  bool operator==(const Step&) const = default;
};

struct Plan {
  std::vector<Change> drift;  // every difference, blocked included, in plan order
  std::vector<Step> steps;    // what would run, blocked changes excluded
  std::string hash;           // "sha256:<hex>" over statements(); empty when there is nothing to run
  int destructive = 0;        // destructive steps in `steps`
  int blocked = 0;            // blocked changes in `drift`

  std::vector<std::string> statements() const;
};

// Orders the changes (extensions, enums, sequences, tables without foreign keys, columns, constraints and
// foreign keys, indexes, seed rows; drops last) and renders each to statements.
Plan plan(const std::vector<Change>& changes, const std::string& schemaName);

// The steps that may run now: every safe step, and the destructive ones the approval allows.
// An Add that replaces a Drop which may not run is held back with it.
std::vector<Step> runnable(const Plan& plan, const Approval& approval);

}  // namespace schema
