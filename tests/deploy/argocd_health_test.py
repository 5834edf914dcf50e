#!/usr/bin/env python3
"""deploy/argocd/health.lua, run as Argo CD runs it (the object in the global `obj`), with
Debian's lua5.1 (Argo CD's dialect, gopher-lua) and lua5.4, on the sample statuses of
tests/deploy/argocd/cases.yaml."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, load, read, tool  # noqa: E402

SCRIPT = os.path.join(ROOT, "deploy/argocd/health.lua")
DRIVER = os.path.join(ROOT, "tests/deploy/argocd/driver.lua")
CASES = load("tests/deploy/argocd/cases.yaml")


def lua_literal(value):
    """A Python value from YAML/JSON as a Lua constructor (JSON null: nil)."""
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        out = []
        for b in value.encode("utf-8"):
            c = chr(b)
            if c == "\\" or c == '"':
                out.append("\\" + c)
            elif 32 <= b < 127:
                out.append(c)
            else:
                out.append("\\%03d" % b)  # decimal escapes: Lua 5.1 and 5.4 alike
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_literal(str(k))}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def evaluate(lua, cases):
    """{case name: (status, message)} from running the script under `lua`."""
    chunk = "return {\n" + ",\n".join(
        f"  {{name = {lua_literal(c['name'])}, obj = {lua_literal(c['obj'])}}}" for c in cases) + "\n}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(chunk)
    try:
        p = subprocess.run([lua, DRIVER, SCRIPT, f.name], capture_output=True, text=True, encoding="utf-8")
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise AssertionError(f"{lua} failed:\n{p.stderr}")
    results = {}
    for line in p.stdout.splitlines():
        name, status, message = line.split("\t")
        results[name] = (status, unescape(message))
    return results


class HealthScript(unittest.TestCase):
    def check_with(self, lua_name):
        lua = tool(lua_name)
        results = evaluate(lua, CASES)
        self.assertEqual(len(results), len(CASES))
        for case in CASES:
            with self.subTest(lua=lua_name, case=case["name"]):
                status, message = results[case["name"]]
                self.assertEqual(status, case["expect"]["status"], message)
                self.assertIn(case["expect"]["message"], message)

    def test_lua51(self):
        self.check_with("lua5.1")

    def test_lua54(self):
        self.check_with("lua5.4")

    def test_cases_cover_every_health(self):
        seen = {c["expect"]["status"] for c in CASES}
        self.assertEqual(seen, {"Healthy", "Progressing", "Degraded"})

    def test_every_phase_of_the_contract_is_a_case(self):
        phases = {c["obj"].get("status", {}).get("phase") for c in CASES}
        for phase in ("InSync", "Drifted", "Applying", "Blocked", "Error", "Pending"):
            self.assertIn(phase, phases)

    def test_a_wrong_script_is_caught(self):
        # The driver must report what the script returns, not what the test expects: a script that
        # always says Healthy fails the Degraded cases.
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write('return {status = "Healthy", message = "always"}\n')
        global SCRIPT
        saved, SCRIPT = SCRIPT, f.name
        try:
            results = evaluate(tool("lua5.4"), CASES)
        finally:
            SCRIPT = saved
            os.unlink(f.name)
        wrong = [c["name"] for c in CASES if results[c["name"]][0] != c["expect"]["status"]]
        self.assertGreater(len(wrong), 10)

    def test_argocd_cm_entry_is_the_script(self):
        cm = load("deploy/argocd/argocd-cm.yaml")
        self.assertEqual(cm["kind"], "ConfigMap")
        self.assertEqual(cm["metadata"]["name"], "argocd-cm")
        self.assertEqual(cm["data"]["resource.customizations.health.dbschema.io_DatabaseSchema"],
                         read("deploy/argocd/health.lua"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
