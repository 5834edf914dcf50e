#pragma once
// The command flow: parse the command line, then for plan and apply read and validate every
// document, connect and run the engine for each, print, and choose the exit status the contract
// names; `run` hands over to operator_::serve.
#include <iosfwd>
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

// The streams the CLI uses, injected so the flow is testable without a process. The environment
// is read by the command line (cli/command_line.cpp), as each flag's fallback.
struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// The connection of one document: the flags (or their environment variables: DATABASE_URL,
// PG_SSL_ROOT_CERT, PG_SSL_ALLOW_SELF_SIGNED), then the document's spec.connection.
core::Result<pg::ConnectionOptions> connectionFor(const Args& args, const spec::DatabaseSchema& resource);

// Everything after the program name; returns the exit status.
int run(const std::vector<std::string>& argv, Io& io);

}  // namespace cli
