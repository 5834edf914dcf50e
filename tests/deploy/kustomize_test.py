#!/usr/bin/env python3
"""`kubectl kustomize` renders deploy/ (cluster-wide), deploy/namespaced/ and deploy/monitoring/
offline, with the objects, RBAC and security settings the install documents."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (LEASE_ACCESS, WATCHED_NAMESPACE_ACCESS, access, check_aggregated_roles, check_deployment,  # noqa: E402
                    find, flag, container_args, kubectl, load, load_all, one, read, run)

NS = "schema-operator-system"


def render(path):
    return load_all(run([kubectl(), "kustomize", path]).stdout)


class Common:
    """Checks that hold for both deploy/ and deploy/namespaced/."""

    def test_namespace_and_crd(self):
        one(self.objects, "Namespace", NS)
        crd = one(self.objects, "CustomResourceDefinition", "databaseschemas.dbschema.io")
        self.assertEqual(crd, load("crds/databaseschemas.yaml"), "the CRD is the repository's crds/ file")

    def test_every_namespaced_object_is_in_a_known_namespace(self):
        cluster_scoped = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"}
        for o in self.objects:
            ns = o["metadata"].get("namespace")
            if o["kind"] in cluster_scoped:
                self.assertIsNone(ns, f"{o['kind']} {o['metadata']['name']}")
            else:
                self.assertIn(ns, self.allowed_namespaces, f"{o['kind']} {o['metadata']['name']}")

    def test_deployment(self):
        d = one(self.objects, "Deployment", "schema-operator", NS)
        one(self.objects, "ServiceAccount", "schema-operator", NS)
        check_deployment(self, d, "schema-operator")
        c = d["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c["image"], "schema-operator:0.1.0", "kustomize's images: sets the tag")

    def test_metrics_service_selects_the_pods(self):
        d = one(self.objects, "Deployment", "schema-operator", NS)
        svc = one(self.objects, "Service", "schema-operator-metrics", NS)
        pod_labels = d["spec"]["template"]["metadata"]["labels"]
        for k, v in svc["spec"]["selector"].items():
            self.assertEqual(pod_labels.get(k), v)
        port = {p["name"]: p for p in svc["spec"]["ports"]}["metrics"]
        self.assertEqual(port["port"], 8080)
        self.assertEqual(port["targetPort"], "metrics")

    def test_pod_disruption_budget(self):
        d = one(self.objects, "Deployment", "schema-operator", NS)
        pdb = one(self.objects, "PodDisruptionBudget", "schema-operator", NS)
        self.assertEqual(pdb["spec"]["minAvailable"], 1)
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], d["spec"]["selector"]["matchLabels"])

    def test_leader_election_role_in_the_operator_namespace_only(self):
        role = one(self.objects, "Role", "schema-operator-leader-election", NS)
        self.assertEqual(access(role["rules"]), LEASE_ACCESS)
        # get/update only on the operator's own Lease (--leader-election-id defaults to schema-operator)
        for rule in role["rules"]:
            if set(rule["verbs"]) & {"get", "update"}:
                self.assertEqual(rule.get("resourceNames"), ["schema-operator"])
        binding = one(self.objects, "RoleBinding", "schema-operator-leader-election", NS)
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                              "name": "schema-operator-leader-election"})
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": "schema-operator", "namespace": NS}])
        for r in find(self.objects, "ClusterRole") + find(self.objects, "Role"):
            if r is not role:
                self.assertFalse({g for (_, g, _) in access(r["rules"])} & {"coordination.k8s.io"},
                                 f"leases only in {role['metadata']['name']}")

    def test_default_roles_cover_databaseschemas(self):
        check_aggregated_roles(self, self.objects, "schema-operator-view", "schema-operator-edit")

    def test_no_wildcards_and_no_extra_objects(self):
        for r in find(self.objects, "ClusterRole") + find(self.objects, "Role"):
            for rule in r["rules"]:
                for field in ("apiGroups", "resources", "verbs"):
                    self.assertNotIn("*", rule[field], f"{r['metadata']['name']}: {field}")
        kinds = sorted(o["kind"] for o in self.objects)
        self.assertEqual(kinds, sorted(self.expected_kinds))


class ClusterWide(Common, unittest.TestCase):
    allowed_namespaces = {NS}
    expected_kinds = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "Role", "RoleBinding",
                      "ClusterRole", "ClusterRoleBinding", "Deployment", "Service", "PodDisruptionBudget",
                      "ClusterRole", "ClusterRole"]

    @classmethod
    def setUpClass(cls):
        cls.objects = render("deploy")

    def test_cluster_role_grants_exactly_the_calls_the_operator_makes(self):
        role = one(self.objects, "ClusterRole", "schema-operator")
        self.assertEqual(access(role["rules"]), WATCHED_NAMESPACE_ACCESS)
        self.assertTrue(all("resourceNames" not in r for r in role["rules"]))

    def test_cluster_role_binding(self):
        binding = one(self.objects, "ClusterRoleBinding", "schema-operator")
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                              "name": "schema-operator"})
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": "schema-operator", "namespace": NS}])

    def test_watches_every_namespace(self):
        args = container_args(one(self.objects, "Deployment", "schema-operator", NS))
        self.assertIsNone(flag(args, "namespace"))

    def test_every_rule_is_commented(self):
        # Each rule of the ClusterRole file has a comment right above it saying why.
        lines = read("deploy/rbac/cluster-role.yaml").splitlines()
        rules = [i for i, l in enumerate(lines) if l.lstrip().startswith("- apiGroups:")]
        self.assertEqual(len(rules), len(one(self.objects, "ClusterRole", "schema-operator")["rules"]))
        for i in rules:
            self.assertTrue(lines[i - 1].lstrip().startswith("#"), f"rule at line {i + 1} has no comment")


class Namespaced(Common, unittest.TestCase):
    allowed_namespaces = {NS, "apps"}
    expected_kinds = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "Role", "RoleBinding",
                      "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget",
                      "ClusterRole", "ClusterRole"]

    @classmethod
    def setUpClass(cls):
        cls.objects = render("deploy/namespaced")

    def test_no_cluster_wide_grant(self):
        # The only ClusterRoles are the ones the default user roles aggregate; none is bound.
        self.assertEqual(sorted(r["metadata"]["name"] for r in find(self.objects, "ClusterRole")),
                         ["schema-operator-edit", "schema-operator-view"])
        self.assertEqual(find(self.objects, "ClusterRoleBinding"), [])

    def test_role_in_the_watched_namespace_grants_exactly_the_calls(self):
        args = container_args(one(self.objects, "Deployment", "schema-operator", NS))
        watched = flag(args, "namespace")
        self.assertEqual(watched, "apps")
        self.assertEqual(args.count("--namespace=apps"), 1)
        role = one(self.objects, "Role", "schema-operator", watched)
        self.assertEqual(access(role["rules"]), WATCHED_NAMESPACE_ACCESS)
        binding = one(self.objects, "RoleBinding", "schema-operator", watched)
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                              "name": "schema-operator"})
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": "schema-operator", "namespace": NS}])

    def test_same_rules_as_the_cluster_role(self):
        cluster = one(render("deploy"), "ClusterRole", "schema-operator")
        self.assertEqual(one(self.objects, "Role", "schema-operator", "apps")["rules"], cluster["rules"])


class Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.objects = render("deploy/monitoring")
        cls.operator = render("deploy")

    def test_kinds(self):
        self.assertEqual(sorted(o["kind"] for o in self.objects), ["ConfigMap", "PrometheusRule", "ServiceMonitor"])
        for o in self.objects:
            self.assertEqual(o["metadata"]["namespace"], NS)

    def test_service_monitor_selects_the_metrics_service(self):
        sm = one(self.objects, "ServiceMonitor", "schema-operator", NS)
        self.assertEqual(sm["apiVersion"], "monitoring.coreos.com/v1")
        svc = one(self.operator, "Service", "schema-operator-metrics", NS)
        for k, v in sm["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(svc["metadata"]["labels"].get(k), v, f"Service label {k}")
        self.assertEqual(sm["spec"]["namespaceSelector"], {"matchNames": [NS]})
        [endpoint] = sm["spec"]["endpoints"]
        self.assertIn(endpoint["port"], [p["name"] for p in svc["spec"]["ports"]])
        self.assertEqual(endpoint.get("path", "/metrics"), "/metrics")
        self.assertIs(endpoint["honorLabels"], True, "the resources' namespace label must survive the scrape")

    def test_prometheus_rule_is_the_rules_file(self):
        rule = one(self.objects, "PrometheusRule", "schema-operator", NS)
        self.assertEqual(rule["apiVersion"], "monitoring.coreos.com/v1")
        self.assertEqual(rule["spec"], load("deploy/prometheus/rules.yaml"))

    def test_dashboard_config_map(self):
        cm = one(self.objects, "ConfigMap", "schema-operator-dashboard", NS)
        self.assertEqual(cm["metadata"]["labels"].get("grafana_dashboard"), "1")
        self.assertEqual(list(cm["data"]), ["schema-operator.json"])
        self.assertEqual(json.loads(cm["data"]["schema-operator.json"]),
                         json.loads(read("deploy/monitoring/dashboards/schema-operator.json")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
