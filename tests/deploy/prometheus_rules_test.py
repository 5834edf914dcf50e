#!/usr/bin/env python3
"""deploy/prometheus/rules.yaml: `promtool check rules`, `promtool test rules` with
tests/deploy/prometheus/rules_test.yaml, a firing and a not-firing case for every alert, and proof
that the unit tests notice a broken rule; every alert's runbook_url is a section of the
repository's docs/troubleshooting.md that exists."""
import copy
import os
import shutil
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, load, run, tool  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tests", "docs"))
from links_test import anchors  # noqa: E402  (GitHub's heading anchors, as the docs' link test reads them)

RULES = "deploy/prometheus/rules.yaml"
UNIT_TESTS = "tests/deploy/prometheus/rules_test.yaml"
SEVERITIES = {"critical", "warning", "info"}
# The alerts the issue asks for, with the `for` each must wait.
REQUIRED = {
    "DatabaseSchemaDrifted": "30m",
    "DatabaseSchemaDestructiveChangesPending": "1h",
    "DatabaseSchemaDatabaseUnreachable": "5m",
    "SchemaOperatorReconcileErrors": "15m",
    "SchemaOperatorAbsent": "10m",
}
# Where the runbooks are: the repository's docs, as a browser opens them from the hosted repository.
RUNBOOK_BASE = "https://github.com/schema-operator/schema-operator/blob/main/"
RUNBOOKS = "docs/troubleshooting.md"


def alerts(rules):
    return [r for g in rules["groups"] for r in g["rules"] if "alert" in r]


def promtool_test(rules, unit_tests):
    """Runs `promtool test rules` on unit_tests against `rules` (a dict) in a scratch folder laid out
    like the repository, so the unit tests' relative rule_files path still resolves."""
    with tempfile.TemporaryDirectory() as tmp:
        rules_path = os.path.join(tmp, RULES)
        tests_path = os.path.join(tmp, UNIT_TESTS)
        os.makedirs(os.path.dirname(rules_path))
        os.makedirs(os.path.dirname(tests_path))
        with open(rules_path, "w") as f:
            yaml.safe_dump(rules, f, sort_keys=False)
        shutil.copy(os.path.join(ROOT, unit_tests), tests_path)
        return run([tool("promtool"), "test", "rules", tests_path], check=False, cwd=tmp)


class Rules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = load(RULES)
        cls.tests = load(UNIT_TESTS)

    def test_promtool_check_rules(self):
        p = run([tool("promtool"), "check", "rules", RULES])
        self.assertIn("SUCCESS", p.stdout)

    def test_promtool_test_rules(self):
        p = run([tool("promtool"), "test", "rules", UNIT_TESTS], check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("SUCCESS", p.stdout)

    def test_required_alerts(self):
        by_name = {a["alert"]: a for a in alerts(self.rules)}
        for name, wait in REQUIRED.items():
            self.assertIn(name, by_name)
            self.assertEqual(by_name[name]["for"], wait, name)
        for a in alerts(self.rules):
            with self.subTest(alert=a["alert"]):
                self.assertIn(a["labels"]["severity"], SEVERITIES)
                self.assertTrue(a["annotations"].get("summary"))
                self.assertTrue(a["annotations"].get("description"))

    def test_every_alert_has_a_runbook_section_that_exists(self):
        headings = set(anchors(os.path.join(ROOT, RUNBOOKS)))
        for a in alerts(self.rules):
            with self.subTest(alert=a["alert"]):
                url = a["annotations"].get("runbook_url", "")
                self.assertTrue(url.startswith(RUNBOOK_BASE + RUNBOOKS + "#"), url)
                anchor = url.partition("#")[2]
                self.assertIn(anchor, headings, f"{RUNBOOKS} has no heading #{anchor}")
                self.assertEqual(anchor, a["alert"].lower(), "one section per alert, named after it")

    def test_an_operator_that_is_not_scraped_at_all_is_an_alert(self):
        # Without it, a dead operator (or a ServiceMonitor that selects nothing) silences every
        # other alert: they need the operator's own series.
        absent = {a["alert"]: a for a in alerts(self.rules)}["SchemaOperatorAbsent"]
        self.assertRegex(absent["expr"], r"^absent\(up\{[^}]*schema-operator[^}]*\} == 1\)$")
        self.assertEqual(absent["labels"]["severity"], "critical")

    def test_every_alert_has_a_firing_and_a_quiet_case(self):
        firing, quiet = set(), set()
        for group in self.tests["tests"]:
            for t in group.get("alert_rule_test", []):
                (firing if t.get("exp_alerts") else quiet).add(t["alertname"])
        names = {a["alert"] for a in alerts(self.rules)}
        self.assertEqual(names - firing, set(), "alerts never tested firing")
        self.assertEqual(names - quiet, set(), "alerts never tested quiet")

    def test_unit_tests_notice_a_rule_that_never_fires(self):
        for a in alerts(self.rules):
            with self.subTest(alert=a["alert"]):
                broken = copy.deepcopy(self.rules)
                for b in alerts(broken):
                    if b["alert"] == a["alert"]:
                        b["expr"] = "vector(1) > 2"
                p = promtool_test(broken, UNIT_TESTS)
                self.assertNotEqual(p.returncode, 0, "promtool test rules passed with " + a["alert"] + " disabled")

    def test_unit_tests_notice_a_rule_that_fires_at_once(self):
        for a in alerts(self.rules):
            with self.subTest(alert=a["alert"]):
                broken = copy.deepcopy(self.rules)
                for b in alerts(broken):
                    if b["alert"] == a["alert"]:
                        b["for"] = "0s"
                p = promtool_test(broken, UNIT_TESTS)
                self.assertNotEqual(p.returncode, 0, "promtool test rules passed with no `for` on " + a["alert"])

    def test_scratch_copy_passes_unchanged(self):
        # The mutation tests above mean something only if the unchanged rules pass the same way.
        p = promtool_test(self.rules, UNIT_TESTS)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
