#include "protobuf.hpp"

#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string_view>

#include "core/time.hpp"
#include "util.hpp"

namespace kubeapi::protobuf {

namespace {
// Minimal wire-format reader: varints and length-delimited fields are all these messages use.
struct Field {
  uint32_t number;
  uint32_t wire;
  uint64_t varint = 0;
  std::string_view bytes;
};

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool next(Field& f) {
    if (p_ >= d_.size()) return false;
    uint64_t key = varint();
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire = key & 7;
    switch (f.wire) {
      case 0: f.varint = varint(); break;
      case 2: {
        uint64_t n = varint();
        if (p_ + n > d_.size()) throw std::runtime_error("truncated field");
        f.bytes = d_.substr(p_, n);
        p_ += n;
        break;
      }
      case 1: skip(8); break;
      case 5: skip(4); break;
      default: throw std::runtime_error("unsupported wire type");
    }
    return true;
  }

 private:
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= d_.size()) throw std::runtime_error("truncated varint");
      auto b = static_cast<unsigned char>(d_[p_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("bad varint");
  }
  void skip(size_t n) {
    if (p_ + n > d_.size()) throw std::runtime_error("truncated field");
    p_ += n;
  }
  std::string_view d_;
  size_t p_ = 0;
};

std::string s(std::string_view v) { return std::string(v); }

std::pair<std::string, std::string> mapEntry(std::string_view bytes) {
  Reader r(bytes);
  Field f;
  std::pair<std::string, std::string> kv;
  while (r.next(f)) {
    if (f.number == 1) kv.first = s(f.bytes);
    if (f.number == 2) kv.second = s(f.bytes);
  }
  return kv;
}

std::string timeText(std::string_view bytes, bool micro) {
  Reader r(bytes);
  Field f;
  int64_t seconds = 0, nanos = 0;
  while (r.next(f)) {
    if (f.number == 1) seconds = static_cast<int64_t>(f.varint);
    if (f.number == 2) nanos = static_cast<int64_t>(f.varint);
  }
  const core::TimePoint t = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(seconds)) +
                            std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::nanoseconds(nanos));
  return micro ? core::formatMicroTime(t) : core::formatTime(t);
}

json objectMeta(std::string_view bytes) {
  json m = json::object();
  Reader r(bytes);
  Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: m["name"] = s(f.bytes); break;
      case 2: m["generateName"] = s(f.bytes); break;
      case 3: m["namespace"] = s(f.bytes); break;
      case 5: m["uid"] = s(f.bytes); break;
      case 6: m["resourceVersion"] = s(f.bytes); break;
      case 11: { auto [k, v] = mapEntry(f.bytes); m["labels"][k] = v; break; }
      case 12: { auto [k, v] = mapEntry(f.bytes); m["annotations"][k] = v; break; }
      case 14: m["finalizers"].push_back(s(f.bytes)); break;
      default: break;  // server-owned or unused by creating clients
    }
  }
  return m;
}

json secret(std::string_view bytes) {
  json o = {{"apiVersion", "v1"}, {"kind", "Secret"}};
  Reader r(bytes);
  Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: o["metadata"] = objectMeta(f.bytes); break;
      case 2: { auto [k, v] = mapEntry(f.bytes); o["data"][k] = base64Encode(v); break; }
      case 3: o["type"] = s(f.bytes); break;
      case 4: { auto [k, v] = mapEntry(f.bytes); o["stringData"][k] = v; break; }
      case 5: o["immutable"] = f.varint != 0; break;
      default: break;
    }
  }
  return o;
}

json configMap(std::string_view bytes) {
  json o = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}};
  Reader r(bytes);
  Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: o["metadata"] = objectMeta(f.bytes); break;
      case 2: { auto [k, v] = mapEntry(f.bytes); o["data"][k] = v; break; }
      case 3: { auto [k, v] = mapEntry(f.bytes); o["binaryData"][k] = base64Encode(v); break; }
      case 4: o["immutable"] = f.varint != 0; break;
      default: break;
    }
  }
  return o;
}

json nameSpace(std::string_view bytes) {
  json o = {{"apiVersion", "v1"}, {"kind", "Namespace"}};
  Reader r(bytes);
  Field f;
  while (r.next(f))
    if (f.number == 1) o["metadata"] = objectMeta(f.bytes);
  return o;
}

json lease(std::string_view bytes) {
  json o = {{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"}, {"spec", json::object()}};
  Reader r(bytes);
  Field f;
  while (r.next(f)) {
    if (f.number == 1) o["metadata"] = objectMeta(f.bytes);
    if (f.number != 2) continue;
    Reader sr(f.bytes);
    Field g;
    json& spec = o["spec"];
    while (sr.next(g)) {
      switch (g.number) {
        case 1: spec["holderIdentity"] = s(g.bytes); break;
        case 2: spec["leaseDurationSeconds"] = static_cast<int32_t>(g.varint); break;
        case 3: spec["acquireTime"] = timeText(g.bytes, true); break;
        case 4: spec["renewTime"] = timeText(g.bytes, true); break;
        case 5: spec["leaseTransitions"] = static_cast<int32_t>(g.varint); break;
        case 6: spec["strategy"] = s(g.bytes); break;
        case 7: spec["preferredHolder"] = s(g.bytes); break;
        default: break;
      }
    }
  }
  return o;
}
}  // namespace

std::optional<json> decode(const std::string& body, std::string& err) {
  try {
    if (body.size() < 4 || body.compare(0, 4, std::string("k8s\0", 4)) != 0) {
      err = "protobuf body without the k8s envelope";
      return std::nullopt;
    }
    Reader r(std::string_view(body).substr(4));
    Field f;
    std::string apiVersion, kind;
    std::string_view raw;
    while (r.next(f)) {
      if (f.number == 1) {
        Reader t(f.bytes);
        Field g;
        while (t.next(g)) {
          if (g.number == 1) apiVersion = s(g.bytes);
          if (g.number == 2) kind = s(g.bytes);
        }
      } else if (f.number == 2) {
        raw = f.bytes;
      }
    }
    if (apiVersion == "v1" && kind == "Secret") return secret(raw);
    if (apiVersion == "v1" && kind == "ConfigMap") return configMap(raw);
    if (apiVersion == "v1" && kind == "Namespace") return nameSpace(raw);
    if (apiVersion == "coordination.k8s.io/v1" && kind == "Lease") return lease(raw);
    err = "protobuf decoding of " + apiVersion + " " + kind + " is not supported by this test server; send application/json";
  } catch (const std::exception& e) {
    err = std::string("malformed protobuf: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace kubeapi::protobuf
