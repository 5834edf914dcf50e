#pragma once
// Table lock modes as Postgres names them, which ones conflict, and which a plan step takes. Pure:
// pg::apply reads the modes a step needs to look for sessions holding conflicting ones before it
// joins the lock queue (docs/online-ddl.md).
#include <string>
#include <string_view>
#include <vector>

namespace schema {

// In Postgres' own order, weakest first (the docs' "Table-Level Lock Modes").
enum class LockMode { AccessShare, RowShare, RowExclusive, ShareUpdateExclusive, Share, ShareRowExclusive, Exclusive,
                      AccessExclusive };

std::string_view toString(LockMode m);      // "ACCESS EXCLUSIVE", as LOCK TABLE writes it
std::string_view pgLocksName(LockMode m);   // "AccessExclusiveLock", as pg_locks.mode shows it
bool conflicts(LockMode held, LockMode wanted);
// Every mode that conflicts with `wanted`, weakest first.
std::vector<LockMode> conflictingModes(LockMode wanted);
// Whether a lock in this mode stops the application's INSERT, UPDATE and DELETE (ROW EXCLUSIVE).
bool blocksWrites(LockMode m);

// A table a step locks, and how. `table` is the qualified SQL name ("s"."t") as the step's
// statements write it, so the server resolves it the same way (to_regclass).
struct TableLock {
  std::string table;
  LockMode mode = LockMode::AccessExclusive;
  bool operator==(const TableLock&) const = default;
};

}  // namespace schema
