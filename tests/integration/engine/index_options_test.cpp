// Indexes with expression keys, order, operator classes, collations, INCLUDE, NULLS NOT DISTINCT
// and storage parameters, on a real PostgreSQL: created as declared, no drift on equivalent
// spellings, changed in place, and NULLS NOT DISTINCT refused by name on a server before 15.
#include "engine_fixture.hpp"

namespace {

const char* kUsers = R"y(  tables:
    - name: users
      columns:
        - {name: id, type: bigint}
        - {name: email, type: text}
        - {name: name, type: text}
        - {name: created_at, type: timestamptz}
        - {name: doc, type: jsonb}
        - {name: body, type: tsvector}
      primaryKey: [id]
      indexes:
        - name: users_email_lower_idx
          keys:
            - {expression: "lower(email)"}
        - name: users_created_idx
          keys:
            - {column: created_at, order: desc, nulls: last}
            - {column: name, opclass: text_pattern_ops}
          include: [id]
        - name: users_name_c_idx
          keys: [{column: name, collation: C}]
          with: {fillfactor: 90}
        - name: users_doc_idx
          method: gin
          keys: [{column: doc, opclass: jsonb_path_ops}]
        - name: users_body_idx
          method: gist
          keys: [{column: body, opclass: tsvector_ops, opclassParameters: {siglen: 16}}]
)y";

class IndexOptionsTest : public EngineTest {
 protected:
  int serverMajor() { return std::stoi(value("SHOW server_version_num")) / 10000; }
  std::string indexdef(const std::string& name) { return value("SELECT pg_get_indexdef('" + name + "'::regclass)"); }
  std::string indexOid(const std::string& name) { return value("SELECT '" + name + "'::regclass::oid"); }
};

}  // namespace

TEST_F(IndexOptionsTest, CreatesEachOptionAsDeclaredAndIsThenInSync) {
  const auto r = resource(kUsers);
  const auto first = apply(r);
  ASSERT_FALSE(first.failure) << first.failure->statement << ": " << first.failure->message;
  EXPECT_EQ(indexdef("users_email_lower_idx"),
            "CREATE INDEX users_email_lower_idx ON public.users USING btree (lower(email))");
  EXPECT_EQ(indexdef("users_created_idx"),
            "CREATE INDEX users_created_idx ON public.users USING btree (created_at DESC NULLS LAST, name "
            "text_pattern_ops) INCLUDE (id)");
  EXPECT_EQ(indexdef("users_name_c_idx"),
            "CREATE INDEX users_name_c_idx ON public.users USING btree (name COLLATE \"C\") WITH (fillfactor='90')");
  EXPECT_EQ(indexdef("users_doc_idx"), "CREATE INDEX users_doc_idx ON public.users USING gin (doc jsonb_path_ops)");
  EXPECT_EQ(indexdef("users_body_idx"),
            "CREATE INDEX users_body_idx ON public.users USING gist (body tsvector_ops (siglen='16'))");
  EXPECT_TRUE(first.remaining.drift.empty()) << ::testing::PrintToString(drift(first.remaining));
  EXPECT_TRUE(plan(r).plan.drift.empty()) << ::testing::PrintToString(drift(plan(r).plan));
}

TEST_F(IndexOptionsTest, EquivalentSpellingsWrittenByHandAreNotDrift) {
  exec(R"y(CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, created_at timestamptz);
          CREATE INDEX users_email_lower_idx ON users (LOWER( email ));
          CREATE INDEX users_created_idx ON users (created_at DESC, name text_ops ASC NULLS LAST);
          CREATE INDEX users_name_idx ON users USING btree (name COLLATE "default" DESC NULLS FIRST);
          CREATE INDEX users_email_idx ON users (email);)y");
  const auto r = resource(R"y(  tables:
    - name: users
      columns:
        - {name: id, type: bigint}
        - {name: email, type: text}
        - {name: name, type: text}
        - {name: created_at, type: timestamptz}
      primaryKey: [id]
      indexes:
        - {name: users_email_lower_idx, keys: [{expression: "lower((email))"}]}
        - name: users_created_idx
          keys:
            - {column: created_at, order: desc, nulls: first}
            - {column: name, opclass: text_ops, order: asc}
        - {name: users_name_idx, keys: [{column: name, order: desc}]}
        - {name: users_email_idx, keys: [{expression: "(email)"}]}
)y");
  const auto report = plan(r);
  EXPECT_TRUE(report.plan.drift.empty()) << ::testing::PrintToString(drift(report.plan));
}

