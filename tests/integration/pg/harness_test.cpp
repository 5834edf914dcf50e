// The PostgreSQL harness itself: one throwaway server per test process.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/postgres.hpp"

namespace {

using testsupport::PostgresServer;

TEST(PostgresHarness, StartsATemporaryServerOutsideTheSystemCluster) {
  auto& pg = PostgresServer::shared();
  EXPECT_GT(pg.port(), 0);
  EXPECT_EQ(pg.socketDir().rfind("/tmp/", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(pg.caCertFile()));
  // The major SCHEMA_OPERATOR_TEST_PG asks for, as the running server reports it itself.
  EXPECT_EQ(pg.queryValue("postgres", "SHOW server_version_num").substr(0, 2), std::to_string(testsupport::testedMajor()));
  EXPECT_EQ(pg.major(), testsupport::testedMajor());
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

// Which binaries a major means; asking for one that is not there fails (never a skip, never
// another major quietly), saying what to run.
TEST(PostgresHarness, FifteenIsDebiansAndOtherMajorsComeFromTheFetchedFolder) {
  EXPECT_EQ(testsupport::serverBinaries(nullptr, "/nowhere").binDir, "/usr/lib/postgresql/15/bin");
  EXPECT_EQ(testsupport::serverBinaries("", "/nowhere").major, 15);
  EXPECT_EQ(testsupport::serverBinaries("15", "/nowhere").binDir, "/usr/lib/postgresql/15/bin");
  const std::string fetched = std::filesystem::temp_directory_path() / "so-harness-majors";
  std::filesystem::create_directories(fetched + "/17/bin");
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) std::ofstream(fetched + "/17/bin/" + tool) << "";
  const auto binaries = testsupport::serverBinaries("17", fetched);
  std::filesystem::remove_all(fetched);
  EXPECT_EQ(binaries.major, 17);
  EXPECT_EQ(binaries.binDir, fetched + "/17/bin");
}

TEST(PostgresHarness, AMissingMajorOrAValueThatIsNoMajorIsAnErrorSayingWhatToDo) {
  try {
    testsupport::serverBinaries("16", "/nowhere/pg");
    ADD_FAILURE() << "no error for missing binaries";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("SCHEMA_OPERATOR_TEST_PG=16"), std::string::npos) << message;
    EXPECT_NE(message.find("/nowhere/pg/16/bin/initdb"), std::string::npos) << message;
    EXPECT_NE(message.find("make deps"), std::string::npos) << message;
  }
  for (const char* value : {"sixteen", "16.2", "3"}) {
    try {
      testsupport::serverBinaries(value, "/nowhere/pg");
      ADD_FAILURE() << "no error for " << value;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("SCHEMA_OPERATOR_TEST_PG=") + value), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
