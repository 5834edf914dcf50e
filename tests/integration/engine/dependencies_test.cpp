// Changes whose objects depend on each other: a serial column becoming an identity, a foreign key
// onto a unique index the same plan builds, a unique key becoming the primary key under foreign
// keys, and an enum losing a value that an index predicate, a check and a default name. Each is
// applied on a real PostgreSQL, keeps every row, and leaves a re-plan in sync.
#include "engine_fixture.hpp"

// ---- serial -> identity -----------------------------------------------------------------------

namespace {

const char* kIdentityT = R"(  tables:
    - name: t
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: v, type: text}
      primaryKey: [id]
)";

}  // namespace

class SerialToIdentityTest : public EngineTest {
 protected:
  long long sequences() { return std::stoll(value("SELECT count(*) FROM pg_class WHERE relkind = 'S'")); }
};

TEST_F(SerialToIdentityTest, ABigserialBecomesAnIdentityInPlaceAndContinuesAfterTheSequence) {
  // The old sequence has given 3; the highest id left is 2: the next id is 4, never a reused 3.
  exec("CREATE TABLE t (id bigserial PRIMARY KEY, v text)");
  exec("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
  exec("DELETE FROM t WHERE id = 3");
  const auto planned = plan(resource(kIdentityT));
  EXPECT_EQ(drift(planned.plan), Drift{"ConvertSerialToIdentity t.id [safe]"});

  const auto report = apply(resource(kIdentityT));  // safe: no approval needed
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_TRUE(plan(resource(kIdentityT)).plan.drift.empty()) << "a re-plan is in sync";

  EXPECT_EQ(value("SELECT string_agg(id || v, ',' ORDER BY id) FROM t"), "1a,2b");
  EXPECT_EQ(value("SELECT attidentity FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'id'"), "a");
  EXPECT_EQ(value("SELECT count(*) FROM pg_attrdef WHERE adrelid = 't'::regclass"), "0");
  EXPECT_EQ(sequences(), 1) << "the old sequence is dropped; only the identity's remains";
  EXPECT_EQ(value("SELECT pg_get_serial_sequence('t', 'id')"), "public.t_id_seq");
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('d') RETURNING id"), "4");
}

TEST_F(SerialToIdentityTest, ASerialContinuesAfterTheHighestRowWhenRowsAreAheadOfItsSequence) {
  exec("CREATE TABLE t (id serial PRIMARY KEY, v text)");
  exec("INSERT INTO t (id, v) VALUES (10, 'a'), (41, 'b')");  // explicit ids: the sequence never moved
  const char* declared = R"(  tables:
    - name: t
      columns:
        - {name: id, type: integer, identity: by-default}
        - {name: v, type: text}
      primaryKey: [id]
)";
  const auto report = apply(resource(declared));
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(plan(resource(declared)).plan.drift.empty());
  EXPECT_EQ(value("SELECT attidentity FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'id'"), "d");
  EXPECT_EQ(sequences(), 1);
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('c') RETURNING id"), "42");
}

TEST_F(SerialToIdentityTest, AnEmptySerialTableStartsItsIdentityAtOne) {
  exec("CREATE TABLE t (id bigserial PRIMARY KEY, v text)");
  ASSERT_FALSE(apply(resource(kIdentityT)).failure);
  EXPECT_TRUE(plan(resource(kIdentityT)).plan.drift.empty());
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('a') RETURNING id"), "1");
}

TEST_F(SerialToIdentityTest, AColumnWithAnotherDefaultLosesItForTheIdentity) {
  exec("CREATE TABLE t (id bigint PRIMARY KEY DEFAULT 7, v text)");
  exec("INSERT INTO t (v) VALUES ('a')");
  const auto report = apply(resource(kIdentityT));
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(plan(resource(kIdentityT)).plan.drift.empty());
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('b') RETURNING id"), "8");
}

// ---- foreign keys onto keys the same plan makes ----------------------------------------------

