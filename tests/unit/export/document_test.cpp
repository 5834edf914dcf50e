// exporting::exportSchema: the live model written as a person would, read back by the project's
// reader as the same schema.
#include "export/document.hpp"

#include <gtest/gtest.h>

#include "export/yaml_text.hpp"
#include "spec/resource.hpp"

using namespace exporting;

namespace {

schema::Column column(std::string name, std::string type, bool nullable = true) {
  schema::Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  return c;
}

// customers and orders as pg::inspect reads them, names as Postgres generated them.
schema::Model shop() {
  schema::Model m;
  m.extensions = {"pgcrypto", "plpgsql"};
  m.enums.push_back({"order_status", {"pending", "paid"}, {}});
  schema::Table customers;
  customers.name = "customers";
  auto id = column("id", "bigint", false);
  id.identity = schema::Identity::Always;
  customers.columns = {id, column("email", "text", false)};
  customers.primaryKey = schema::PrimaryKey{"customers_pkey", {"id"}};
  customers.uniques.push_back({"customers_email_key", {"email"}, {}});
  schema::Table orders;
  orders.name = "orders";
  auto status = column("status", "order_status", false);
  status.enumType = "order_status";
  status.defaultExpr = "'pending'::order_status";
  auto note = column("note", "text");
  note.comment = "free text";
  orders.columns = {column("id", "bigint", false), column("customer_id", "bigint", false), status, note};
  orders.primaryKey = schema::PrimaryKey{"orders_pkey", {"id"}};
  schema::ForeignKey fk;
  fk.name = "orders_customer_id_fkey";
  fk.columns = {"customer_id"};
  fk.refTable = "customers";
  fk.refColumns = {"id"};
  fk.onDelete = schema::FkAction::Cascade;
  orders.foreignKeys.push_back(fk);
  orders.checks.push_back({"orders_check", "id > customer_id", true, {}});
  orders.checks.push_back({"orders_note_check", "note <> ''::text", true, {}});
  schema::Index open;
  open.name = "orders_open";
  open.keys = {{"customer_id", ""}, {"status", ""}};
  open.where = "status <> 'paid'::order_status";
  orders.indexes.push_back(open);
  schema::Index byCustomer;
  byCustomer.name = "orders_customer_id_idx";
  byCustomer.keys = {{"customer_id", ""}};
  orders.indexes.push_back(byCustomer);
  m.tables = {orders, customers};  // out of order on purpose: export sorts
  return m;
}

CatalogExtras shopExtras() {
  CatalogExtras x;
  x.relationNames = {"customers", "orders", "customers_pkey", "customers_email_key", "orders_pkey", "orders_open",
                     "orders_customer_id_idx"};
  x.constraintNames = {"customers_pkey", "customers_email_key", "orders_pkey", "orders_customer_id_fkey",
                       "orders_check", "orders_note_check"};
  x.checkColumn[{"orders", "orders_note_check"}] = "note";
  return x;
}

Options named(std::string name) {
  Options o;
  o.name = std::move(name);
  return o;
}

}  // namespace

TEST(ExportDocument, ReadsAsAPersonWouldWriteIt) {
  Options options = named("shop");
  options.ns = "apps";
  options.secret = "shop-db";
  const Exported out = exportSchema(shop(), shopExtras(), options);
  EXPECT_EQ(toYaml(out.document),
            "apiVersion: dbschema.io/v1alpha1\n"
            "kind: DatabaseSchema\n"
            "metadata:\n"
            "  name: shop\n"
            "  namespace: apps\n"
            "spec:\n"
            "  connection:\n"
            "    secretRef: {name: shop-db, key: DATABASE_URL}\n"
            "  mode: Plan\n"
            "  extensions: [pgcrypto]\n"
            "  enums:\n"
            "    - {name: order_status, values: [pending, paid]}\n"
            "  tables:\n"
            "    - name: customers\n"
            "      columns:\n"
            "        - {name: id, type: bigint, identity: always}\n"
            "        - {name: email, type: text, nullable: false}\n"
            "      primaryKey: [id]\n"
            "      unique:\n"
            "        - {columns: [email]}\n"
            "    - name: orders\n"
            "      columns:\n"
            "        - {name: id, type: bigint}\n"
            "        - {name: customer_id, type: bigint, nullable: false}\n"
            "        - {name: status, type: order_status, nullable: false, default: \"'pending'::order_status\"}\n"
            "        - {name: note, type: text, comment: free text}\n"
            "      primaryKey: [id]\n"
            "      foreignKeys:\n"
            "        - {columns: [customer_id], references: {table: customers, columns: [id]}, onDelete: cascade}\n"
            "      checks:\n"
            "        - {expression: id > customer_id}\n"
            "        - {name: orders_note_check, expression: \"note <> ''::text\"}\n"
            "      indexes:\n"
            "        - {columns: [customer_id]}\n"
            "        - {name: orders_open, columns: [customer_id, status], where: \"status <> 'paid'::order_status\"}\n");
  EXPECT_TRUE(out.leftOut.empty());
}

