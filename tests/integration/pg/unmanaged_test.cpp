// Objects of kinds a resource does not manage, as pg::inspect lists them (Model::unmanaged), on a
// real server of every supported major: one of each kind, and extensions' members never.
#include <algorithm>
#include <iterator>

#include <gtest/gtest.h>

#include "integration/pg/pg_fixture.hpp"
#include "pg/unmanaged_query.hpp"

using pgtest::connectTo;
using pgtest::server;
using schema::UnmanagedObject;

namespace {

// One object of each kind the listing knows, in schema app, beside managed tables, an enum and a
// sequence (which are never listed) and two extensions installed into the same schema.
const char* const kEveryKind = R"sql(
CREATE SCHEMA app;
SET search_path = app, public;
CREATE EXTENSION citext SCHEMA app;
CREATE EXTENSION pg_trgm SCHEMA app;
CREATE TYPE status AS ENUM ('new', 'done');
CREATE SEQUENCE invoice_no;
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric, note text,
  email citext, status status, CONSTRAINT orders_total_check CHECK (total >= 0));
CREATE INDEX orders_note_trgm ON orders USING gin (note gin_trgm_ops);
CREATE TABLE customers (id bigint PRIMARY KEY, ref bigint REFERENCES orders (id));
CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW order_notes AS SELECT id, note FROM orders;
CREATE MATERIALIZED VIEW order_totals AS SELECT sum(total) AS total FROM orders;
CREATE INDEX order_totals_total ON order_totals (total);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE FUNCTION add_cents(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE PROCEDURE archive(older_than date) LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION atomic_one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE PROCEDURE atomic_archive() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE AGGREGATE total_cents(bigint) (SFUNC = add_cents, STYPE = bigint);
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY own_orders ON orders USING (id > 0);
CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER order_notes_insert INSTEAD OF INSERT ON order_notes FOR EACH ROW EXECUTE FUNCTION touch();
CREATE RULE orders_no_delete AS ON DELETE TO orders DO INSTEAD NOTHING;
CREATE FOREIGN DATA WRAPPER dummy_fdw;
CREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_fdw;
CREATE FOREIGN TABLE remote_orders (id bigint) SERVER dummy_server;
CREATE TRIGGER remote_orders_audit BEFORE INSERT ON remote_orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION cents_eq(bigint, numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR === (LEFTARG = bigint, RIGHTARG = numeric, FUNCTION = cents_eq);
CREATE OPERATOR FAMILY money_ops USING btree;
CREATE FUNCTION money_cmp(bigint, bigint) RETURNS integer LANGUAGE sql IMMUTABLE
  AS 'SELECT CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END';
CREATE OPERATOR CLASS money_cents_ops FOR TYPE bigint USING btree FAMILY money_ops
  AS OPERATOR 1 <, OPERATOR 3 =, OPERATOR 5 >, FUNCTION 1 money_cmp(bigint, bigint);
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE money_amount AS (cents bigint, currency char(3));
CREATE TYPE price_range AS RANGE (subtype = numeric);
CREATE FUNCTION status_label(status) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1::text';
CREATE CAST (status AS text) WITH FUNCTION status_label(status);
CREATE COLLATION bytewise FROM "C";
CREATE CONVERSION latin1_to_utf8 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE TEXT SEARCH CONFIGURATION english_app (COPY = pg_catalog.english);
CREATE TEXT SEARCH DICTIONARY simple_app (TEMPLATE = pg_catalog.simple);
CREATE TEXT SEARCH TEMPLATE simple_tmpl (LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH PARSER app_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
  LEXTYPES = prsd_lextype);
CREATE STATISTICS orders_stats ON id, total FROM orders;
SET client_min_messages = error;  -- a publication warns that wal_level is not logical
CREATE PUBLICATION orders_pub FOR TABLE orders;
RESET client_min_messages;
CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER app_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();
CREATE TYPE shell_only;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC;
CREATE FUNCTION heap_like(internal) RETURNS table_am_handler LANGUAGE internal AS 'heap_tableam_handler';
CREATE ACCESS METHOD heap_app TYPE TABLE HANDLER heap_like;
CREATE TYPE myint;
SET client_min_messages = warning;  -- the type is a shell until its functions exist
CREATE FUNCTION myint_in(cstring) RETURNS myint LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION myint_out(myint) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
RESET client_min_messages;
CREATE TYPE myint (INPUT = myint_in, OUTPUT = myint_out, LIKE = integer);
CREATE FUNCTION to_plpgsql(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE TRANSFORM FOR money_amount LANGUAGE plpgsql (FROM SQL WITH FUNCTION to_plpgsql(internal));
CREATE FUNCTION app_handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE LANGUAGE plapp HANDLER app_handler;
CREATE SCHEMA other;
CREATE VIEW other.elsewhere AS SELECT 1 AS one;
CREATE FUNCTION other.elsewhere() RETURNS int LANGUAGE sql AS 'SELECT 1';
)sql";

const std::vector<UnmanagedObject> kExpected = {
    {"AccessMethod", "heap_app"},
    {"Aggregate", "total_cents(bigint)"},
    {"BaseType", "myint"},
    {"Cast", "(status AS text)"},
    {"Collation", "bytewise"},
    {"CompositeType", "money_amount"},
    {"ConstraintTrigger", "orders.orders_check"},
    {"Conversion", "latin1_to_utf8"},
    {"DefaultPrivileges", "postgres:tables"},
    {"Domain", "email"},
    {"EventTrigger", "app_ddl"},
    {"ForeignTable", "remote_orders"},
    // Functions spec.functions cannot declare (the others are managed): C, internal, BEGIN ATOMIC.
    {"ForeignTableTrigger", "remote_orders.remote_orders_audit"},
    {"Function", "app_handler()"},
    {"Function", "atomic_one()"},
    {"Function", "heap_like(internal)"},
    {"Function", "myint_in(cstring)"},
    {"Function", "myint_out(myint)"},
    {"Function", "to_plpgsql(internal)"},
    {"Language", "plapp"},
    {"MaterializedView", "order_totals"},
    {"Operator", "===(bigint,numeric)"},
    {"OperatorClass", "money_cents_ops USING btree"},
    {"OperatorFamily", "money_ops USING btree"},
    {"Partition", "events_2026"},
    {"Policy", "orders.own_orders"},
    {"Procedure", "atomic_archive()"},
    {"Publication", "orders_pub"},
    {"RangeType", "price_range"},
    {"Rule", "orders.orders_no_delete"},
    {"ShellType", "shell_only"},
    {"Statistics", "orders_stats"},
    {"TextSearchConfiguration", "english_app"},
    {"TextSearchDictionary", "simple_app"},
    {"TextSearchParser", "app_parser"},
    {"TextSearchTemplate", "simple_tmpl"},
    {"Transform", "FOR money_amount LANGUAGE plpgsql"},
    {"Trigger", "events.events_touch"},
    {"Trigger", "orders.orders_touch"},
    {"View", "order_notes"},
    {"ViewTrigger", "order_notes.order_notes_insert"},
};

std::string describe(const std::vector<UnmanagedObject>& objects) {
  std::string out;
  for (const auto& o : objects) out += "  " + o.kind + " " + o.name + "\n";
  return out;
}

schema::Model inspectApp(const std::string& db) {
  auto conn = connectTo(db);
  EXPECT_TRUE(pg::useSchema(*conn, "app"));
  auto model = pg::inspect(*conn, "app");
  if (!model) throw std::runtime_error(model.error().describe());
  return std::move(*model);
}

}  // namespace

// Exactly one row per object made above, by kind then name: no citext or pg_trgm function,
// operator, class or cast, no array, row or multirange type, no range constructor, no view's
// _RETURN rule, no index, no partition's cloned trigger, nothing of schema `other`.
TEST(Unmanaged, EveryKindIsListedOnceAndExtensionMembersNever) {
  const auto db = server().createDatabase("unmanaged");
  server().exec(db, kEveryKind);
  const schema::Model model = inspectApp(db);
  // A kind that becomes managed (schema::isManagedKind) leaves the list, and nothing else does.
  std::vector<UnmanagedObject> expected;
  std::copy_if(kExpected.begin(), kExpected.end(), std::back_inserter(expected),
               [](const UnmanagedObject& o) { return !schema::isManagedKind(o.kind); });
  EXPECT_EQ(model.unmanaged, expected) << describe(model.unmanaged);
  // And the managed read is unchanged by them: the tables a resource declares (a partition is one).
  std::vector<std::string> tables;
  for (const auto& t : model.tables) tables.push_back(t.name);
  EXPECT_EQ(tables, (std::vector<std::string>{"customers", "events", "events_2026", "orders"}));

  // Every kind the listing knows was made above (docs/unmanaged.md lists them).
  for (auto kind : pg::listableKinds()) {
    const bool seen = std::any_of(kExpected.begin(), kExpected.end(), [&](const auto& o) { return o.kind == kind; });
    EXPECT_TRUE(seen) << kind << " has no object in the fixture";
  }
}

TEST(Unmanaged, ASchemaPublishedWholeIsListedFromFifteenOn) {
  const auto db = server().createDatabase("unmanaged");
  server().exec(db, "CREATE SCHEMA app; CREATE TABLE app.t (id int)");
  if (server().major() < 15) {
    // FOR TABLES IN SCHEMA does not exist before 15; a publication of every table does.
    server().exec(db, "SET client_min_messages = error; CREATE PUBLICATION everything FOR ALL TABLES");
    EXPECT_EQ(inspectApp(db).unmanaged, (std::vector<UnmanagedObject>{{"Publication", "everything"}}));
    return;
  }
  server().exec(db, "SET client_min_messages = error; CREATE PUBLICATION app_pub FOR TABLES IN SCHEMA app;"
                    "CREATE PUBLICATION everything FOR ALL TABLES");
  EXPECT_EQ(inspectApp(db).unmanaged,
            (std::vector<UnmanagedObject>{{"Publication", "app_pub"}, {"Publication", "everything"}}));
}

// What an extension brings is the extension's; an operator of the user's over its function is the user's.
TEST(Unmanaged, AnEmptySchemaAndOneHoldingOnlyExtensionsListNothing) {
  const auto db = server().createDatabase("unmanaged");
  server().exec(db, "CREATE SCHEMA app; CREATE EXTENSION citext SCHEMA app; CREATE EXTENSION pg_trgm SCHEMA app");
  EXPECT_EQ(inspectApp(db).unmanaged, std::vector<UnmanagedObject>{});
  server().exec(db, "CREATE OPERATOR app.%%% (LEFTARG = text, RIGHTARG = text, FUNCTION = app.similarity_op)");
  EXPECT_EQ(inspectApp(db).unmanaged, (std::vector<UnmanagedObject>{{"Operator", "%%%(text,text)"}}));
}
