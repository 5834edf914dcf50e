#pragma once
// View changes to SQL steps, and the views a change takes down and puts back around itself.
#include <string>
#include <vector>

#include "schema/change.hpp"
#include "schema/plan.hpp"

namespace schema {

// CreateView, ReplaceView, CreateMaterializedView, ReplaceMaterializedView, DropView,
// DropMaterializedView, and SetComment of a view.
std::vector<Step> renderView(const Change& change, const std::string& schemaName);

// `steps` (one transactional step) with Change::dependentViews dropped first, readers first, and
// created again last, in creation order: one transaction, so no reader of the schema sees them gone.
std::vector<Step> withDependentViews(std::vector<Step> steps, const Change& change, const std::string& schemaName);

}  // namespace schema
