"""Grants of `sqlalchemy-declarative-extensions` (its `Grants` collection) as the resource's lists.

What the package's grant hook leaves in the database, written where the resource carries it:
a grant on tables, views, sequences or functions becomes that object's `grants`, one on the
exported schema `spec.grants`, a default grant `spec.defaultPrivileges`. The resource's lists
are exact per object (every privilege of another role is revoked) while the package only adds
(see _refuse_revoking_settings), so a list written here is everything the package leaves on that
object: its own grants, the ones its default grants imply, and what PostgreSQL itself gives
(PUBLIC's EXECUTE on a function). What no field carries (WITH GRANT OPTION, a revoke, another
schema's objects, kinds the resource has no list for) is refused naming the grant.
"""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import MetaData

from .errors import UnsupportedModelError
from .extensions import _describe, _is_extension_object, _items, _word

# The package's DefaultGrantTypes value -> spec.defaultPrivileges[].objects.
_DEFAULT_OBJECTS = {"table": "tables", "sequence": "sequences", "function": "functions", "type": "types"}
# Default grants the package's hook also grants on every existing object of the schema: its
# objects query reads pg_class relkinds r, v (tables) and S (sequences), never functions or
# materialized views (see compare_object_grants).
_IMPLIED_ON = {"tables": ("tables", "views"), "sequences": ("sequences",)}

# role -> privileges, for one object
Acl = dict[str, set]


class _Lists:
    """The grants being collected, per object: each list of the resource by object name."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, Acl]] = {
            "tables": {}, "views": {}, "sequences": {}, "functions": {}, "schema": {}}
        # (forRole or None, objects, role) -> privileges, in declaration order
        self.defaults: dict[tuple, set] = {}

    def add(self, kind: str, name: str, role: str, privileges: list[str]) -> None:
        self.by_kind[kind].setdefault(name, {}).setdefault(role, set()).update(privileges)

    def add_default(self, for_role: Optional[str], objects: str, role: str, privileges: list[str]) -> None:
        self.defaults.setdefault((for_role, objects, role), set()).update(privileges)


def apply_declared_grants(metadata: MetaData, spec: dict) -> None:
    """Writes the package's grants into the exported `spec` (its tables, views, sequences and
    functions already there): `grants` lists on the objects granted on (by a grant, or by a
    default grant the hook also applies to them), `spec.grants`, `spec.defaultPrivileges`. Other
    objects get no list: they keep what they have, as the package leaves them."""
    collection = metadata.info.get("grants")
    if collection is None or not _is_extension_object(collection):
        return
    statements = _items(collection, "grants")
    if not statements:
        return
    _refuse_revoking_settings(collection)
    lists = _Lists()
    for statement in statements:
        _collect(statement, spec, lists)
    if getattr(collection, "default_grants_imply_grants", True):
        _add_implied(spec, lists)
    _add_created_after(spec, lists)
    _add_public_execute(lists)
    _write(spec, lists)


def _refuse_revoking_settings(collection: Any) -> None:
    # With only_defined_roles (the default) the hook compares only the grants of the roles the
    # metadata declares, and a DatabaseSchema declares none (roles are refused): it only ever
    # adds, as ignore_unspecified=True does. Without it and without ignore_unspecified it revokes
    # every grant it does not declare on every object of the database, other schemas included,
    # which one schema's resource cannot say.
    if not getattr(collection, "only_defined_roles", True) and not getattr(collection, "ignore_unspecified", False):
        raise UnsupportedModelError(
            "grants (sqlalchemy-declarative-extensions)",
            "only_defined_roles=False without ignore_unspecified=True revokes every undeclared grant in the "
            "whole database, other schemas included: a DatabaseSchema manages one schema's")


def _collect(statement: Any, spec: dict, lists: _Lists) -> None:
    where = f"grant {_describe(statement)} (sqlalchemy-declarative-extensions)"
    grant = statement.grant
    if grant.grant_option:
        raise UnsupportedModelError(where, "WITH GRANT OPTION has no field: the resource's grants carry none")
    if grant.revoke_:
        raise UnsupportedModelError(where, "a revoke has no field: leave the privilege out of the declared grants")
    role = _role(where, grant.target_role)
    privileges = sorted(str(getattr(p, "value", p)) for p in grant.grants)
    if hasattr(statement, "default_grant"):
        lists.add_default(*_default_of(where, statement.default_grant, spec["schema"]), role, privileges)
        return
    kind = _word(statement.grant_type)
    for target in statement.targets:
        lists.add(*_object_of(where, kind, target, spec), role, privileges)


def _role(where: str, role: str) -> str:
    # The package writes the role double-quoted: "public" is PostgreSQL's PUBLIC (the grammar
    # takes the name public as PUBLIC, quoted or not), "PUBLIC" a role of that name, which
    # cannot exist.
    if role == "public":
        return "public"
    if role.lower() == "public":
        raise UnsupportedModelError(where, f"the package writes TO \"{role}\", a role of that name, not PUBLIC: "
                                           "write to=\"public\"")
    return role


def _default_of(where: str, default: Any, schema: str) -> tuple[Optional[str], str]:
    """A DefaultGrant's (forRole, objects). Without for_role it is the role the hook connects
    as; the resource's forRole left out is the role the operator connects as, the one that
    creates what it creates."""
    others = [s for s in default.in_schemas if s != schema]
    if others:
        raise UnsupportedModelError(where, f"it is in schema {others[0]!r}; this export is of {schema!r}")
    return default.target_role, _DEFAULT_OBJECTS[_word(default.grant_type)]


def _object_of(where: str, kind: Optional[str], target: str, spec: dict) -> tuple[str, str]:
    """The resource list (kind, name) a GrantStatement's target is in."""
    target_schema, _, name = target.rpartition(".")
    if kind == "schema":
        if target != spec["schema"]:
            raise UnsupportedModelError(where, f"schema {target!r} is not the exported schema {spec['schema']!r}")
        if target == "public":
            # public starts with grants of PostgreSQL's own (PUBLIC's USAGE) that the package
            # keeps and that an exact spec.grants would revoke unless listed.
            raise UnsupportedModelError(where, "spec.grants is exact and public's own grants (PUBLIC's USAGE) "
                                               "are not in the models: declare spec.grants by hand")
        return "schema", target
    if (target_schema or spec["schema"]) != spec["schema"]:
        raise UnsupportedModelError(where, f"it is in schema {target_schema!r}; this export is of {spec['schema']!r}")
    if kind == "table":
        for list_kind in ("tables", "views"):
            if name in _names(spec, list_kind):
                return list_kind, name
        raise UnsupportedModelError(where, f"{name!r} is not a table or view of this export")
    if kind == "sequence":
        if name in _names(spec, "sequences"):
            return "sequences", name
        raise UnsupportedModelError(where, f"{name!r} is not a sequence of this export (a serial column's)")
    if kind == "function":
        return "functions", _function_of(where, name, spec)
    raise UnsupportedModelError(where, f"grants on a {kind} have no field in the resource")


