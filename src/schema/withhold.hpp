#pragma once
// Preflight (contract Part 2): what a declaration needs from outside the plan — an extension the
// server can create, a table, type, function or schema the resource does not declare — is looked
// for before any DDL. A declared item whose need is missing is *withheld*: it stands in the
// declared model as it is live (or not at all when it is not live), so that the plan neither
// changes nor drops it, and it is reported as one blocked change with the reason; the rest of the
// plan proceeds. Pure: the engine puts the questions, this decides what a refusal holds back.
#include <string>
#include <vector>

#include "schema/change.hpp"
#include "schema/model.hpp"

namespace schema {

// A declaration Postgres refused while it was asked: the field and the server's message and
// SQLSTATE.
struct Refusal {
  std::string field;
  std::string message;
  std::string sqlstate;
};

// Whether the server refused because something the text names does not exist: a relation
// (42P01), a type, operator class or other object (42704), a function or operator (42883), a
// schema (3F000). A column that does not exist (42703) is not among them: it is a mistake within
// a relation that does exist.
bool namesMissingObject(const std::string& sqlstate);

// What is withheld so far, across the rounds of questions of one plan.
struct Withheld {
  std::vector<Change> changes;          // blocked, each with its reason
  std::vector<std::string> extensions;  // declared extensions the server cannot create
  // Names of withheld views, functions and tables: a later refusal naming one waits for it.
  std::vector<std::pair<std::string, std::string>> items;  // (kind, name): ("view", "open_orders")
};

// A declared extension that cannot be created (not available on the server, or refused): taken
// out of `declared`, reported as a blocked CreateExtension with `reason`.
void withholdExtension(Model& declared, const std::string& name, const std::string& reason, Withheld& withheld);

// Withholds the declared item `refusal` is about, when the refusal is a missing need:
// - a view, function, policy or trigger (contract Part 2: blocked while a referenced object is
//   missing) refused because something it names does not exist;
// - a table whose column, check, index or exclusion is so refused while a declared extension
//   cannot be created (what the extension would provide is missing); a table the plan would
//   create takes the foreign keys onto it (held) and its partitions (withheld) with it;
// - an extension the questions could not create.
// False when the refusal is the declaration's own fault (a typo, a syntax error, a type that no
// extension of the plan could provide): the refusal stands as the input error it is.
bool withhold(Model& declared, const Model& have, const Refusal& refusal, Withheld& withheld);

}  // namespace schema
