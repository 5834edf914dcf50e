// The contract's full example (shared/design/databaseschema-api.md) read into the model.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;

constexpr const char* kContractExample = R"yaml(apiVersion: dbschema.io/v1alpha1
kind: DatabaseSchema
metadata:
  name: shop
  namespace: apps
  annotations:
    # Same role as AUTO_SCHEMA_DESTRUCTIVE=true. A comma-separated list of:
    #   "true"            every destructive change (the env flag's meaning)
    #   a plan hash       exactly that plan (status.plan.hash); it lapses when the plan changes
    #   a change kind     every change of that kind, e.g. "DropColumn,NarrowType"
    dbschema.io/allow-destructive: "true"
spec:
  connection:
    secretRef: {name: shop-db, key: DATABASE_URL}   # libpq URL or key=value string (DATABASE_URL)
    sslMode: verify-full            # disable | require | verify-ca | verify-full (default: verify-full)
    rootCertRef: {name: shop-db-ca, key: ca.crt}    # Secret holding the CA bundle (PG_SSL_ROOT_CERT)
    allowSelfSigned: false          # PG_SSL_ALLOW_SELF_SIGNED: trust the server's own self-signed cert
  schema: public                    # the Postgres schema this resource owns (default public)
  mode: Apply                       # Apply: fix drift (ENABLE_AUTO_MIGRATION=true) | Plan: detect and report only
  interval: 5m                      # how often drift is re-checked with no event (default 5m)
  prune: false                      # also drop tables that exist but are not declared (destructive, gated)
  ignore: [alembic_version]         # tables never reported nor touched
  extensions: [pgcrypto]            # CREATE EXTENSION IF NOT EXISTS; never dropped
  enums:
    - name: order_status
      values: [pending, paid, shipped]
  tables:
    - name: customers
      comment: "People who buy"                           # COMMENT ON, tables and columns
      columns:
        - {name: id, type: bigint, identity: always}      # identity: always | by-default
        - {name: email, type: varchar(320), nullable: false, renamedFrom: [mail]}  # a rename, not drop + add
        - {name: created_at, type: timestamptz, nullable: false, default: "now()"}
      primaryKey: [id]
      unique:
        - {name: customers_email_key, columns: [email]}
    - name: orders
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: customer_id, type: bigint, nullable: false}
        - {name: status, type: order_status, nullable: false, default: "'pending'"}
        - {name: total_cents, type: integer, nullable: false, default: "0"}
        - {name: note, type: text}                           # nullable defaults to true
      primaryKey: [id]
      foreignKeys:
        - name: orders_customer_fk
          columns: [customer_id]
          references: {table: customers, columns: [id]}
          onDelete: cascade                                  # no action | restrict | cascade | set null | set default
      checks:
        - {name: orders_total_nonneg, expression: "total_cents >= 0"}
      indexes:
        - {name: orders_customer_idx, columns: [customer_id]}
        - {name: orders_open_idx, columns: [created_at], where: "status <> 'shipped'", method: btree}
  seed:                             # rows that must exist ("defaults are created if missing")
    - table: customers
      rows:
        - {id: 1, email: "admin@example.com"}
)yaml";

TEST(ContractExample, FailsOnlyOnTheIndexOnAnUndeclaredColumn) {
  // As printed, the contract indexes orders.created_at, which orders does not declare: the
  // reader must say so rather than let Postgres fail at apply time.
  auto r = spec::parseDocument(kContractExample);
  EXPECT_TRUE(spec::testing::isInvalid(r, "spec.tables[1].indexes[1].columns[0]",
                                       "\"created_at\" is not a column of table \"orders\""));
}

// The example with orders.created_at declared, so every other rule sees a valid document.
std::string fixedExample() {
  std::string text = kContractExample;
  const std::string note = "        - {name: note, type: text}";
  text.insert(text.find(note), "        - {name: created_at, type: timestamptz, nullable: false, default: \"now()\"}\n");
  return text;
}

TEST(ContractExample, ReadsMetadataConnectionAndPolicy) {
  const auto r = parseOk(fixedExample());
  EXPECT_EQ(r.name, "shop");
  EXPECT_EQ(r.ns, "apps");
  EXPECT_EQ(r.generation, 0);
  EXPECT_EQ(r.annotations.at("dbschema.io/allow-destructive"), "true");
  EXPECT_TRUE(r.approval.all);
  EXPECT_TRUE(r.approval.planHashes.empty());

  EXPECT_EQ(r.connection.secretRef, (spec::SecretKeyRef{"shop-db", "DATABASE_URL"}));
  EXPECT_EQ(r.connection.sslMode, spec::SslMode::VerifyFull);
  EXPECT_TRUE(r.connection.sslModeSet);
  ASSERT_TRUE(r.connection.rootCertRef);
  EXPECT_EQ(*r.connection.rootCertRef, (spec::SecretKeyRef{"shop-db-ca", "ca.crt"}));
  EXPECT_FALSE(r.connection.allowSelfSigned);

  EXPECT_EQ(r.mode, spec::Mode::Apply);
  EXPECT_EQ(r.interval, std::chrono::minutes(5));
  EXPECT_FALSE(r.policy.prune);
  EXPECT_EQ(r.policy.ignore, std::vector<std::string>{"alembic_version"});
}

