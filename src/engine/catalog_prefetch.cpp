#include "engine/catalog_prefetch.hpp"

#include <algorithm>
#include <stop_token>
#include <utility>

namespace engine {

CatalogPrefetch::CatalogPrefetch(pg::ConnectionOptions options, std::string schema, size_t declaredTables,
                                 pg::ConnectionFactory reader)
    : options_(std::move(options)), schema_(std::move(schema)) {
  worker_ = std::jthread([this, declaredTables, reader = std::move(reader)](std::stop_token stop) {
    read(stop, declaredTables, reader);
  });
}

CatalogPrefetch::~CatalogPrefetch() = default;  // std::jthread: request_stop(), then join()

void CatalogPrefetch::read(std::stop_token stop, size_t declaredTables, pg::ConnectionFactory reader) {
  try {
    pg::ConnectionOptions bounded = options_;
    bounded.connectTimeoutSeconds = std::min(bounded.connectTimeoutSeconds, kConnectTimeoutSeconds);
    auto connection = pg::connect(bounded);
    if (!connection || stop.stop_requested()) return;
    Result r{std::move(*connection)};
    {
      pqxx::connection& conn = *r.connection;
      // Stopping cancels the query in flight; the read then fails and the thread ends.
      std::stop_callback cancel(stop, [&conn] {
        try {
          conn.cancel_query();
        } catch (const std::exception&) {  // nothing in flight, or the server is gone: the read ends anyway
        }
      });
      r.catalog = readCatalog(conn, schema_, declaredTables, reader);
    }
    result_ = std::move(r);
  } catch (const std::exception&) {  // out of memory, say: the caller reads the catalog itself
    result_.reset();
  }
}

std::optional<CatalogPrefetch::Result> CatalogPrefetch::take(const pg::ConnectionOptions& options,
                                                             const std::string& schema) {
  pg::ConnectionOptions asked = options;
  if (options_.declaredSslMode == std::string("verify-full") && !options_.allowSelfSigned) {
    asked.declaredSslMode = options_.declaredSslMode;
    asked.allowSelfSigned = false;
  }
  if (!(asked == options_) || schema != schema_) return std::nullopt;
  worker_.join();
  return std::exchange(result_, std::nullopt);
}

}  // namespace engine
