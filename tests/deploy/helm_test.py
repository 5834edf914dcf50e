#!/usr/bin/env python3
"""charts/schema-operator: `helm lint`, and `helm template` for both RBAC scopes and the
monitoring options, asserting the rendered objects and rules."""
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (LEASE_ACCESS, WATCHED_NAMESPACE_ACCESS, access, check_aggregated_roles, check_deployment,  # noqa: E402
                    container_args, find, flag, helm, load, load_all, one, read, run)

# Helm keeps a cache and a config under $HOME; a scratch folder keeps the machine clean.
_HELM_HOME = tempfile.mkdtemp(prefix="helm-test-")
for _var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
    os.environ[_var] = os.path.join(_HELM_HOME, _var.lower())

CHART = "charts/schema-operator"
RELEASE, NS = "so", "ops"
# Helm renders offline for a default Kubernetes older than the chart's kubeVersion: name the one
# the tests run (tests/controlplane builds kube-apiserver 1.37), as `helm install` learns it from the cluster.
KUBE_VERSION = "1.37.0"
FULL = "so-schema-operator"


def template(*values, check=True):
    args = [helm(), "template", RELEASE, CHART, "--namespace", NS, "--kube-version", KUBE_VERSION]
    for v in values:
        args += ["--set", v]
    p = run(args, check=check)
    return p if not check else load_all(p.stdout)


class Lint(unittest.TestCase):
    def test_lint_both_scopes_strict(self):
        for scope in ("cluster", "namespace"):
            p = run([helm(), "lint", "--strict", CHART, "--kube-version", KUBE_VERSION, "--set", f"rbac.scope={scope}",
                     "--set", "serviceMonitor.enabled=true,prometheusRule.enabled=true,dashboard.enabled=true"])
            self.assertIn("0 chart(s) failed", p.stdout)

    def test_invalid_values_are_refused(self):
        for bad in ("rbac.scope=everywhere", "logLevel=verbose", "logFormat=xml", "concurrency=0"):
            p = template(bad, check=False)
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn(bad.split("=")[0].split(".")[-1], p.stderr, bad)

    def test_unknown_keys_are_refused_at_every_level(self):
        # A misspelt value (rbac.scopee, resources.request) must fail the install, not be ignored.
        schema = json.loads(read(f"{CHART}/values.schema.json"))
        levels = []

        def walk(node, path):
            if node.get("type") == "object" and "properties" in node:
                levels.append(path)
                self.assertIs(node.get("additionalProperties"), False, path or "(root)")
                for key, child in node["properties"].items():
                    walk(child, path + [key])
        walk(schema, [])
        self.assertGreater(len(levels), 10)
        for path in levels:
            bad = ".".join(path + ["misspelt"]) + "=1"
            p = template(bad, check=False)
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn(f"{'.'.join(path) or '(root)'}: Additional property misspelt is not allowed", p.stderr, bad)
        # The documented values themselves are all known.
        p = template(*[f"{k}=x" for k in ("serviceMonitor.labels.release", "podLabels.team", "nodeSelector.zone")],
                     check=False)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_values_are_all_documented(self):
        # Every key in values.yaml has a comment right above it, except the children of free-form
        # maps that are documented as a whole, and section headers whose children are documented.
        lines = read(f"{CHART}/values.yaml").splitlines()
        free_form = {"resources", "podSecurityContext", "securityContext", "labels"}
        stack = []  # (indent, key)
        undocumented = []
        for i, line in enumerate(lines):
            m = re.match(r"^( *)([A-Za-z][A-Za-z0-9]*):(.*)$", line)
            if not m:
                continue
            indent, key, rest = len(m.group(1)), m.group(2), m.group(3).strip()
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parents = [k for _, k in stack]
            stack.append((indent, key))
            if any(p in free_form for p in parents):
                continue
            is_section = rest == "" and key not in free_form
            if is_section:
                continue
            prev = next((l for l in reversed(lines[:i]) if l.strip()), "")
            if not prev.lstrip().startswith("#"):
                undocumented.append(".".join(parents + [key]))
        self.assertEqual(undocumented, [])

    def test_readme_lists_every_value(self):
        values = load(f"{CHART}/values.yaml")
        readme = read(f"{CHART}/README.md")

        def leaves(d, prefix=""):
            for k, v in d.items():
                path = prefix + k
                if isinstance(v, dict) and v and k not in ("resources", "podSecurityContext", "securityContext", "labels"):
                    yield from leaves(v, path + ".")
                else:
                    yield path
        missing = [p for p in leaves(values) if f"| `{p}` |" not in readme]
        self.assertEqual(missing, [])


