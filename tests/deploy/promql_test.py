#!/usr/bin/env python3
"""The Grafana dashboard parses, and every PromQL expression in it and in the alert rules uses
only the operator's metric names, labels and label values (so a typo fails here, not on a blank
panel or an alert that never fires); every expression is valid PromQL for promtool."""
import glob
import json
import os
import re
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, load, read, run, tool  # noqa: E402

DASHBOARD = "deploy/monitoring/dashboards/schema-operator.json"
RULES = "deploy/prometheus/rules.yaml"

RESOURCE = {"namespace", "name"}
# Every series the operator exports, with its own labels (the metric names are fixed by the issue).
METRICS = {
    "schema_operator_in_sync": RESOURCE,
    "schema_operator_drift_items": RESOURCE | {"change", "class"},
    "schema_operator_destructive_pending": RESOURCE,
    "schema_operator_database_up": RESOURCE,
    "schema_operator_reconcile_total": {"result"},
    "schema_operator_changes_applied_total": RESOURCE | {"change"},
    "schema_operator_last_check_timestamp_seconds": RESOURCE,
    "schema_operator_build_info": {"version"},
    "schema_operator_leader": set(),
    "process_resident_memory_bytes": set(),
    "process_cpu_seconds_total": set(),
    "process_start_time_seconds": set(),
    "process_open_fds": set(),
    # controller-runtime's names for the work queue (name="databaseschema") and the API client.
    "workqueue_depth": {"name"},
    "workqueue_adds_total": {"name"},
    "workqueue_retries_total": {"name"},
    "workqueue_unfinished_work_seconds": {"name"},
    "workqueue_longest_running_processor_seconds": {"name"},
    "rest_client_requests_total": {"code", "method", "host"},
}
HISTOGRAM_LABELS = {
    "schema_operator_reconcile_duration_seconds": set(),
    "schema_operator_introspection_duration_seconds": set(),
    "workqueue_queue_duration_seconds": {"name"},
    "workqueue_work_duration_seconds": {"name"},
}
HISTOGRAMS = list(HISTOGRAM_LABELS)
for h, labels in HISTOGRAM_LABELS.items():
    METRICS[h + "_bucket"] = labels | {"le"}
    METRICS[h + "_sum"] = labels
    METRICS[h + "_count"] = labels
