#!/usr/bin/env python3
"""Checks crds/databaseschemas.yaml against Kubernetes' rules and against the operator's parser.

    python3 crds/check.py                      # the CRD, then examples/k8s/*.yaml
    python3 crds/check.py FILE...              # the CRD, then these files' DatabaseSchemas
    python3 crds/check.py --parser PATH        # also run the parser binary (default: build*/schema-operator)
    python3 crds/check.py --no-parser          # never run it

What it asserts:
  1. The CRD's identity: group, version, names, scope, status subresource, printer columns.
  2. The schema is structural (every node typed except under x-kubernetes-int-or-string or
     x-kubernetes-preserve-unknown-fields, properties xor additionalProperties, one `items`
     schema, no uniqueItems, metadata unconstrained), list types are sound (map keys required
     scalars, set items scalars) and every property has a description (`kubectl explain`).
  3. The schema and the parser (src/spec/*.cpp, read as text) agree: the same fields at every
     path, the same required fields, identifiers limited to 1..63, non-blank text where the parser
     refuses blank text, the same enum values and the same defaults; `nullable` has none.
  4. Defaults are valid values of their own schema.
  5. Each DatabaseSchema in the example files is valid after API-server-style pruning and
     defaulting (an offline re-implementation of the OpenAPI subset the schema uses), and, when
     the binary is available, the parser accepts the defaulted object as the controller would
     receive it.
  6. With the binary: a table of mutations of examples/k8s/shop.yaml, each judged by the schema
     and by the parser, must agree, except the documented cases where only one side can tell.

Standard library only. YAML is turned into JSON by kubectl, offline:
`kubectl label --local -f FILE <key>- -o json` (removing a label that is not there). `kubectl
create --dry-run=client` needs API discovery, so it works only with a reachable server.
"""

import argparse
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRD_FILE = os.path.join(ROOT, "crds", "databaseschemas.yaml")
SPEC_SRC = os.path.join(ROOT, "src", "spec")
SCHEMA_SRC = os.path.join(ROOT, "src", "schema")

NONBLANK = r"[^ \t\n\v\f\r]"  # the parser's isBlank(): std::isspace over bytes
IDENT_MAX = 63

failures = []


def fail(message):
    failures.append(message)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# YAML -> JSON through kubectl, offline.