class ClusterScope(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.objects = template()

    def test_kinds(self):
        self.assertEqual(sorted(o["kind"] for o in self.objects),
                         sorted(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                                 "Deployment", "Service", "PodDisruptionBudget", "ClusterRole", "ClusterRole"]))
        for o in self.objects:
            if o["kind"] not in ("ClusterRole", "ClusterRoleBinding"):
                self.assertEqual(o["metadata"]["namespace"], NS, o["kind"])

    def test_cluster_role_grants_exactly_the_calls(self):
        role = one(self.objects, "ClusterRole", FULL)
        self.assertEqual(access(role["rules"]), WATCHED_NAMESPACE_ACCESS)
        self.assertEqual(role["rules"], load("deploy/rbac/cluster-role.yaml")["rules"],
                         "the same rules as deploy/rbac/cluster-role.yaml")
        binding = one(self.objects, "ClusterRoleBinding", FULL)
        self.assertEqual(binding["roleRef"]["name"], FULL)
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": FULL, "namespace": NS}])

    def test_default_roles_cover_databaseschemas(self):
        view, edit = check_aggregated_roles(self, self.objects, f"{FULL}-view", f"{FULL}-edit")
        deployed = load_all(read("deploy/base/aggregated-roles.yaml"))
        self.assertEqual([view["rules"], edit["rules"]], [r["rules"] for r in deployed],
                         "the same rules as deploy/base/aggregated-roles.yaml")

    def test_leader_election_role(self):
        role = one(self.objects, "Role", f"{FULL}-leader-election", NS)
        self.assertEqual(access(role["rules"]), LEASE_ACCESS)
        args = container_args(one(self.objects, "Deployment", FULL, NS))
        lease = flag(args, "leader-election-id")
        self.assertEqual(lease, FULL)
        for rule in role["rules"]:
            if set(rule["verbs"]) & {"get", "update"}:
                self.assertEqual(rule["resourceNames"], [lease])
        binding = one(self.objects, "RoleBinding", f"{FULL}-leader-election", NS)
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": FULL, "namespace": NS}])

    def test_deployment(self):
        d = one(self.objects, "Deployment", FULL, NS)
        one(self.objects, "ServiceAccount", FULL, NS)
        args = check_deployment(self, d, FULL)
        self.assertIsNone(flag(args, "namespace"), "cluster scope watches every namespace")
        self.assertEqual(flag(args, "lease-duration"), "15s")
        self.assertEqual(flag(args, "renew-deadline"), "10s")
        self.assertEqual(flag(args, "retry-period"), "2s")
        self.assertEqual(flag(args, "concurrency"), "4")
        self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], "schema-operator:0.1.0")

    def test_service_selects_the_pods(self):
        d = one(self.objects, "Deployment", FULL, NS)
        svc = one(self.objects, "Service", f"{FULL}-metrics", NS)
        self.assertEqual(svc["spec"]["selector"], d["spec"]["selector"]["matchLabels"])
        self.assertEqual(svc["spec"]["ports"], [{"name": "metrics", "port": 8080, "targetPort": "metrics",
                                                 "protocol": "TCP"}])

    def test_no_monitoring_by_default(self):
        for kind in ("ServiceMonitor", "PrometheusRule", "ConfigMap"):
            self.assertEqual(find(self.objects, kind), [], kind)


