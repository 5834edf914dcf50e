// Table triggers on a real PostgreSQL (contract Part 2, Code objects): created with their table
// and firing, other spellings of the same definition not drift, a changed definition replaced in
// place (the same trigger, no moment without it), enabled and disabled (the disable gated), an
// undeclared trigger dropped only with approval, a missing function blocking its trigger while
// the rest of the plan runs, hostile or refused conditions input errors with nothing changed, a
// partitioned table's trigger declared once (its clones unseen), and the questions about any
// number of conditions sent in a fixed number of round trips.
// The trigger functions live in schema util, referenced qualified: functions are not managed.
#include <algorithm>

#include "engine_fixture.hpp"

namespace {

std::string orders(const std::string& triggers, const std::string& extraColumn = "") {
  return R"yaml(  tables:
    - name: orders
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: status, type: text}
        - {name: touched, type: integer, nullable: false, default: "0"}
)yaml" + extraColumn + R"yaml(      primaryKey: [id]
      triggers:
)yaml" + triggers;
}

const char* kTouch =
    "        - {name: orders_touch, timing: before, events: [update], forEach: row,"
    " when: \"OLD.* IS DISTINCT FROM NEW.*\", function: util.touch}\n";

}  // namespace

class TriggersTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("CREATE SCHEMA util;"
         " CREATE FUNCTION util.touch() RETURNS trigger LANGUAGE plpgsql AS"
         " $$BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END$$;"
         " CREATE FUNCTION util.stamp() RETURNS trigger LANGUAGE plpgsql AS"
         " $$BEGIN NEW.status := coalesce(TG_ARGV[0], 'none'); RETURN NEW; END$$");
  }
  std::string trigger(const std::string& name) {
    return value("SELECT pg_get_triggerdef(oid) || ' ' || tgenabled::text FROM pg_trigger WHERE tgname = '" + name + "'");
  }
  std::string triggerOid(const std::string& name) { return value("SELECT oid::text FROM pg_trigger WHERE tgname = '" + name + "'"); }
};

// Table and trigger in one plan: the trigger after the table. It fires; then other spellings of
// the same definition (the condition re-spaced and re-cased, events and UPDATE OF columns in
// another order) are in sync.
TEST_F(TriggersTest, CreatedWithItsTableFiringThenOtherSpellingsInSync) {
  const auto r = resource(orders(std::string(kTouch) +
                                 "        - {name: orders_stamp, timing: before, events: [insert, update], forEach: row,"
                                 " when: \"NEW.status IS NULL\", function: util.stamp, arguments: [new]}\n"));
  const auto report = applied(r);
  EXPECT_EQ(drift(report.plan), (Drift{"CreateTable orders [safe]", "CreateTrigger orders.orders_touch [safe]",
                                       "CreateTrigger orders.orders_stamp [safe]"}));
  EXPECT_EQ(trigger("orders_touch"),
            "CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) "
            "EXECUTE FUNCTION util.touch() O");
  EXPECT_EQ(trigger("orders_stamp"),
            "CREATE TRIGGER orders_stamp BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW WHEN ((new.status IS NULL)) "
            "EXECUTE FUNCTION util.stamp('new') O");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  exec("INSERT INTO orders (id) VALUES (1)");
  EXPECT_EQ(value("SELECT status || ' ' || touched FROM orders"), "new 0");
  exec("UPDATE orders SET status = 'paid'; UPDATE orders SET status = 'paid'");
  EXPECT_EQ(value("SELECT status || ' ' || touched FROM orders"), "paid 1") << "fired on the update that changed the row";

  const auto respelled = resource(orders(
      "        - {name: orders_touch, timing: before, events: [update], forEach: row,"
      " when: \"(old.*)   is distinct   from (NEW.*)\", function: util.touch}\n"
      "        - {name: orders_stamp, timing: before, events: [update, insert], forEach: row,"
      " when: \"new.status  is  null\", function: util.stamp, arguments: [new]}\n"));
  EXPECT_EQ(drift(plan(respelled).plan), Drift{});

  const auto columns = resource(orders(
      "        - {name: orders_touch, timing: before, events: [update], forEach: row, updateOf: [touched, status],"
      " when: \"OLD.* IS DISTINCT FROM NEW.*\", function: util.touch}\n"));
  EXPECT_EQ(drift(applied(columns, /*allowDestructive=*/true).plan),
            (Drift{"ReplaceTrigger orders.orders_touch [safe]", "DropTrigger orders.orders_stamp [destructive]"}));
  const auto reordered = resource(orders(
      "        - {name: orders_touch, timing: before, events: [update], forEach: row, updateOf: [status, touched],"
      " when: \"OLD.* IS DISTINCT FROM NEW.*\", function: util.touch}\n"));
  EXPECT_EQ(drift(plan(reordered).plan), Drift{});
}

