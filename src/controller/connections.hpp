#pragma once
// Connections reused per target database. A target is its final libpq conninfo (which holds the
// password, so it is only ever a map key, never printed). One reconcile uses a connection at a
// time; resources on the same database take turns, which the advisory lock would impose anyway.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <pqxx/connection>

#include "core/error.hpp"
#include "pg/connection.hpp"

namespace controller {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&&) noexcept = default;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    // The connection failed: close it instead of returning it to the pool.
    void discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::string key, std::unique_ptr<pqxx::connection> conn, std::unique_lock<std::mutex> turn)
        : pool_(pool), key_(std::move(key)), conn_(std::move(conn)), turn_(std::move(turn)) {}
    ConnectionPool* pool_;
    std::string key_;
    std::unique_ptr<pqxx::connection> conn_;
    std::unique_lock<std::mutex> turn_;  // released last: the next user waits for the connection's return
    bool discard_ = false;
  };

  // A connection to the target of `options`: the idle one when it is still open, else a new one.
  core::Result<Lease> acquire(const pg::ConnectionOptions& options);

  size_t open() const;  // idle connections held

 private:
  struct Slot {
    std::mutex turn;
    std::unique_ptr<pqxx::connection> idle;
  };
  void giveBack(const std::string& key, std::unique_ptr<pqxx::connection> conn);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
};

}  // namespace controller
