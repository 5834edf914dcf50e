#include "controller/connections.hpp"

namespace controller {

ConnectionPool::Lease::~Lease() {
  if (pool_ && conn_ && !discard_) pool_->giveBack(key_, std::move(conn_));
}

core::Result<ConnectionPool::Lease> ConnectionPool::acquire(const pg::ConnectionOptions& options) {
  auto key = pg::conninfo(options);
  if (!key) return key.error();
  Slot* slot;
  {
    std::lock_guard lock(mutex_);
    auto& s = slots_[*key];
    if (!s) s = std::make_unique<Slot>();
    slot = s.get();
  }
  std::unique_lock turn(slot->turn);
  std::unique_ptr<pqxx::connection> conn = std::move(slot->idle);
  if (conn && !conn->is_open()) conn.reset();
  if (!conn) {
    auto fresh = pg::connect(options);
    if (!fresh) return fresh.error();
    conn = std::move(*fresh);
  }
  return Lease(this, *key, std::move(conn), std::move(turn));
}

void ConnectionPool::giveBack(const std::string& key, std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  if (it != slots_.end()) it->second->idle = std::move(conn);
}

size_t ConnectionPool::open() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, slot] : slots_) n += slot->idle ? 1 : 0;
  return n;
}

}  // namespace controller
