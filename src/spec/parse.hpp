#pragma once
// The readers that walk one DatabaseSchema document, a file each. Internal to src/spec.
#include "core/error.hpp"
#include "schema/model.hpp"
#include "spec/reader.hpp"
#include "spec/resource.hpp"

namespace spec::detail {

// The whole document: apiVersion, kind, metadata, spec; then the cross-reference checks.
core::Result<DatabaseSchema> readResource(const Node& document);

// The Preview of a document; nullopt when spec.connection or spec.schema cannot be read.
std::optional<Preview> previewResource(const Node& document);

// metadata: name, namespace, generation, annotations and the approval they carry.
void readMetadata(const Item& metadata, DatabaseSchema& out, Issues& issues);

// spec.connection.
ConnectionSpec readConnection(const Fields& connection);

// spec.tables[i].
schema::Table readTable(const Item& table, Issues& issues);

// spec.tables[i].partitionBy and .partitionOf (spec/partition.cpp).
std::optional<schema::PartitionBy> readPartitionBy(const Fields& table);
std::optional<schema::PartitionOf> readPartitionOf(const Fields& table);
// Each partition gets its parent's declared columns (a partition declares none): what its checks
// and indexes may name. Reports a partitionOf.table that is not a declared partitioned table.
void givePartitionsTheirColumns(schema::Model& model, Issues& issues);

// What a `grants` list is on: the privileges it may name depend on it.
enum class GrantsOn { Schema, Table, View, Sequence, Function };

// `grants` of the schema (spec), a table (whole-table and column privileges), a view or a
// sequence; nullopt when the list is not there (grants not managed). spec/grants.cpp.
std::optional<std::vector<schema::Grant>> readGrants(const Fields& owner, GrantsOn on);
// spec.defaultPrivileges; nullopt when not there (not managed). spec/grants.cpp.
std::optional<std::vector<schema::DefaultPrivilege>> readDefaultPrivileges(const Fields& spec);

// spec.sequences, each checked as CREATE SEQUENCE checks its options.
std::vector<schema::Sequence> readSequences(const Fields& spec);

// spec.domains and spec.compositeTypes (spec/user_types.cpp).
std::vector<schema::Domain> readDomains(const Fields& spec);
std::vector<schema::CompositeType> readCompositeTypes(const Fields& spec);
// spec.views, each query left for Postgres to parse.
std::vector<schema::View> readViews(const Fields& spec);

// spec.functions, each signature and body left for Postgres to parse (spec/function.cpp).
std::vector<schema::Function> readFunctions(const Fields& spec);
// One index of spec.tables[i].indexes or spec.views[i].indexes.
schema::Index readIndexItem(const Item& index, Issues& issues);

// spec.tables[i].triggers[j] (spec/trigger.cpp).
schema::Trigger readTrigger(const Item& trigger, Issues& issues);
// A trigger function named in the managed schema itself ("app.touch" in schema app) is named
// unqualified, as the catalog reader names it.
void settleTriggerFunctions(schema::Model& model);

// spec.seed, checked against the tables already read (rows are keyed by their primary key).
std::vector<schema::SeedRow> readSeeds(const Fields& spec, const schema::Model& model);

}  // namespace spec::detail
