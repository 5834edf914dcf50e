#include "cli/export_command.hpp"

#include <cctype>
#include <future>
#include <iostream>
#include <limits>

#include "engine/engine.hpp"
#include "export/document.hpp"
#include "export/yaml_text.hpp"
#include "pg/export_read.hpp"

namespace cli {

namespace {

// A database name as a Kubernetes object name (lowercase letters, digits and '-', at most 63).
std::string resourceNameFor(const std::string& database) {
  std::string out;
  for (unsigned char c : database) {
    const char lower = static_cast<char>(std::tolower(c));
    const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    if (keep)
      out += lower;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "database" : out;
}

exporting::Options documentOptions(const ExportArgs& e, const std::string& database) {
  exporting::Options options;
  options.name = e.name.empty() ? resourceNameFor(database) : e.name;
  options.ns = e.ns;
  if (!e.secret.empty()) {
    const auto slash = e.secret.find('/');
    options.secret = e.secret.substr(0, slash);
    if (slash != std::string::npos) options.secretKey = e.secret.substr(slash + 1);
  }
  return options;
}

// The YAML's header: the notes, then what was left out.
std::vector<std::string> headerComments(const exporting::Exported& exported) {
  std::vector<std::string> lines = exported.notes;
  if (!exported.leftOut.empty()) {
    lines.push_back("");
    lines.push_back("Not expressible in a DatabaseSchema, so left out (the operator does not manage them; a table");
    lines.push_back("under `ignore` is never reported nor touched; a left-out part of a table is reported as drift):");
    for (const auto& item : exported.leftOut) lines.push_back("  - " + item);
  }
  return lines;
}

core::Result<exporting::Exported> readAndExport(const Args& args, const pg::ConnectionOptions& options,
                                                std::string& where) {
  const ExportArgs& e = args.exporting;
  auto conn = pg::connect(options);
  if (!conn) return conn.error();
  // What only export asks of the catalog needs no model: read on a connection of its own while
  // inspect reads the rest (over two connections itself), so that the server works on all of it at
  // once. With --single-connection, after the model, on the one connection.
  auto readFacts = [options, schema = e.schema](pqxx::connection* on) -> core::Result<exporting::CatalogExtras> {
    if (on) return pg::readExportFacts(*on, schema);
    auto own = pg::connect(options);
    if (!own) return own.error();
    return pg::readExportFacts(**own, schema);
  };
  std::future<core::Result<exporting::CatalogExtras>> facts;
  pg::ConnectionFactory reader;
  if (!args.singleConnection) {
    facts = std::async(std::launch::async, readFacts, nullptr);
    reader = [options]() -> std::unique_ptr<pqxx::connection> {
      auto helper = pg::connect(options);
      return helper ? std::move(*helper) : nullptr;
    };
  }
  // Any number past the engine's threshold: export reads every table, so split whenever allowed.
  const size_t everyTable = std::numeric_limits<size_t>::max();
  auto catalog = engine::readCatalog(**conn, e.schema, everyTable, reader);
  const bool readBeside = facts.valid();
  auto extras = readBeside ? facts.get() : core::Result<exporting::CatalogExtras>(core::terminal(""));
  if (!catalog) {
    // useSchema names the resource's field; here the schema came from --schema.
    if (catalog.error().field == "spec.schema") {
      where = "--schema";
      return core::invalid("", "schema \"" + e.schema + "\" does not exist in the database");
    }
    return catalog.error();
  }
  if (!readBeside) extras = readFacts(conn->get());
  if (!extras) return extras.error();
  auto seeds = pg::readSeedRows(**conn, catalog->model, e.seedTables);
  if (!seeds) return seeds.error();
  extras->seeds = std::move(*seeds);
  return exporting::exportSchema(catalog->model, *extras, documentOptions(e, (*conn)->dbname()));
}

}  // namespace

int exportCommand(const Args& args, Io& io) {
  auto options = connectionFor(args, spec::DatabaseSchema{});
  if (!options) {
    io.err << "error: " << options.error().describe() << "\n";
    return kExitError;
  }
  std::string where = "export";
  auto exported = readAndExport(args, *options, where);
  if (!exported) {
    core::Error e = exported.error();
    e.message = pg::redact(e.message, *options);
    io.err << "error: " << (e.field.empty() ? where + ": " : "") << e.describe() << "\n";
    return kExitError;
  }
  for (const auto& item : exported->leftOut) io.err << "not expressible, left out: " << item << "\n";
  if (args.exporting.json) {
    for (const auto& note : exported->notes) io.err << "note: " << note << "\n";
    io.out << exported->document.dump(2) << "\n";
  } else {
    io.out << exporting::toYaml(exported->document, headerComments(*exported));
  }
  io.out.flush();
  return kExitOk;
}

}  // namespace cli
