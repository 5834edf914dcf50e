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

// The items a list is likely to hold, from the bytes its first items took and the bytes left in
// the text (everything after the list is counted as more of it: an over-estimate at worst). The
// bytes before `at` hold all but the last of the `items`, which starts there.
size_t estimatedItems(size_t items, const yaml::WatchProgress& progress, size_t textSize) {
  if (items < 2) return items;
  const double perItem = static_cast<double>(progress.at - progress.listStart) / static_cast<double>(items - 1);
  return items - 1 + static_cast<size_t>(static_cast<double>(textSize - progress.at) / perItem);
}

}  // namespace

core::Result<std::vector<DatabaseSchema>> parseDocuments(std::string_view text,
                                                         const std::function<void(const Preview&)>& onPreview) {
  // The preview is taken as soon as the first document's spec.tables holds a few items (or ends),
  // so the CLI connects while the rest of a large file is read: early, because until then only
  // the parse keeps the machine busy. How many tables there are is estimated from the bytes those
  // first items took; it only chooses whether the catalog is read over one connection or two.
  // A connection declared after the tables is not known yet: the preview then asks for
  // the strictest TLS, never weaker than the document might, and the CLI drops that early read
  // when the document turns out to want something else.
  bool previewed = false;
  const yaml::Watch watch{{"spec", "tables"}, kPreviewTables, [&](const detail::Node& partial,
                                                                 const yaml::WatchProgress& progress) {
                            previewed = true;
                            auto preview = detail::previewResource(partial);
                            if (!preview) return;
                            if (!progress.ended && progress.at > progress.listStart)
                              preview->tables = estimatedItems(preview->tables, progress, text.size());
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
