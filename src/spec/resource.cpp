// The entry points: YAML (or JSON) text in, validated DatabaseSchema values out. yaml-cpp's
// exceptions stop here.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "spec/parse.hpp"

namespace spec {

namespace {

// Counts documents while yaml-cpp parses, to say which one is malformed.
class DocumentCounter : public YAML::EventHandler {
 public:
  int documents = 0;
  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// 1-based number of the document holding the syntax error.
int malformedDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  try {
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::Exception&) {
  }
  return counter.documents > 0 ? counter.documents : 1;
}

core::Error malformed(const YAML::Exception& e) {
  std::string message = "malformed YAML";
  if (!e.mark.is_null())
    message += " at line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1);
  return core::invalid("", message + ": " + e.msg);
}

core::Result<detail::Documents> load(const std::string& text) {
  try {
    return detail::loadYaml(text);
  } catch (const YAML::Exception& e) {
    return malformed(e);
  }
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
  const std::string source(text);  // the documents' scalars are views of it
  auto documents = load(source);
  if (!documents) return inDocument(documents.error(), static_cast<size_t>(malformedDocument(source)));
  if (onPreview) {
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
  const std::string source(text);  // the documents' scalars are views of it
  auto documents = load(source);
  if (!documents) return documents.error();
  std::vector<detail::Node> nonEmpty;
  for (const auto& d : documents->documents)
    if (!d.IsNull()) nonEmpty.push_back(d);
  if (nonEmpty.empty()) return core::invalid("", "no DatabaseSchema document found");
  if (nonEmpty.size() > 1)
    return core::invalid("", "expected one document, found " + std::to_string(nonEmpty.size()));
  return detail::readResource(nonEmpty.front());
}

}  // namespace spec
