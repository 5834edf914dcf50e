#include "pg/lock_wait.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "schema/sql.hpp"

namespace pg {

namespace {

// Granted relation locks on the step's tables, each in the modes that conflict with the step's
// lock on it, held by other sessions: one query however many tables the step locks, its two
// arrays (the tables; per table its modes) given as literals so that it can travel in one round
// trip with other statements. The age is that of the holder's transaction (table locks last until
// it ends), on the server's clock. The query text of pg_stat_activity is never read.
std::string holdersSql(const std::string& tables, const std::string& modeLists) {
  return R"SQL(SELECT coalesce(l.pid, 0), coalesce(a.application_name, ''), coalesce(a.backend_type, ''), l.mode,
       coalesce(floor(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint, -1), w.ord
FROM unnest()SQL" + tables + R"SQL(::text[], )SQL" + modeLists + R"SQL(::text[]) WITH ORDINALITY AS w(tbl, modes, ord)
JOIN pg_locks l ON l.locktype = 'relation' AND l.relation = to_regclass(w.tbl) AND l.mode = ANY(w.modes::text[])
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.granted
  AND l.pid IS DISTINCT FROM pg_backend_pid()
ORDER BY w.ord)SQL";
}

std::optional<schema::LockMode> modeNamed(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(schema::LockMode::AccessExclusive); ++i) {
    const auto m = static_cast<schema::LockMode>(i);
    if (schema::pgLocksName(m) == name) return m;
  }
  return std::nullopt;
}

// A text[] literal: every element double-quoted, its quotes and backslashes escaped, so any table
// name (commas, braces, spaces) stays one element.
std::string textArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  return out + "\"";
}

}  // namespace

std::string holdersQuery(const std::vector<schema::TableLock>& locks) {
  std::vector<std::string> tables;
  std::vector<std::string> modeLists;
  for (const auto& lock : locks) {
    std::string modes;
    for (auto m : schema::conflictingModes(lock.mode))
      modes += (modes.empty() ? "" : ",") + std::string(schema::pgLocksName(m));
    tables.push_back(lock.table);
    modeLists.push_back("{" + modes + "}");
  }
  return holdersSql(schema::sql::literal(textArray(tables)), schema::sql::literal(textArray(modeLists)));
}

std::vector<LockHolder> holdersFrom(const pqxx::result& rows, const std::vector<schema::TableLock>& locks,
                                    std::chrono::milliseconds minHeld) {
  std::vector<LockHolder> out;
  for (const auto& row : rows) {
    LockHolder h;
    h.pid = row[0].as<int>();
    h.applicationName = row[1].as<std::string>();
    h.backendType = row[2].as<std::string>();
    h.mode = modeNamed(row[3].as<std::string>()).value_or(schema::LockMode::AccessExclusive);
    h.heldFor = std::chrono::milliseconds(row[4].as<long long>());
    h.table = locks.at(row[5].as<std::size_t>() - 1).table;
    if (h.heldFor.count() >= 0 && h.heldFor < minHeld) continue;
    out.push_back(std::move(h));
  }
  // The longest held first; unknown ages, which may be any, before them.
  std::stable_sort(out.begin(), out.end(), [](const LockHolder& a, const LockHolder& b) {
    const auto age = [](const LockHolder& h) { return h.heldFor.count() < 0 ? INT64_MAX : h.heldFor.count(); };
    return age(a) > age(b);
  });
  return out;
}

std::vector<LockHolder> conflictingHolders(pqxx::connection& conn, const std::vector<schema::TableLock>& locks,
                                           std::chrono::milliseconds minHeld) {
  if (locks.empty()) return {};
  pqxx::nontransaction tx(conn, "lock-holders");
  return holdersFrom(tx.exec(holdersQuery(locks)), locks, minHeld);
}

std::chrono::milliseconds retryDelay(int retry, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                     double unitRandom) {
  auto whole = base;
  for (int i = 0; i < retry && whole < cap; ++i) whole *= 2;
  whole = std::min(whole, cap);
  const double r = std::clamp(unitRandom, 0.0, 1.0);
  const long long half = whole.count() / 2;
  return std::chrono::milliseconds(half + static_cast<long long>(std::floor(r * static_cast<double>(whole.count() - half))));
}

std::string describeLocks(const std::vector<schema::TableLock>& locks) {
  if (locks.empty()) return "its locks";
  std::string out;
  for (const auto& l : locks) out += (out.empty() ? "" : " and ") + std::string(schema::toString(l.mode)) + " on " + l.table;
  return out;
}

std::string describeDuration(std::chrono::milliseconds d) {
  const long long ms = d.count();
  char buf[48];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", ms);
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%llds", ms / 60'000, (ms % 60'000) / 1000);
  }
  return buf;
}

std::string describeHolders(const std::vector<LockHolder>& holders) {
  std::string out;
  for (const auto& h : holders) {
    if (!out.empty()) out += "; ";
    out += h.pid == 0 ? "a prepared transaction" : "pid " + std::to_string(h.pid);
    std::string who;
    if (!h.applicationName.empty())
      who = "application " + quoted(h.applicationName);
    else if (!h.backendType.empty() && h.backendType != "client backend")
      who = h.backendType;
    else if (h.pid != 0)
      who = "no application name";
    out += " (" + (who.empty() ? "" : who + ", ") + "holding " + std::string(schema::toString(h.mode)) + " on " +
           h.table;
    out += h.heldFor.count() >= 0 ? " in a transaction open " + describeDuration(h.heldFor) : " for an unknown time";
    out += ")";
  }
  return out;
}

}  // namespace pg