class NamespaceScope(unittest.TestCase):
    def test_one_role_per_watched_namespace_and_no_cluster_role(self):
        objects = template("rbac.scope=namespace", "rbac.namespaces={apps,billing}")
        self.assertEqual(find(objects, "ClusterRoleBinding"), [])
        self.assertEqual(sorted(r["metadata"]["name"] for r in find(objects, "ClusterRole")),
                         [f"{FULL}-edit", f"{FULL}-view"], "only the aggregated user roles, bound to nobody")
        args = container_args(one(objects, "Deployment", FULL, NS))
        self.assertEqual(flag(args, "namespace"), "apps,billing")
        for ns in ("apps", "billing"):
            role = one(objects, "Role", FULL, ns)
            self.assertEqual(access(role["rules"]), WATCHED_NAMESPACE_ACCESS)
            binding = one(objects, "RoleBinding", FULL, ns)
            self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": FULL})
            self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": FULL, "namespace": NS}])
        # The Lease stays in the release's namespace.
        self.assertEqual(access(one(objects, "Role", f"{FULL}-leader-election", NS)["rules"]), LEASE_ACCESS)
        self.assertEqual(len(find(objects, "Role")), 3)

    def test_defaults_to_the_release_namespace(self):
        objects = template("rbac.scope=namespace")
        args = container_args(one(objects, "Deployment", FULL, NS))
        self.assertEqual(flag(args, "namespace"), NS)
        self.assertEqual(access(one(objects, "Role", FULL, NS)["rules"]), WATCHED_NAMESPACE_ACCESS)


