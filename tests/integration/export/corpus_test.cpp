// The two promises of `schema-operator export` over every case of tests/corpus (README there):
// round trip (plan of the export against its source exits 0) and rebuild (apply of the export to
// an empty database, then plan exits 0 and the catalogs are equal), plus same bytes twice.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/cli/cli_fixture.hpp"
#include "support/catalog_compare.hpp"

namespace clitest {
namespace {

namespace fs = std::filesystem;

fs::path corpusDir() { return fs::path(SCHEMA_OPERATOR_SOURCE_DIR) / "tests" / "corpus"; }

std::vector<std::string> corpusCases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(corpusDir()))
    if (entry.path().extension() == ".sql") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "-- export-args: --seed a --seed b" on the first line: the extra flags, word by word.
std::vector<std::string> exportArgsOf(const std::string& sql) {
  const std::string marker = "-- export-args:";
  if (sql.rfind(marker, 0) != 0) return {};
  std::istringstream words(sql.substr(marker.size(), sql.find('\n') - marker.size()));
  std::vector<std::string> out;
  for (std::string w; words >> w;) out.push_back(w);
  return out;
}

// The tables whose rows the export carries (--seed): compared row by row.
std::vector<std::string> seededTables(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--seed") out.push_back(args[i + 1]);
  return out;
}

ProcessResult exportOf(const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"export", "--database-url", PostgresServer::shared().socketUrl(db), "--name", "corpus"};
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args);
}

ProcessResult withDocument(const std::string& command, const std::string& db, const std::string& document) {
  return cli({command, "-f", "-", "--database-url", PostgresServer::shared().socketUrl(db)}, {}, document);
}

std::string applyMode(std::string document) {
  const std::string plan = "\n  mode: Plan\n";
  const auto at = document.find(plan);
  if (at != std::string::npos) document.replace(at, plan.size(), "\n  mode: Apply\n");
  return document;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, ExportRoundTripsAndRebuildsTheSameCatalog) {
  auto& pg = PostgresServer::shared();
  const std::string sql = readFile(corpusDir() / (GetParam() + ".sql"));
  const std::vector<std::string> args = exportArgsOf(sql);
  const std::string a = pg.createDatabase("corpus_a");
  pg.exec(a, sql);

  const ProcessResult exported = exportOf(a, args);
  ASSERT_EQ(exported.exitCode, 0) << show(exported);
  const std::string& document = exported.out;

  // Same database, same bytes.
  const ProcessResult again = exportOf(a, args);
  EXPECT_EQ(again.out, document);

  // Round trip: nothing to do against the source.
  const ProcessResult roundTrip = withDocument("plan", a, document);
  EXPECT_EQ(roundTrip.exitCode, 0) << document << show(roundTrip);

  // The JSON form says the same.
  std::vector<std::string> jsonArgs = args;
  jsonArgs.insert(jsonArgs.end(), {"-o", "json"});
  const ProcessResult json = exportOf(a, jsonArgs);
  ASSERT_EQ(json.exitCode, 0) << show(json);
  nlohmann::json jsonDocument;
  ASSERT_NO_THROW(jsonDocument = nlohmann::json::parse(json.out)) << json.out;
  EXPECT_EQ(withDocument("plan", a, json.out).exitCode, 0) << json.out;

  // Rebuild: an empty database made from the export alone.
  const std::string b = pg.createDatabase("corpus_b");
  const ProcessResult applied = withDocument("apply", b, applyMode(document));
  ASSERT_EQ(applied.exitCode, 0) << document << show(applied);
  const ProcessResult planB = withDocument("plan", b, document);
  EXPECT_EQ(planB.exitCode, 0) << document << show(planB);

  // Everything the resource manages: all but the tables it ignores (alembic_version).
  const auto seeded = seededTables(args);
  const auto ignored = jsonDocument["spec"].value("ignore", std::vector<std::string>{});
  const auto catalogA = testsupport::catalogSnapshot(pg.socketUrl(a), "public", seeded, ignored);
  const auto catalogB = testsupport::catalogSnapshot(pg.socketUrl(b), "public", seeded, ignored);
  EXPECT_GT(catalogA.size(), 5u);
  EXPECT_EQ(testsupport::catalogDifference(catalogA, catalogB), "") << document;
}

INSTANTIATE_TEST_SUITE_P(Cases, Corpus, ::testing::ValuesIn(corpusCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(CorpusFolder, HoldsEveryCaseTheReadmeNames) {
  const std::string readme = readFile(corpusDir() / "README.md");
  const auto cases = corpusCases();
  EXPECT_GE(cases.size(), 6u);
  for (const auto& c : cases) EXPECT_NE(readme.find("| " + c + ".sql |"), std::string::npos) << c;
}

}  // namespace
}  // namespace clitest
