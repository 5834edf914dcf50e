#include "schema/change.hpp"

#include <array>

namespace schema {

namespace {

struct KindName {
  ChangeKind kind;
  std::string_view name;
};

constexpr std::array<KindName, 36> kKinds{{
    {ChangeKind::CreateExtension, "CreateExtension"}, {ChangeKind::CreateEnum, "CreateEnum"},
    {ChangeKind::AddEnumValue, "AddEnumValue"},       {ChangeKind::CreateTable, "CreateTable"},
    {ChangeKind::AddColumn, "AddColumn"},             {ChangeKind::AddPrimaryKey, "AddPrimaryKey"},
    {ChangeKind::AddUnique, "AddUnique"},             {ChangeKind::AddForeignKey, "AddForeignKey"},
    {ChangeKind::AddCheck, "AddCheck"},               {ChangeKind::CreateIndex, "CreateIndex"},
    {ChangeKind::SetDefault, "SetDefault"},           {ChangeKind::DropDefault, "DropDefault"},
    {ChangeKind::DropNotNull, "DropNotNull"},         {ChangeKind::WidenType, "WidenType"},
    {ChangeKind::AddIdentity, "AddIdentity"},         {ChangeKind::RenameTable, "RenameTable"},
    {ChangeKind::RenameColumn, "RenameColumn"},       {ChangeKind::SetComment, "SetComment"},
    {ChangeKind::InsertSeedRow, "InsertSeedRow"},     {ChangeKind::SetNotNull, "SetNotNull"},
    {ChangeKind::ConvertSerialToIdentity, "ConvertSerialToIdentity"},
    {ChangeKind::CreateSequence, "CreateSequence"},   {ChangeKind::AlterSequence, "AlterSequence"},
    {ChangeKind::DropTable, "DropTable"},             {ChangeKind::DropColumn, "DropColumn"},
    {ChangeKind::ChangeType, "ChangeType"},           {ChangeKind::DropPrimaryKey, "DropPrimaryKey"},
    {ChangeKind::DropUnique, "DropUnique"},           {ChangeKind::DropForeignKey, "DropForeignKey"},
    {ChangeKind::DropCheck, "DropCheck"},             {ChangeKind::DropIndex, "DropIndex"},
    {ChangeKind::DropIdentity, "DropIdentity"},       {ChangeKind::DropEnumValue, "DropEnumValue"},
    {ChangeKind::DropEnum, "DropEnum"},               {ChangeKind::DropSequence, "DropSequence"},
    {ChangeKind::AlterIndex, "AlterIndex"},
}};

}  // namespace

std::string_view toString(ChangeKind k) {
  for (const auto& e : kKinds)
    if (e.kind == k) return e.name;
  return "Unknown";
}

std::optional<ChangeKind> parseChangeKind(std::string_view name) {
  for (const auto& e : kKinds)
    if (e.name == name) return e.kind;
  return std::nullopt;
}

bool isDestructive(ChangeKind k) { return static_cast<int>(k) >= static_cast<int>(ChangeKind::DropTable); }

std::string_view toString(Safety s) {
  switch (s) {
    case Safety::Safe: return "safe";
    case Safety::Destructive: return "destructive";
    case Safety::Blocked: return "blocked";
  }
  return "safe";
}

}  // namespace schema
