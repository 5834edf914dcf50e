#pragma once
// The change vocabulary of the contract: what differs between desired and live, as values.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "schema/model.hpp"

namespace schema {

enum class ChangeKind {
  // safe
  CreateExtension, CreateEnum, AddEnumValue, CreateTable, AddColumn, AddPrimaryKey, AddUnique,
  AddForeignKey, AddCheck, CreateIndex, SetDefault, DropDefault, DropNotNull, WidenType,
  AddIdentity, RenameTable, RenameColumn, SetComment, InsertSeedRow,
  ConvertSerialToIdentity,  // contract Part 2: a serial column becomes an identity in place
  CreateSequence, AlterSequence,  // contract Part 2; AlterSequence is blocked while the value is out of range
  AddExclusion,                   // contract Part 2
  CreateDomain, AddDomainCheck, CreateType, AddTypeAttribute,  // contract Part 2 (schema/user_types.hpp)
  CreateView, ReplaceView, CreateMaterializedView,  // contract Part 2, views
  CreatePartition, AttachPartition,  // contract Part 2
  ChangePartitionBy,  // always blocked: Postgres cannot re-partition a table in place
  AlterIndex,  // storage parameters of an index (ALTER INDEX SET/RESET): no rebuild
  EnableRowLevelSecurity, ForceRowLevelSecurity,  // contract Part 2, Access
  CreatePolicy, AlterPolicy,  // contract Part 2, Access; blocked while a named role is missing
  Grant,  // contract Part 2, Access; blocked while the role is missing
  CreateFunction, ReplaceFunction,  // contract Part 2, functions; blocked while the language is missing
  CreateTrigger, ReplaceTrigger, EnableTrigger,  // contract Part 2; blocked while the function is missing
  SetDefaultPrivileges,  // contract Part 2, Access; blocked while forRole or the role is missing
  // safe, or blocked while rows violate it
  SetNotNull,
  // destructive
  DropTable, DropColumn, ChangeType, DropPrimaryKey, DropUnique, DropForeignKey, DropCheck,
  DropIndex, DropIdentity, DropEnumValue, DropEnum, DropSequence,
  DropExclusion, SetLogged, SetUnlogged,  // contract Part 2
  DropDomain, DropDomainCheck, DropType, DropTypeAttribute,
  DropView, DropMaterializedView, ReplaceMaterializedView,
  DetachPartition,  // contract Part 2
  DisableRowLevelSecurity, NoForceRowLevelSecurity,  // contract Part 2, Access: they widen access
  DropPolicy,  // contract Part 2, Access
  Revoke,      // contract Part 2, Access
  DropFunction,  // contract Part 2, functions
  DropTrigger, DisableTrigger,  // contract Part 2, Code objects
  RevokeDefaultPrivileges,  // contract Part 2, Access
};

enum class Safety { Safe, Destructive, Blocked };

std::string_view toString(ChangeKind k);
std::optional<ChangeKind> parseChangeKind(std::string_view name);
bool isDestructive(ChangeKind k);  // by kind, before facts are known
std::vector<std::string_view> destructiveKindNames();  // every destructive kind's name
std::string_view toString(Safety s);

// Details of each change kind. Names are raw identifiers; render quotes them.
struct ExtensionRef { std::string name; bool operator==(const ExtensionRef&) const = default; };
struct EnumValueAdd {
  std::string enumName;
  std::string value;
  std::optional<std::string> before;  // keep the declared order: ADD VALUE … BEFORE / AFTER
  std::optional<std::string> after;
  bool operator==(const EnumValueAdd&) const = default;
};
// An object that names an enum type in its printed definition (a partial or expression index, a
// check, a default): casting the enum's columns over cannot carry it, so it is taken down before
// the type is rebuilt and made again after, from the definition Postgres printed for it.
struct EnumDependent {
  enum class Kind { Index, Check, Default };
  Kind kind = Kind::Index;
  std::string table;       // live table of the schema
  std::string name;        // the index, the constraint, or the column whose default it is
  std::string definition;  // pg_get_indexdef / pg_get_constraintdef / pg_get_expr
  bool restore = true;     // false when the plan drops it anyway: taken down, not made again
  bool operator==(const EnumDependent&) const = default;
};
// Postgres cannot remove an enum value: the type is rebuilt and its columns cast over.
struct EnumRebuild {
  Enum desired;
  std::vector<std::pair<std::string, Column>> users;  // (table, live column) typed with the enum
  std::vector<EnumDependent> dependents;              // filled by classify() from the probed facts
  bool operator==(const EnumRebuild&) const = default;
};
// A foreign key that must be dropped and added again around the drop of the key it references
// (its index is that key's): names as they are when the drop runs.
struct DependentKey {
  std::string table;
  ForeignKey key;
  bool operator==(const DependentKey&) const = default;
};
struct ColumnChange {
  Column from;  // live
  Column to;    // desired (type canonical where known)
  // ChangeType only: the type stays (only the collation or the generation expression changes).
  bool keepsType = false;
  bool operator==(const ColumnChange&) const = default;
};
struct Rename {
  std::string from;
  std::string to;
  bool operator==(const Rename&) const = default;
};
// A seed row to insert; identity columns it gives get OVERRIDING SYSTEM VALUE and a sequence bump,
// and so do the serial columns it gives (a declared sequence owns them: the clause is moot there).
struct SeedInsert {
  SeedRow row;
  std::vector<std::string> identityColumns;
  bool operator==(const SeedInsert&) const = default;
};
// A sequence whose options or owner differ: `from` as the catalog has it (its owner spelt as
// declared when it is the declared column, renamed or not), `to` as declared with every option
// set (unset ones are the defaults for the declared type and direction).
struct SequenceChange {
  Sequence from;
  Sequence to;
  // to.ownedBy split into the declared table and column (either name may hold a dot).
  std::string ownerTable;
  std::string ownerColumn;
  bool operator==(const SequenceChange&) const = default;
};
// A change to a domain of the schema: `from` as the catalog has it (empty for CreateDomain), `to`
// as declared with Postgres' texts (empty for DropDomain). SetDefault, DropDefault, SetNotNull,
// DropNotNull and ChangeType carry one too when their object is a domain (user_types.hpp).
struct DomainChange {
  Domain from;
  Domain to;
  Check check;  // AddDomainCheck / DropDomainCheck: the check added or dropped
  // Live (table, column) whose type is the domain (or an array of it): SetNotNull counts their
  // NULLs, and DropDomain is blocked while a column the plan keeps uses it.
  std::vector<std::pair<std::string, std::string>> users;
  std::string blocker;  // why it cannot run (set by diff, kept by classify); empty when it can
  bool operator==(const DomainChange&) const = default;
};
// A change to a composite type: `from` live (empty for CreateType), `to` declared.
struct CompositeTypeChange {
  CompositeType from;
  CompositeType to;
  TypeAttribute attribute;  // AddTypeAttribute / DropTypeAttribute / ChangeType: the attribute
  std::vector<std::pair<std::string, std::string>> users;  // as DomainChange::users
  std::string blocker;
  bool operator==(const CompositeTypeChange&) const = default;
};
// An index whose storage parameters (`with`) differ, and nothing else.
struct IndexChange {
  Index from;  // live
  Index to;    // desired
  bool operator==(const IndexChange&) const = default;
};
struct Comment {
  std::string column;  // empty: the table's comment
  std::optional<std::string> text;
  bool operator==(const Comment&) const = default;
};

// A view whose query, options or kind changed. `orReplace`: CREATE OR REPLACE can make it (a plain
// view whose live columns are the first columns of the new one, same names and types); otherwise
// it is dropped and created again, with the views that read it (Change::dependentViews).
struct ViewChange {
  View from;  // live
  View to;    // desired, canonical
  bool orReplace = false;
  bool operator==(const ViewChange&) const = default;
};
// CreatePartition, AttachPartition, DetachPartition: the partition (declared name for create and
// attach, live name for detach) and its parent and bounds (for detach: the live ones).
struct Partition {
  std::string name;
  PartitionOf of;
  std::optional<std::string> comment;  // CreatePartition: set with it when declared
  std::vector<Check> checks;  // CreatePartition: its own checks, made with it
  bool operator==(const Partition&) const = default;
};
// ChangePartitionBy: the partitioning as it is (nullopt: a plain table) and as declared.
struct PartitioningChange {
  std::optional<PartitionBy> from;
  std::optional<PartitionBy> to;
  bool operator==(const PartitioningChange&) const = default;
};
// The index each partition gets when an index is made on a partitioned table the lock-safe way.
struct PartitionIndex {
  std::string partition;
  std::string index;
  bool operator==(const PartitionIndex&) const = default;
};

// What a Grant or Revoke is on: the keyword of GRANT ... ON, and the spec list it comes from.
enum class GrantOn { Schema, Table, View, Sequence, Function, Procedure };

// Grant, Revoke: privileges of one role on one object (a table, one of its columns, a view, a
// sequence, or the schema: `table` empty).
struct GrantChange {
  std::string table;   // declared name of the table, view, sequence or routine; empty: the schema
  std::string column;  // empty: the whole object
  std::string role;    // "public" for PUBLIC
  std::vector<std::string> privileges;
  GrantOn on = GrantOn::Table;
  std::string argumentTypes;  // a routine's: with its name, which one it is ("bigint, text")
  bool operator==(const GrantChange&) const = default;
  // "add_cents(bigint,bigint)" for a routine, else `table`.
  std::string objectName() const;
};

// CreatePolicy, DropPolicy: the policy (declared or live). AlterPolicy: both, the live name.
struct PolicyChange {
  RowPolicy from;
  RowPolicy to;
  bool operator==(const PolicyChange&) const = default;
};

// ReplaceFunction: the function as it is and as declared. `dropAndCreate` when CREATE OR REPLACE
// cannot make it (another result type, argument names or defaults, function <-> procedure): it
// is dropped and created in one transaction, the declared views, policies and triggers on it
// taken down and made again around it (Change::dependentViews, dependentPolicies,
// dependentTriggers); any other dependent blocks it (Change::blockedBy).
struct FunctionChange {
  Function from;
  Function to;
  bool dropAndCreate = false;
  bool operator==(const FunctionChange&) const = default;
};

// CreateTrigger, DropTrigger, EnableTrigger, DisableTrigger: the trigger (declared, or live for a
// drop). ReplaceTrigger: both; the statement keeps the live firing mode (`from.firing`).
struct TriggerChange {
  Trigger from;
  Trigger to;
  bool operator==(const TriggerChange&) const = default;
};

// A declared trigger or policy made again around a change from its declaration (canonical), on
// `table` as the table is named when the change runs (its live name before the plan's renames).
struct DependentTrigger {
  std::string table;
  Trigger trigger;
  bool operator==(const DependentTrigger&) const = default;
};
struct DependentPolicy {
  std::string table;
  RowPolicy policy;
  bool operator==(const DependentPolicy&) const = default;
};
// A column default that calls a function dropped and created again: taken off before the drop
// and set again after the create, as declared (canonical), or left off when the declaration has
// none. `column` is the column's name when the change runs.
struct DependentDefault {
  std::string table;
  std::string column;
  std::optional<std::string> expression;
  bool operator==(const DependentDefault&) const = default;
};

using Detail = std::variant<std::monostate, ExtensionRef, Enum, EnumValueAdd, EnumRebuild, Table, Column,
                            ColumnChange, Rename, Comment, PrimaryKey, Unique, ForeignKey, Check, Index,
                            SeedInsert, Sequence, SequenceChange, Exclusion, DomainChange,
                            CompositeTypeChange, View, ViewChange, Partition, PartitioningChange,
                            IndexChange, RowPolicy, PolicyChange, GrantChange, Function, FunctionChange,
                            Trigger, TriggerChange,
                            DefaultPrivilege>;  // SetDefaultPrivileges, RevokeDefaultPrivileges: the privileges added or taken

struct Change {
  ChangeKind kind{};
  std::string object;  // "orders", "orders.note", "order_status", "pgcrypto", "customers[id=1]"
  std::string table;   // the table it belongs to (declared name); empty for enums and extensions
  std::string liveTable;  // that table's name in the catalog now (differs while a rename is pending)
  Safety safety = Safety::Safe;
  std::string reason;          // set when blocked: why, with data
  bool onNewTable = false;     // the same plan creates the table: it is empty and unseen
  // The object exists but is unusable: a NOT VALID constraint is only VALIDATEd, an INVALID index
  // (a failed CREATE INDEX CONCURRENTLY) is dropped and built again.
  bool repair = false;
  // DropUnique / DropPrimaryKey: the foreign keys whose index is the one dropped. They are dropped
  // with it and added again in the same transaction, onto the key that replaces it.
  std::vector<DependentKey> dependentKeys;
  Detail detail;
  // Set by diff when the definitions alone rule the change out in place (a generated column's
  // expression before Postgres 17): classify() marks it blocked with this reason, whatever the data.
  std::string blockedBy;
  // Views that read what this change takes away (a column whose type changes, a view dropped and
  // created again): dropped before it, dependents first, and created again after it from their
  // declarations, in the same transaction. Each as declared (canonical); live names equal.
  std::vector<View> dependentViews;
  // Live views that read what this change takes away but that the resource does not declare: the
  // change is blocked, naming them (classify).
  std::vector<std::string> undeclaredViews;
  // ChangeType, WidenType: the declared triggers on the table that use the column (Postgres will
  // not change a type under a trigger's WHEN or UPDATE OF); ReplaceFunction that drops and
  // creates the function: the declared triggers that call it. Dropped before the change and made
  // again after it from their declarations, in the same transaction. Undeclared ones block it.
  std::vector<DependentTrigger> dependentTriggers;
  // ReplaceFunction that drops and creates the function: the declared policies whose expressions
  // call it, taken down and made again around it as dependentTriggers are.
  std::vector<DependentPolicy> dependentPolicies;
  // ReplaceFunction that drops and creates the function: the declared column defaults that call
  // it (no rewrite: a default only changes what later inserts get).
  std::vector<DependentDefault> dependentDefaults;
  // CreateIndex and DropIndex of a partitioned table's index. Create: built ON ONLY the table,
  // then on each of these partitions CONCURRENTLY and attached (an index on a partitioned table
  // cannot be built CONCURRENTLY itself, nor dropped so).
  bool onPartitionedTable = false;
  std::vector<PartitionIndex> partitionIndexes;

  bool operator==(const Change&) const = default;
};

// A change of `kind` on `object`, its safety the kind's (classify() refines it with facts).
Change changeOf(ChangeKind kind, std::string object, Detail detail);

}  // namespace schema
