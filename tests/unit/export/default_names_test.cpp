#include "export/default_names.hpp"

#include <set>

#include <gtest/gtest.h>

using namespace exporting;

TEST(DefaultNames, JoinTableColumnsAndLabel) {
  EXPECT_EQ(primaryKeyName("orders"), "orders_pkey");
  EXPECT_EQ(uniqueName("users", {"email"}), "users_email_key");
  EXPECT_EQ(uniqueName("users", {"tenant_id", "email"}), "users_tenant_id_email_key");
  EXPECT_EQ(foreignKeyName("orders", {"customer_id"}), "orders_customer_id_fkey");
  EXPECT_EQ(indexName("orders", {"created_at"}), "orders_created_at_idx");
  EXPECT_EQ(checkName("orders", std::string("total")), "orders_total_check");
  EXPECT_EQ(checkName("orders", std::nullopt), "orders_check");
}

TEST(DefaultNames, CutTheLongerPartFirstToSixtyThreeBytes) {
  const std::string table(40, 't');
  const std::string column(40, 'c');
  // 63 - len("_") - len("_key") = 58 bytes for both parts: 29 each, the longer losing first.
  const std::string name = uniqueName(table, {column});
  EXPECT_EQ(name.size(), 63u);
  EXPECT_EQ(name, std::string(29, 't') + "_" + std::string(29, 'c') + "_key");
  // A short table keeps all of its name; only the columns part is cut.
  EXPECT_EQ(indexName("t", {std::string(70, 'x')}), "t_" + std::string(57, 'x') + "_idx");
  EXPECT_EQ(primaryKeyName(std::string(63, 'p')), std::string(58, 'p') + "_pkey");
}

TEST(DefaultNames, TieCutsTheColumnsPartFirst) {
  // 57 bytes for two 30-byte parts: three must go, the first and third from the columns part
  // (ties), the second from the table (then the longer).
  const std::string name = foreignKeyName(std::string(30, 'a'), {std::string(30, 'b')});
  EXPECT_EQ(name, std::string(29, 'a') + "_" + std::string(28, 'b') + "_fkey");
}

TEST(DefaultNames, NeverCutAUtf8CharacterInTwo) {
  // "é" is two bytes; a cut through it drops the whole character.
  std::string table;
  for (int i = 0; i < 40; ++i) table += "\xC3\xA9";  // 80 bytes
  const std::string name = primaryKeyName(table);
  EXPECT_LE(name.size(), 63u);
  EXPECT_EQ(name, table.substr(0, 58) + "_pkey");
  const std::string odd = "x" + table;  // 81 bytes: the cut at 58 falls inside a character
  EXPECT_EQ(primaryKeyName(odd), odd.substr(0, 57) + "_pkey");
}

TEST(DefaultNames, ColumnsPartStopsAtSixtyThreeBytes) {
  std::vector<std::string> columns(10, std::string(20, 'k'));
  const std::string part = columnsPart(columns);
  EXPECT_LE(part.size(), 64u);
  EXPECT_EQ(part.substr(0, 41), std::string(20, 'k') + "_" + std::string(20, 'k'));
}

TEST(DefaultNames, ATakenNameGetsTheNextNumberOnTheLabel) {
  const std::set<std::string> taken = {"t_a_key", "t_a_key1"};
  auto isTaken = [&](const std::string& n) { return taken.count(n) > 0; };
  EXPECT_EQ(chooseName("t", std::string("a"), "key", isTaken), "t_a_key2");
  EXPECT_EQ(chooseName("t", std::string("b"), "key", isTaken), "t_b_key");
  // The number is part of the label, so a long name is cut further to make room for it.
  const std::string table(63, 'z');
  const std::string first = objectName(table, std::nullopt, "pkey");
  auto firstTaken = [&](const std::string& n) { return n == first; };
  EXPECT_EQ(chooseName(table, std::nullopt, "pkey", firstTaken), std::string(57, 'z') + "_pkey1");
}
