#pragma once
// Runs the engine in-process against a fresh database of the shared test PostgreSQL.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "pg/connection.hpp"
#include "spec/resource.hpp"
#include "support/postgres.hpp"
#include "support/round_trips.hpp"
#include "support/wire_trips.hpp"

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = pgServer().createDatabase("eng"); }

  static testsupport::PostgresServer& pgServer() { return testsupport::PostgresServer::shared(); }

  // A DatabaseSchema document around `specBody` (YAML indented by two spaces under `spec:`).
  static spec::DatabaseSchema resource(const std::string& specBody, const std::string& annotation = "") {
    std::string text = "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: test\n";
    if (!annotation.empty()) text += "  annotations:\n    dbschema.io/allow-destructive: \"" + annotation + "\"\n";
    text += "spec:\n" + specBody;
    auto parsed = spec::parseDocuments(text);
    if (!parsed) {
      ADD_FAILURE() << parsed.error().describe() << "\n" << text;
      return {};
    }
    return parsed->at(0);
  }

  std::unique_ptr<pqxx::connection> connect() {
    pg::ConnectionOptions options;
    options.url = pgServer().socketUrl(db_);
    auto conn = pg::connect(options);
    if (!conn) throw std::runtime_error(conn.error().describe());
    return std::move(*conn);
  }

  engine::Report run(const spec::DatabaseSchema& r, bool apply, bool allowDestructive = false) {
    auto conn = connect();
    engine::Options options;
    options.apply = apply;
    options.allowDestructive = allowDestructive;
    options.applyOptions.lockTimeout = std::chrono::milliseconds(500);
    auto report = engine::run(*conn, r, options);
    if (!report) throw std::runtime_error(report.error().describe());
    return std::move(*report);
  }
  engine::Report plan(const spec::DatabaseSchema& r) { return run(r, false); }
  engine::Report apply(const spec::DatabaseSchema& r, bool allowDestructive = false) {
    return run(r, true, allowDestructive);
  }
  // An apply that must not fail.
  engine::Report applied(const spec::DatabaseSchema& r, bool allowDestructive = false) {
    auto report = apply(r, allowDestructive);
    if (report.failure) ADD_FAILURE() << report.failure->statement << ": " << report.failure->message;
    return report;
  }
  // A plan of `r`, in sync (else a failure), and the round trips it took: on the wire (a pipeline
  // counts once) and in the server's log (each statement), with the wire's trace to show.
  struct Trips {
    long long wire = 0, statements = 0;
    std::string trace;
  };
  Trips planTrips(const spec::DatabaseSchema& r) {
    auto conn = connect();
    const testsupport::WireTrips wire(*conn);
    const testsupport::RoundTrips logged(*conn);
    auto planned = engine::run(*conn, r, engine::Options{});
    EXPECT_TRUE(planned && planned->plan.drift.empty()) << "in sync after the apply";
    return {wire.count(), logged.count(), wire.describe()};
  }
  // "field: message" of the input error a plan ends in, or "no error".
  std::string planError(const spec::DatabaseSchema& r) {
    auto conn = connect();
    auto report = engine::run(*conn, r, engine::Options{});
    return report ? std::string("no error") : report.error().field + ": " + report.error().message;
  }

  // "AddColumn orders.note [safe]" for each drift item, in plan order.
  static std::vector<std::string> drift(const schema::Plan& p) {
    std::vector<std::string> out;
    for (const auto& c : p.drift)
      out.push_back(std::string(schema::toString(c.kind)) + " " + c.object + " [" +
                    std::string(schema::toString(c.safety)) + "]");
    return out;
  }

  void exec(const std::string& sql) { pgServer().exec(db_, sql); }
  std::string value(const std::string& sql) { return pgServer().queryValue(db_, sql); }

  std::string db_;
};

using Drift = std::vector<std::string>;