// A changed definition is one CREATE OR REPLACE TRIGGER: the same trigger (its oid), changed.
TEST_F(TriggersTest, AChangedDefinitionIsReplacedInPlace) {
  applied(resource(orders(kTouch)));
  const std::string oid = triggerOid("orders_touch");
  const auto changed = resource(orders(
      "        - {name: orders_touch, timing: before, events: [update], forEach: row, updateOf: [status],"
      " when: \"NEW.status IS NOT NULL\", function: util.stamp, arguments: [\"it's\"]}\n"));
  const auto report = applied(changed);
  EXPECT_EQ(drift(report.plan), Drift{"ReplaceTrigger orders.orders_touch [safe]"});
  EXPECT_EQ(triggerOid("orders_touch"), oid);
  EXPECT_EQ(trigger("orders_touch"),
            "CREATE TRIGGER orders_touch BEFORE UPDATE OF status ON public.orders FOR EACH ROW WHEN ((new.status IS NOT "
            "NULL)) EXECUTE FUNCTION util.stamp('it''s') O");
  EXPECT_EQ(drift(plan(changed).plan), Drift{});
  exec("INSERT INTO orders (id) VALUES (1); UPDATE orders SET status = 'x'");
  EXPECT_EQ(value("SELECT status FROM orders"), "it's");
}

// Disabling is destructive (the trigger's work stops), enabling safe; a trigger enabled by hand
// in replica or always mode fires, so it is enabled as far as the declaration says, and a
// replacement keeps that mode.
TEST_F(TriggersTest, EnabledAndDisabledTheDisableGated) {
  applied(resource(orders(kTouch)));
  const auto disabled = resource(orders(
      "        - {name: orders_touch, timing: before, events: [update], forEach: row,"
      " when: \"OLD.* IS DISTINCT FROM NEW.*\", function: util.touch, enabled: false}\n"));
  const auto held = apply(disabled);
  EXPECT_EQ(drift(held.remaining), Drift{"DisableTrigger orders.orders_touch [destructive]"});
  EXPECT_EQ(trigger("orders_touch").back(), 'O') << "nothing ran";
  applied(disabled, /*allowDestructive=*/true);
  EXPECT_EQ(trigger("orders_touch").back(), 'D');
  EXPECT_EQ(drift(plan(disabled).plan), Drift{});

  const auto enabled = resource(orders(kTouch));
  EXPECT_EQ(drift(applied(enabled).plan), Drift{"EnableTrigger orders.orders_touch [safe]"});
  EXPECT_EQ(trigger("orders_touch").back(), 'O');

  exec("ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_touch");
  EXPECT_EQ(drift(plan(enabled).plan), Drift{});
  applied(resource(orders("        - {name: orders_touch, timing: after, events: [insert], forEach: row, function: util.touch}\n")));
  EXPECT_EQ(trigger("orders_touch").back(), 'A') << "the replacement kept the mode";
}

