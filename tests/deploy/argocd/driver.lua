-- Runs deploy/argocd/health.lua the way Argo CD does: the object in the global `obj`, the
-- script's return value read as {status, message}. Usage:
--   lua driver.lua HEALTH_SCRIPT CASES_FILE
-- CASES_FILE is a Lua chunk returning a list of {name = ..., obj = {...}}. Prints one line per
-- case: name, status and message separated by tabs; backslash, tab and newline are escaped.
local function escape(s)
  return (tostring(s):gsub("\\", "\\\\"):gsub("\t", "\\t"):gsub("\n", "\\n"))
end
local script, casesFile = arg[1], arg[2]
local cases = assert(loadfile(casesFile))()
for _, case in ipairs(cases) do
  local check = assert(loadfile(script))  -- a fresh chunk per case, as Argo CD loads it per object
  obj = case.obj
  local ok, hs = pcall(check)
  if not ok then
    io.write(case.name, "\tERROR\t", escape(hs), "\n")
  elseif type(hs) ~= "table" then
    io.write(case.name, "\tERROR\tthe script returned ", type(hs), "\n")
  else
    io.write(case.name, "\t", escape(hs.status), "\t", escape(hs.message), "\n")
  end
end
