#include "kube/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "core/base64.hpp"
#include "yaml/tree.hpp"

namespace kube {
namespace fs = std::filesystem;

std::string ClusterConfig::describe() const {
  std::string s = "server=" + server;
  s += " ca=" + std::string(caPem.empty() ? "no" : "yes");
  if (insecureSkipTlsVerify) s += " insecure-skip-tls-verify=true";
  if (!tlsServerName.empty()) s += " tls-server-name=" + tlsServerName;
  if (!token.empty()) s += " token=***";
  if (!tokenFile.empty()) s += " tokenFile=" + tokenFile;
  if (!clientCertPem.empty()) s += " client-certificate=yes client-key=***";
  s += " ns=" + ns;
  return s;
}

Getenv processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

namespace {

core::Result<std::string> readFile(const std::string& path, const std::string& field, const std::string& source) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::invalid(field, source + ": cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string resolve(const std::string& path, const std::string& baseDir) {
  if (path.empty() || fs::path(path).is_absolute() || baseDir.empty()) return path;
  return (fs::path(baseDir) / path).string();
}

// One named entry of clusters/users/contexts, remembering the file it came from. An undefined
// body reads as an empty mapping.
struct Entry {
  yaml::Node body;
  std::string source, baseDir;
};

struct Merged {
  std::vector<yaml::Documents> files;  // what the entries' nodes live in
  std::map<std::string, Entry> clusters, users, contexts;
  std::string currentContext, currentSource;
};

core::Result<void> mergeInto(Merged& m, const std::string& text, const std::string& source, const std::string& baseDir) {
  yaml::Node root;
  try {
    m.files.push_back(yaml::load(text));
    if (!m.files.back().documents.empty()) root = m.files.back().documents.front();
  } catch (const yaml::Error& e) {
    return core::invalid("", source + ": not valid YAML: " + e.what());
  }
  if (!root.IsDefined() || root.IsNull()) return {};
  if (!root.IsMap()) return core::invalid("", source + ": a kubeconfig must be a mapping");
  auto collect = [&](const char* list, const char* inner, std::map<std::string, Entry>& into) -> core::Result<void> {
    const yaml::Node items = root.find(list);
    if (!items.IsDefined() || items.IsNull()) return {};
    if (!items.IsSequence()) return core::invalid(list, source + ": must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      const yaml::Node item = items.item(i);
      std::string field = std::string(list) + "[" + std::to_string(i) + "]";
      if (!item.IsMap() || !item.find("name").IsScalar()) return core::invalid(field + ".name", source + ": missing name");
      std::string name(item.find("name").Scalar());
      yaml::Node body = item.find(inner);
      if (body.IsNull()) body = yaml::Node();
      if (body.IsDefined() && !body.IsMap()) return core::invalid(field + "." + inner, source + ": must be a mapping");
      into.emplace(name, Entry{body, source, baseDir});  // first definition wins
    }
    return {};
  };
  if (auto r = collect("clusters", "cluster", m.clusters); !r) return r.error();
  if (auto r = collect("users", "user", m.users); !r) return r.error();
  if (auto r = collect("contexts", "context", m.contexts); !r) return r.error();
  if (m.currentContext.empty() && root.find("current-context").IsScalar()) {
    m.currentContext = std::string(root.find("current-context").Scalar());
    m.currentSource = source;
  }
  return {};
}

// A string field, or "" when absent. Non-scalars are an error naming the field.
core::Result<std::string> scalar(const yaml::Node& node, const char* key, const std::string& field,
                                 const std::string& source) {
  const yaml::Node v = node.find(key);
  if (!v.IsDefined() || v.IsNull()) return std::string();
  if (!v.IsScalar()) return core::invalid(field + "." + key, source + ": must be a string");
  return std::string(v.Scalar());
}

// The booleans of YAML 1.1 that kubeconfig files use (true, yes, on, y and their false twins).
std::optional<bool> boolean(const yaml::Node& node) {
  static const std::map<std::string_view, bool> kWords = {
      {"y", true},     {"Y", true},     {"yes", true},   {"Yes", true},   {"YES", true},   {"true", true},
      {"True", true},  {"TRUE", true},  {"on", true},    {"On", true},    {"ON", true},    {"n", false},
      {"N", false},    {"no", false},   {"No", false},   {"NO", false},   {"false", false}, {"False", false},
      {"FALSE", false}, {"off", false}, {"Off", false},  {"OFF", false}};
  if (!node.IsScalar()) return std::nullopt;
  const auto it = kWords.find(node.Scalar());
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

// `<name>-data` (base64) or `<name>` (a file path); "" when neither.
core::Result<std::string> inlineOrFile(const Entry& e, const std::string& name, const std::string& field) {
  auto data = scalar(e.body, (name + "-data").c_str(), field, e.source);
  if (!data) return data.error();
  if (!data->empty()) {
    auto decoded = core::base64Decode(*data);
    if (!decoded) return core::invalid(field + "." + name + "-data", e.source + ": not valid base64");
    return *decoded;
  }
  auto path = scalar(e.body, name.c_str(), field, e.source);
  if (!path) return path.error();
  if (path->empty()) return std::string();
  return readFile(resolve(*path, e.baseDir), field + "." + name, e.source);
}

core::Result<ClusterConfig> build(const Merged& m, const std::string& contextOverride, const std::string& source) {
  std::string contextName = contextOverride.empty() ? m.currentContext : contextOverride;
  if (contextName.empty()) return core::invalid("current-context", source + ": no current-context is set");
  auto ctx = m.contexts.find(contextName);
  if (ctx == m.contexts.end())
    return core::invalid("current-context", source + ": context \"" + contextName + "\" is not defined");
  const std::string ctxField = "contexts[" + contextName + "].context";
  ClusterConfig c;
  auto clusterName = scalar(ctx->second.body, "cluster", ctxField, ctx->second.source);
  if (!clusterName) return clusterName.error();
  auto userName = scalar(ctx->second.body, "user", ctxField, ctx->second.source);
  if (!userName) return userName.error();
  auto ns = scalar(ctx->second.body, "namespace", ctxField, ctx->second.source);
  if (!ns) return ns.error();
  if (!ns->empty()) c.ns = *ns;

  auto cl = m.clusters.find(*clusterName);
  if (clusterName->empty() || cl == m.clusters.end())
    return core::invalid(ctxField + ".cluster", ctx->second.source + ": cluster \"" + *clusterName + "\" is not defined");
  const Entry& ce = cl->second;
  const std::string cf = "clusters[" + *clusterName + "].cluster";
  auto server = scalar(ce.body, "server", cf, ce.source);
  if (!server) return server.error();
  if (server->empty()) return core::invalid(cf + ".server", ce.source + ": server is required");
  if (server->rfind("https://", 0) != 0 && server->rfind("http://", 0) != 0)
    return core::invalid(cf + ".server", ce.source + ": server must start with https:// or http://");
  c.server = *server;
  auto ca = inlineOrFile(ce, "certificate-authority", cf);
  if (!ca) return ca.error();
  c.caPem = *ca;
  if (yaml::Node v = ce.body.find("insecure-skip-tls-verify"); v.IsDefined() && !v.IsNull()) {
    const auto skip = boolean(v);
    if (!skip) return core::invalid(cf + ".insecure-skip-tls-verify", ce.source + ": must be true or false");
    c.insecureSkipTlsVerify = *skip;
  }
  auto sni = scalar(ce.body, "tls-server-name", cf, ce.source);
  if (!sni) return sni.error();
  c.tlsServerName = *sni;
  if (yaml::Node v = ce.body.find("proxy-url"); v.IsDefined() && !v.IsNull())
    return core::invalid(cf + ".proxy-url", ce.source + ": proxies are not supported");

  if (!userName->empty()) {
    auto us = m.users.find(*userName);
    if (us == m.users.end())
      return core::invalid(ctxField + ".user", ctx->second.source + ": user \"" + *userName + "\" is not defined");
    const Entry& ue = us->second;
    const std::string uf = "users[" + *userName + "].user";
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"})
      if (yaml::Node v = ue.body.find(unsupported); v.IsDefined() && !v.IsNull())
        return core::invalid(uf + "." + unsupported, ue.source + ": not supported (use a token or a client certificate)");
    auto token = scalar(ue.body, "token", uf, ue.source);
    if (!token) return token.error();
    c.token = *token;
    auto tokenFile = scalar(ue.body, "tokenFile", uf, ue.source);
    if (!tokenFile) return tokenFile.error();
    if (!tokenFile->empty()) {
      c.tokenFile = resolve(*tokenFile, ue.baseDir);
      auto t = readFile(c.tokenFile, uf + ".tokenFile", ue.source);
      if (!t) return t.error();
      // As client-go: the file's (rotating) content takes precedence over a static token.
      c.token = *t;
      while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r')) c.token.pop_back();
    }
    auto cert = inlineOrFile(ue, "client-certificate", uf);
    if (!cert) return cert.error();
    auto key = inlineOrFile(ue, "client-key", uf);
    if (!key) return key.error();
    if (cert->empty() != key->empty())
      return core::invalid(uf + (cert->empty() ? ".client-certificate" : ".client-key"),
                           ue.source + ": client-certificate and client-key must be given together");
    c.clientCertPem = *cert;
    c.clientKeyPem = *key;
  }
  return c;
}

}  // namespace

core::Result<ClusterConfig> parseKubeconfig(const std::string& yamlText, const std::string& source,
                                            const std::string& baseDir, const std::string& context) {
  Merged m;
  if (auto r = mergeInto(m, yamlText, source, baseDir); !r) return r.error();
  return build(m, context, source);
}

core::Result<ClusterConfig> loadKubeconfig(const std::string& pathList, const std::string& context) {
  Merged m;
  std::string first;
  std::stringstream ss(pathList);
  std::string path;
  while (std::getline(ss, path, ':')) {
    if (path.empty()) continue;
    if (first.empty()) first = path;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      // kubectl skips missing files in a KUBECONFIG list but not an explicit single file.
      if (pathList.find(':') == std::string::npos) return core::invalid("", path + ": cannot read kubeconfig");
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string baseDir = fs::path(path).parent_path().string();
    if (auto r = mergeInto(m, text.str(), path, baseDir); !r) return r.error();
  }
  if (first.empty()) return core::invalid("", "no kubeconfig path given");
  return build(m, context, first);
}

core::Result<ClusterConfig> loadInCluster(const Getenv& env, const std::string& dir) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty())
    return core::invalid("KUBERNETES_SERVICE_HOST",
                         "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                         "KUBERNETES_SERVICE_PORT must be defined");
  ClusterConfig c;
  std::string h = *host;
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";  // IPv6
  c.server = "https://" + h + ":" + *port;
  c.tokenFile = (fs::path(dir) / "token").string();
  auto token = readFile(c.tokenFile, "token", "in-cluster");
  if (!token) return token.error();
  c.token = *token;
  while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r')) c.token.pop_back();
  auto ca = readFile((fs::path(dir) / "ca.crt").string(), "ca.crt", "in-cluster");
  if (!ca) return ca.error();
  c.caPem = *ca;
  std::ifstream nsIn(fs::path(dir) / "namespace");
  std::string ns;
  if (nsIn && std::getline(nsIn, ns) && !ns.empty()) c.ns = ns;
  return c;
}

core::Result<ClusterConfig> loadConfig(const LoadOptions& o) {
  if (!o.kubeconfig.empty()) return loadKubeconfig(o.kubeconfig, o.context);
  if (auto k = o.env("KUBECONFIG"); k && !k->empty()) return loadKubeconfig(*k, o.context);
  if (auto h = o.env("KUBERNETES_SERVICE_HOST"); h && !h->empty()) return loadInCluster(o.env, o.serviceAccountDir);
  auto home = o.env("HOME");
  if (!home || home->empty())
    return core::invalid("", "no kubeconfig: --kubeconfig and $KUBECONFIG unset, not in a cluster, $HOME unset");
  return loadKubeconfig((fs::path(*home) / ".kube" / "config").string(), o.context);
}

}  // namespace kube