def _function_of(where: str, name: str, spec: dict) -> str:
    # The package writes ON FUNCTION "name", which PostgreSQL takes only for one function of
    # that name, and never for a procedure.
    entries = [f for f in spec.get("functions", ()) if f["name"] == name]
    if len(entries) != 1:
        raise UnsupportedModelError(where, f"{name!r} is not one function of this export "
                                           f"({len(entries)} declared under that name)")
    if entries[0].get("kind") == "procedure":
        raise UnsupportedModelError(where, f"{name!r} is a procedure: the package's GRANT ... ON FUNCTION "
                                           "fails on it")
    return name


def _names(spec: dict, kind: str) -> set:
    return {o["name"] for o in spec.get(kind, ())}


def _add_implied(spec: dict, lists: _Lists) -> None:
    # The hook grants a default grant's privileges on every object of its kind that exists in
    # the schema when it runs, whatever the for_role, and PostgreSQL gives them to those created
    # afterwards: either way each table, plain view and sequence ends up holding them.
    plain_views = {v["name"] for v in spec.get("views", ()) if not v.get("materialized")}
    for (_, objects, role), privileges in lists.defaults.items():
        for kind in _IMPLIED_ON.get(objects, ()):
            for name in _names(spec, kind):
                if kind != "views" or name in plain_views:
                    lists.add(kind, name, role, sorted(privileges))


def _add_created_after(spec: dict, lists: _Lists) -> None:
    # Functions and materialized views the hook never grants on; create_all makes them after it
    # (its grant hook runs before_create, theirs after_create), so PostgreSQL gives them the
    # defaults of the role create_all runs as. Only a list written for them needs these: without
    # one the operator, which sets default privileges before it creates, gives them the same.
    matviews = {v["name"] for v in spec.get("views", ()) if v.get("materialized")}
    for (for_role, objects, role), privileges in lists.defaults.items():
        if for_role is not None or objects not in ("functions", "tables"):
            continue
        kind = "functions" if objects == "functions" else "views"
        for name, acl in lists.by_kind[kind].items():
            if kind == "functions" or name in matviews:
                acl.setdefault(role, set()).update(privileges)


def _add_public_execute(lists: _Lists) -> None:
    # PostgreSQL lets PUBLIC execute every new function and the package never revokes it; the
    # operator would, for a function with a grants list that does not say so.
    for acl in lists.by_kind["functions"].values():
        acl.setdefault("public", set()).add("EXECUTE")


def _write(spec: dict, lists: _Lists) -> None:
    for kind in ("tables", "views", "sequences", "functions"):
        for entry in spec.get(kind, ()):
            acl = lists.by_kind[kind].get(entry["name"])
            if acl is not None:
                entry["grants"] = _grant_list(acl)
    schema_acl = lists.by_kind["schema"].get(spec["schema"])
    if schema_acl is not None:
        spec["grants"] = _grant_list(schema_acl)
    if lists.defaults:
        spec["defaultPrivileges"] = [_default_entry(key, privileges) for key, privileges in lists.defaults.items()]


def _grant_list(acl: Acl) -> list[dict]:
    return [{"role": role, "privileges": sorted(acl[role])} for role in sorted(acl)]


def _default_entry(key: tuple, privileges: set) -> dict:
    for_role, objects, role = key
    entry: dict[str, Any] = {"forRole": for_role} if for_role is not None else {}
    entry.update({"objects": objects, "role": role, "privileges": sorted(privileges)})
    return entry
