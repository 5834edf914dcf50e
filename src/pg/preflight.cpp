#include "pg/preflight.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/nontransaction>

#include "pg/pqerror.hpp"

namespace pg {

core::Result<std::set<std::string>> availableExtensions(pqxx::connection& conn, const std::vector<std::string>& names) {
  std::set<std::string> out;
  if (names.empty()) return out;
  try {
    // One statement, so no transaction around it: one round trip.
    pqxx::nontransaction tx(conn, "preflight-extensions");
    const nlohmann::json asked = names;
    for (const auto& row : tx.exec_params(
             "SELECT name::text FROM pg_catalog.pg_available_extensions WHERE name = ANY (ARRAY(SELECT"
             " pg_catalog.json_array_elements_text($1::pg_catalog.json)))",
             asked.dump()))
      out.insert(row[0].c_str());
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot read the server's available extensions");
  }
  return out;
}

}  // namespace pg
