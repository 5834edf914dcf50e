#pragma once
// `schema-operator export`: connect, read the schema's catalog, print its DatabaseSchema.
#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace cli {

// Exit 0 with the document on standard output (what was left out on standard error), or 1 with
// the reason (never the password).
int exportCommand(const Args& args, Io& io);

}  // namespace cli
