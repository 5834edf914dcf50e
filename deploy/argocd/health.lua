-- Argo CD health check for dbschema.io/DatabaseSchema (docs: deploy/argocd/README.md).
--
-- Argo CD runs this with the live object in `obj` and reads back {status, message}. It reads
-- only what the operator writes (shared/design/databaseschema-api.md, "Status"):
--   Progressing  no status yet; status.observedGeneration (or the Ready condition's) behind
--                metadata.generation; no Ready condition; Ready Unknown; phase Pending or Applying
--   Healthy      Ready True for the current generation (phase InSync)
--   Degraded     Ready False: drift not applied (destructive changes awaiting approval, mode Plan),
--                Blocked, Error (apply failed, invalid spec, database unreachable, Secret missing)
-- Written for Lua 5.1, the language of Argo CD's interpreter (gopher-lua); tests/deploy runs it
-- with lua5.1 and lua5.4.
local hs = {}

local function condition(status, kind)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function text(v)
  if v == nil then
    return ""
  end
  return tostring(v)
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local status = obj.status

if status == nil or next(status) == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to check the database"
  return hs
end

if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to observe generation " .. text(generation)
  return hs
end

local phase = text(status.phase)
if phase == "Pending" or phase == "Applying" then
  hs.status = "Progressing"
  hs.message = "Phase " .. phase
  local ready = condition(status, "Ready")
  if ready ~= nil and text(ready.message) ~= "" then
    hs.message = hs.message .. ": " .. text(ready.message)
  end
  return hs
end

local ready = condition(status, "Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end
if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to observe generation " .. text(generation)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = text(ready.message)
  if hs.message == "" then
    hs.message = "In sync"
  end
  return hs
end

if ready.status == "False" then
  hs.status = "Degraded"
  local reason = text(ready.reason)
  if reason == "" then
    reason = phase
  end
  hs.message = reason .. ": " .. text(ready.message)
  -- Destructive changes waiting for approval: the condition's message carries the approval key
  -- (the plan hash), so it is shown where people look.
  local pending = condition(status, "DestructiveChangesPending")
  if pending ~= nil and pending.status == "True" then
    local waiting = "DestructiveChangesPending: " .. text(pending.message)
    if reason == "Drifted" then
      hs.message = waiting
    else
      hs.message = hs.message .. "; " .. waiting
    end
  end
  return hs
end

hs.status = "Progressing"
hs.message = "Ready is " .. text(ready.status)
if text(ready.message) ~= "" then
  hs.message = hs.message .. ": " .. text(ready.message)
end
return hs
