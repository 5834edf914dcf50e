#pragma once
// Grants and default privileges (contract Part 2, Access): the Grant, Revoke,
// SetDefaultPrivileges and RevokeDefaultPrivileges that make the live privileges the declared
// ones, where they are declared. Compared privilege by privilege, so the order a list is written
// in, or how the privileges were granted, is never drift. Pure.
#include <string>
#include <vector>

#include "schema/change.hpp"

namespace schema {

// What makes `live` into `declared` on one object (`name` empty for the schema; a routine's
// `argumentTypes` say which one it is): a Grant of the declared privileges it lacks and a Revoke
// of those not declared, at most one each per (column, role). `live` null: the object holds
// nothing yet (the plan makes it again). `onNewObject`: the plan creates the object (its changes'
// onNewTable). Each change's object is "orders:grant:app", "orders.status:grant:support",
// "schema:grant:app", "add_cents(bigint,bigint):grant:app".
std::vector<Change> grantChanges(GrantOn on, const std::string& name, const std::vector<Grant>& declared,
                                 const std::vector<Grant>* live, bool onNewObject,
                                 const std::string& argumentTypes = {});

// Grants on views and sequences, appended to `changes` (diff's, views' included: which views the
// plan creates or makes again is read from them). A view or sequence with `grants` holds exactly
// those; one the plan creates gets its declared grants after it is made; a view the plan drops and
// creates again (a replacement that CREATE OR REPLACE cannot do, a view made again around a
// change under it) loses its privileges with the drop, so it is granted again what it is declared
// to hold, or, without `grants`, what it held before.
void diffObjectGrants(const Model& have, const Model& want, std::vector<Change>& changes);

// Default privileges in the schema where `defaultPrivileges` is declared: one
// SetDefaultPrivileges and one RevokeDefaultPrivileges at most per (forRole, objects, role), a
// declared entry without forRole being for have.sessionRole. Object
// "default:<forRole>:<objects>:<role>".
void diffDefaultPrivileges(const Model& have, const Model& want, std::vector<Change>& changes);

}  // namespace schema
