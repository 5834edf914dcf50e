#include "engine/apply_settings.hpp"

namespace engine {

pg::ApplyOptions withSettings(pg::ApplyOptions base, const spec::ApplySettings& settings) {
  if (settings.lockTimeout) base.lockTimeout = *settings.lockTimeout;
  if (settings.lockRetryBudget) base.lockRetryBudget = *settings.lockRetryBudget;
  if (settings.statementTimeout) base.statementTimeout = *settings.statementTimeout;
  return base;
}

}  // namespace engine
