#include "pg/claim.hpp"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

// Serialises the first CREATE SCHEMA / CREATE TABLE of concurrent claimers (two IF NOT EXISTS
// racing can both try to insert the catalog row); the same key in every process.
constexpr const char* kCreateLock = "SELECT pg_advisory_xact_lock(hashtext('schema-operator'), hashtext('claims'))";

constexpr const char* kCreate =
    "CREATE SCHEMA IF NOT EXISTS schema_operator;"
    "CREATE TABLE IF NOT EXISTS schema_operator.claims ("
    " schema_name text PRIMARY KEY,"
    " owner_namespace text NOT NULL,"
    " owner_name text NOT NULL,"
    " owner_uid text NOT NULL DEFAULT '',"
    " claimed_at timestamptz NOT NULL DEFAULT now());"
    "COMMENT ON TABLE schema_operator.claims IS "
    "'Which DatabaseSchema (namespace/name) manages each schema of this database; written by schema-operator'";

constexpr const char* kSelect =
    "SELECT owner_namespace, owner_name, owner_uid FROM schema_operator.claims WHERE schema_name = $1";

std::optional<Owner> holderIn(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return Owner{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>()};
}

Claim judged(std::string database, std::optional<Owner> holder, const Owner& me) {
  Claim claim{std::move(database), std::move(holder), false};
  claim.conflict = claim.holder && !claim.holder->sameResource(me);
  return claim;
}

// Creates the table if needed, inserts `me` unless someone holds the claim, and moves the claim
// of an older uid of the same resource to this one: all in one transaction.
Claim take(pqxx::connection& conn, const std::string& schemaName, const Owner& me, std::string database) {
  pqxx::work tx(conn, "claim");
  tx.exec(kCreateLock);
  tx.exec(kCreate);
  tx.exec_params(
      "INSERT INTO schema_operator.claims (schema_name, owner_namespace, owner_name, owner_uid) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (schema_name) DO NOTHING",
      schemaName, me.namespaceOrDefault(), me.name, me.uid);
  std::optional<Owner> holder = holderIn(tx.exec_params(kSelect, schemaName));
  if (holder && holder->sameResource(me) && !me.uid.empty() && holder->uid != me.uid) {
    tx.exec_params("UPDATE schema_operator.claims SET owner_uid = $2, claimed_at = now() WHERE schema_name = $1",
                   schemaName, me.uid);
    holder->uid = me.uid;
  }
  tx.commit();
  return judged(std::move(database), std::move(holder), me);
}

}  // namespace

std::string Claim::conflictMessage(const std::string& schemaName) const {
  if (!conflict || !holder) return "";
  std::string message = "schema " + schemaName + " of database " + database + " is managed by DatabaseSchema " +
                        holder->describe();
  if (!holder->uid.empty()) message += " (uid " + holder->uid + ")";
  return message + "; nothing is planned or applied for this resource. Delete one of the two, or, if " +
         holder->describe() + " no longer exists, release its claim: DELETE FROM schema_operator.claims WHERE "
         "schema_name = " + schema::sql::literal(schemaName);
}

core::Result<Claim> claimSchema(pqxx::connection& conn, const std::string& schemaName, const Owner& me,
                                ClaimMode mode) {
  if (schemaName == kClaimSchema)
    return core::invalid("spec.schema", std::string(kClaimSchema) + " is reserved for the operator's ownership claims");
  try {
    // Read first, without a transaction: the common case (the claim is ours) writes nothing.
    std::string database;
    std::optional<Owner> holder;
    {
      pqxx::nontransaction tx(conn, "claim");
      const auto exists = tx.exec("SELECT to_regclass('schema_operator.claims') IS NOT NULL, current_database()");
      database = exists[0][1].as<std::string>();
      if (exists[0][0].as<bool>()) holder = holderIn(tx.exec_params(kSelect, schemaName));
    }
    const bool current = holder && (!holder->sameResource(me) || me.uid.empty() || holder->uid == me.uid);
    if (mode == ClaimMode::Read || current) return judged(std::move(database), std::move(holder), me);
    return take(conn, schemaName, me, std::move(database));
  } catch (const pqxx::insufficient_privilege& e) {
    // The role's rights, not the connection: the user has to change something, as with a bad spec.
    core::Error error = detail::fromException(e, "recording the ownership claim in schema_operator.claims");
    error.kind = core::ErrorKind::Invalid;
    error.message += " (the first apply creates the schema schema_operator: grant CREATE on the database to this "
                     "role, or create that schema for it)";
    return error;
  } catch (const std::exception& e) {
    return detail::fromException(e, "the ownership claim in schema_operator.claims");
  }
}

core::Result<bool> releaseClaim(pqxx::connection& conn, const std::string& schemaName, const Owner& me) {
  try {
    pqxx::nontransaction tx(conn, "release");
    if (!tx.exec("SELECT to_regclass('schema_operator.claims') IS NOT NULL")[0][0].as<bool>()) return false;
    const auto removed = tx.exec_params(
        "DELETE FROM schema_operator.claims WHERE schema_name = $1 AND owner_namespace = $2 AND owner_name = $3 "
        "AND owner_uid = $4",
        schemaName, me.namespaceOrDefault(), me.name, me.uid);
    return removed.affected_rows() > 0;
  } catch (const std::exception& e) {
    return detail::fromException(e, "releasing the ownership claim in schema_operator.claims");
  }
}

}  // namespace pg
