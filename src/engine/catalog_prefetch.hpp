#pragma once
// A catalog read ahead, on a thread of its own, while the caller still reads and validates the
// file that asks for it (`schema-operator plan`: parsing a large file takes a good part of the
// time the server needs for its catalog). Only reads happen, with the connection settings the
// caller expects the document to resolve to; the result is used only when the validated document
// asks for the same connection and schema.
//
// The thread is joined, never detached: destroying the prefetch stops it (cancelling the catalog
// query in flight) and waits for it. libpqxx 6 cannot interrupt a connection attempt, so the
// prefetch connects with a connect_timeout of at most kConnectTimeout: an invalid file next to a
// server that never answers costs at most that long; a slower server is then connected to by
// the caller with its own timeout.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <pqxx/connection>

#include "core/error.hpp"
#include "engine/engine.hpp"
#include "pg/connection.hpp"
#include "pg/inspect.hpp"

namespace engine {

class CatalogPrefetch {
 public:
  static constexpr int kConnectTimeoutSeconds = 2;  // libpq's smallest connect_timeout

  struct Result {
    std::unique_ptr<pqxx::connection> connection;  // open, its session set up
    core::Result<CatalogRead> catalog = core::terminal("not read");
  };

  // Starts reading at once. `reader` opens the second connection of a large catalog (or none).
  CatalogPrefetch(pg::ConnectionOptions options, std::string schema, size_t declaredTables, pg::ConnectionFactory reader);
  ~CatalogPrefetch();  // stops the read (the query in flight is cancelled) and joins the thread
  CatalogPrefetch(const CatalogPrefetch&) = delete;
  CatalogPrefetch& operator=(const CatalogPrefetch&) = delete;

  // Waits for the read and hands it over when it serves `options` and `schema`: the same URL,
  // flags and schema, and TLS settings no weaker than the read used. A read made as if the
  // document declared verify-full without self-signed certificates (what is assumed while the
  // document's connection is unknown) serves any TLS setting on the same URL and flags. nullopt
  // when it does not serve them, or when it could not connect: the caller then connects itself.
  // Once only.
  std::optional<Result> take(const pg::ConnectionOptions& options, const std::string& schema);

 private:
  void read(std::stop_token stop, size_t declaredTables, pg::ConnectionFactory reader);

  const pg::ConnectionOptions options_;
  const std::string schema_;
  std::optional<Result> result_;  // written by the thread; read after joining it
  std::jthread worker_;           // last: joined before the members above go
};

}  // namespace engine