TEST_F(IndexOptionsTest, StorageParametersChangeInPlaceAndKeysRebuildTheIndex) {
  ASSERT_FALSE(apply(resource(kUsers)).failure);
  const std::string oid = indexOid("users_name_c_idx");
  std::string changed = kUsers;
  changed.replace(changed.find("fillfactor: 90"), 14, "fillfactor: 70");
  const auto altered = apply(resource(changed));
  EXPECT_EQ(drift(altered.plan), (Drift{"AlterIndex users.users_name_c_idx [safe]"}));
  ASSERT_FALSE(altered.failure) << altered.failure->message;
  EXPECT_EQ(indexOid("users_name_c_idx"), oid);  // not rebuilt
  EXPECT_EQ(value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'users_name_c_idx'"),
            "fillfactor=70");
  EXPECT_TRUE(plan(resource(changed)).plan.drift.empty());

  changed.replace(changed.find("{column: created_at, order: desc, nulls: last}"), 46, "{column: created_at}");
  const auto pending = plan(resource(changed));
  EXPECT_EQ(drift(pending.plan), (Drift{"DropIndex users.users_created_idx [destructive]",
                                        "CreateIndex users.users_created_idx [safe]"}));
  const auto rebuilt = apply(resource(changed), /*allowDestructive=*/true);
  ASSERT_FALSE(rebuilt.failure) << rebuilt.failure->message;
  EXPECT_EQ(indexdef("users_created_idx"),
            "CREATE INDEX users_created_idx ON public.users USING btree (created_at, name text_pattern_ops) INCLUDE (id)");
  EXPECT_TRUE(rebuilt.remaining.drift.empty()) << ::testing::PrintToString(drift(rebuilt.remaining));
}

TEST_F(IndexOptionsTest, WhatPostgresRefusesIsAnInputErrorNamingTheField) {
  struct Case {
    std::string index;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{name: t_i, keys: [{column: id, opclass: text_pattern_ops}]}", "spec.tables[0].indexes[0].keys[0].opclass"},
      {"{name: t_i, keys: [{expression: \"lower(nope)\"}]}", "spec.tables[0].indexes[0].keys[0].expression"},
      {"{name: t_i, columns: [id], with: {fillfactor: \"5\"}}", "spec.tables[0].indexes[0].with"},
      {"{name: t_i, method: gist, keys: [{column: body, opclass: tsvector_ops, opclassParameters: {nope: \"1\"}}]}",
       "spec.tables[0].indexes[0].keys[0].opclassParameters"},
  };
  for (const auto& c : cases) {
    const auto r = resource("  tables:\n    - name: t\n      columns: [{name: id, type: bigint}, {name: body, type: tsvector}]\n"
                            "      indexes:\n        - " + c.index + "\n");
    auto conn = connect();
    engine::Options options;
    options.apply = true;
    const auto report = engine::run(*conn, r, options);
    ASSERT_FALSE(report) << c.index;
    EXPECT_EQ(report.error().kind, core::ErrorKind::Invalid) << report.error().describe();
    EXPECT_EQ(report.error().field, c.field) << report.error().describe();
    EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 't'"), "0") << c.index;  // nothing ran
  }
}

TEST_F(IndexOptionsTest, NullsNotDistinctNeedsFifteenAndWorksFromThere) {
  const auto r = resource(R"y(  tables:
    - name: accounts
      columns:
        - {name: id, type: bigint}
        - {name: email, type: text}
        - {name: tenant, type: text}
      primaryKey: [id]
      unique:
        - {name: accounts_tenant_key, columns: [tenant], nullsNotDistinct: true}
      indexes:
        - {name: accounts_email_idx, columns: [email]}
        - {name: accounts_email_nnd_idx, columns: [email], unique: true, nullsNotDistinct: true}
)y");
  auto conn = connect();
  engine::Options options;
  options.apply = true;
  const auto report = engine::run(*conn, r, options);
  if (serverMajor() < 15) {
    ASSERT_FALSE(report) << "planned NULLS NOT DISTINCT on PostgreSQL " << serverMajor();
    EXPECT_EQ(report.error().kind, core::ErrorKind::Invalid);
    EXPECT_EQ(report.error().describe(), "spec.tables[0].unique[0].nullsNotDistinct: needs PostgreSQL 15 or later; "
                                         "the server is " + std::to_string(serverMajor()));
    EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 'accounts'"), "0");  // nothing changed
    return;
  }
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_FALSE(report->failure) << report->failure->message;
  EXPECT_EQ(indexdef("accounts_email_nnd_idx"),
            "CREATE UNIQUE INDEX accounts_email_nnd_idx ON public.accounts USING btree (email) NULLS NOT DISTINCT");
  EXPECT_EQ(value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'accounts_tenant_key'"),
            "UNIQUE NULLS NOT DISTINCT (tenant)");
  exec("INSERT INTO accounts (id) VALUES (1)");
  EXPECT_THROW(exec("INSERT INTO accounts (id) VALUES (2)"), std::exception);  // two NULL tenants collide
  EXPECT_TRUE(report->remaining.drift.empty()) << ::testing::PrintToString(drift(report->remaining));
}
