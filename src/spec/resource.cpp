// The entry points: YAML (or JSON) text, or the API server's JSON, in; validated DatabaseSchema
// values out. The reader's errors (yaml::Error) stop here.
#include <nlohmann/json.hpp>

#include "spec/parse.hpp"

namespace spec {

namespace {

// "malformed YAML at line 3, column 7: …" for a syntax error; "line 3: …" for a limit crossed
// (the column of the event that crossed it says little).
core::Error readerError(const yaml::Error& e) {
  if (e.line == 0) return core::invalid("", "the resource: " + e.problem);
  if (e.limit) return core::invalid("", "YAML at line " + std::to_string(e.line) + ": " + e.problem);
  return core::invalid("", "malformed YAML at line " + std::to_string(e.line) + ", column " + std::to_string(e.column) +
                               ": " + e.problem);
}

core::Error inDocument(core::Error e, size_t n) {
  const std::string prefix = "document " + std::to_string(n) + ": ";
  if (e.field.empty())
    e.message = prefix + e.message;
  else
    e.field = prefix + e.field;
  return e;
}

}  // namespace

core::Result<std::vector<DatabaseSchema>> parseDocuments(std::string_view text,
                                                         const std::function<void(const Preview&)>& onPreview) {
  // The preview is taken as soon as the first document's spec.tables holds enough items to
  // decide how its catalog is read (or ends), so the CLI connects while the rest of a large file
  // is read. A connection declared after the tables is not known yet: the preview then asks for
  // the strictest TLS, never weaker than the document might, and the CLI drops that early read
  // when the document turns out to want something else.
  bool previewed = false;
  const yaml::Watch watch{{"spec", "tables"}, kPreviewTables, [&](const detail::Node& partial) {
                            previewed = true;
                            auto preview = detail::previewResource(partial);
                            if (!preview) return;
                            if (!partial.find("spec").find("connection").IsDefined()) {
                              preview->connection.sslMode = SslMode::VerifyFull;
                              preview->connection.sslModeSet = true;
                              preview->connection.allowSelfSigned = false;
                            }
                            onPreview(*preview);
                          }};
  detail::Documents loaded;
  try {
    loaded = yaml::load(text, {}, onPreview ? &watch : nullptr);
  } catch (const yaml::Error& e) {
    return inDocument(readerError(e), e.document);
  }
  const detail::Documents* documents = &loaded;
  if (onPreview && !previewed) {
    for (const auto& document : documents->documents) {
      if (document.IsNull()) continue;
      if (auto preview = detail::previewResource(document)) onPreview(*preview);
      break;
    }
  }
  std::vector<DatabaseSchema> out;
  for (size_t i = 0; i < documents->documents.size(); ++i) {
    const detail::Node& document = documents->documents[i];
    if (document.IsNull()) continue;  // a trailing or doubled `---`
    auto resource = detail::readResource(document);
    if (!resource) return inDocument(resource.error(), i + 1);
    out.push_back(std::move(*resource));
  }
  if (out.empty()) return core::invalid("", "no DatabaseSchema document found");
  return out;
}

core::Result<DatabaseSchema> parseDocument(std::string_view text) {
  detail::Documents loaded;
  try {
    loaded = yaml::load(text);
  } catch (const yaml::Error& e) {
    return readerError(e);
  }
  const detail::Documents* documents = &loaded;
  std::vector<detail::Node> nonEmpty;
  for (const auto& d : documents->documents)
    if (!d.IsNull()) nonEmpty.push_back(d);
  if (nonEmpty.empty()) return core::invalid("", "no DatabaseSchema document found");
  if (nonEmpty.size() > 1)
    return core::invalid("", "expected one document, found " + std::to_string(nonEmpty.size()));
  return detail::readResource(nonEmpty.front());
}

core::Result<DatabaseSchema> parseObject(const nlohmann::json& object) {
  try {
    const detail::Documents documents = yaml::fromJson(object);
    return detail::readResource(documents.documents.front());
  } catch (const yaml::Error& e) {
    return readerError(e);
  }
}

}  // namespace spec
