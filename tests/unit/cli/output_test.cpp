// The "Not managed" section of plan and apply output, in text and JSON (src/cli/output.cpp).
#include "cli/output.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

spec::DatabaseSchema shop() {
  spec::DatabaseSchema r;
  r.name = "shop";
  r.model.schema = "app";
  return r;
}

engine::Report withUnmanaged(bool refused = false) {
  engine::Report r;
  r.serverVersion = "15.8";
  r.unmanaged = {{"Aggregate", "total_cents(bigint)"}, {"Trigger", "orders.orders_touch"}, {"View", "order_notes"}};
  r.refusedUnmanaged = refused;
  return r;
}

}  // namespace

TEST(PlanOutput, TextListsWhatIsNotManagedByKindAndNameBeforeTheSummary) {
  const auto resource = shop();
  const auto report = withUnmanaged();
  const std::string text = cli::renderText({resource, cli::Command::Plan, report});
  EXPECT_EQ(text,
            "shop: PostgreSQL 15.8, schema app\n"
            "No drift.\n"
            "Not managed (3, never changed):\n"
            "  Aggregate  total_cents(bigint)\n"
            "  Trigger    orders.orders_touch\n"
            "  View       order_notes\n"
            "shop: in sync (3 objects not managed)\n");
}

TEST(PlanOutput, NothingUnmanagedPrintsNoSection) {
  const auto resource = shop();
  engine::Report report;
  report.serverVersion = "15.8";
  const std::string text = cli::renderText({resource, cli::Command::Plan, report});
  EXPECT_EQ(text.find("Not managed"), std::string::npos) << text;
  EXPECT_EQ(cli::summaryLine({resource, cli::Command::Plan, report}), "shop: in sync");
}

TEST(PlanOutput, JsonCarriesTheStatusShapeOfUnmanaged) {
  const auto resource = shop();
  const auto report = withUnmanaged();
  const auto doc = nlohmann::json::parse(cli::renderJson({resource, cli::Command::Plan, report}));
  EXPECT_EQ(doc["unmanaged"]["count"], 3);
  EXPECT_EQ(doc["unmanaged"]["items"][1], nlohmann::json::parse(R"({"kind": "Trigger", "name": "orders.orders_touch"})"));
  EXPECT_FALSE(doc.contains("error"));
}

TEST(PlanOutput, AStrictRefusalSaysSoInTheSummaryAndAsTheJsonError) {
  const auto resource = shop();
  auto report = withUnmanaged(/*refused=*/true);
  schema::Change pending;
  pending.kind = schema::ChangeKind::AddColumn;
  pending.object = "orders.note";
  report.plan.drift = {pending};
  report.remaining = report.plan;
  EXPECT_EQ(cli::summaryLine({resource, cli::Command::Apply, report}),
            "shop: refused (strict): 3 objects not managed; 1 change pending, nothing applied");
  const auto doc = nlohmann::json::parse(cli::renderJson({resource, cli::Command::Apply, report}));
  const std::string message = doc["error"]["message"];
  EXPECT_NE(message.find("strict: 3 objects"), std::string::npos) << message;
  EXPECT_EQ(doc["applied"].size(), 0u);
  const std::string text = cli::renderText({resource, cli::Command::Apply, report});
  EXPECT_EQ(text.find("Applied nothing"), std::string::npos) << text;  // the plan is shown instead: nothing was tried
  EXPECT_NE(text.find("Not managed (3, never changed):"), std::string::npos) << text;
}