namespace {

// child(id, parent_code) with child_parent_fk onto parent(code); `options` ends the key's flow map.
std::string childTable(const std::string& options = "") {
  return R"(    - name: child
      columns:
        - {name: id, type: integer, nullable: false}
        - {name: parent_code, type: text}
      primaryKey: [id]
      foreignKeys:
        - {name: child_parent_fk, columns: [parent_code], references: {table: parent, columns: [code]})" +
         options + "}\n";
}

std::string parentAndChild(const std::string& parentKey) {
  return R"(  tables:
    - name: parent
      columns:
        - {name: id, type: integer, nullable: false}
        - {name: code, type: text, nullable: false}
      primaryKey: [id]
)" + parentKey + childTable();
}

const char* kUniqueIndex = "      indexes:\n        - {name: parent_code_idx, columns: [code], unique: true}\n";
const char* kUniqueConstraint = "      unique:\n        - {name: parent_code_key, columns: [code]}\n";

}  // namespace

class KeyOrderTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("CREATE TABLE parent (id integer PRIMARY KEY, code text NOT NULL)");
    exec("CREATE TABLE child (id integer PRIMARY KEY, parent_code text)");
    exec("INSERT INTO parent VALUES (1, 'a'), (2, 'b'); INSERT INTO child VALUES (1, 'a'), (2, NULL)");
  }
  void expectAppliedAndInSync(const std::string& body) {
    const auto report = apply(resource(body));
    ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
    EXPECT_TRUE(report.remaining.drift.empty());
    EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
    EXPECT_EQ(value("SELECT convalidated FROM pg_constraint WHERE conname = 'child_parent_fk'"), "t");
  }
};

TEST_F(KeyOrderTest, AUniqueIndexAForeignKeyReferencesIsBuiltBeforeTheKey) {
  const auto planned = plan(resource(parentAndChild(kUniqueIndex)));
  EXPECT_EQ(drift(planned.plan),
            (Drift{"CreateIndex parent.parent_code_idx [safe]", "AddForeignKey child.child_parent_fk [safe]"}));
  expectAppliedAndInSync(parentAndChild(kUniqueIndex));
}

TEST_F(KeyOrderTest, AUniqueIndexOnANewTableIsBuiltBeforeTheKeysOntoIt) {
  exec("DROP TABLE child, parent");
  expectAppliedAndInSync(parentAndChild(kUniqueIndex));
  EXPECT_EQ(value("SELECT count(*) FROM pg_index WHERE indexrelid = 'parent_code_idx'::regclass AND indisunique"), "1");
}

TEST_F(KeyOrderTest, AUniqueConstraintAForeignKeyReferencesIsAddedBeforeTheKey) {
  expectAppliedAndInSync(parentAndChild(kUniqueConstraint));
}

// ---- a unique key becoming the primary key under foreign keys --------------------------------

class KeySwapTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("CREATE TABLE parent (code text NOT NULL CONSTRAINT parent_code_key UNIQUE, name text)");
    exec("CREATE TABLE child (id integer PRIMARY KEY, parent_code text "
         "CONSTRAINT child_parent_fk REFERENCES parent (code) ON DELETE CASCADE)");
    exec("CREATE TABLE other (id integer PRIMARY KEY, code text CONSTRAINT other_parent_fk REFERENCES parent (code))");
    exec("INSERT INTO parent VALUES ('a', 'A'), ('b', 'B'); INSERT INTO child VALUES (1, 'a'), (2, 'b');"
         "INSERT INTO other VALUES (1, 'b')");
  }
  // parent with `parentKeys` (and `parentColumns` after code and name), child, other, `moreTables`.
  static std::string declared(const std::string& parentKeys, const std::string& parentColumns = "",
                              const std::string& moreTables = "") {
    return R"(  tables:
    - name: parent
      columns:
        - {name: code, type: text, nullable: false}
        - {name: name, type: text}
)" + parentColumns + parentKeys + childTable(", onDelete: cascade") + moreTables +
           R"(    - name: other
      columns:
        - {name: id, type: integer, nullable: false}
        - {name: code, type: text}
      primaryKey: [id]
      foreignKeys:
        - {name: other_parent_fk, columns: [code], references: {table: parent, columns: [code]}}
)";
  }
  // The index each foreign key onto parent uses.
  std::string keyIndexes() {
    return value("SELECT string_agg(conname || '->' || conindid::regclass::text, ',' ORDER BY conname) "
                 "FROM pg_constraint WHERE contype = 'f' AND convalidated");
  }
};

