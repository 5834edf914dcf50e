#pragma once
// Checks across fields of a document already read: names that must be unique and names that
// must refer to something declared. Each reports the path of the second or referring occurrence.
// Internal to src/spec.
#include "spec/reader.hpp"
#include "spec/resource.hpp"

namespace spec::detail {

// Duplicates and clashes: tables, columns, enums and their values, constraint names per table,
// relation names (tables, indexes, sequences) per schema, renamedFrom, ignore, extensions.
void checkNames(const DatabaseSchema& resource, Issues& issues);

// Columns named by keys, constraints, indexes and sequence owners exist; foreign keys reach a
// declared key; nullability, identity and default agree.
void checkReferences(const DatabaseSchema& resource, Issues& issues);

// Domain and composite type names among the schema's types; their checks' and attributes' names.
void checkTypeNames(const DatabaseSchema& resource, Issues& issues);
// Columns named by partitionBy exist (spec/partition.cpp).
void checkPartitionKeys(const DatabaseSchema& resource, Issues& issues);

inline void validate(const DatabaseSchema& resource, Issues& issues) {
  checkNames(resource, issues);
  checkTypeNames(resource, issues);
  checkReferences(resource, issues);
  checkPartitionKeys(resource, issues);
}

}  // namespace spec::detail
