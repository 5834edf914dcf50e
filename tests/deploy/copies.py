#!/usr/bin/env python3
"""Files that exist in more than one place, because kustomize and Helm load nothing outside their
own folder. Each has one source; the others are copies (or, for the PrometheusRule, the source
wrapped in a Kubernetes object).

    python3 tests/deploy/copies.py            # check: exit 1 naming every copy that differs
    python3 tests/deploy/copies.py --write    # bring every copy up to date from its source
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

CRD = "crds/databaseschemas.yaml"
RULES = "deploy/prometheus/rules.yaml"
DASHBOARD = "deploy/monitoring/dashboards/schema-operator.json"
HEALTH_LUA = "deploy/argocd/health.lua"

PROMETHEUS_RULE_HEADER = """\
# GENERATED from deploy/prometheus/rules.yaml by `python3 tests/deploy/copies.py --write`:
# edit that file, not this one (tests/deploy checks the two agree).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: schema-operator
  namespace: schema-operator-system
  labels:
    app.kubernetes.io/name: schema-operator
spec:
"""


ARGOCD_CM_HEADER = """\
# GENERATED from deploy/argocd/health.lua by `python3 tests/deploy/copies.py --write`.
# The argocd-cm entry that teaches Argo CD the health of a DatabaseSchema. Merge it into the
# ConfigMap:
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file deploy/argocd/argocd-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  resource.customizations.health.dbschema.io_DatabaseSchema: |
"""


def indent(text, by):
    return "".join((by + l if l.strip() else l) for l in text.splitlines(keepends=True))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def rule_groups(rules_text):
    """The rules file from `groups:` on, without its leading comment."""
    lines = rules_text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("groups:"):
            return "".join(lines[i:])
    raise SystemExit(f"{RULES}: no top-level groups:")


def prometheus_rule(rules_text):
    return PROMETHEUS_RULE_HEADER + indent(rule_groups(rules_text), "  ")


def expected():
    """{copy path: the text it must have}"""
    crd, rules, dashboard = read(CRD), read(RULES), read(DASHBOARD)
    return {
        "deploy/base/crds/databaseschemas.yaml": crd,
        "charts/schema-operator/crds/databaseschemas.yaml": crd,
        "charts/schema-operator/files/prometheus-rules.yaml": rules,
        "deploy/monitoring/prometheusrule.yaml": prometheus_rule(rules),
        "charts/schema-operator/dashboards/schema-operator.json": dashboard,
        "deploy/argocd/argocd-cm.yaml": ARGOCD_CM_HEADER + indent(read(HEALTH_LUA), "    "),
    }


def main(argv):
    write = "--write" in argv
    stale = []
    for rel, text in expected().items():
        path = os.path.join(ROOT, rel)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                current = f.read()
        if current == text:
            continue
        if write:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {rel}")
        else:
            stale.append(rel)
    for rel in stale:
        print(f"FAIL: {rel} differs from its source; run python3 tests/deploy/copies.py --write", file=sys.stderr)
    if not stale:
        print(f"{len(expected())} passed, 0 failed")
    else:
        print(f"{len(expected()) - len(stale)} passed, {len(stale)} failed")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
