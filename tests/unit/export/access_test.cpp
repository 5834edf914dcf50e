// export of grants on views and sequences and of default privileges (contract Part 2, Access):
// written where roles other than the owner hold some, forRole always named, and read back by the
// project's reader as the same declarations.
#include <gtest/gtest.h>

#include "export/document.hpp"
#include "export/yaml_text.hpp"
#include "spec/resource.hpp"

using namespace exporting;

namespace {

schema::Model access() {
  schema::Model m;
  schema::View v;
  v.name = "active_customers";
  v.query = "SELECT 1 AS one";
  v.grants = std::vector<schema::Grant>{{"public", {"SELECT"}, {}, ""}, {"reporting", {"INSERT", "SELECT"}, {}, ""}};
  schema::View bare = v;
  bare.name = "bare";
  bare.grants = std::vector<schema::Grant>{};  // the owner alone: nothing to write
  m.views = {v, bare};
  schema::Sequence s;
  s.name = "invoice_no";
  s.grants = std::vector<schema::Grant>{{"app", {"SELECT", "USAGE"}, {}, ""}};
  m.sequences = {s};
  m.sessionRole = "exporter";
  m.defaultPrivileges = std::vector<schema::DefaultPrivilege>{{"migrator", "tables", "app", {"INSERT", "SELECT"}, ""},
                                                              {"exporter", "functions", "public", {"EXECUTE"}, ""}};
  return m;
}

}  // namespace

TEST(ExportAccess, WritesViewAndSequenceGrantsAndDefaultPrivilegesAndReadsBackTheSame) {
  Options options;
  options.name = "access";
  const std::string yaml = toYaml(exportSchema(access(), CatalogExtras{}, options).document);
  for (const char* line : {
           "      grants:\n        - {role: public, privileges: [SELECT]}\n"
           "        - {role: reporting, privileges: [INSERT, SELECT]}\n",
           "    - name: invoice_no\n      grants:\n        - {role: app, privileges: [SELECT, USAGE]}\n",
           "  defaultPrivileges:\n    - {forRole: migrator, objects: tables, role: app, privileges: [INSERT, SELECT]}\n"
           "    - {forRole: exporter, objects: functions, role: public, privileges: [EXECUTE]}\n",
       })
    EXPECT_NE(yaml.find(line), std::string::npos) << line << "\n" << yaml;

  auto docs = spec::parseDocuments(yaml);
  ASSERT_TRUE(docs) << docs.error().describe() << "\n" << yaml;
  const schema::Model& read = docs->front().model;
  const schema::Model live = access();
  ASSERT_EQ(read.views.size(), 2u);
  ASSERT_TRUE(read.views[0].grants.has_value());
  EXPECT_EQ(read.views[0].grants->size(), 2u);
  EXPECT_EQ((*read.views[0].grants)[1].privileges, (*live.views[0].grants)[1].privileges);
  EXPECT_FALSE(read.views[1].grants.has_value()) << "held by the owner alone: left out, so not managed";
  ASSERT_TRUE(read.sequences[0].grants.has_value());
  EXPECT_EQ((*read.sequences[0].grants)[0].privileges, (*live.sequences[0].grants)[0].privileges);
  ASSERT_TRUE(read.defaultPrivileges.has_value());
  ASSERT_EQ(read.defaultPrivileges->size(), 2u);
  EXPECT_EQ((*read.defaultPrivileges)[1].forRole, "exporter") << "named even when it is the exporting role";
  EXPECT_EQ((*read.defaultPrivileges)[0].privileges, (*live.defaultPrivileges)[0].privileges);
}
