// libFuzzer harness for the reader (src/yaml): any bytes into yaml::load under small limits.
// Whatever it returns is walked in full, and must keep the promises the limits make: no walk
// reaches more nodes than maxNodes (aliases counted each time they are walked) or goes deeper
// than maxDepth, and every scalar's bytes are readable (AddressSanitizer watches). An error must
// name a line and a document. The partial document a Watch is shown (on `spec: {tables: […]}`,
// as the CLI watches, and on `a: […]`) is walked the same way. A broken promise aborts, and
// libFuzzer keeps the input.
//
// Built with clang by CMakeLists.txt (target yaml_load_fuzz); `ctest -R yaml_load_fuzz` replays
// tests/fuzz/corpus and mutates for a few seconds. A long run, by hand:
//   nice build/yaml_load_fuzz -max_len=4096 -jobs=1 build/fuzz-corpus tests/fuzz/corpus
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/tree.hpp"

namespace {

constexpr yaml::Limits kLimits{.maxBytes = 1 << 16, .maxDepth = 24, .maxNodes = 20000};

[[noreturn]] void broken() { std::abort(); }

size_t walk(const yaml::Node& n, size_t depth, size_t& reached) {
  if (++reached > kLimits.maxNodes) broken();
  if (depth > kLimits.maxDepth) broken();
  size_t sum = 0;
  switch (n.kind()) {
    case yaml::NodeKind::Null: break;
    case yaml::NodeKind::Scalar:
      for (char c : n.Scalar()) sum += static_cast<unsigned char>(c);
      for (char c : n.Tag()) sum += static_cast<unsigned char>(c);
      break;
    case yaml::NodeKind::Sequence:
      for (size_t i = 0; i < n.size(); ++i) sum += walk(n.item(i), depth + 1, reached);
      break;
    case yaml::NodeKind::Map:
      for (size_t i = 0; i < n.size(); ++i) sum += walk(n.key(i), depth + 1, reached) + walk(n.value(i), depth + 1, reached);
      break;
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  volatile size_t sink = 0;
  int seen = 0;
  auto look = [&](const yaml::Node& partial, const yaml::WatchProgress& progress) {
    if (++seen > 1) broken();  // once at most
    // Offsets lie in the text, in order: the estimate divides by their difference.
    if (progress.listStart > progress.at || progress.at > size) broken();
    size_t partialReached = 0;
    sink = sink + walk(partial, 1, partialReached);
  };
  const yaml::Watch watch{size % 2 ? std::vector<std::string>{"spec", "tables"} : std::vector<std::string>{"a"},
                          size % 3 + 1, look};
  try {
    const yaml::Documents documents = yaml::load(text, kLimits, &watch);
    size_t reached = 0;
    for (const auto& d : documents.documents) {
      if (!d.IsDefined()) broken();  // a document always has a root
      sink = sink + walk(d, 1, reached);
      long long ignored = 0;
      (void)d.toLongLong(ignored);
      (void)d.find("a");
    }
  } catch (const yaml::Error& e) {
    if (e.line == 0 || e.column == 0 || e.document == 0 || e.problem.empty()) broken();
  }
  return 0;
}