class Options(unittest.TestCase):
    def test_monitoring(self):
        objects = template("serviceMonitor.enabled=true", "prometheusRule.enabled=true", "dashboard.enabled=true",
                           "serviceMonitor.labels.release=prom", "dashboard.namespace=grafana")
        sm = one(objects, "ServiceMonitor", FULL, NS)
        svc = one(objects, "Service", f"{FULL}-metrics", NS)
        for k, v in sm["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(svc["metadata"]["labels"].get(k), v, k)
        self.assertEqual(sm["metadata"]["labels"]["release"], "prom")
        self.assertIs(sm["spec"]["endpoints"][0]["honorLabels"], True)
        self.assertEqual(sm["spec"]["endpoints"][0]["port"], "metrics")
        rule = one(objects, "PrometheusRule", FULL, NS)
        self.assertEqual(rule["spec"], load("deploy/prometheus/rules.yaml"), "the alerts are deploy/prometheus/rules.yaml")
        cm = one(objects, "ConfigMap", f"{FULL}-dashboard", "grafana")
        self.assertEqual(cm["metadata"]["labels"]["grafana_dashboard"], "1")
        self.assertEqual(json.loads(cm["data"]["schema-operator.json"]),
                         json.loads(read("deploy/monitoring/dashboards/schema-operator.json")))

    def test_runbooks_can_point_at_the_platform_teams_copy(self):
        base = "https://wiki.example.com/schema-operator/troubleshooting"
        rule = one(template("prometheusRule.enabled=true", f"prometheusRule.runbookBaseURL={base}"),
                   "PrometheusRule", FULL, NS)
        urls = [r["annotations"]["runbook_url"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r]
        self.assertTrue(urls)
        for r in (r for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r):
            self.assertEqual(r["annotations"]["runbook_url"], f"{base}#{r['alert'].lower()}")
        refused = template("prometheusRule.enabled=true", "prometheusRule.runbookBaseURL=not a url", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("runbookBaseURL", refused.stderr)

    def test_without_leader_election(self):
        objects = template("leaderElection.enabled=false", "replicaCount=1")
        d = one(objects, "Deployment", FULL, NS)
        check_deployment(self, d, FULL, replicas=1, leader_elect=False)
        self.assertEqual([r for r in find(objects, "Role") if "leader" in r["metadata"]["name"]], [])
        self.assertEqual(find(objects, "PodDisruptionBudget"), [], "no PDB for a single replica")

    def test_image_logs_and_extra_args(self):
        objects = template("image.repository=registry.example.com/so", "image.tag=1.2.3", "logLevel=debug",
                           "logFormat=text", "extraArgs={--lock-timeout=10s}", "concurrency=2")
        d = one(objects, "Deployment", FULL, NS)
        c = d["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c["image"], "registry.example.com/so:1.2.3")
        args = c["args"]
        self.assertEqual(flag(args, "log-level"), "debug")
        self.assertEqual(flag(args, "log-format"), "text")
        self.assertEqual(flag(args, "lock-timeout"), "10s")
        self.assertEqual(flag(args, "concurrency"), "2")

    def test_no_rbac(self):
        objects = template("rbac.create=false", "rbac.aggregateToDefaultRoles=false")
        for kind in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"):
            self.assertEqual(find(objects, kind), [], kind)
        # The operator's own RBAC and the user roles are separate choices.
        objects = template("rbac.create=false")
        self.assertEqual(sorted(r["metadata"]["name"] for r in find(objects, "ClusterRole")),
                         [f"{FULL}-edit", f"{FULL}-view"])

    def test_crd(self):
        p = run([helm(), "template", RELEASE, CHART, "--namespace", NS, "--include-crds", "--kube-version", KUBE_VERSION])
        crd = one(load_all(p.stdout), "CustomResourceDefinition", "databaseschemas.dbschema.io")
        self.assertEqual(crd, load("crds/databaseschemas.yaml"))
        self.assertEqual(read(f"{CHART}/crds/databaseschemas.yaml"), read("crds/databaseschemas.yaml"))

    def test_kube_version_covers_the_crds_cel_features(self):
        # The API server refuses a CRD whose rules use what it does not know, so the chart must
        # not promise a Kubernetes older than the newest feature its CRD uses.
        needs = {  # what the CRD's text uses -> the first Kubernetes that has it
            r"x-kubernetes-validations": (1, 25),
            r"messageExpression:": (1, 27),
            r"^\s*(- )?(reason|fieldPath):": (1, 28),
            r"\.transformMapEntry\(": (1, 32),
            r"\.distinct\(\)": (1, 34),
        }
        crd = read("crds/databaseschemas.yaml")
        used = [v for pattern, v in needs.items() if re.search(pattern, crd, re.M)]
        self.assertIn((1, 32), used, "the map lookups the key-column rules rely on")
        self.assertIn((1, 34), used, "the repeats the duplicate rules find")
        floor = max(used)
        m = re.fullmatch(r">=(\d+)\.(\d+)\.0-0", load(f"{CHART}/Chart.yaml")["kubeVersion"])
        self.assertIsNotNone(m, "kubeVersion is a plain floor")
        self.assertEqual((int(m.group(1)), int(m.group(2))), floor)
        # And Helm holds to it.
        too_old = run([helm(), "template", RELEASE, CHART, "--kube-version", f"{floor[0]}.{floor[1] - 1}.0"], check=False)
        self.assertNotEqual(too_old.returncode, 0)
        self.assertIn("kubeVersion", too_old.stderr)
        run([helm(), "template", RELEASE, CHART, "--kube-version", f"{floor[0]}.{floor[1]}.0"])

    def test_chart_version_matches_the_binary(self):
        chart = load(f"{CHART}/Chart.yaml")
        version = re.search(r'kVersion = "([^"]+)"', read("src/core/version.hpp")).group(1)
        self.assertEqual(chart["appVersion"], version)


if __name__ == "__main__":
    try:
        unittest.main(verbosity=2)
    finally:
        shutil.rmtree(_HELM_HOME, ignore_errors=True)
