"""Typed results: the shapes of the binary's `-o json` output (the resource's status)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional


@dataclass(frozen=True)
class DriftItem:
    """One difference between the models and the database, in the contract's change vocabulary."""

    object: str  # "orders", "orders.note", "order_status", ...
    change: str  # AddColumn, DropColumn, ChangeType, ...
    destructive: bool
    blocked: bool = False
    reason: Optional[str] = None  # why it is blocked

    @classmethod
    def from_json(cls, item: dict) -> "DriftItem":
        return cls(
            object=item["object"],
            change=item["change"],
            destructive=bool(item.get("destructive", False)),
            blocked=bool(item.get("blocked", False)),
            reason=item.get("reason"),
        )


@dataclass(frozen=True)
class Plan:
    hash: str  # the approval key ("" when there is nothing to run)
    destructive: int
    statements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatementFailure:
    object: str
    statement: str
    message: str


@dataclass(frozen=True)
class SchemaReport:
    """What validate_schema() found, or what fix_schema() left pending and applied.

    Iterating it (and len()) gives the drift items, so `if await manager.validate_schema():` reads
    as "is there drift".
    """

    name: str
    drift: list[DriftItem]
    drift_count: int  # exact; `drift` may be bounded
    plan: Plan
    applied: list[str]
    failure: Optional[StatementFailure] = None

    @property
    def in_sync(self) -> bool:
        return self.drift_count == 0

    @property
    def destructive_pending(self) -> list[DriftItem]:
        return [d for d in self.drift if d.destructive]

    @property
    def blocked(self) -> list[DriftItem]:
        return [d for d in self.drift if d.blocked]

    def __iter__(self) -> Iterator[DriftItem]:
        return iter(self.drift)

    def __len__(self) -> int:
        return self.drift_count

    @classmethod
    def from_json(cls, doc: dict) -> "SchemaReport":
        drift = doc.get("drift") or {}
        plan = doc.get("plan") or {}
        error = doc.get("error")
        return cls(
            name=doc.get("name", ""),
            drift=[DriftItem.from_json(i) for i in drift.get("items", [])],
            drift_count=int(drift.get("count", 0)),
            plan=Plan(hash=plan.get("hash", ""), destructive=int(plan.get("destructive", 0)),
                      statements=list(plan.get("statements", []))),
            applied=list(doc.get("applied", [])),
            failure=StatementFailure(error.get("object", ""), error.get("statement", ""), error.get("message", ""))
            if isinstance(error, dict) else None,
        )


@dataclass(frozen=True)
class Health:
    """For a /health endpoint: whether the database answers, and its version."""

    database_available: bool
    server_version: Optional[str] = None
    error: Optional[str] = None  # never holds a password

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"database": "available" if self.database_available else "unavailable"}
        if self.server_version:
            out["server_version"] = self.server_version
        if self.error:
            out["error"] = self.error
        return out