// An undeclared trigger of a declared table is drift, dropped only with approval; a foreign key's
// internal triggers are never seen.
TEST_F(TriggersTest, AnUndeclaredTriggerIsDroppedOnlyWithApproval) {
  const auto r = resource(orders(kTouch));
  applied(r);
  exec("CREATE TABLE customers (id bigint PRIMARY KEY); ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers;"
       " CREATE TRIGGER by_hand AFTER DELETE ON orders EXECUTE FUNCTION util.touch()");
  const auto withCustomers = resource(orders(kTouch, "        - {name: customer_id, type: bigint}\n") + R"yaml(      foreignKeys:
        - {name: orders_customer_id_fkey, columns: [customer_id], references: {table: customers, columns: [id]}}
    - name: customers
      columns: [{name: id, type: bigint, nullable: false}]
      primaryKey: [id]
)yaml");
  EXPECT_EQ(drift(plan(withCustomers).plan), Drift{"DropTrigger orders.by_hand [destructive]"});
  apply(withCustomers);
  EXPECT_EQ(value("SELECT count(*) FROM pg_trigger WHERE tgname = 'by_hand'"), "1") << "not approved";
  applied(withCustomers, /*allowDestructive=*/true);
  EXPECT_EQ(value("SELECT count(*) FROM pg_trigger WHERE tgname = 'by_hand'"), "0");
  EXPECT_EQ(drift(plan(withCustomers).plan), Drift{});
}

// A trigger whose function does not exist is blocked with that reason; the rest is applied, a
// column the plan adds and a trigger on it among them.
TEST_F(TriggersTest, AMissingFunctionBlocksItsTriggerAndTheRestIsApplied) {
  applied(resource(orders(kTouch)));
  const auto r = resource(orders(std::string(kTouch) +
                                     "        - {name: orders_audit, timing: after, events: [delete], function: util.no_such}\n"
                                     "        - {name: orders_note, timing: before, events: [update], updateOf: [note],"
                                     " forEach: row, function: util.stamp}\n",
                                 "        - {name: note, type: text}\n"));
  const auto report = apply(r);
  ASSERT_FALSE(report.failure) << report.failure->message;
  EXPECT_EQ(drift(report.remaining), Drift{"CreateTrigger orders.orders_audit [blocked]"});
  ASSERT_EQ(report.remaining.drift.size(), 1u);
  EXPECT_NE(report.remaining.drift[0].reason.find("function util.no_such() does not exist"), std::string::npos)
      << report.remaining.drift[0].reason;
  EXPECT_EQ(trigger("orders_note"),
            "CREATE TRIGGER orders_note BEFORE UPDATE OF note ON public.orders FOR EACH ROW EXECUTE FUNCTION util.stamp() O");
  // Made by hand, it follows on the next check.
  exec("CREATE FUNCTION util.no_such() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$");
  EXPECT_EQ(drift(applied(r).plan), Drift{"CreateTrigger orders.orders_audit [safe]"});
}

// A condition that breaks out of its parentheses, holds two statements, or that Postgres refuses
// is an input error naming the field, and nothing is changed.
TEST_F(TriggersTest, HostileOrRefusedConditionsAreInputErrorsAndChangeNothing) {
  exec("CREATE TABLE victim (id int)");
  auto withWhen = [&](const std::string& events, const std::string& when) {
    return resource(orders("        - {name: orders_touch, timing: before, events: [" + events +
                           "], forEach: row, when: \"" + when + "\", function: util.touch}\n"));
  };
  const std::string field = "spec.tables[0].triggers[0].when: ";
  for (const auto& hostile : {std::string("true) EXECUTE FUNCTION util.stamp(); --"),
                              std::string("true) EXECUTE FUNCTION util.stamp() --"),
                              std::string("true) EXECUTE FUNCTION pg_temp.schema_operator_trigger_question('x') /*"),
                              std::string("true); DROP TABLE victim; --")}) {
    const std::string error = planError(withWhen("update", hostile));
    EXPECT_EQ(error.rfind(field, 0), 0u) << hostile << " -> " << error;
  }
  const std::string unknown = planError(withWhen("update", "NEW.nope > 0"));
  EXPECT_EQ(unknown.rfind(field, 0), 0u) << unknown;
  EXPECT_NE(unknown.find("nope"), std::string::npos) << "the server's message: " << unknown;
  const std::string noOld = planError(withWhen("insert", "OLD.id > 0"));
  EXPECT_EQ(noOld.rfind(field, 0), 0u) << noOld;
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname IN ('victim', 'orders')"), "1") << "nothing changed";
}

