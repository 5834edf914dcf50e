// The CRD's schema enforced by the server (contract §5.8, §5.9, §7): 422 with the fields named,
// defaults filled in, unknown fields rejected, warned about or dropped per fieldValidation.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Validation : public NamespaceSuite<Validation> {};

TEST_F(Validation, EnumAndPatternViolationsAre422WithTheFieldsNamed) {
  auto r = kubectl({"apply", "-f", "-"}, schemaDoc("bad", ns_, "  mode: Destroy\n  interval: soon\n"));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("The DatabaseSchema \"bad\" is invalid:"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("spec.mode: Unsupported value: \"Destroy\": supported values: \"Apply\", \"Plan\""), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("spec.interval: Invalid value: \"soon\": spec.interval in body should match"), std::string::npos)
      << r.err;
  EXPECT_TRUE(live("bad").is_null());

  // The Status body as any client sees it.
  json doc = {{"apiVersion", "dbschema.io/v1alpha1"},
              {"kind", "DatabaseSchema"},
              {"metadata", {{"name", "bad"}}},
              {"spec", {{"connection", {{"secretRef", {{"name", "s"}, {"key", "k"}}}}}, {"mode", "Destroy"}}}};
  auto raw = cluster().http("POST", collection(), doc.dump());
  EXPECT_EQ(raw.status, 422);
  const json status = raw.json();
  EXPECT_EQ(status["reason"], "Invalid");
  EXPECT_EQ(status["details"]["kind"], "DatabaseSchema");
  EXPECT_EQ(status["details"]["group"], "dbschema.io");
  ASSERT_EQ(status["details"]["causes"].size(), 1u) << raw.body;
  EXPECT_EQ(status["details"]["causes"][0]["field"], "spec.mode");
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldValueNotSupported");
}

TEST_F(Validation, NestedPatternsAndRequiredFields) {
  auto r = kubectl({"apply", "-f", "-"}, schemaDoc("bad", ns_,
                                                   "  tables:\n  - name: t\n    columns:\n    - {name: id, type: bigint}\n"
                                                   "    indexes:\n    - {name: i, columns: [id], method: \"Not A Method\"}\n"));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("spec.tables[0].indexes[0].method: Invalid value: \"Not A Method\""), std::string::npos)
      << r.describe();

  auto missing = kubectl({"apply", "-f", "-"},
                         "apiVersion: dbschema.io/v1alpha1\nkind: DatabaseSchema\nmetadata:\n  name: bare\n  namespace: " + ns_ +
                             "\nspec:\n  mode: Plan\n");
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("The DatabaseSchema \"bare\" is invalid: spec.connection: Required value"), std::string::npos)
      << missing.describe();
}

TEST_F(Validation, DefaultsAreApplied) {
  auto r = kubectl({"apply", "-f", "-"},
                   schemaDoc("shop", ns_,
                             "  tables:\n  - name: orders\n    columns:\n    - {name: id, type: bigint}\n"
                             "    - {name: customer_id, type: bigint}\n    indexes:\n    - {name: orders_customer_idx, columns: [customer_id]}\n"
                             "    foreignKeys:\n    - {name: fk, columns: [customer_id], references: {table: customers, columns: [id]}}\n"));
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  const json spec = live("shop")["spec"];
  EXPECT_EQ(spec["mode"], "Apply");
  EXPECT_EQ(spec["interval"], "5m");
  EXPECT_EQ(spec["schema"], "public");
  EXPECT_EQ(spec["prune"], false);
  EXPECT_EQ(spec["connection"]["sslMode"], "verify-full");
  // Inside list items too.
  EXPECT_EQ(spec["tables"][0]["indexes"][0]["method"], "btree");
  EXPECT_EQ(spec["tables"][0]["indexes"][0]["unique"], false);
  EXPECT_EQ(spec["tables"][0]["foreignKeys"][0]["onDelete"], "no action");
  // What kubectl reads back is the defaulted object.
  auto get = kubectl({"-n", ns_, "get", "dbs", "shop", "-o", "jsonpath={.spec.mode} {.spec.interval}"});
  EXPECT_EQ(get.out, "Apply 5m");
}

TEST_F(Validation, UnknownFieldsFollowFieldValidation) {
  const std::string doc = schemaDoc("shop", ns_, "  color: blue\n");
  // kubectl's default (--validate=strict) sends fieldValidation=Strict: a 400, nothing stored.
  auto strict = kubectl({"apply", "-f", "-"}, doc);
  EXPECT_EQ(strict.exitCode, 1);
  EXPECT_NE(strict.err.find("Error from server (BadRequest): error when creating \"STDIN\": DatabaseSchema in version "
                            "\"v1alpha1\" cannot be handled as a DatabaseSchema: strict decoding error: unknown field "
                            "\"spec.color\""),
            std::string::npos)
      << strict.describe();
  EXPECT_TRUE(live("shop").is_null());

  auto warn = kubectl({"apply", "--validate=warn", "-f", "-"}, doc);
  ASSERT_EQ(warn.exitCode, 0) << warn.describe();
  EXPECT_NE(warn.err.find("Warning: unknown field \"spec.color\""), std::string::npos) << warn.err;
  EXPECT_FALSE(live("shop")["spec"].contains("color"));  // pruned

  auto ignore = kubectl({"apply", "--validate=false", "-f", "-"}, schemaDoc("other", ns_, "  color: blue\n"));
  ASSERT_EQ(ignore.exitCode, 0) << ignore.describe();
  EXPECT_EQ(ignore.err, "");
  EXPECT_FALSE(live("other")["spec"].contains("color"));

  // Without the parameter the server warns (Warn is its default).
  json body = {{"apiVersion", "dbschema.io/v1alpha1"},
               {"kind", "DatabaseSchema"},
               {"metadata", {{"name", "third"}}},
               {"spec", {{"connection", {{"secretRef", {{"name", "s"}, {"key", "k"}}}}}, {"color", "blue"}}}};
  auto raw = cluster().http("POST", collection(), body.dump());
  EXPECT_EQ(raw.status, 201) << raw.body;
  EXPECT_EQ(raw.header("Warning"), (std::vector<std::string>{"299 - \"unknown field \\\"spec.color\\\"\""}));
  EXPECT_FALSE(raw.json()["spec"].contains("color"));
}

}  // namespace
}  // namespace kubetest
