// Contract Part 2, Access: `grants` of views and sequences and spec.defaultPrivileges as the reader
// takes them — managed only where declared, privileges checked against what GRANT takes for that
// kind of object, and errors that name the field at fault.
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

std::string viewWith(const std::string& grants) {
  return withSpec("views:\n  - name: v\n    query: SELECT 1\n    grants: " + grants + "\n");
}

std::string sequenceWith(const std::string& grants) {
  return withSpec("sequences:\n  - name: s\n    grants: " + grants + "\n");
}

std::string defaults(const std::string& entries) { return withSpec("defaultPrivileges: " + entries + "\n"); }

}  // namespace

TEST(AccessSpec, ReadsViewAndSequenceGrantsOnlyWhereDeclared) {
  const auto m = parseOk(withSpec(R"(views:
  - name: v
    query: SELECT 1
    materialized: true
    grants: [{role: public, privileges: [select, Trigger, SELECT]}]
  - name: w
    query: SELECT 2
sequences:
  - {name: s, grants: [{role: app, privileges: [usage, SELECT]}]}
  - {name: t}
)"))
                     .model;
  ASSERT_TRUE(m.views[0].grants.has_value());
  EXPECT_EQ((*m.views[0].grants)[0].role, "public");
  EXPECT_EQ((*m.views[0].grants)[0].privileges, (std::vector<std::string>{"SELECT", "TRIGGER"}));
  EXPECT_FALSE(m.views[1].grants.has_value()) << "not declared: not managed";
  ASSERT_TRUE(m.sequences[0].grants.has_value());
  EXPECT_EQ((*m.sequences[0].grants)[0].privileges, (std::vector<std::string>{"SELECT", "USAGE"}));
  EXPECT_FALSE(m.sequences[1].grants.has_value());
  EXPECT_TRUE(parseOk(viewWith("[]")).model.views[0].grants->empty()) << "[]: no role but the owner";
}

TEST(AccessSpec, RefusesPrivilegesTheObjectDoesNotTakeNamingTheField) {
  EXPECT_TRUE(rejects(viewWith("[{role: app, privileges: [SELECT, USAGE]}]"), "spec.views[0].grants[0].privileges[1]",
                      "(on a view), found \"USAGE\""));
  EXPECT_TRUE(rejects(viewWith("[{role: app, privileges: [SELECT], columns: [a]}]"), "spec.views[0].grants[0].columns",
                      ""));
  EXPECT_TRUE(rejects(sequenceWith("[{role: app, privileges: [INSERT]}]"), "spec.sequences[0].grants[0].privileges[0]",
                      "must be SELECT, UPDATE or USAGE (on a sequence)"));
  EXPECT_TRUE(rejects(sequenceWith("[{privileges: [USAGE]}]"), "spec.sequences[0].grants[0].role", "must be set"));
  EXPECT_TRUE(rejects(sequenceWith("[{role: app, privileges: []}]"), "spec.sequences[0].grants[0].privileges",
                      "at least one privilege"));
}

TEST(AccessSpec, ReadsDefaultPrivilegesWithAnOptionalForRole) {
  const auto m = parseOk(defaults("[{forRole: migrator, objects: tables, role: app, privileges: [select, insert]},"
                                  " {objects: functions, role: PUBLIC, privileges: [EXECUTE]}]"))
                     .model;
  ASSERT_TRUE(m.defaultPrivileges.has_value());
  ASSERT_EQ(m.defaultPrivileges->size(), 2u);
  const auto& first = (*m.defaultPrivileges)[0];
  EXPECT_EQ(first.forRole, "migrator");
  EXPECT_EQ(first.objects, "tables");
  EXPECT_EQ(first.privileges, (std::vector<std::string>{"INSERT", "SELECT"}));
  EXPECT_EQ((*m.defaultPrivileges)[1].forRole, "") << "the role the operator connects as";
  EXPECT_EQ((*m.defaultPrivileges)[1].role, "public");
  EXPECT_FALSE(parseOk(withSpec("tables: []\n")).model.defaultPrivileges.has_value()) << "not declared: not managed";
  EXPECT_TRUE(parseOk(defaults("[]")).model.defaultPrivileges->empty());
}

TEST(AccessSpec, RefusesDefaultPrivilegesThatObjectsOfTheKindDoNotTake) {
  EXPECT_TRUE(rejects(defaults("[{objects: sequences, role: app, privileges: [USAGE, EXECUTE]}]"),
                      "spec.defaultPrivileges[0].privileges[1]", "must be SELECT, UPDATE or USAGE (on sequences)"));
  EXPECT_TRUE(rejects(defaults("[{objects: functions, role: app, privileges: [SELECT]}]"),
                      "spec.defaultPrivileges[0].privileges[0]", "must be EXECUTE (on functions)"));
  EXPECT_TRUE(rejects(defaults("[{objects: types, role: app, privileges: [SELECT]}]"),
                      "spec.defaultPrivileges[0].privileges[0]", "must be USAGE (on types)"));
  EXPECT_TRUE(rejects(defaults("[{objects: schemas, role: app, privileges: [USAGE]}]"), "spec.defaultPrivileges[0].objects",
                      "must be tables, sequences, functions or types, found \"schemas\""));
  EXPECT_TRUE(rejects(defaults("[{role: app, privileges: [SELECT]}]"), "spec.defaultPrivileges[0].objects", "must be set"));
  EXPECT_TRUE(rejects(defaults("[{objects: tables, privileges: [SELECT]}]"), "spec.defaultPrivileges[0].role",
                      "must be set"));
  EXPECT_TRUE(rejects(defaults("[{forRole: PUBLIC, objects: tables, role: app, privileges: [SELECT]}]"),
                      "spec.defaultPrivileges[0].forRole", "not PUBLIC"));
  EXPECT_TRUE(rejects(defaults("[{objects: tables, role: app, privileges: [SELECT], to: x}]"),
                      "spec.defaultPrivileges[0].to", ""));
}