TEST_F(KeySwapTest, TheForeignKeysMoveOntoThePrimaryKeyThatReplacesTheUniqueKey) {
  const std::string body = declared("      primaryKey: [code]\n");
  EXPECT_EQ(drift(plan(resource(body)).plan),
            (Drift{"AddPrimaryKey parent.parent_pkey [safe]", "DropUnique parent.parent_code_key [destructive]"}));
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
  EXPECT_EQ(keyIndexes(), "child_parent_fk->parent_pkey,other_parent_fk->parent_pkey");
  EXPECT_EQ(value("SELECT count(*) FROM child") + value("SELECT count(*) FROM other"), "21");
  exec("DELETE FROM parent WHERE code = 'a'");  // ON DELETE CASCADE survived the swap
  EXPECT_EQ(value("SELECT count(*) FROM child"), "1");
}

TEST_F(KeySwapTest, WithoutApprovalOnlyThePrimaryKeyIsAddedAndTheKeysStay) {
  const std::string body = declared("      primaryKey: [code]\n");
  const auto report = apply(resource(body));
  ASSERT_FALSE(report.failure);
  EXPECT_EQ(drift(report.remaining), Drift{"DropUnique parent.parent_code_key [destructive]"});
  EXPECT_EQ(keyIndexes(), "child_parent_fk->parent_code_key,other_parent_fk->parent_code_key");
}

TEST_F(KeySwapTest, ThePrimaryKeyBecomingAUniqueKeyMovesTheForeignKeysTheOtherWay) {
  exec("ALTER TABLE parent DROP CONSTRAINT parent_code_key CASCADE");
  exec("ALTER TABLE parent ADD CONSTRAINT parent_pkey PRIMARY KEY (code)");
  exec("ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_code) REFERENCES parent (code) "
       "ON DELETE CASCADE");
  exec("ALTER TABLE other ADD CONSTRAINT other_parent_fk FOREIGN KEY (code) REFERENCES parent (code)");
  const std::string body = declared("      unique:\n        - {name: parent_code_key, columns: [code]}\n");
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
  EXPECT_EQ(keyIndexes(), "child_parent_fk->parent_code_key,other_parent_fk->parent_code_key");
}

// ---- removing an enum value under indexes, checks and defaults that name it ------------------

namespace {

std::string ordersWith(const std::string& values) {
  return R"Y(  enums:
    - name: order_status
      values: )Y" + values + R"Y(
  tables:
    - name: orders
      columns:
        - {name: id, type: integer, nullable: false}
        - {name: status, type: order_status, nullable: false, default: "'pending'"}
        - {name: label, type: text, default: "('paid'::order_status)::text"}
        - {name: total, type: integer, nullable: false, default: "0"}
        - {name: created_at, type: timestamptz, nullable: false, default: "now()"}
      primaryKey: [id]
      checks:
        - {name: orders_paid_total, expression: "status <> 'paid' OR total > 0"}
      indexes:
        - {name: orders_open_idx, columns: [created_at], where: "status <> 'shipped'"}
        - {name: orders_shipped_idx, columns: [id], where: "status = 'shipped'", unique: true}
)Y";
}

}  // namespace

class EnumValueRemovalTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    const auto report = apply(resource(ordersWith("[pending, paid, shipped, refunded]")));
    ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
    ASSERT_TRUE(report.remaining.drift.empty()) << drift(report.remaining).front();
    exec("INSERT INTO orders (id, status, total) VALUES (1, 'pending', 0), (2, 'paid', 5), (3, 'shipped', 7)");
  }
  std::string definitions() {
    return value("SELECT string_agg(d, ' | ' ORDER BY d) FROM ("
                 " SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index WHERE indrelid = 'orders'::regclass"
                 " UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                 "   WHERE conrelid = 'orders'::regclass"
                 " UNION ALL SELECT attname || ' ' || pg_get_expr(adbin, adrelid) FROM pg_attrdef"
                 "   JOIN pg_attribute ON attrelid = adrelid AND attnum = adnum WHERE adrelid = 'orders'::regclass) x");
  }
};

