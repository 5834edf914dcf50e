#include "schema/locks.hpp"

namespace schema {

namespace {

constexpr LockMode kAll[] = {LockMode::AccessShare, LockMode::RowShare,          LockMode::RowExclusive,
                             LockMode::ShareUpdateExclusive, LockMode::Share,    LockMode::ShareRowExclusive,
                             LockMode::Exclusive,   LockMode::AccessExclusive};

}  // namespace

std::string_view toString(LockMode m) {
  switch (m) {
    case LockMode::AccessShare: return "ACCESS SHARE";
    case LockMode::RowShare: return "ROW SHARE";
    case LockMode::RowExclusive: return "ROW EXCLUSIVE";
    case LockMode::ShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockMode::Share: return "SHARE";
    case LockMode::ShareRowExclusive: return "SHARE ROW EXCLUSIVE";
    case LockMode::Exclusive: return "EXCLUSIVE";
    case LockMode::AccessExclusive: return "ACCESS EXCLUSIVE";
  }
  return "";
}

std::string_view pgLocksName(LockMode m) {
  switch (m) {
    case LockMode::AccessShare: return "AccessShareLock";
    case LockMode::RowShare: return "RowShareLock";
    case LockMode::RowExclusive: return "RowExclusiveLock";
    case LockMode::ShareUpdateExclusive: return "ShareUpdateExclusiveLock";
    case LockMode::Share: return "ShareLock";
    case LockMode::ShareRowExclusive: return "ShareRowExclusiveLock";
    case LockMode::Exclusive: return "ExclusiveLock";
    case LockMode::AccessExclusive: return "AccessExclusiveLock";
  }
  return "";
}

bool conflicts(LockMode held, LockMode wanted) {
  // The conflict table of the Postgres docs, row by row: what each mode conflicts with. It is
  // symmetric, so the order of the arguments does not matter.
  auto row = [](LockMode m) -> unsigned {
    auto bit = [](LockMode x) { return 1u << static_cast<unsigned>(x); };
    const unsigned ae = bit(LockMode::AccessExclusive), ex = bit(LockMode::Exclusive),
                   sre = bit(LockMode::ShareRowExclusive), sh = bit(LockMode::Share),
                   sue = bit(LockMode::ShareUpdateExclusive), rx = bit(LockMode::RowExclusive),
                   rs = bit(LockMode::RowShare), as = bit(LockMode::AccessShare);
    switch (m) {
      case LockMode::AccessShare: return ae;
      case LockMode::RowShare: return ex | ae;
      case LockMode::RowExclusive: return sh | sre | ex | ae;
      case LockMode::ShareUpdateExclusive: return sue | sh | sre | ex | ae;
      case LockMode::Share: return rx | sue | sre | ex | ae;
      case LockMode::ShareRowExclusive: return rx | sue | sh | sre | ex | ae;
      case LockMode::Exclusive: return rs | rx | sue | sh | sre | ex | ae;
      case LockMode::AccessExclusive: return as | rs | rx | sue | sh | sre | ex | ae;
    }
    return 0;
  };
  return (row(wanted) >> static_cast<unsigned>(held)) & 1u;
}

std::vector<LockMode> conflictingModes(LockMode wanted) {
  std::vector<LockMode> out;
  for (LockMode m : kAll)
    if (conflicts(m, wanted)) out.push_back(m);
  return out;
}

bool blocksWrites(LockMode m) { return conflicts(LockMode::RowExclusive, m); }

}  // namespace schema
