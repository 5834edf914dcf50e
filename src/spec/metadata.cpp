// metadata: what the operator needs of it, and nothing else; the API server adds uid,
// resourceVersion, managedFields and more, all of which are allowed and ignored.
#include <cctype>

#include "spec/parse.hpp"

namespace spec::detail {

namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// RFC 1123 label as Kubernetes checks it: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool isDns1123Label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  for (char c : s)
    if (!isLowerAlnum(c) && c != '-') return false;
  return true;
}

// Dot-separated labels, at most 253 characters: what object names must be.
bool isDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!isDns1123Label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

long long readGeneration(const Fields& metadata) {
  auto item = metadata.get("generation");
  if (!item) return 0;
  long long value = 0;
  if (!item->node.IsScalar() || !item->node.toLongLong(value) || value < 0) {
    metadata.issues().report(item->path, "expected a non-negative integer, found " + describeNode(item->node));
    return 0;
  }
  return value;
}

std::map<std::string, std::string> readAnnotations(const Fields& metadata) {
  std::map<std::string, std::string> out;
  auto item = metadata.get("annotations");
  if (!item) return out;
  Fields annotations(*item, metadata.issues());
  for (const auto& [key, value] : annotations.entries()) {
    const std::string path = item->path + "[\"" + key + "\"]";
    auto text = scalarText(Item{value, path}, metadata.issues());
    out[key] = text.value_or("");
  }
  return out;
}

}  // namespace

void readMetadata(const Item& item, DatabaseSchema& out, Issues& issues) {
  Fields metadata(item, issues);
  out.name = metadata.requiredText("name");
  if (!out.name.empty() && !isDns1123Subdomain(out.name))
    issues.report(metadata.pathOf("name"), quoteShort(out.name) +
                                               " is not a valid name: lowercase letters, digits, '-' and '.', "
                                               "starting and ending with a letter or digit (DNS-1123 subdomain)");
  out.ns = metadata.text("namespace").value_or("");
  if (!out.ns.empty() && !isDns1123Label(out.ns))
    issues.report(metadata.pathOf("namespace"),
                  quoteShort(out.ns) + " is not a valid namespace (DNS-1123 label: lowercase letters, digits and '-')");
  out.generation = readGeneration(metadata);
  out.annotations = readAnnotations(metadata);

  auto approval = out.annotations.find(kAllowDestructiveAnnotation);
  if (approval == out.annotations.end()) return;
  const std::string field = metadata.pathOf("annotations") + "[\"" + kAllowDestructiveAnnotation + "\"]";
  auto parsed = schema::Approval::parse(approval->second, field);
  if (parsed)
    out.approval = *parsed;
  else
    issues.report(parsed.error().field, parsed.error().message);
}

}  // namespace spec::detail
