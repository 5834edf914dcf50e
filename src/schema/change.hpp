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
  AlterIndex,  // storage parameters of an index (ALTER INDEX SET/RESET): no rebuild
  // safe, or blocked while rows violate it
  SetNotNull,
  // destructive
  DropTable, DropColumn, ChangeType, DropPrimaryKey, DropUnique, DropForeignKey, DropCheck,
  DropIndex, DropIdentity, DropEnumValue, DropEnum, DropSequence,
};

enum class Safety { Safe, Destructive, Blocked };

std::string_view toString(ChangeKind k);
std::optional<ChangeKind> parseChangeKind(std::string_view name);
bool isDestructive(ChangeKind k);  // by kind, before facts are known
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

using Detail = std::variant<std::monostate, ExtensionRef, Enum, EnumValueAdd, EnumRebuild, Table, Column,
                            ColumnChange, Rename, Comment, PrimaryKey, Unique, ForeignKey, Check, Index,
                            SeedInsert, Sequence, SequenceChange, IndexChange>;

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

  bool operator==(const Change&) const = default;
};

}  // namespace schema
