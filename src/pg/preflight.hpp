#pragma once
// Preflight questions about what a declaration needs from the server before anything is asked
// or done (contract Part 2): which declared extensions the server can create at all.
#include <set>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"

namespace pg {

// Of `names` (extensions the plan would create), those the server has the files for
// (pg_available_extensions). One round trip; none when `names` is empty.
core::Result<std::set<std::string>> availableExtensions(pqxx::connection& conn, const std::vector<std::string>& names);

}  // namespace pg