TEST(ExportDocument, ReadsBackAsTheSameSchema) {
  const Exported out = exportSchema(shop(), shopExtras(), named("shop"));
  auto docs = spec::parseDocuments(toYaml(out.document));
  ASSERT_TRUE(docs) << docs.error().describe();
  const spec::DatabaseSchema& r = docs->front();
  EXPECT_EQ(r.mode, spec::Mode::Plan);
  EXPECT_EQ(r.connection.secretRef.name, placeholderSecret("shop"));
  ASSERT_EQ(r.model.tables.size(), 2u);
  const schema::Table& orders = r.model.tables[1];
  EXPECT_EQ(orders.columns[2].defaultExpr, "'pending'::order_status");
  EXPECT_FALSE(orders.columns[2].nullable);
  EXPECT_TRUE(orders.columns[3].nullable);
  EXPECT_EQ(orders.foreignKeys[0].onDelete, schema::FkAction::Cascade);
  EXPECT_EQ(orders.indexes[1].where, "status <> 'paid'::order_status");
  // JSON is the same document.
  auto fromJson = spec::parseDocuments(out.document.dump());
  ASSERT_TRUE(fromJson) << fromJson.error().describe();
  EXPECT_EQ(fromJson->front().model, r.model);
}

TEST(ExportDocument, KeepsNamesPostgresWouldNotGiveAgain) {
  schema::Model m = shop();
  m.tables[0].uniques.clear();
  m.tables[0].indexes[1].name = "orders_customer_id_idx1";  // a collision number: kept
  CatalogExtras x = shopExtras();
  // Another table's constraint holds the name Postgres would try first, so it would not be chosen.
  x.constraintNames.insert("orders_check");
  const Exported out = exportSchema(m, x, named("shop"));
  const auto& orders = out.document["spec"]["tables"][1];
  EXPECT_EQ(orders["indexes"][0]["name"], "orders_customer_id_idx1");
  EXPECT_FALSE(orders["checks"][0].contains("name"));
  EXPECT_EQ(orders["checks"][1]["name"], "orders_note_check");
}

TEST(ExportDocument, LeavesOutWhatItCannotSayAndSaysSo) {
  schema::Model m = shop();
  CatalogExtras x = shopExtras();
  x.unexpressible.push_back({Scope::Object, "view", "", "active_customers", ""});
  x.unexpressible.push_back({Scope::TablePart, "index", "orders", "orders_open", "a key is an expression"});
  x.unexpressible.push_back({Scope::Table, "table", "customers", "customers", "partitioned"});
  const Exported out = exportSchema(m, x, named("shop"));
  const auto& spec = out.document["spec"];
  EXPECT_EQ(spec["ignore"], nlohmann::ordered_json::array({"customers"}));
  ASSERT_EQ(spec["tables"].size(), 1u);
  EXPECT_EQ(spec["tables"][0]["name"], "orders");
  EXPECT_EQ(spec["tables"][0]["indexes"].size(), 1u);
  EXPECT_FALSE(spec["tables"][0].contains("foreignKeys"));  // it referenced the table left out
  EXPECT_EQ(out.leftOut, (std::vector<std::string>{
                             "foreign key orders.orders_customer_id_fkey: references table customers, which is left out",
                             "index orders.orders_open: a key is an expression",
                             "table customers: partitioned",
                             "view active_customers",
                         }));
}

TEST(ExportDocument, AlembicVersionIsIgnoredAndSequencesKeepOnlyWhatIsNotDefault) {
  schema::Model m;
  schema::Table alembic;
  alembic.name = "alembic_version";
  alembic.columns = {column("version_num", "character varying(32)", false)};
  m.tables.push_back(alembic);
  schema::Sequence s;
  s.name = "invoice_no";
  s.type = "integer";
  s.start = 1000;
  s.increment = 1;
  s.minValue = 1;
  s.maxValue = 2147483647;
  s.cache = 1;
  s.ownedBy = "invoices.number";
  m.sequences.push_back(s);
  const Exported out = exportSchema(m, {}, named("app"));
  EXPECT_EQ(out.document["spec"]["ignore"], nlohmann::ordered_json::array({"alembic_version"}));
  EXPECT_FALSE(out.document["spec"].contains("tables"));
  EXPECT_EQ(out.document["spec"]["sequences"][0].dump(),
            R"({"name":"invoice_no","type":"integer","start":1000,"ownedBy":"invoices.number"})");
}

TEST(ExportDocument, SeedRowsKeepTheirTextAndNulls) {
  schema::Model m;
  schema::Table t;
  t.name = "currencies";
  t.columns = {column("code", "character(3)", false), column("name", "text")};
  t.primaryKey = schema::PrimaryKey{"currencies_pkey", {"code"}};
  m.tables.push_back(t);
  CatalogExtras x;
  x.seeds.push_back({"currencies", {"code", "name"}, {{"EUR", "Euro"}, {"NOK", std::nullopt}}});
  const Exported out = exportSchema(m, x, named("app"));
  EXPECT_EQ(out.document["spec"]["seed"].dump(),
            R"([{"table":"currencies","rows":[{"code":"EUR","name":"Euro"},{"code":"NOK","name":null}]}])");
  auto docs = spec::parseDocuments(toYaml(out.document));
  ASSERT_TRUE(docs) << docs.error().describe();
  ASSERT_EQ(docs->front().model.seeds.size(), 2u);
  EXPECT_EQ(docs->front().model.seeds[1].values[1], std::nullopt);
}