# Prometheus's own series, one per target (1 when its scrape succeeded): SchemaOperatorAbsent.
PROMETHEUS_SERIES = {"up": set()}
# Labels Prometheus adds to every scraped series (ServiceMonitor and kubernetes_sd targets).
TARGET_LABELS = {"job", "instance", "pod", "namespace", "service", "endpoint", "container"}
LABEL_VALUES = {"class": {"safe", "destructive", "blocked"}, "result": {"success", "error"}}
FUNCTIONS = {
    "sum", "count", "max", "min", "avg", "topk", "bottomk", "quantile", "group", "stddev", "count_values",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "time", "vector",
    "scalar", "abs", "clamp_min", "clamp_max", "max_over_time", "min_over_time", "avg_over_time",
    "last_over_time", "changes", "resets", "absent", "absent_over_time", "label_replace", "round",
    "timestamp", "sort", "sort_desc",
}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
# Grafana's variables, replaced by something PromQL accepts.
GRAFANA_VARS = [(r"\$__rate_interval|\$__interval|\$__range", "5m"), (r"\$\{?[A-Za-z_]+\}?", "x")]

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<range>\[[^\]]*\])
  | (?P<braces>\{[^}]*\})
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_]))
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<other>[()\,+\-*/%^=!<>~]+)
""", re.X)
MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


def grafana_to_promql(expr):
    for pattern, repl in GRAFANA_VARS:
        expr = re.sub(pattern, repl, expr)
    return expr


def tokens(expr):
    pos, out = 0, []
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:]!r}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def problems(expr):
    """What is wrong with one PromQL expression: unknown metrics, labels, label values, functions."""
    found = []
    toks = tokens(grafana_to_promql(expr))
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, None)
        if kind == "ident" and text in GROUPING and nxt == ("other", "("):
            j = i + 2
            while j < len(toks) and not (toks[j][0] == "other" and toks[j][1].startswith(")")):
                k, label = toks[j]
                if k == "ident" and label not in TARGET_LABELS | set().union(*METRICS.values()):
                    found.append(f"unknown label {label!r} in {text}(...)")
                j += 1
            i = j + 1
            continue
        if kind == "ident" and nxt[1] is not None and nxt[1].startswith("("):
            if text not in FUNCTIONS:
                found.append(f"unknown function {text!r}")
        elif kind == "ident" and text in FUNCTIONS and nxt[1] in ("by", "without"):
            pass  # an aggregation with its grouping first: sum by (le) (...)
        elif kind == "ident" and text in KEYWORDS:
            pass
        elif kind == "ident":
            if text not in METRICS and text not in PROMETHEUS_SERIES:
                found.append(f"unknown metric {text!r}")
            elif nxt[0] == "braces":
                found += matcher_problems(text, nxt[1])
                i += 1
        elif kind == "braces":
            found.append(f"a selector without a metric name: {text}")
        i += 1
    return found


def matcher_problems(metric, braces):
    found, body = [], braces[1:-1]
    pos = 0
    while pos < len(body.strip()) and body[pos:].strip():
        m = MATCHER.match(body, pos)
        if not m:
            found.append(f"cannot read the matchers {braces}")
            break
        label, op, value = m.groups()
        pos = m.end()
        if label not in {**METRICS, **PROMETHEUS_SERIES}[metric] | TARGET_LABELS:
            found.append(f"{metric} has no label {label!r}")
        elif label in LABEL_VALUES and op in ("=", "!=") and value not in LABEL_VALUES[label]:
            found.append(f"{metric}{{{label}}} is never {value!r}")
    return found


def dashboard_exprs(dashboard):
    exprs = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                exprs.append((f"panel {p['title']!r} {t['refId']}", t["expr"]))
            walk(p.get("panels", []))
    walk(dashboard["panels"])
    return exprs


def rule_exprs(rules):
    return [(f"rule {r.get('alert') or r.get('record')}", r["expr"]) for g in rules["groups"] for r in g["rules"]]


class Checker(unittest.TestCase):
    """The checker itself catches what it is for."""

    def test_typos_are_caught(self):
        for bad in ['schema_operator_in_synk == 0',
                    'sum(rate(schema_operator_reconcile_totals[5m]))',
                    'schema_operator_drift_items{clas="safe"}',
                    'schema_operator_drift_items{class="unsafe"}',
                    'schema_operator_reconcile_total{result="failure"}',
                    'histogram_quantile(0.9, sum by (le) (rate(schema_operator_reconcile_duration_seconds[5m])))',
                    'sum by (nmespace) (schema_operator_in_sync)',
                    'sum by (le)(rate(schema_operator_reconcile_duration_secs_bucket[5m]))',
                    'rat(schema_operator_reconcile_total[5m])',
                    '{__name__="schema_operator_in_sync"}']:
            with self.subTest(expr=bad):
                self.assertTrue(problems(bad), bad)

    def test_good_expressions_pass(self):
        for good in ['sum by (namespace, name) (schema_operator_drift_items{namespace=~"$namespace", class="blocked"})',
                     'histogram_quantile(0.99, sum by (le) (rate(schema_operator_reconcile_duration_seconds_bucket[$__rate_interval])))',
                     'schema_operator_in_sync == 0 unless on (namespace, name) schema_operator_database_up == 0',
                     'count(schema_operator_database_up == 0) or vector(0)',
                     'time() - process_start_time_seconds{job=~"$job"}']:
            with self.subTest(expr=good):
                self.assertEqual(problems(good), [])


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ROOT, DASHBOARD), encoding="utf-8") as f:
            cls.dashboard = json.load(f)
        cls.exprs = dashboard_exprs(cls.dashboard)

    def test_structure(self):
        d = self.dashboard
        self.assertEqual(d["uid"], "schema-operator")
        self.assertTrue(d["title"])
        ids = [p["id"] for p in d["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "panel ids are unique")
        names = {v["name"] for v in d["templating"]["list"]}
        self.assertLessEqual({"datasource", "namespace"}, names)
        cells = set()
        for p in d["panels"]:
            with self.subTest(panel=p["title"]):
                self.assertEqual(p["datasource"], {"type": "prometheus", "uid": "${datasource}"})
                refs = [t["refId"] for t in p["targets"]]
                self.assertEqual(len(refs), len(set(refs)))
                g = p["gridPos"]
                self.assertLessEqual(g["x"] + g["w"], 24)
                mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
                self.assertFalse(cells & mine, "panels overlap")
                cells |= mine

    def test_every_expression_uses_known_metrics(self):
        self.assertGreater(len(self.exprs), 15)
        for where, expr in self.exprs:
            with self.subTest(where=where):
                self.assertEqual(problems(expr), [], expr)

    def test_template_variables_use_known_metrics(self):
        for v in self.dashboard["templating"]["list"]:
            if v["type"] != "query":
                continue
            q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", q)
            self.assertIsNotNone(m, q)
            metric, label = m.groups()
            self.assertIn(metric, METRICS)
            self.assertIn(label, METRICS[metric] | TARGET_LABELS)

    def test_required_panels(self):
        joined = "\n".join(e for _, e in self.exprs)
        compact = re.sub(r"\s+", "", joined)
        # drift per resource
        self.assertIn("sumby(namespace,name)(schema_operator_drift_items", compact)
        # in-sync ratio
        self.assertRegex(compact, r"sum\(schema_operator_in_sync[^)]*\)/count\(schema_operator_in_sync")
        # pending destructive changes
        self.assertIn("schema_operator_destructive_pending", compact)
        # reconcile latency p50 and p99 from the histogram
        for q in ("0.5", "0.99"):
            self.assertIn(f"histogram_quantile({q},sumby(le)(rate(schema_operator_reconcile_duration_seconds_bucket",
                          compact)
        # errors
        self.assertIn("sumby(result)(rate(schema_operator_reconcile_total", compact)
        # database up
        self.assertIn("schema_operator_database_up", compact)

    def test_chart_copy_is_identical(self):
        self.assertEqual(read("charts/schema-operator/dashboards/schema-operator.json"), read(DASHBOARD))


class Expressions(unittest.TestCase):
    def test_rules_use_known_metrics(self):
        for where, expr in rule_exprs(load(RULES)):
            with self.subTest(where=where):
                self.assertEqual(problems(expr), [], expr)

    def test_every_dashboard_expression_is_valid_promql(self):
        # promtool parses each one as a recording rule.
        with open(os.path.join(ROOT, DASHBOARD), encoding="utf-8") as f:
            exprs = dashboard_exprs(json.load(f))
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:expr_{i}", "expr": grafana_to_promql(e)} for i, (_, e) in enumerate(exprs)]}]}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            yaml.safe_dump(rules, f)
        try:
            p = run([tool("promtool"), "check", "rules", f.name], check=False)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"SUCCESS: {len(exprs)} rules found", p.stdout)

    def test_the_operator_exports_every_metric(self):
        # The names are fixed; the code that exports them must agree (src/metrics).
        source = "".join(read(os.path.relpath(p, ROOT)) for p in glob.glob(os.path.join(ROOT, "src/metrics/*.cpp")))
        for name in [m for m in METRICS if not m.endswith(("_bucket", "_sum", "_count"))] + HISTOGRAMS:
            with self.subTest(metric=name):
                self.assertIn(f'"{name}"', source)


if __name__ == "__main__":
    unittest.main(verbosity=2)
