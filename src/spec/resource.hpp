#pragma once
// A DatabaseSchema resource as the operator uses it: metadata, connection, mode and policy, and
// the declared schema as a validated schema::Model.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"
#include "schema/model.hpp"
#include "schema/policy.hpp"

namespace spec {

// The API this build serves and reads (crds/, the contract), named here and nowhere else.
inline constexpr const char* kApiGroup = "dbschema.io";
inline constexpr const char* kApiGroupVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "dbschema.io/v1alpha1";  // kApiGroup/kApiGroupVersion
inline constexpr const char* kKind = "DatabaseSchema";
inline constexpr const char* kAllowDestructiveAnnotation = "dbschema.io/allow-destructive";

enum class Mode { Apply, Plan };

struct SecretKeyRef {
  std::string name;
  std::string key;
  bool operator==(const SecretKeyRef&) const = default;
};

enum class SslMode { Disable, Require, VerifyCa, VerifyFull };
const char* toString(SslMode m);  // libpq spelling: "disable", "require", "verify-ca", "verify-full"

struct ConnectionSpec {
  SecretKeyRef secretRef;
  SslMode sslMode = SslMode::VerifyFull;
  bool sslModeSet = false;  // declared in the document (the CLI lets a URL's sslmode stand otherwise)
  std::optional<SecretKeyRef> rootCertRef;
  bool allowSelfSigned = false;
  bool operator==(const ConnectionSpec&) const = default;
};

// spec.apply: how an apply treats the application's locks (docs/online-ddl.md). Unset fields
// take the command line's or the operator's flags.
struct ApplySettings {
  std::optional<std::chrono::milliseconds> lockTimeout;       // at least 1ms
  std::optional<std::chrono::milliseconds> lockRetryBudget;   // 0: one attempt
  std::optional<std::chrono::milliseconds> statementTimeout;  // 0: none
  bool operator==(const ApplySettings&) const = default;
};

struct DatabaseSchema {
  // metadata
  std::string name;
  std::string ns;  // namespace; empty when the document has none
  long long generation = 0;
  std::map<std::string, std::string> annotations;

  ConnectionSpec connection;
  Mode mode = Mode::Apply;
  std::chrono::seconds interval{300};
  ApplySettings apply;
  schema::Model model;      // model.schema is spec.schema (default "public")
  schema::Policy policy;    // prune, ignore
  schema::Approval approval;  // from the allow-destructive annotation; empty when absent
  // spec.strict: while the schema holds objects of kinds the resource does not manage
  // (schema/unmanaged.hpp), nothing is applied and the check is an error.
  bool strict = false;
};

// Where the first document's schema lives, read before its tables: enough to open its connection
// and read its catalog while the rest is read and validated. Nothing in it is validated beyond
// being readable; the parse that follows decides whether the document is good.
struct Preview {
  ConnectionSpec connection;
  std::string schema = "public";
  // Items in spec.tables: counted when the list has fewer than kPreviewTables, else estimated
  // from the bytes the first kPreviewTables took (the engine reads a catalog over two
  // connections from 200 declared tables, engine.cpp: a rough count is enough).
  size_t tables = 0;
};
inline constexpr size_t kPreviewTables = 16;

// One or more YAML (or JSON) documents, each a DatabaseSchema. Every error names the document
// and the path at fault, e.g. `document 2: spec.tables[2].columns[0].type: must not be empty`.
// Empty documents (a trailing `---`) are skipped. `onPreview`, when set, is called once, before
// any document is read, with the first document's Preview (not called when that cannot be read):
// while the text is still being parsed, once spec.tables has kPreviewTables items or ends (see
// resource.cpp), else when it is loaded.
core::Result<std::vector<DatabaseSchema>> parseDocuments(std::string_view text,
                                                         const std::function<void(const Preview&)>& onPreview = {});

// The same for one document already in memory as text.
core::Result<DatabaseSchema> parseDocument(std::string_view text);
// The same for an object the API server sent (the daemon's), read as it is held: no text between.
core::Result<DatabaseSchema> parseObject(const nlohmann::json& object);

// "30s", "5m", "1h", "1h30m" as Kubernetes durations; at least one second.
core::Result<std::chrono::seconds> parseDuration(const std::string& text, const std::string& field);
// The same to the millisecond ("300ms", "1.5s", "0"), at least `least`.
core::Result<std::chrono::milliseconds> parseMilliseconds(const std::string& text, const std::string& field,
                                                          std::chrono::milliseconds least);

}  // namespace spec
