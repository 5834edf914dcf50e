#pragma once
// The command flow: read and validate every document, then connect and run the engine for each,
// print, and choose the exit status the contract names.
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "pg/connection.hpp"
#include "spec/resource.hpp"

namespace cli {

// Exit statuses of the contract.
inline constexpr int kExitOk = 0;      // in sync (plan) / the database then matches (apply)
inline constexpr int kExitError = 1;   // bad input, unreachable database, a failed statement
inline constexpr int kExitPending = 2; // drift found (plan) / changes still pending (apply)

// The world the CLI sees, injected so the flow is testable without a process.
struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::function<std::optional<std::string>(const std::string&)> env;
};

// The connection of one document: flags first, then the environment (DATABASE_URL,
// PG_SSL_ROOT_CERT, PG_SSL_ALLOW_SELF_SIGNED), then the document's spec.connection.
core::Result<pg::ConnectionOptions> connectionFor(const Args& args, const spec::DatabaseSchema& resource,
                                                  const Io& io);

// Everything after the program name; returns the exit status.
int run(const std::vector<std::string>& argv, Io& io);

}  // namespace cli