def load_objects(path):
    """Every object in a YAML or JSON file, as kubectl decodes it."""
    key = "check.dbschema.io/unused"
    proc = subprocess.run(["kubectl", "label", "--local", "-f", path, key + "-", "-o", "json"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("kubectl could not read %s:\n%s" % (path, proc.stderr.strip()))
    objects, text, at = [], proc.stdout, 0
    decoder = json.JSONDecoder()
    while True:  # one JSON document per object, one after the other (or a List)
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            break
        data, at = decoder.raw_decode(text, at)
        objects.extend(data["items"] if data.get("kind") == "List" and "items" in data else [data])
    for obj in objects:  # undo the only trace of the label command
        meta = obj.get("metadata", {})
        if meta.get("labels") == {}:
            del meta["labels"]
    return objects


# ---------------------------------------------------------------------------------------------
# Schema navigation.

def node_at(schema, path):
    """'spec.tables[].columns[]' -> that node; None when missing."""
    node = schema
    if not path:
        return node
    for segment in path.split("."):
        many = segment.endswith("[]")
        name = segment[:-2] if many else segment
        node = node.get("properties", {}).get(name)
        if node is None:
            return None
        if many:
            node = node.get("items")
            if node is None:
                return None
    return node


def walk(node, path="", under_preserve=False, is_property=True):
    """Yields (path, node, is_property, under_preserve) for every schema node; is_property is false
    for the element schemas of lists and maps."""
    yield path, node, is_property, under_preserve
    inner_preserve = under_preserve or node.get("x-kubernetes-preserve-unknown-fields") is True
    for name, child in node.get("properties", {}).items():
        yield from walk(child, (path + "." if path else "") + name, inner_preserve)
    if isinstance(node.get("items"), dict):
        yield from walk(node["items"], path + "[]", inner_preserve, False)
    if isinstance(node.get("additionalProperties"), dict):
        yield from walk(node["additionalProperties"], path + "{}", inner_preserve, False)


# ---------------------------------------------------------------------------------------------
# 1. Identity of the CRD.

CONTRACT_COLUMNS = [
    ("Phase", "string", ".status.phase"),
    ("Drift", "integer", ".status.drift.count"),
    ("Destructive", "integer", ".status.plan.destructive"),
    ("Mode", "string", ".spec.mode"),
    ("Age", "date", ".metadata.creationTimestamp"),
]


def check_identity(crd):
    if crd.get("apiVersion") != "apiextensions.k8s.io/v1" or crd.get("kind") != "CustomResourceDefinition":
        fail("not an apiextensions.k8s.io/v1 CustomResourceDefinition")
    spec = crd["spec"]
    names = spec["names"]
    expect = {
        "metadata.name": (crd["metadata"]["name"], "databaseschemas.dbschema.io"),
        "spec.group": (spec.get("group"), "dbschema.io"),
        "spec.scope": (spec.get("scope"), "Namespaced"),
        "names.kind": (names.get("kind"), "DatabaseSchema"),
        "names.listKind": (names.get("listKind"), "DatabaseSchemaList"),
        "names.plural": (names.get("plural"), "databaseschemas"),
        "names.singular": (names.get("singular"), "databaseschema"),
        "names.shortNames": (names.get("shortNames"), ["dbs"]),
        # None: `kubectl get all` must not list DatabaseSchemas (a namespace viewer without access
        # to them would get Forbidden from it).
        "names.categories": (names.get("categories"), None),
    }
    for field, (got, want) in expect.items():
        if got != want:
            fail("%s is %r, want %r" % (field, got, want))
    if crd["metadata"]["name"] != "%s.%s" % (names.get("plural"), spec.get("group")):
        fail("metadata.name must be <plural>.<group>")
    versions = spec.get("versions", [])
    if [v.get("name") for v in versions] != ["v1alpha1"]:
        fail("versions must be exactly [v1alpha1], found %r" % [v.get("name") for v in versions])
    if sum(1 for v in versions if v.get("storage")) != 1:
        fail("exactly one version must have storage: true")
    for v in versions:
        if not v.get("served"):
            fail("version %s is not served" % v.get("name"))
        if v.get("subresources", {}).get("status") != {}:
            fail("version %s: subresources.status must be {}" % v.get("name"))
        check_columns(v)


def check_columns(version):
    columns = version.get("additionalPrinterColumns", [])
    head = [(c.get("name"), c.get("type"), c.get("jsonPath")) for c in columns if not c.get("priority")]
    if head != CONTRACT_COLUMNS:
        fail("default printer columns are %r, the contract says %r" % (head, CONTRACT_COLUMNS))
    schema = version["schema"]["openAPIV3Schema"]
    seen = set()
    for c in columns:
        name = c.get("name")
        if name in seen:
            fail("printer column %r appears twice" % name)
        seen.add(name)
        if c.get("type") not in ("string", "integer", "number", "boolean", "date"):
            fail("printer column %r has type %r" % (name, c.get("type")))
        if c.get("priority", 0) not in (0, 1):
            fail("printer column %r: priority should be 0 or 1" % name)
        path = c.get("jsonPath", "")
        if path.startswith(".metadata."):
            continue
        plain = re.sub(r"\[\?\(.*?\)\]", "[]", path).lstrip(".")
        if node_at(schema, plain) is None:
            fail("printer column %r: %s is not in the schema" % (name, path))
        if c.get("type") in ("integer", "date") and node_at(schema, plain) is not None:
            node = node_at(schema, plain)
            want = "integer" if c["type"] == "integer" else "string"
            if node.get("type") != want or (c["type"] == "date" and node.get("format") != "date-time"):
                fail("printer column %r (%s) points at a %s node" % (name, c["type"], node.get("type")))


# ---------------------------------------------------------------------------------------------
# 2. Structural schema, list types, descriptions.

TYPES = {"object", "array", "string", "integer", "number", "boolean"}
CEL_REASONS = {"FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"}

FORBIDDEN_IN_JUNCTORS = {"type", "description", "default", "additionalProperties", "nullable",
                         "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
                         "x-kubernetes-embedded-resource"}


def check_structural(schema):
    for path, node, is_property, under_preserve in walk(schema):
        where = path or "<root>"
        free = node.get("x-kubernetes-int-or-string") is True or node.get("x-kubernetes-preserve-unknown-fields") is True
        t = node.get("type")
        if t is None and not free:
            fail("%s: no type (a structural schema types every node)" % where)
        if t is not None and t not in TYPES:
            fail("%s: unknown type %r" % (where, t))
        if "properties" in node and "additionalProperties" in node:
            fail("%s: properties and additionalProperties are exclusive" % where)
        if ("properties" in node or "additionalProperties" in node) and t not in ("object", None):
            fail("%s: properties on a %s" % (where, t))
        if t == "array" and not isinstance(node.get("items"), dict):
            fail("%s: an array needs one items schema" % where)
        if "items" in node and t != "array":
            fail("%s: items on a %s" % (where, t))
        if node.get("uniqueItems"):
            fail("%s: uniqueItems is not allowed in CRDs; use x-kubernetes-list-type: set" % where)
        if "$ref" in node:
            fail("%s: $ref is not allowed in CRDs" % where)
        for junctor in ("allOf", "anyOf", "oneOf", "not"):
            for sub in ([node[junctor]] if junctor == "not" else node.get(junctor, [])) if junctor in node else []:
                bad = FORBIDDEN_IN_JUNCTORS & set(sub)
                if bad:
                    fail("%s: %s may not set %s" % (where, junctor, sorted(bad)))
        for name in node.get("required", []):
            if name not in node.get("properties", {}):
                fail("%s: required %r is not a property" % (where, name))
        if t == "object" and not free and not node.get("properties") and "additionalProperties" not in node \
                and path != "metadata":
            fail("%s: an object with no properties would prune everything" % where)
        if is_property and path and path != "metadata" and not under_preserve and \
                not str(node.get("description", "")).strip():
            fail("%s: no description (kubectl explain shows it)" % where)
        if t == "array" and node.get("items", {}).get("type") == "object" and \
                not str(node["items"].get("description", "")).strip():
            fail("%s[]: no description for the list's elements" % where)
        check_list_type(where, node)
        for rule in node.get("x-kubernetes-validations", []):
            if not isinstance(rule.get("rule"), str) or not (rule.get("message") or rule.get("messageExpression")):
                fail("%s: a validation rule needs rule and message (or messageExpression)" % where)
            if rule.get("reason", "FieldValueInvalid") not in CEL_REASONS:
                fail("%s: reason %r is not one the API server accepts" % (where, rule["reason"]))
            if "fieldPath" in rule and not node_at(node, rule["fieldPath"].lstrip(".")):
                fail("%s: fieldPath %r names no field" % (where, rule["fieldPath"]))
    # The API server compares metadata's schema, less name and generateName, with a bare
    # {type: object}: a description, default or any other keyword there is refused.
    meta = dict(schema.get("properties", {}).get("metadata", {}))
    if set(meta.pop("properties", {})) - {"name", "generateName"} or meta != {"type": "object"}:
        fail("metadata may only be {type: object}, with constraints on name and generateName")
    if set(schema.get("properties", {})) != {"apiVersion", "kind", "metadata", "spec", "status"}:
        fail("top-level properties are %s" % sorted(schema.get("properties", {})))


def check_list_type(where, node):
    if node.get("type") != "array":
        if "x-kubernetes-list-type" in node:
            fail("%s: x-kubernetes-list-type on a %s" % (where, node.get("type")))
        return
    kind = node.get("x-kubernetes-list-type")
    items = node["items"]
    if kind is None:
        fail("%s: say x-kubernetes-list-type (atomic, set or map) so merges are explicit" % where)
    elif kind == "set":
        if items.get("type") in ("object", "array"):
            fail("%s: a set holds scalars" % where)
    elif kind == "map":
        keys = node.get("x-kubernetes-list-map-keys") or []
        if items.get("type") != "object" or not keys:
            fail("%s: a map list holds objects and names its keys" % where)
        for key in keys:
            prop = items.get("properties", {}).get(key)
            if prop is None or prop.get("type") not in ("string", "integer", "boolean"):
                fail("%s: map key %r must be a scalar property" % (where, key))
            elif key not in items.get("required", []) and "default" not in prop:
                fail("%s: map key %r must be required or defaulted" % (where, key))
    elif kind != "atomic":
        fail("%s: x-kubernetes-list-type %r" % (where, kind))
    if kind != "map" and "x-kubernetes-list-map-keys" in node:
        fail("%s: map keys on a %s list" % (where, kind))


# ---------------------------------------------------------------------------------------------
# 3. What the parser reads, from src/spec/*.cpp.

SPEC_PATH = "spec"
COLUMN = "spec.tables[].columns[]"

# Where each Fields variable of each parser function lives in the resource. A function or variable
# missing here makes the check fail, so a parser change cannot slip past unnoticed.
VARS = {
    ("readResource", "top"): "",
    ("previewResource", "top"): "",
    ("previewResource", "spec"): "spec",
    ("readSpec", "spec"): "spec",
    ("readMode", "spec"): "spec",
    ("readEnums", "spec"): "spec",
    ("readEnums", "fields"): "spec.enums[]",
    ("readSequences", "spec"): "spec",
    ("readSequences", "fields"): "spec.sequences[]",
    ("readSequenceType", "sequence"): "spec.sequences[]",
    ("readDomains", "spec"): "spec",
    ("readDomains", "fields"): "spec.domains[]",
    ("readDomainChecks", "domain"): "spec.domains[]",
    ("readDomainChecks", "fields"): "spec.domains[].checks[]",
    ("readCompositeTypes", "spec"): "spec",
    ("readCompositeTypes", "fields"): "spec.compositeTypes[]",
    ("readCompositeTypes", "a"): "spec.compositeTypes[].attributes[]",
    ("readConnection", "connection"): "spec.connection",
    ("readSecretKeyRef", "ref"): ["spec.connection.secretRef", "spec.connection.rootCertRef"],
    ("readIdentity", "column"): COLUMN,
    ("readColumn", "fields"): COLUMN,
    ("readTable", "fields"): "spec.tables[]",
    ("readUnique", "fields"): "spec.tables[].unique[]",
    ("readForeignKey", "fields"): "spec.tables[].foreignKeys[]",
    ("readCheck", "fields"): "spec.tables[].checks[]",
    ("readIndex", "fields"): ["spec.tables[].indexes[]", "spec.views[].indexes[]"],
    ("readViews", "spec"): "spec",
    ("readViews", "fields"): "spec.views[]",
    ("readCheckOption", "options"): "spec.views[].options",
    ("readPartitionBy", "table"): "spec.tables[]",
    ("readPartitionBy", "fields"): "spec.tables[].partitionBy",
    ("readPartitionOf", "table"): "spec.tables[]",
    ("readPartitionOf", "fields"): "spec.tables[].partitionOf",
    ("checkPartitionFields", "fields"): None,
    ("readIndexKeys", "fields"): ["spec.tables[].indexes[]", "spec.views[].indexes[]"],
    ("readIndexKey", "fields"): ["spec.tables[].indexes[].keys[]", "spec.views[].indexes[].keys[]"],
    ("readColumnExtras", "fields"): COLUMN,
    ("readDeferrable", "fields"): ["spec.tables[].unique[]", "spec.tables[].foreignKeys[]"],
    ("readExclusion", "fields"): "spec.tables[].exclusions[]",
    ("readTable", "switches"): "spec.tables[].rowLevelSecurity",
    ("readPolicy", "fields"): "spec.tables[].policies[]",
    ("readObjectGrant", "fields"): ["spec.grants[]", "spec.views[].grants[]", "spec.sequences[].grants[]",
                                    "spec.functions[].grants[]"],
    ("readTableGrant", "fields"): "spec.tables[].grants[]",
    ("readRole", "fields"): ["spec.grants[]", "spec.tables[].grants[]", "spec.views[].grants[]",
                             "spec.sequences[].grants[]", "spec.functions[].grants[]", "spec.defaultPrivileges[]"],
    ("readPrivileges", "fields"): ["spec.grants[]", "spec.tables[].grants[]", "spec.views[].grants[]",
                                   "spec.sequences[].grants[]", "spec.functions[].grants[]", "spec.defaultPrivileges[]"],
    ("readGrants", "owner"): ["spec", "spec.tables[]", "spec.views[]", "spec.sequences[]", "spec.functions[]"],
    ("readDefaultPrivileges", "spec"): "spec",
    ("readDefaultPrivilege", "fields"): "spec.defaultPrivileges[]",
    ("readDefaultObjects", "fields"): "spec.defaultPrivileges[]",
    ("readPolicyCommand", "fields"): "spec.tables[].policies[]",
    ("readTrigger", "fields"): "spec.tables[].triggers[]",
    ("readEvents", "fields"): "spec.tables[].triggers[]",
    ("readFunction", "fields"): "spec.tables[].triggers[]",
    ("checkShape", "fields"): None,
    ("oneOf", "fields"): None,
    ("readExclusionElement", "fields"): "spec.tables[].exclusions[].elements[]",
    ("eitherWord", "fields"): None,
    ("readFunctions", "spec"): "spec",
    ("readRoutine", "fields"): "spec.functions[]",
    ("readSettings", "fields"): "spec.functions[]",
    ("readSettings", "set"): None,  # free-form: parameter names
    ("readApply", "apply"): "spec.apply",
    ("readSeeds", "spec"): "spec",
    ("readSeeds", "seed"): "spec.seed[]",
    # Not the CRD's business: metadata is the API server's; seed rows are free-form.
    ("readMetadata", "metadata"): None,
    ("readGeneration", "metadata"): None,
    ("readAnnotations", "metadata"): None,
    ("readAnnotations", "annotations"): None,
    ("readRow", "fields"): None,
    # Helpers whose field names are parameters, not literals.
    ("requiredColumns", "fields"): None,
    ("readAction", "fk"): None,
    ("readSslMode", "connection"): None,
    # Parameter maps (`with`, `opclassParameters`): names are the user's, values free text.
    ("readParameters", "owner"): None,
    ("readParameters", "parameters"): None,
}

FUNCTION = re.compile(r"^[A-Za-z][\w:<>,&\s*]*?\b(\w+)\(([^;{}]*?)\)\s*(?:const\s*)?\{\s*$", re.M)
CALL = re.compile(r"\b(\w+)(?:\.|->)(requiredText|requiredIdentifier|identifiers|identifier|nonBlankText|text|"
                  r"boolean|integer|list|get)\(\"(\w+)\"\)")


class Facts:
    def __init__(self):
        self.known = {}       # path -> set of field names the parser accepts
        self.reads = {}       # (path, field) -> set of read kinds
        self.required = {}    # path -> set of required fields
        self.min_one = set()  # (path, field): lists that must not be empty
        self.defaults = {}    # (path, field) -> the parser's value when unset
        self.enums = {}       # (path, field) -> allowed values


def function_bodies(text):
    for m in FUNCTION.finditer(text):
        end = re.compile(r"^\}", re.M).search(text, m.end())
        yield m.group(1), m.group(2), text[m.end():end.start() if end else len(text)]


def names_in(braced):
    return {n for n in re.findall(r'"(\w+)"', braced)}


def parser_facts():
    facts = Facts()
    for file in sorted(glob.glob(os.path.join(SPEC_SRC, "*.cpp"))):
        for func, params, body in function_bodies(read(file)):
            scan_function(facts, os.path.basename(file), func, params, body)
    return facts


def scan_function(facts, file, func, params, body):
    where = "%s:%s" % (file, func)
    paths = {}

    def locate(var):
        if var in paths:
            return paths[var]
        if (func, var) not in VARS:
            fail("check.py: %s reads fields through `%s`; add (%r, %r) to VARS" % (where, var, func, var))
            VARS[(func, var)] = None
        value = VARS[(func, var)]
        paths[var] = value if isinstance(value, list) else [value]
        return paths[var]

    def each(var):
        return [p for p in locate(var) if p is not None]

    def sub(path, key):
        return (path + "." if path else "") + key

    for var in re.findall(r"const Fields&\s*(\w+)", params):
        locate(var)
    for m in re.finditer(r"\bFields (\w+)\((\w+), \{([^}]*)\}", body):
        for p in each(m.group(1)):
            facts.known.setdefault(p, set()).update(names_in(m.group(3)))
    for m in re.finditer(r"\bFields (\w+)\(", body):
        locate(m.group(1))
    for m in re.finditer(r"(\w+)\.rejectUnknown\(\{([^}]*)\}", body):
        for p in each(m.group(1)):
            facts.known.setdefault(p, set()).update(names_in(m.group(2)))
    for m in re.finditer(r"auto (\w+) = (\w+)(?:\.|->)object\(\"(\w+)\", \{([^}]*)\}", body):
        child, parent, key, known = m.groups()
        parents = each(parent)
        paths[child] = [sub(p, key) for p in parents] if parents else [None]
        for p in parents:
            facts.reads.setdefault((p, key), set()).add("object")
            facts.known.setdefault(sub(p, key), set()).update(names_in(known))
    for m in CALL.finditer(body):
        var, kind, key = m.groups()
        if var in ("issues", "out", "item", "row", "model", "declared", "resource"):
            continue
        for p in each(var):
            facts.reads.setdefault((p, key), set()).add(kind)
            if kind in ("requiredText", "requiredIdentifier"):
                facts.required.setdefault(p, set()).add(key)
    for m in re.finditer(r"requiredColumns\(\*?(\w+), \"(\w+)\"\)", body):
        for p in each(m.group(1)):
            facts.reads.setdefault((p, m.group(2)), set()).add("requiredColumns")
            facts.required.setdefault(p, set()).add(m.group(2))
            facts.min_one.add((p, m.group(2)))
    for m in re.finditer(r"readAction\((\w+), \"(\w+)\"\)", body):
        for p in each(m.group(1)):
            facts.reads.setdefault((p, m.group(2)), set()).add("text")
            facts.enums[(p, m.group(2))] = "FkAction"
            facts.defaults[(p, m.group(2))] = "FkAction-when-unset"
    if func == "readIdentity":
        for p in each("column"):
            facts.enums[(p, "identity")] = "Identity"
    if func == "readMode":
        facts.enums[("spec", "mode")] = re.findall(r"\*value == \"(\w+)\"", body)
    if func == "readSequenceType":
        facts.enums[("spec.sequences[]", "type")] = re.findall(r"\*value == \"(\w+)\"", body)
    if func == "readPolicyCommand":
        facts.enums[("spec.tables[].policies[]", "command")] = re.findall(r"\*value == \"(\w+)\"", body)
    # oneOf(fields, "key", {"a", "b"}, ...): an enum of the words listed.
    for m in re.finditer(r"oneOf\((\w+), \"(\w+)\", \{([^}]*)\}", body):
        for p in each(m.group(1)):
            facts.reads.setdefault((p, m.group(2)), set()).add("text")
            facts.enums[(p, m.group(2))] = re.findall(r'"([\w-]+)"', m.group(3))
    if func == "readEvents":  # the words are schema::triggerEventOrder()'s
        order = re.search(r"order = \{([^}]*)\}", read(os.path.join(SCHEMA_SRC, "trigger.cpp")))
        facts.enums[("spec.tables[].triggers[]", "events[]")] = re.findall(r'"(\w+)"', order.group(1)) if order else []
    if func == "readDefaultObjects":
        facts.enums[("spec.defaultPrivileges[]", "objects")] = re.findall(r"\*value == \"(\w+)\"", body)
    if func == "readCheckOption":
        facts.enums[("spec.views[].options", "checkOption")] = re.findall(r"\*value == \"(\w+)\"", body)
    if func == "readPartitionBy":
        facts.enums[("spec.tables[].partitionBy", "strategy")] = re.findall(r"strategy != \"(\w+)\"", body)
    if func == "readIndexKey":
        for key in ("order", "nulls"):
            for p in each("fields"):
                facts.enums[(p, key)] = re.findall(r"\*%s != \"(\w+)\"" % key, body)
    # eitherWord(fields, "key", "a", "b"): an enum of two words.
    for m in re.finditer(r"eitherWord\((\w+), \"(\w+)\", \"(\w+)\", \"(\w+)\"\)", body):
        for p in each(m.group(1)):
            facts.reads.setdefault((p, m.group(2)), set()).add("text")
            facts.enums[(p, m.group(2))] = [m.group(3), m.group(4)]
    if func == "readConnection":
        facts.enums[("spec.connection", "sslMode")] = "SslMode"
    for m in re.finditer(r"(\w+)\.pathOf\(\"(\w+)\"\), \"must be set\"", body):
        for p in each(m.group(1)):
            facts.required.setdefault(p, set()).add(m.group(2))
    for m in re.finditer(r"(\w+)\.pathOf\(\"(\w+)\"\), \"must (?:name|declare) at least one", body):
        for p in each(m.group(1)):
            facts.min_one.add((p, m.group(2)))
            if '.get("%s")' % m.group(2) not in body:  # an empty list is refused even when absent
                facts.required.setdefault(p, set()).add(m.group(2))
    for m in re.finditer(r"report\(\"(\w+)\", \"must be set\"\)", body):
        facts.required.setdefault("", set()).add(m.group(1))
    for m in re.finditer(r"(\w+)\.boolean\(\"(\w+)\"\)\.value_or\((true|false)\)", body):
        for p in each(m.group(1)):
            facts.defaults[(p, m.group(2))] = m.group(3) == "true"


def spellings(file, enum):
    """case Enum::X: return "spelling"; -> {X: spelling}"""
    return dict(re.findall(r"case %s::(\w+): return \"([^\"]*)\";" % enum, read(file)))


def go_duration_seconds(text):
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ns|us|µs|μs|ms|s|m|h)", text):
        total += float(number) * units[unit]
    return total


# Where the CRD is deliberately stricter than the parser, which also serves the CLI (a file on a
# laptop, with --database-url standing in for the Secret).
CRD_ONLY_REQUIRED = {("spec", "connection"), ("spec.connection", "secretRef"),
                     # readViewIndex requires it after readIndex, which tables share (their names are optional).
                     ("spec.views[].indexes[]", "name"),
                     # readExclusion refuses an empty or missing list ("must list at least one element").
                     ("spec.tables[].exclusions[]", "elements")}


def check_parser_agreement(schema, facts):
    spec = node_at(schema, "spec")
    # Fields at every path, both ways.
    for path, known in sorted(facts.known.items()):
        node = node_at(schema, path)
        if node is None:
            fail("parser reads %s, which the CRD lacks" % (path or "<root>"))
            continue
        have = set(node.get("properties", {}))
        if have != known:
            if known - have:
                fail("%s: the parser accepts %s, the CRD lacks them" % (path or "<root>", sorted(known - have)))
            if have - known:
                fail("%s: the CRD has %s, the parser rejects them as unknown" % (path or "<root>", sorted(have - known)))
    for path, node, _, under_preserve in walk(spec, "spec"):
        if node.get("type") == "object" and node.get("properties") and not under_preserve and path not in facts.known:
            fail("%s: the parser does not read this object field by field (check.py found no known list)" % path)

    # Required, both ways.
    for path, required in facts.required.items():
        node = node_at(schema, path)
        if node is None:
            continue
        for field in required:
            if field not in node.get("required", []):
                fail("%s.%s: the parser requires it, the CRD does not" % (path or "<root>", field))
    for path, node, _, under_preserve in walk(schema):
        if under_preserve or not path.startswith("spec"):
            continue
        for field in node.get("required", []):
            if field not in facts.required.get(path, set()) and (path, field) not in CRD_ONLY_REQUIRED:
                fail("%s.%s: the CRD requires it, the parser does not (add to CRD_ONLY_REQUIRED if meant)" % (path, field))

    # Kinds of values.
    for (path, field), kinds in sorted(facts.reads.items()):
        node = node_at(schema, path)
        prop = node.get("properties", {}).get(field) if node else None
        if prop is None:
            continue
        where = "%s.%s" % (path or "<root>", field)
        for kind in kinds:
            check_kind(where, kind, prop, (path, field) in facts.min_one)
    for path, field in facts.min_one:
        node = node_at(schema, "%s.%s" % (path, field))
        if node is not None and node.get("minItems") != 1:
            fail("%s.%s: the parser wants at least one entry, the CRD has no minItems: 1" % (path, field))

    # Enums.
    model_cpp = os.path.join(SCHEMA_SRC, "model.cpp")
    sources = {
        "SslMode": spellings(os.path.join(SPEC_SRC, "connection.cpp"), "SslMode"),
        "FkAction": spellings(model_cpp, "FkAction"),
        "Identity": {k: v for k, v in spellings(model_cpp, "Identity").items() if v},
    }
    for (path, field), source in facts.enums.items():
        values = list(sources[source].values()) if isinstance(source, str) else source
        node = node_at(schema, "%s.%s" % (path, field))
        if not values:
            fail("check.py found no values for %s.%s in the parser" % (path, field))
        elif node is None or sorted(node.get("enum", [])) != sorted(values):
            fail("%s.%s: CRD enum %s, parser %s" % (path, field, node and node.get("enum"), values))
    for p, node, _, _ in walk(spec, "spec"):
        leaf = p.rsplit(".", 1)
        if "enum" in node and (leaf[0], leaf[1]) not in facts.enums and not p.startswith("spec.tables[].foreignKeys[]"):
            fail("%s: an enum the parser does not check" % p)

    # Defaults.
    model_hpp = read(os.path.join(SCHEMA_SRC, "model.hpp"))
    resource_hpp = read(os.path.join(SPEC_SRC, "resource.hpp"))
    ssl = sources["SslMode"]
    expected = dict(facts.defaults)
    expected[("spec", "schema")] = re.search(r"std::string schema = \"(\w+)\"", model_hpp).group(1)
    expected[("spec.tables[].indexes[]", "method")] = re.search(r"std::string method = \"(\w+)\"", model_hpp).group(1)
    expected[("spec.views[].indexes[]", "method")] = expected[("spec.tables[].indexes[]", "method")]
    expected[("spec", "mode")] = re.search(r"Mode mode = Mode::(\w+);", resource_hpp).group(1)
    expected[("spec", "interval")] = int(re.search(r"interval\{(\d+)\}", resource_hpp).group(1))
    expected[("spec.connection", "sslMode")] = ssl[re.search(r"SslMode sslMode = SslMode::(\w+);", resource_hpp).group(1)]
    for key, value in list(expected.items()):
        if value == "FkAction-when-unset":
            unset = re.search(r"if \(!value\) return schema::FkAction::(\w+);", read(os.path.join(SPEC_SRC, "table.cpp")))
            expected[key] = sources["FkAction"][unset.group(1)]
    for (path, field), want in sorted(expected.items(), key=str):
        node = node_at(schema, "%s.%s" % (path, field))
        if node is None:
            continue
        got = node.get("default")
        if field == "interval" and got is not None:
            got = go_duration_seconds(got)
        if got != want:
            fail("%s.%s: CRD default %r, the parser's value when unset is %r" % (path, field, node.get("default"), want))
    for p, node, _, _ in walk(spec, "spec"):
        if "default" in node:
            leaf = p.rsplit(".", 1)
            if (leaf[0], leaf[1]) not in expected:
                fail("%s: a CRD default with no parser counterpart" % p)
    # The change vocabulary (status.drift.items[].change, the annotation's kinds) is documented,
    # not enumerated: a status write must never fail because the engine learnt a new kind.
    kinds = re.findall(r"\{ChangeKind::\w+, \"(\w+)\"\}", read(os.path.join(SCHEMA_SRC, "change.cpp")))
    change = node_at(schema, "status.drift.items[].change") or {}
    words = set(re.findall(r"\w+", change.get("description", "")))
    if not kinds or set(kinds) - words:
        fail("status.drift.items[].change: the description misses change kinds %s" % sorted(set(kinds) - words))
    nullable = node_at(schema, COLUMN + ".nullable")
    if nullable is None or "default" in nullable:
        fail("columns[].nullable must exist and must not be defaulted (its default depends on the key and identity)")


def check_kind(where, kind, prop, min_one):
    t = prop.get("type")

    def ident(node, what):
        if node.get("type") != "string" or node.get("minLength") != 1 or node.get("maxLength") != IDENT_MAX:
            fail("%s: %s must be a string with minLength 1 and maxLength %d" % (where, what, IDENT_MAX))

    if kind in ("text", "requiredText", "nonBlankText") and t != "string":
        fail("%s: the parser reads text, the CRD says %s" % (where, t))
    if kind in ("requiredText", "nonBlankText"):
        if prop.get("pattern") != NONBLANK or prop.get("minLength") != 1:
            fail("%s: the parser refuses blank text; want minLength 1 and pattern %s" % (where, NONBLANK))
    if kind in ("identifier", "requiredIdentifier"):
        ident(prop, "an identifier")
    if kind in ("identifiers", "requiredColumns"):
        if t != "array":
            fail("%s: the parser reads a list of identifiers, the CRD says %s" % (where, t))
        else:
            ident(prop["items"], "each entry")
    if kind == "list" and t != "array":
        fail("%s: the parser reads a list, the CRD says %s" % (where, t))
    if kind == "boolean" and t != "boolean":
        fail("%s: the parser reads true/false, the CRD says %s" % (where, t))
    if kind == "integer" and (t != "integer" or prop.get("format") != "int64"):
        fail("%s: the parser reads a 64-bit whole number, the CRD says %s" % (where, t))
    if kind == "object" and t != "object":
        fail("%s: the parser reads a map, the CRD says %s" % (where, t))


# ---------------------------------------------------------------------------------------------
# 4 and 5. An offline model of what the API server does to a request: prune (strict: unknown
# fields are errors), drop nulls, default, validate. The subset of OpenAPI this CRD uses.

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

# The CRD's CEL rules, re-stated in Python. A rule with no twin here fails the check.
GO_DURATION = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
GO_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def go_duration_seconds(text):
    """CEL's duration(), which is Go's time.ParseDuration, for the values the pattern admits."""
    return sum(float(number) * GO_UNIT_SECONDS[unit] for number, unit in GO_DURATION.findall(text.lstrip("+")))


def missing_keys(table, lists):
    """The key columns of `table` (lists of column names) that are not among its columns."""
    names = {c.get("name") for c in table.get("columns", [])}
    return [k for columns in lists for k in columns if k not in names]


def named_once(entries):
    names = [e["name"] for e in entries if "name" in e]
    return len(names) == len(set(names))


def folded(rule):
    """A rule as the API server reads it: YAML's folded lines joined by single spaces."""
    return " ".join(rule.split())


# Each CEL rule of the CRD with a Python twin that judges the same objects, for the offline checks
# below (tests/admission, against the real API server, proves the rules themselves).
CEL_TWINS = {folded(rule): twin for rule, twin in {
    "!has(self.schema) || (!self.schema.startsWith('pg_') && self.schema != 'information_schema')":
        lambda s: "schema" not in s or (not s["schema"].startswith("pg_") and s["schema"] != "information_schema"),
    "duration(self) >= duration('1s')":
        lambda v: go_duration_seconds(v) >= 1,
    "!has(self.primaryKey) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.primaryKey.all(k, k in names))":
        lambda t: not missing_keys(t, [t.get("primaryKey", [])]),
    "!has(self.primaryKey) || size(self.primaryKey.distinct()) == size(self.primaryKey)":
        lambda t: len(t.get("primaryKey", [])) == len(set(t.get("primaryKey", []))),
    "!has(self.unique) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.unique.all(u, u.columns.all(k, k in names)))":
        lambda t: not missing_keys(t, [u.get("columns", []) for u in t.get("unique", [])]),
    # Three rules on the index columns, one per list: one rule with all three exceeds the API
    # server's cost budget for a rule.
    "!has(self.indexes) || !has(self.columns) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.indexes.all(x, !has(x.columns) || x.columns.all(k, k in names)))":
        lambda t: "columns" not in t or not missing_keys(t, [x.get("columns", []) for x in t.get("indexes", [])]),
    "!has(self.indexes) || !has(self.columns) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.indexes.all(x, !has(x.keys) || x.keys.all(k, !has(k.column) || k.column in names)))":
        lambda t: "columns" not in t or not missing_keys(
            t, [[k["column"] for k in x.get("keys", []) if "column" in k] for x in t.get("indexes", [])]),
    "!has(self.indexes) || !has(self.columns) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.indexes.all(x, !has(x.include) || x.include.all(k, k in names)))":
        lambda t: "columns" not in t or not missing_keys(t, [x.get("include", []) for x in t.get("indexes", [])]),
    "has(self.columns) != has(self.partitionOf)":
        lambda t: ("columns" in t) != ("partitionOf" in t),
    "has(self.columns) != has(self.expressions)":
        lambda p: ("columns" in p) != ("expressions" in p),
    "has(self.bounds) != (has(self.default) && self.default)":
        lambda p: ("bounds" in p) != bool(p.get("default", False)),
    "has(self.columns) != has(self.keys)":
        lambda x: ("columns" in x) != ("keys" in x),
    "has(self.column) != has(self.expression)":
        lambda k: ("column" in k) != ("expression" in k),
    "!has(self.nullsNotDistinct) || !self.nullsNotDistinct || (has(self.unique) && self.unique)":
        lambda x: not x.get("nullsNotDistinct") or bool(x.get("unique")),
    "!has(self.foreignKeys) || [self.columns.transformMapEntry(i, c, {c.name: true})] "
    ".all(names, self.foreignKeys.all(f, f.columns.all(k, k in names)))":
        lambda t: not missing_keys(t, [f.get("columns", []) for f in t.get("foreignKeys", [])]),
    "!has(self.indexes) || [self.indexes.filter(x, has(x.name)).map(x, x.name)] "
    ".all(names, size(names.distinct()) == size(names))":
        lambda t: named_once(t.get("indexes", [])),
}.items()}


def admit(schema, value, path="", errors=None):
    """Prunes, defaults and validates `value` in place like the API server; returns the errors."""
    errors = [] if errors is None else errors
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    if isinstance(value, dict) and "properties" in schema:
        for key in list(value):
            sub = schema["properties"].get(key)
            if sub is None:
                if not preserve:
                    errors.append("%s: unknown field" % join(path, key))
                    del value[key]
            elif value[key] is None and not sub.get("nullable"):
                del value[key]  # the API server drops nulls of non-nullable fields before defaulting
        for key, sub in schema["properties"].items():
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
        for key, sub in schema["properties"].items():
            if key in value:
                admit(sub, value[key], join(path, key), errors)
    elif isinstance(value, list) and "items" in schema:
        for i, element in enumerate(value):
            admit(schema["items"], element, "%s[%d]" % (path, i), errors)
    validate(schema, value, path, errors)
    return errors


def join(path, key):
    return (path + "." if path else "") + key


def validate(schema, value, path, errors):
    where = path or "<root>"
    t = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        if not (isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))):
            errors.append("%s: must be an integer or a string" % where)
            return
    elif t is not None:
        ok = {
            "object": isinstance(value, dict),
            "array": isinstance(value, list),
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
        }[t]
        if not ok:
            errors.append("%s: must be of type %s, found %s" % (where, t, json.dumps(value)))
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: unsupported value %s: supported values %s" % (where, json.dumps(value), schema["enum"]))
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append("%s: should be at least %d chars long" % (where, schema["minLength"]))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append("%s: may not be more than %d characters long" % (where, schema["maxLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append("%s: should match '%s'" % (where, schema["pattern"]))
        if schema.get("format") == "date-time" and not DATE_TIME.match(value):
            errors.append("%s: must be a date-time" % where)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "minimum" in schema:
        if value < schema["minimum"]:
            errors.append("%s: should be greater than or equal to %s" % (where, schema["minimum"]))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append("%s: should have at least %d items" % (where, schema["minItems"]))
        kind = schema.get("x-kubernetes-list-type")
        if kind == "set":
            seen = []
            for i, v in enumerate(value):
                if v in seen:
                    errors.append("%s[%d]: Duplicate value: %s" % (path, i, json.dumps(v)))
                seen.append(v)
        elif kind == "map":
            keys = schema["x-kubernetes-list-map-keys"]
            seen = set()
            for i, v in enumerate(value):
                if isinstance(v, dict):
                    k = tuple(json.dumps(v.get(key)) for key in keys)
                    if k in seen:
                        errors.append("%s[%d]: Duplicate value: %s" % (path, i, dict(zip(keys, k))))
                    seen.add(k)
    if isinstance(value, dict):
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            errors.append("%s: should have at least %d properties" % (where, schema["minProperties"]))
        for field in schema.get("required", []):
            if field not in value:
                errors.append("%s: Required value" % join(path, field))
    if isinstance(value, list) and "maxItems" in schema and len(value) > schema["maxItems"]:
        errors.append("%s: Too many: %d: must have at most %d items" % (where, len(value), schema["maxItems"]))
    if any(": must be of type " in e for e in errors):
        return  # a value of the wrong type anywhere blocks every CEL rule (the API server's hasBlockingErr)
    for rule in schema.get("x-kubernetes-validations", []):
        twin = CEL_TWINS.get(folded(rule["rule"]))
        if twin is None:
            fail("check.py: no Python twin for CEL rule %r" % rule["rule"])
        elif not twin(value):
            errors.append("%s%s: Invalid value: %s" % (where, rule.get("fieldPath", ""),
                                                       rule.get("message", rule.get("messageExpression"))))


def check_defaults_valid(schema):
    for path, node, _, _ in walk(schema):
        if "default" in node:
            errors = []
            validate(node, copy.deepcopy(node["default"]), path, errors)
            for e in errors:
                fail("default: " + e)


# ---------------------------------------------------------------------------------------------
# 5 and 6. The parser binary.

def find_parser(option):
    if option == "":
        return None
    if option:
        return option
    found = sorted(glob.glob(os.path.join(ROOT, "build*", "schema-operator")), key=os.path.getmtime, reverse=True)
    return found[0] if found else None


def parser_verdict(binary, obj):
    """None when the parser accepts the document, else its error."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(obj, f)
        name = f.name
    try:
        proc = subprocess.run([binary, "plan", "-f", name, "--database-url",
                               "postgresql://check@127.0.0.1:1/check?connect_timeout=2"],
                              capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(name)
    out = proc.stderr + proc.stdout
    if re.search(r"document \d+ \([^)]*\): cannot connect", out):
        return None
    if proc.returncode == 1 and "document" in out:
        return out.strip().replace(name, "<file>")
    raise SystemExit("unexpected answer from %s (exit %d):\n%s" % (binary, proc.returncode, out))


def check_examples(schema, files, binary):
    count = 0
    for file in files:
        for obj in load_objects(file):
            if obj.get("kind") != "DatabaseSchema":
                continue
            count += 1
            name = "%s: %s/%s" % (os.path.relpath(file, ROOT), obj.get("metadata", {}).get("namespace", ""),
                                  obj.get("metadata", {}).get("name"))
            if obj.get("apiVersion") != "dbschema.io/v1alpha1":
                fail("%s: apiVersion %r" % (name, obj.get("apiVersion")))
            admitted = copy.deepcopy(obj)
            for e in admit(schema, admitted):
                fail("%s: the API server would refuse it: %s" % (name, e))
            if binary:
                for label, doc in (("as written", obj), ("as the API server stores it", admitted)):
                    verdict = parser_verdict(binary, doc)
                    if verdict:
                        fail("%s: the parser refuses it %s: %s" % (name, label, verdict))
    return count


def mutations():
    """(name, change, expected): expected is 'accept', 'reject', 'crd-only' or 'parser-only'.
    crd-only / parser-only: only that side can tell, by design (see the CRD's header)."""
    def t(i):
        return lambda d: d["spec"]["tables"][i]

    def col(ti, ci):
        return lambda d: d["spec"]["tables"][ti]["columns"][ci]

    def setter(get, key, value):
        def apply(d):
            get(d)[key] = value
        return apply

    def deleter(get, key):
        def apply(d):
            del get(d)[key]
        return apply

    spec = lambda d: d["spec"]
    conn = lambda d: d["spec"]["connection"]
    enum0 = lambda d: d["spec"]["enums"][0]
    fk0 = lambda d: d["spec"]["tables"][1]["foreignKeys"][0]
    ix0 = lambda d: d["spec"]["tables"][1]["indexes"][0]
    seed0 = lambda d: d["spec"]["seed"][0]
    row0 = lambda d: d["spec"]["seed"][0]["rows"][0]
    return [
        ("unchanged", lambda d: None, "accept"),
        ("mode Sync", setter(spec, "mode", "Sync"), "reject"),
        ("mode Plan", setter(spec, "mode", "Plan"), "accept"),
        ("sslMode prefer", setter(conn, "sslMode", "prefer"), "reject"),
        ("sslMode verify-ca", setter(conn, "sslMode", "verify-ca"), "accept"),
        ("identity sometimes", setter(col(0, 0), "identity", "sometimes"), "reject"),
        ("onDelete CASCADE", setter(fk0, "onDelete", "CASCADE"), "reject"),
        ("onUpdate set null", setter(fk0, "onUpdate", "set null"), "accept"),
        ("table name of 63 characters", setter(t(1), "name", "t" * 63), "accept"),
        ("table name of 64 characters", setter(t(1), "name", "t" * 64), "reject"),
        ("table name of 32 'é' (64 bytes)", setter(t(1), "name", "é" * 32), "parser-only"),
        ("column name empty", setter(col(0, 1), "name", ""), "reject"),
        ("column type blank", setter(col(0, 1), "type", "  "), "reject"),
        ("column type missing", deleter(col(0, 1), "type"), "reject"),
        ("column type serial", setter(col(1, 3), "type", "serial"), "parser-only"),
        ("columns empty", setter(t(1), "columns", []), "reject"),
        ("primaryKey empty", setter(t(1), "primaryKey", []), "reject"),
        ("primaryKey repeats a column", setter(t(1), "primaryKey", ["id", "id"]), "reject"),
        ("primaryKey names an undeclared column", setter(t(1), "primaryKey", ["id", "line"]), "reject"),
        ("primaryKey of 33 columns", setter(t(1), "primaryKey", ["c%d" % i for i in range(33)]), "reject"),
        ("unique names an undeclared column", lambda d: t(0)(d)["unique"][0].update(columns=["mail"]), "reject"),
        ("unique repeats a column", lambda d: t(0)(d)["unique"][0].update(columns=["email", "email"]), "parser-only"),
        ("index names an undeclared column", setter(ix0, "columns", ["customer"]), "reject"),
        ("foreign key names an undeclared column", setter(fk0, "columns", ["customer"]), "reject"),
        ("references an undeclared column of the other table", lambda d: fk0(d)["references"].update(columns=["uid"]),
         "parser-only"),
        ("two indexes of a table with one name", lambda d: t(1)(d)["indexes"][1].update(name="orders_customer_idx"),
         "reject"),
        ("an index named like another table's index",
         lambda d: t(0)(d).update(indexes=[{"name": "orders_customer_idx", "columns": ["email"]}]), "parser-only"),
        ("two unnamed indexes", lambda d: [x.pop("name") for x in t(1)(d)["indexes"]], "accept"),
        ("a table of 401 columns", lambda d: t(0)(d)["columns"].extend(
            {"name": "c%d" % i, "type": "text"} for i in range(398)), "crd-only"),
        ("33 indexes on a table", lambda d: t(1)(d).update(indexes=[{"columns": ["id"]}] * 33), "crd-only"),
        ("two tables named orders", lambda d: d["spec"]["tables"].append(copy.deepcopy(d["spec"]["tables"][1])), "reject"),
        ("two columns named id", lambda d: t(0)(d)["columns"].append({"name": "id", "type": "text"}), "reject"),
        # values is atomic (its order is the enum's), so repeats are the operator's to find.
        ("enum value twice", setter(enum0, "values", ["pending", "paid", "pending"]), "parser-only"),
        ("enum without values", deleter(enum0, "values"), "reject"),
        ("enum values empty", lambda d: d["spec"].update(enums=[{"name": "unused_kind", "values": []}]), "accept"),
        ("enum value of 64 characters", setter(enum0, "values", ["pending", "paid", "shipped", "v" * 64]), "reject"),
        ("ignore twice", setter(spec, "ignore", ["alembic_version", "alembic_version"]), "reject"),
        ("ignore empty name", setter(spec, "ignore", [""]), "reject"),
        ("extensions twice", setter(spec, "extensions", ["pgcrypto", "pgcrypto"]), "reject"),
        ("renamedFrom twice", setter(col(0, 1), "renamedFrom", ["mail", "mail"]), "reject"),
        ("index repeats a column", setter(ix0, "columns", ["customer_id", "customer_id"]), "accept"),
        ("index method gin", setter(ix0, "method", "gin"), "accept"),
        ("index method GIN", setter(ix0, "method", "GIN"), "reject"),
        ("index method 2x", setter(ix0, "method", "2x"), "reject"),
        ("index where blank", setter(ix0, "where", " "), "reject"),
        ("index unique", setter(ix0, "unique", True), "accept"),
        ("index unique 'yes'", setter(ix0, "unique", "yes"), "reject"),
        ("index without columns", deleter(ix0, "columns"), "reject"),
        ("interval 90s", setter(spec, "interval", "90s"), "accept"),
        ("interval 1h30m", setter(spec, "interval", "1h30m"), "accept"),
        ("interval 1.5h", setter(spec, "interval", "1.5h"), "accept"),
        ("interval +5m", setter(spec, "interval", "+5m"), "accept"),
        ("interval .5h", setter(spec, "interval", ".5h"), "accept"),
        ("interval 2h45m30.5s", setter(spec, "interval", "2h45m30.5s"), "accept"),
        ("interval 5", setter(spec, "interval", "5"), "reject"),
        ("interval 0", setter(spec, "interval", "0"), "reject"),
        ("interval -5m", setter(spec, "interval", "-5m"), "reject"),
        ("interval 5 m", setter(spec, "interval", "5 m"), "reject"),
        ("interval 1d", setter(spec, "interval", "1d"), "reject"),
        ("interval 5M", setter(spec, "interval", "5M"), "reject"),
        ("interval 500ms (under 1s)", setter(spec, "interval", "500ms"), "reject"),
        ("interval 999999us (under 1s)", setter(spec, "interval", "999999us"), "reject"),
        ("interval 1s", setter(spec, "interval", "1s"), "accept"),
        ("interval 0.5s500ms (1s in two parts)", setter(spec, "interval", "0.5s500ms"), "accept"),
        ("interval 300 (a number)", setter(spec, "interval", 300), "reject"),
        ("prune 'true' (text)", setter(spec, "prune", "true"), "reject"),
        ("schema pg_catalog", setter(spec, "schema", "pg_catalog"), "reject"),
        ("schema information_schema", setter(spec, "schema", "information_schema"), "reject"),
        ("schema billing", setter(spec, "schema", "billing"), "accept"),
        ("unknown field in spec", setter(spec, "tabels", []), "reject"),
        ("unknown field in a column", setter(col(0, 0), "size", 3), "reject"),
        ("unknown field in connection", setter(conn, "url", "postgres://x"), "reject"),
        ("no spec", lambda d: d.pop("spec"), "reject"),
        ("no connection", deleter(spec, "connection"), "crd-only"),
        ("connection without secretRef", deleter(conn, "secretRef"), "crd-only"),
        ("secretRef without key", lambda d: conn(d)["secretRef"].pop("key"), "reject"),
        ("secretRef name blank", lambda d: conn(d)["secretRef"].update(name=" "), "reject"),
        ("rootCertRef without name", lambda d: conn(d)["rootCertRef"].pop("name"), "reject"),
        ("allowSelfSigned true", setter(conn, "allowSelfSigned", True), "accept"),
        ("nullable key column", setter(col(0, 0), "nullable", True), "parser-only"),
        ("default on an identity column", setter(col(0, 0), "default", "1"), "parser-only"),
        ("default empty", setter(col(0, 2), "default", ""), "reject"),
        ("default 0 as a number", setter(col(1, 3), "default", 0), "crd-only"),
        ("default false as a boolean", setter(col(1, 4), "default", False), "crd-only"),
        ("enum value yes as a boolean", setter(enum0, "values", ["pending", True]), "crd-only"),
        ("comment empty", setter(t(0), "comment", ""), "accept"),
        ("unique unnamed", lambda d: t(0)(d)["unique"][0].pop("name"), "accept"),
        ("unique without columns", lambda d: t(0)(d)["unique"][0].pop("columns"), "reject"),
        ("check without expression", lambda d: t(1)(d)["checks"][0].pop("expression"), "reject"),
        ("foreign key without references", deleter(fk0, "references"), "reject"),
        ("references columns empty", lambda d: fk0(d)["references"].update(columns=[]), "reject"),
        ("references an undeclared table", lambda d: fk0(d)["references"].update(table="people"), "parser-only"),
        ("seed without rows", deleter(seed0, "rows"), "reject"),
        ("seed without table", deleter(seed0, "table"), "reject"),
        ("seed row empty", lambda d: seed0(d)["rows"].append({}), "reject"),
        ("seed row with null", lambda d: seed0(d)["rows"].append({"id": 2, "email": "b@example.com", "created_at": None}), "accept"),
        ("seed row with a boolean value", lambda d: seed0(d)["rows"].append({"id": 3, "email": True}), "accept"),
        ("seed row naming no column of the table", lambda d: seed0(d)["rows"].append({"id": 4, "email": "c@example.com",
                                                                                     "nickname": "c"}), "parser-only"),
        ("seed row with a map value", setter(row0, "email", {"a": "b"}), "parser-only"),
    ]


def check_mutations(schema, binary, base_file):
    base = next(o for o in load_objects(base_file) if o.get("kind") == "DatabaseSchema")
    results = []
    for name, change, expected in mutations():
        doc = copy.deepcopy(base)
        change(doc)
        crd_errors = admit(schema, copy.deepcopy(doc))
        crd_ok = not crd_errors
        parser_error = parser_verdict(binary, doc)
        parser_ok = parser_error is None
        got = {(True, True): "accept", (False, False): "reject",
               (False, True): "crd-only", (True, False): "parser-only"}[(crd_ok, parser_ok)]
        results.append((name, expected, got, crd_errors, parser_error))
        if got != expected:
            fail("mutation %r: expected %s, got %s\n      CRD: %s\n      parser: %s" % (
                name, expected, got, "; ".join(crd_errors) or "accepted", parser_error or "accepted"))
    return results


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", help="files with DatabaseSchema resources (default examples/k8s/*.yaml)")
    ap.add_argument("--parser", default=None, help="the schema-operator binary (default: newest build*/schema-operator)")
    ap.add_argument("--no-parser", action="store_const", const="", dest="parser", help="do not run the binary")
    ap.add_argument("--crd", default=CRD_FILE, help="the CRD file (default crds/databaseschemas.yaml)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mutation's verdicts")
    args = ap.parse_args()

    objects = load_objects(args.crd)
    if len(objects) != 1:
        raise SystemExit("%s: expected one object, found %d" % (args.crd, len(objects)))
    crd = objects[0]
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]

    check_identity(crd)
    check_structural(schema)
    check_defaults_valid(schema)
    facts = parser_facts()
    check_parser_agreement(schema, facts)
    print("crd: identity, structure, descriptions, parser agreement checked (%d parser paths, %d fields)" % (
        len(facts.known), sum(len(v) for v in facts.known.values())))

    files = args.files or sorted(glob.glob(os.path.join(ROOT, "examples", "k8s", "*.yaml")))
    files = [f for f in files if os.path.basename(f) != "kustomization.yaml"]
    binary = find_parser(args.parser)
    n = check_examples(schema, files, binary)
    print("examples: %d DatabaseSchema resources in %d files checked against the CRD%s" % (
        n, len(files), " and the parser (%s)" % os.path.relpath(binary, ROOT) if binary else ""))

    shop = os.path.join(ROOT, "examples", "k8s", "shop.yaml")
    if binary and os.path.exists(shop):
        results = check_mutations(schema, binary, shop)
        for name, expected, got, crd_errors, parser_error in results if args.verbose else []:
            print("  %-40s %-12s CRD: %s | parser: %s" % (name, got, (crd_errors or ["ok"])[0],
                                                         (parser_error or "ok").split("\n")[0][-110:]))
        print("mutations: %d cases judged by the CRD and the parser" % len(results))
    elif not binary:
        print("mutations: skipped (no parser binary; build one or pass --parser)")

    if failures:
        print("\n%d problem(s):" % len(failures))
        for f in failures:
            print("  - " + f)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