TEST(ContractExample, ReadsSchemaExtensionsAndEnums) {
  const auto m = parseOk(fixedExample()).model;
  EXPECT_EQ(m.schema, "public");
  EXPECT_EQ(m.extensions, std::vector<std::string>{"pgcrypto"});
  ASSERT_EQ(m.enums.size(), 1u);
  EXPECT_EQ(m.enums[0].name, "order_status");
  EXPECT_EQ(m.enums[0].values, (std::vector<std::string>{"pending", "paid", "shipped"}));
  EXPECT_EQ(m.enums[0].field, "spec.enums[0]");
}

TEST(ContractExample, ReadsCustomersTable) {
  const auto m = parseOk(fixedExample()).model;
  ASSERT_EQ(m.tables.size(), 2u);
  const auto& t = m.tables[0];
  EXPECT_EQ(t.name, "customers");
  EXPECT_EQ(t.field, "spec.tables[0]");
  EXPECT_EQ(t.comment, "People who buy");
  ASSERT_EQ(t.columns.size(), 3u);

  const auto& id = t.columns[0];
  EXPECT_EQ(id.name, "id");
  EXPECT_EQ(id.type, "bigint");
  EXPECT_EQ(id.identity, schema::Identity::Always);
  EXPECT_FALSE(id.nullable);
  EXPECT_FALSE(id.defaultExpr);
  EXPECT_FALSE(id.comment);
  EXPECT_FALSE(id.enumType);
  EXPECT_EQ(id.field, "spec.tables[0].columns[0]");

  const auto& email = t.columns[1];
  EXPECT_EQ(email.type, "varchar(320)");
  EXPECT_FALSE(email.nullable);
  EXPECT_EQ(email.renamedFrom, std::vector<std::string>{"mail"});

  const auto& created = t.columns[2];
  EXPECT_EQ(created.defaultExpr, "now()");
  EXPECT_EQ(created.field, "spec.tables[0].columns[2]");

  ASSERT_TRUE(t.primaryKey);
  EXPECT_EQ(t.primaryKey->name, "");
  EXPECT_EQ(t.primaryKey->columns, std::vector<std::string>{"id"});
  ASSERT_EQ(t.uniques.size(), 1u);
  EXPECT_EQ(t.uniques[0].name, "customers_email_key");
  EXPECT_EQ(t.uniques[0].columns, std::vector<std::string>{"email"});
  EXPECT_EQ(t.uniques[0].field, "spec.tables[0].unique[0]");
  EXPECT_TRUE(t.foreignKeys.empty());
  EXPECT_TRUE(t.indexes.empty());
}

TEST(ContractExample, ReadsOrdersTable) {
  const auto m = parseOk(fixedExample()).model;
  ASSERT_EQ(m.tables.size(), 2u);
  const auto& t = m.tables[1];
  EXPECT_EQ(t.name, "orders");
  EXPECT_FALSE(t.comment);
  ASSERT_EQ(t.columns.size(), 6u);
  EXPECT_EQ(t.columns[0].identity, schema::Identity::ByDefault);
  EXPECT_FALSE(t.columns[0].nullable);
  EXPECT_EQ(t.columns[2].type, "order_status");
  EXPECT_EQ(t.columns[2].defaultExpr, "'pending'");
  EXPECT_EQ(t.columns[3].defaultExpr, "0");
  EXPECT_EQ(t.columns[5].name, "note");
  EXPECT_TRUE(t.columns[5].nullable);

  ASSERT_EQ(t.foreignKeys.size(), 1u);
  const auto& fk = t.foreignKeys[0];
  EXPECT_EQ(fk.name, "orders_customer_fk");
  EXPECT_EQ(fk.columns, std::vector<std::string>{"customer_id"});
  EXPECT_EQ(fk.refTable, "customers");
  EXPECT_EQ(fk.refColumns, std::vector<std::string>{"id"});
  EXPECT_EQ(fk.onDelete, schema::FkAction::Cascade);
  EXPECT_EQ(fk.onUpdate, schema::FkAction::NoAction);
  EXPECT_EQ(fk.field, "spec.tables[1].foreignKeys[0]");

  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].name, "orders_total_nonneg");
  EXPECT_EQ(t.checks[0].expression, "total_cents >= 0");
  EXPECT_EQ(t.checks[0].field, "spec.tables[1].checks[0]");

  ASSERT_EQ(t.indexes.size(), 2u);
  EXPECT_EQ(t.indexes[0].name, "orders_customer_idx");
  EXPECT_EQ(t.indexes[0].keys, (std::vector<schema::IndexKey>{{"customer_id", ""}}));
  EXPECT_EQ(t.indexes[0].method, "btree");
  EXPECT_FALSE(t.indexes[0].where);
  EXPECT_FALSE(t.indexes[0].unique);
  EXPECT_EQ(t.indexes[1].where, "status <> 'shipped'");
  EXPECT_EQ(t.indexes[1].field, "spec.tables[1].indexes[1]");
}

TEST(ContractExample, ReadsSeedRowKeyedByPrimaryKey) {
  const auto m = parseOk(fixedExample()).model;
  ASSERT_EQ(m.seeds.size(), 1u);
  const auto& row = m.seeds[0];
  EXPECT_EQ(row.table, "customers");
  EXPECT_EQ(row.columns, (std::vector<std::string>{"id", "email"}));
  EXPECT_EQ(row.values, (std::vector<std::optional<std::string>>{"1", "admin@example.com"}));
  EXPECT_EQ(row.key, std::vector<std::string>{"id"});
  EXPECT_EQ(row.field, "spec.seed[0].rows[0]");
  EXPECT_EQ(row.object(), "customers[id=1]");
}

}  // namespace