TEST_F(EnumValueRemovalTest, TheIndexesChecksAndDefaultsThatNameItAreCarriedOver) {
  const std::string before = definitions();
  const std::string body = ordersWith("[pending, paid, shipped]");
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{"DropEnumValue order_status [destructive]"});
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty()) << "a re-plan is in sync";
  EXPECT_EQ(value("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                  "WHERE enumtypid = 'order_status'::regtype"),
            "pending,paid,shipped");
  EXPECT_EQ(definitions(), before) << "every index, check and default is as it was";
  EXPECT_EQ(value("SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM orders"), "1:pending,2:paid,3:shipped");
  EXPECT_EQ(value("SELECT count(*) FROM pg_type WHERE typname LIKE 'order_status%' AND typtype = 'e'"), "1");
}

TEST_F(EnumValueRemovalTest, AViewOnTheColumnBlocksTheRebuildAndNamesTheView) {
  exec("CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'shipped'");
  const std::string body = ordersWith("[pending, paid, shipped]");
  const auto planned = plan(resource(body));
  ASSERT_EQ(drift(planned.plan), Drift{"DropEnumValue order_status [blocked]"});
  EXPECT_NE(planned.plan.drift[0].reason.find("view open_orders"), std::string::npos) << planned.plan.drift[0].reason;
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  EXPECT_FALSE(report.failure);
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(value("SELECT count(*) FROM pg_enum WHERE enumtypid = 'order_status'::regtype"), "4");
}

TEST_F(EnumValueRemovalTest, AnIndexThatNamesTheRemovedValueAndIsDroppedByThePlanIsNotMadeAgain) {
  exec("CREATE INDEX orders_refunded_idx ON orders (id) WHERE status = 'refunded'");
  const std::string body = ordersWith("[pending, paid, shipped]");
  EXPECT_EQ(drift(plan(resource(body)).plan),
            (Drift{"DropEnumValue order_status [destructive]", "DropIndex orders.orders_refunded_idx [destructive]"}));
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
  EXPECT_EQ(value("SELECT to_regclass('orders_refunded_idx') IS NULL"), "t");
  EXPECT_EQ(value("SELECT to_regclass('orders_open_idx') IS NULL"), "f");
}

TEST_F(KeySwapTest, APrimaryKeyMovingToOtherColumnsLeavesItsForeignKeysOnTheUniqueKeyThatTakesTheOldOnes) {
  exec("ALTER TABLE parent ADD COLUMN id integer NOT NULL GENERATED BY DEFAULT AS IDENTITY");
  exec("ALTER TABLE parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id)");
  exec("CREATE TABLE line (id integer PRIMARY KEY, parent_id integer CONSTRAINT line_parent_fk REFERENCES parent (id))");
  exec("INSERT INTO line VALUES (1, 1), (2, 2)");
  // parent's key moves from id to code; id stays unique, and line's key onto it must survive.
  const std::string body = declared("      primaryKey: [code]\n"
                                    "      unique:\n"
                                    "        - {name: parent_id_key, columns: [id]}\n",
                                    "        - {name: id, type: integer, nullable: false, identity: by-default}\n",
                                    R"(    - name: line
      columns:
        - {name: id, type: integer, nullable: false}
        - {name: parent_id, type: integer}
      primaryKey: [id]
      foreignKeys:
        - {name: line_parent_fk, columns: [parent_id], references: {table: parent, columns: [id]}}
)");
  const auto report = apply(resource(body), /*allowDestructive=*/true);
  ASSERT_FALSE(report.failure) << report.failure->statement << ": " << report.failure->message;
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty()) << drift(plan(resource(body)).plan).front();
  EXPECT_EQ(keyIndexes(), "child_parent_fk->parent_pkey,line_parent_fk->parent_id_key,other_parent_fk->parent_pkey");
  EXPECT_EQ(value("SELECT count(*) FROM line"), "2");
}
