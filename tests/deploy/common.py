"""Shared by the tests of tests/deploy: paths, the tools they run, and YAML helpers."""
import os
import shutil
import subprocess
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS_BIN = os.path.join(ROOT, ".tools", "bin")

# The (verb, API group, resource) calls the operator makes, read from the code; the RBAC in
# deploy/ and in the chart must grant exactly these, no more:
#   src/controller/manager.cpp watchResources -> src/kube/watcher.cpp runWatcher: LIST, WATCH
#     databaseschemas and secrets;
#   src/controller/manager.cpp writeStatus: PUT databaseschemas/NAME/status (request::replaceStatus);
#   src/kube/events.cpp EventRecorder::record: POST events, PATCH events (core group "", v1).
WATCHED_NAMESPACE_ACCESS = {
    ("list", "dbschema.io", "databaseschemas"),
    ("watch", "dbschema.io", "databaseschemas"),
    ("update", "dbschema.io", "databaseschemas/status"),
    ("list", "", "secrets"),
    ("watch", "", "secrets"),
    ("create", "", "events"),
    ("patch", "", "events"),
    ("create", "", "configmaps"),
    ("update", "", "configmaps"),
}
# src/kube/lease.cpp LeaderElector: GET the Lease, POST it when missing, PUT it (acquire, renew,
# release); only in the operator's own namespace.
LEASE_ACCESS = {
    ("get", "coordination.k8s.io", "leases"),
    ("create", "coordination.k8s.io", "leases"),
    ("update", "coordination.k8s.io", "leases"),
}

# What people get through Kubernetes' default roles (deploy/base/aggregated-roles.yaml and the
# chart's copy): `view` reads DatabaseSchemas, `edit` and `admin` also write them; nobody but the
# operator writes their status.
VIEW_ACCESS = {(verb, "dbschema.io", resource) for verb in ("get", "list", "watch")
               for resource in ("databaseschemas", "databaseschemas/status")}
EDIT_ACCESS = {(verb, "dbschema.io", "databaseschemas")
               for verb in ("create", "update", "patch", "delete", "deletecollection")}
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-"


def check_aggregated_roles(tc, objects, view_name, edit_name):
    """The two ClusterRoles that extend the default view and edit/admin roles (unittest tc)."""
    view = one(objects, "ClusterRole", view_name)
    tc.assertEqual(access(view["rules"]), VIEW_ACCESS)
    tc.assertEqual({k: v for k, v in view["metadata"]["labels"].items() if k.startswith(AGGREGATE)},
                   {AGGREGATE + "view": "true"})
    edit = one(objects, "ClusterRole", edit_name)
    tc.assertEqual(access(edit["rules"]), EDIT_ACCESS)
    tc.assertEqual({k: v for k, v in edit["metadata"]["labels"].items() if k.startswith(AGGREGATE)},
                   {AGGREGATE + "edit": "true", AGGREGATE + "admin": "true"})
    for role in (view, edit):
        tc.assertNotIn("aggregationRule", role)
        tc.assertFalse([b for b in find(objects, "ClusterRoleBinding") + find(objects, "RoleBinding")
                        if b["roleRef"]["name"] == role["metadata"]["name"]], "bound through the default roles only")
    return view, edit


def tool(name, env=None, fallback=None):
    """The path of a tool: $env, then PATH, then fallback; the test fails (never skips) without it."""
    if env and os.environ.get(env):
        return os.environ[env]
    found = shutil.which(name)
    if found:
        return found
    if fallback and os.access(fallback, os.X_OK):
        return fallback
    # A missing tool is a failure, not a skip: `make deps` installs every one.
    raise RuntimeError(f"{name} not found; `make deps` installs it" + (f" ({fallback})" if fallback else ""))


def helm():
    path = os.environ.get("HELM") or os.path.join(TOOLS_BIN, "helm")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} not found: run `make tools` (part of `make deps`)")
    return path


def kubectl():
    return tool("kubectl", "KUBECTL", os.path.join(TOOLS_BIN, "kubectl"))


def run(args, check=True, **kw):
    """Runs a command with no network-dependent environment; returns CompletedProcess."""
    env = dict(os.environ)
    env.setdefault("HOME", tempfile.gettempdir())
    p = subprocess.run(args, capture_output=True, text=True, env=env, cwd=kw.pop("cwd", ROOT), **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def load_all(text):
    return [d for d in yaml.safe_load_all(text) if d]


def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return yaml.safe_load(f)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def find(objects, kind, name=None, namespace=None):
    """Every object of that kind (and name, and namespace when given)."""
    return [o for o in objects if o.get("kind") == kind
            and (name is None or o["metadata"]["name"] == name)
            and (namespace is None or o["metadata"].get("namespace") == namespace)]


def one(objects, kind, name=None, namespace=None):
    found = find(objects, kind, name, namespace)
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {namespace or ''}/{name or '*'}, found {len(found)}: "
                             f"{sorted((o['metadata'].get('namespace', ''), o['metadata']['name']) for o in find(objects, kind))}")
    return found[0]


