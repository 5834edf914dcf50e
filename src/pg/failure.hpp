#pragma once
// What a libpqxx exception means, in the user's terms. libpqxx words a lost connection after its
// own internals ("Could not obtain client encoding: not connected", "Lost connection to the
// database server"); none of that reaches a message, status, Event or log.
#include <exception>
#include <string>

#include "core/error.hpp"

namespace pg {

// "<context>: <reason>". The reason is the server's message for a statement it refused, "the
// database closed the connection" (with the server's reason when it gave one) for a lost
// connection, "out of memory", or "unexpected error in the database client: …" for a misuse of
// libpqxx (a bug). Lost connections, serialisation failures, deadlocks, lock and statement
// timeouts are Transient (a retry may help); anything else is Terminal.
core::Error failureOf(const std::exception& e, const std::string& context);

}  // namespace pg