// A trigger on a partitioned table is declared once, on it: the clones Postgres makes on each
// partition are not seen (neither drift nor unmanaged).
TEST_F(TriggersTest, APartitionedTablesTriggerIsDeclaredOnItAloneItsClonesUnseen) {
  const auto r = resource(R"yaml(  tables:
    - name: events
      columns:
        - {name: at, type: date, nullable: false}
        - {name: status, type: text}
        - {name: touched, type: integer, nullable: false, default: "0"}
      partitionBy: {strategy: range, columns: [at]}
      triggers:
        - {name: events_touch, timing: before, events: [update], forEach: row, function: util.touch}
    - name: events_2026
      partitionOf: {table: events, bounds: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"}
)yaml");
  applied(r);
  EXPECT_EQ(value("SELECT count(*) FROM pg_trigger WHERE tgname = 'events_touch'"), "2") << "the parent's and its clone";
  const auto again = plan(r);
  EXPECT_EQ(drift(again.plan), Drift{});
  EXPECT_TRUE(again.unmanaged.empty());
}

// Conditions not the live text on their face are asked on every plan: twelve take the round trips
// one takes.
TEST_F(TriggersTest, QuestionsAboutManyConditionsTakeAsManyRoundTripsAsAboutOne) {
  auto spec = [](int n) {
    std::string triggers;
    for (int i = 0; i < n; ++i)
      triggers += "        - {name: t" + std::to_string(i) + ", timing: after, events: [update], forEach: row, when: \"NEW.touched > " +
                  std::to_string(i) + " + 1\", function: util.touch}\n";
    return orders(triggers);
  };
  auto plannedInSync = [&](int n) {
    exec("DROP TABLE IF EXISTS orders");
    const auto r = resource(spec(n));
    applied(r);
    return planTrips(r);
  };
  const Trips one = plannedInSync(1);
  const Trips twelve = plannedInSync(12);
  EXPECT_GE(twelve.statements, one.statements + 11) << "asked each time";
  EXPECT_EQ(twelve.wire, one.wire) << "one:\n" << one.trace << "twelve:\n" << twelve.trace;
}

TEST_F(TriggersTest, AColumnTypeChangeUnderATriggerTakesTheDeclaredTriggerAlongAndIsBlockedByAnUndeclaredOne) {
  const std::string watch =
      "        - {name: status_watch, timing: before, events: [update], updateOf: [status], forEach: row,"
      " when: \"OLD.status IS DISTINCT FROM NEW.status\", function: util.touch}\n";
  applied(resource(orders(watch)));
  const std::string before = trigger("status_watch");
  // status becomes varchar(20): Postgres refuses the ALTER while a trigger uses the column.
  std::string narrowed = orders(watch);
  narrowed.replace(narrowed.find("{name: status, type: text}"), 26, "{name: status, type: varchar(20)}");
  const auto r = resource(narrowed);
  applied(r, /*allowDestructive=*/true);
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'orders'::regclass"
                  " AND attname = 'status'"),
            "character varying(20)");
  // Made again as declared (its condition now printed over the new type).
  EXPECT_NE(before, trigger("status_watch"));
  EXPECT_NE(trigger("status_watch").find("BEFORE UPDATE OF status ON public.orders FOR EACH ROW WHEN"), std::string::npos);
  exec("INSERT INTO orders (id, status) VALUES (1, 'new'); UPDATE orders SET status = 'paid'");
  EXPECT_EQ(value("SELECT touched FROM orders"), "1");
  EXPECT_EQ(drift(plan(r).plan), Drift{});

  // By hand, undeclared: the next type change is blocked, naming it, and nothing changes.
  exec("CREATE TRIGGER by_hand BEFORE UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION util.touch()");
  std::string widened = narrowed;
  widened.replace(widened.find("varchar(20)"), 11, "text");
  const auto report = apply(resource(widened));
  const auto it = std::find_if(report.remaining.drift.begin(), report.remaining.drift.end(),
                               [](const schema::Change& c) { return c.object == "orders.status"; });
  ASSERT_NE(it, report.remaining.drift.end());
  EXPECT_EQ(it->safety, schema::Safety::Blocked);
  EXPECT_NE(it->reason.find("trigger by_hand on orders uses column status"), std::string::npos) << it->reason;
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'orders'::regclass"
                  " AND attname = 'status'"),
            "character varying(20)");
}
