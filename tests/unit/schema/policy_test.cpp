#include "schema/policy.hpp"

#include <gtest/gtest.h>

using namespace schema;

TEST(Approval, ParsesTrueHashesAndKinds) {
  const std::string hash = "sha256:" + std::string(64, 'a');
  auto a = Approval::parse("true", "f");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->all);
  a = Approval::parse(" DropColumn , ChangeType," + hash, "f");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->all);
  EXPECT_EQ(a->kinds, (std::set<ChangeKind>{ChangeKind::DropColumn, ChangeKind::ChangeType}));
  EXPECT_TRUE(a->allows(ChangeKind::DropColumn, ""));
  EXPECT_FALSE(a->allows(ChangeKind::DropTable, ""));
  EXPECT_TRUE(a->allows(ChangeKind::DropTable, hash));
}

TEST(Approval, RejectsUnknownItemsNamingTheField) {
  auto a = Approval::parse("DropColumn,yes", "metadata.annotations[\"dbschema.io/allow-destructive\"]");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "metadata.annotations[\"dbschema.io/allow-destructive\"]");
  EXPECT_NE(a.error().message.find("\"yes\""), std::string::npos);
  EXPECT_FALSE(Approval::parse("sha256:abc", "f"));
  EXPECT_FALSE(Approval::parse("", "f"));
  EXPECT_FALSE(Approval::parse("True", "f"));
}

TEST(Approval, AnUnknownKindIsRefusedWithTheDestructiveKindsListed) {
  // "NarrowType" is in the contract's example but is no kind: a narrowing is a ChangeType.
  auto a = Approval::parse("DropColumn,NarrowType", "metadata.annotations[dbschema.io/allow-destructive]");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "metadata.annotations[dbschema.io/allow-destructive]");
  const std::string& m = a.error().message;
  EXPECT_EQ(m.rfind("\"NarrowType\" is neither", 0), 0u) << m;
  for (const char* kind : {"DropTable", "DropColumn", "ChangeType", "DropIndex", "DropEnum"})
    EXPECT_NE(m.find(kind), std::string::npos) << kind << " in: " << m;
  EXPECT_EQ(m.find("SetNotNull"), std::string::npos) << "only the kinds an approval is for: " << m;
}

TEST(ChangeKinds, RoundTripAndClassByKind) {
  for (auto k : {ChangeKind::CreateExtension, ChangeKind::SetNotNull, ChangeKind::DropEnum})
    EXPECT_EQ(parseChangeKind(toString(k)), k);
  EXPECT_FALSE(isDestructive(ChangeKind::SetNotNull));
  EXPECT_FALSE(isDestructive(ChangeKind::InsertSeedRow));
  EXPECT_TRUE(isDestructive(ChangeKind::DropTable));
  EXPECT_TRUE(isDestructive(ChangeKind::ChangeType));
  EXPECT_FALSE(parseChangeKind("NarrowType"));
}
