#pragma once
// What the server serves: built-in resource types plus those registered by CRDs (§7, §8).
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kubeapi {
using json = nlohmann::json;

struct PrinterColumn {
  std::string name, type, format, description, jsonPath;
  int priority = 0;
};

struct ResourceType {
  std::string group, plural, singular, kind, listKind;
  std::vector<std::string> versions;  // served, preferred first
  std::string storageVersion;
  bool namespaced = true;
  std::vector<std::string> shortNames, categories;
  bool statusSubresource = false;
  bool custom = false;                  // a CR served from a CRD
  bool hasGeneration = false;
  bool allowUnconditionalUpdate = false;
  // Set when objects live under another group's (storageGroup, plural): events.k8s.io shares
  // core's Events. Optional because that other group is the core group, "".
  std::optional<std::string> storageGroup;
  std::map<std::string, json> schemas;  // version -> openAPIV3Schema (CRs)
  std::map<std::string, std::vector<PrinterColumn>> columns;  // version -> additionalPrinterColumns (CRs)
  std::string crdName;

  std::string apiVersion(const std::string& version) const { return group.empty() ? version : group + "/" + version; }
  const std::string& storeGroup() const { return storageGroup ? *storageGroup : group; }
  bool serves(const std::string& v) const;
  const json* schema(const std::string& version) const;
};

class Registry {
 public:
  Registry();
  const ResourceType* find(const std::string& group, const std::string& version, const std::string& plural) const;
  const ResourceType* findKind(const std::string& group, const std::string& kind) const;
  std::vector<const ResourceType*> all() const;
  // Groups in discovery order, each with its versions (preferred first).
  std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;

  // Registers or updates the resource a CRD describes; returns an error text when the CRD is unusable.
  std::optional<std::string> applyCrd(const json& crd);
  void removeCrd(const std::string& crdName);

 private:
  std::vector<ResourceType> types_;
};

}  // namespace kubeapi
