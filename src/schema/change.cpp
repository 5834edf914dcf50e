#include "schema/change.hpp"


namespace schema {

namespace {

struct KindName {
  ChangeKind kind;
  std::string_view name;
};

constexpr KindName kKinds[] = {
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
    {ChangeKind::AddExclusion, "AddExclusion"},       {ChangeKind::DropExclusion, "DropExclusion"},
    {ChangeKind::SetLogged, "SetLogged"},             {ChangeKind::SetUnlogged, "SetUnlogged"},
    {ChangeKind::CreateDomain, "CreateDomain"},       {ChangeKind::AddDomainCheck, "AddDomainCheck"},
    {ChangeKind::CreateType, "CreateType"},           {ChangeKind::AddTypeAttribute, "AddTypeAttribute"},
    {ChangeKind::DropDomain, "DropDomain"},           {ChangeKind::DropDomainCheck, "DropDomainCheck"},
    {ChangeKind::DropType, "DropType"},               {ChangeKind::DropTypeAttribute, "DropTypeAttribute"},
    {ChangeKind::CreateView, "CreateView"},           {ChangeKind::ReplaceView, "ReplaceView"},
    {ChangeKind::CreateMaterializedView, "CreateMaterializedView"},
    {ChangeKind::DropView, "DropView"},               {ChangeKind::DropMaterializedView, "DropMaterializedView"},
    {ChangeKind::ReplaceMaterializedView, "ReplaceMaterializedView"},
    {ChangeKind::CreatePartition, "CreatePartition"}, {ChangeKind::AttachPartition, "AttachPartition"},
    {ChangeKind::ChangePartitionBy, "ChangePartitionBy"}, {ChangeKind::DetachPartition, "DetachPartition"},
    {ChangeKind::AlterIndex, "AlterIndex"},
    {ChangeKind::EnableRowLevelSecurity, "EnableRowLevelSecurity"},
    {ChangeKind::ForceRowLevelSecurity, "ForceRowLevelSecurity"},
    {ChangeKind::DisableRowLevelSecurity, "DisableRowLevelSecurity"},
    {ChangeKind::NoForceRowLevelSecurity, "NoForceRowLevelSecurity"},
    {ChangeKind::CreatePolicy, "CreatePolicy"},       {ChangeKind::AlterPolicy, "AlterPolicy"},
    {ChangeKind::DropPolicy, "DropPolicy"},
    {ChangeKind::Grant, "Grant"},                     {ChangeKind::Revoke, "Revoke"},
    {ChangeKind::CreateFunction, "CreateFunction"},   {ChangeKind::ReplaceFunction, "ReplaceFunction"},
    {ChangeKind::DropFunction, "DropFunction"},
    {ChangeKind::CreateTrigger, "CreateTrigger"},     {ChangeKind::ReplaceTrigger, "ReplaceTrigger"},
    {ChangeKind::EnableTrigger, "EnableTrigger"},     {ChangeKind::DropTrigger, "DropTrigger"},
    {ChangeKind::DisableTrigger, "DisableTrigger"},
    {ChangeKind::SetDefaultPrivileges, "SetDefaultPrivileges"},
    {ChangeKind::RevokeDefaultPrivileges, "RevokeDefaultPrivileges"},
};

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

std::vector<std::string_view> destructiveKindNames() {
  std::vector<std::string_view> out;
  for (const auto& e : kKinds)
    if (isDestructive(e.kind)) out.push_back(e.name);
  return out;
}

std::string GrantChange::objectName() const {
  return on == GrantOn::Function || on == GrantOn::Procedure ? routineSignature(table, argumentTypes) : table;
}

Change changeOf(ChangeKind kind, std::string object, Detail detail) {
  Change c;
  c.kind = kind;
  c.object = std::move(object);
  c.safety = isDestructive(kind) ? Safety::Destructive : Safety::Safe;
  c.detail = std::move(detail);
  return c;
}

std::string_view toString(Safety s) {
  switch (s) {
    case Safety::Safe: return "safe";
    case Safety::Destructive: return "destructive";
    case Safety::Blocked: return "blocked";
  }
  return "safe";
}

}  // namespace schema