def access(rules):
    """The (verb, group, resource) triples a list of RBAC rules grants. A wildcard is kept as '*'
    so that it can never equal the expected set."""
    granted = set()
    for r in rules:
        for group in r.get("apiGroups", []):
            for resource in r.get("resources", []):
                for verb in r.get("verbs", []):
                    granted.add((verb, group, resource))
    return granted


def container_args(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0].get("args", [])


def flag(args, name):
    """The value of --name=VALUE among args, None when absent, True for a bare --name."""
    for a in args:
        if a == f"--{name}":
            return True
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def port_number(container, port):
    """A probe's port, by number or by name."""
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    raise AssertionError(f"no container port named {port}")


def check_deployment(tc, d, service_account, replicas=2, leader_elect=True):
    """The Deployment's contract, for deploy/ and the chart alike (unittest.TestCase tc)."""
    spec = d["spec"]
    pod = spec["template"]["spec"]
    tc.assertEqual(spec["replicas"], replicas)
    for k, v in spec["selector"]["matchLabels"].items():
        tc.assertEqual(spec["template"]["metadata"]["labels"].get(k), v, f"selector label {k}")
    tc.assertEqual(pod["serviceAccountName"], service_account)
    tc.assertEqual(len(pod["containers"]), 1)
    c = pod["containers"][0]
    args = c.get("args", [])
    tc.assertNotIn("run", args, "the image's ENTRYPOINT is `schema-operator run`; args are its flags")
    tc.assertNotIn("command", c, "the image's ENTRYPOINT runs the operator")

    # Leader election with the Lease in the pod's own namespace.
    tc.assertEqual(flag(args, "leader-elect") is True, leader_elect, args)
    if leader_elect:
        tc.assertEqual(flag(args, "leader-election-namespace"), "$(POD_NAMESPACE)")
        env = {e["name"]: e for e in c.get("env", [])}
        tc.assertEqual(env["POD_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.namespace")

    # Pod and container security.
    psc = pod["securityContext"]
    tc.assertIs(psc["runAsNonRoot"], True)
    tc.assertEqual(psc["runAsUser"], 65532)
    tc.assertEqual(psc["seccompProfile"], {"type": "RuntimeDefault"})
    sc = c["securityContext"]
    tc.assertIs(sc["runAsNonRoot"], True)
    tc.assertIs(sc["readOnlyRootFilesystem"], True)
    tc.assertIs(sc["allowPrivilegeEscalation"], False)
    tc.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
    tc.assertEqual(sc["seccompProfile"], {"type": "RuntimeDefault"})
    tc.assertNotIn("privileged", sc)

    # The placeholder resources (bench measurements replace them).
    tc.assertEqual(c["resources"], {"requests": {"cpu": "10m", "memory": "48Mi"},
                                    "limits": {"cpu": "500m", "memory": "256Mi"}})

    # Metrics on 8080, probes on 8081, and the flags that make the binary listen there.
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    tc.assertEqual(ports, {"metrics": 8080, "health": 8081})
    tc.assertEqual(flag(args, "metrics-bind-address"), ":8080")
    tc.assertEqual(flag(args, "health-probe-bind-address"), ":8081")
    tc.assertEqual(c["livenessProbe"]["httpGet"]["path"], "/healthz")
    tc.assertEqual(port_number(c, c["livenessProbe"]["httpGet"]["port"]), 8081)
    tc.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/readyz")
    tc.assertEqual(port_number(c, c["readinessProbe"]["httpGet"]["port"]), 8081)

    # The runtime dir is a writable volume: the root filesystem is read-only.
    runtime = flag(args, "runtime-dir")
    tc.assertTrue(runtime, "--runtime-dir is set")
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    tc.assertIn(runtime, mounts, "--runtime-dir is a mounted volume")
    tc.assertFalse(mounts[runtime].get("readOnly", False))
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    tc.assertIn("emptyDir", volumes[mounts[runtime]["name"]])
    tc.assertIn(flag(args, "log-level"), ("debug", "info", "warn", "error"))
    tc.assertIn(flag(args, "log-format"), ("json", "text"))
    return args
