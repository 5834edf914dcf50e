// The PostgreSQL harness itself: one throwaway server per test process.
#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "support/postgres.hpp"

namespace {

using testsupport::PostgresServer;

TEST(PostgresHarness, StartsATemporaryServerOutsideTheSystemCluster) {
  auto& pg = PostgresServer::shared();
  EXPECT_GT(pg.port(), 0);
  EXPECT_EQ(pg.socketDir().rfind("/tmp/", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(pg.caCertFile()));
  EXPECT_EQ(pg.queryValue("postgres", "SHOW server_version_num").substr(0, 2), "15");
  EXPECT_EQ(pg.queryValue("postgres", "SHOW data_directory"), pg.socketDir() + "/data");
  EXPECT_EQ(pg.queryValue("postgres", "SHOW ssl"), "on");
  EXPECT_EQ(pg.queryValue("postgres", "SHOW fsync"), "off");
}

TEST(PostgresHarness, CreatesFreshDatabasesWithUniqueNames) {
  auto& pg = PostgresServer::shared();
  const std::string a = pg.createDatabase("harness");
  const std::string b = pg.createDatabase("harness");
  EXPECT_NE(a, b);
  pg.exec(a, "CREATE TABLE only_in_a (id int)");
  EXPECT_EQ(pg.queryValue(a, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "1");
  EXPECT_EQ(pg.queryValue(b, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "0");
}

TEST(PostgresHarness, QueryValueReturnsEmptyForNullAndExecThrowsOnErrors) {
  auto& pg = PostgresServer::shared();
  EXPECT_EQ(pg.queryValue("postgres", "SELECT NULL"), "");
  EXPECT_THROW(pg.exec("postgres", "SELECT * FROM no_such_table"), std::exception);
  EXPECT_THROW(pg.queryValue("postgres", "SELEC 1"), std::exception);
}

}  // namespace
