"""Running `schema-operator plan|apply -f - -o json` and reading what it says.

The document goes in on standard input and the connection string in the environment
(DATABASE_URL), never on the command line, where every user of the machine could read it.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
from dataclasses import dataclass
from typing import Mapping, Optional

from .errors import CommandError
from .results import SchemaReport
from .settings import Settings, libpq_url, redact


@dataclass(frozen=True)
class Invocation:
    argv: list[str]
    stdin: str
    env: dict[str, str]
    secrets: tuple[str, ...]  # what must never appear in a message

    @property
    def command(self) -> str:
        return " ".join(self.argv[1:3])  # "plan -f", for messages


def invocation(settings: Settings, command: str, document: str, *, allow_destructive: bool = False,
               base_env: Optional[Mapping[str, str]] = None) -> Invocation:
    env = dict(os.environ if base_env is None else base_env)
    url = libpq_url(settings.database_url)
    env["DATABASE_URL"] = url
    argv = [settings.binary, command, "-f", "-", "-o", "json"]
    if allow_destructive:
        argv.append("--allow-destructive")
    secrets = tuple(s for s in (settings.password, settings.database_url, url) if s)
    return Invocation(argv, document, env, secrets)


def interpret(inv: Invocation, returncode: int, stdout: str, stderr: str) -> SchemaReport:
    """0 in sync, 2 changes pending: a report. 1: CommandError with the binary's message."""
    reports = [json.loads(line) for line in stdout.splitlines() if line.strip().startswith("{")]
    if returncode in (0, 2) and reports:
        return SchemaReport.from_json(reports[0])
    message = _error_text(stderr)
    failed = next((r for r in reports if isinstance(r.get("error"), dict)), None)
    if failed is not None:
        err = failed["error"]
        message = f"{err.get('object', '')}: {err.get('message', '')} (statement: {err.get('statement', '')})"
    if not message:
        message = f"schema-operator {inv.argv[1]} exited with status {returncode} and printed no error"
    raise CommandError(redact(message, *inv.secrets), exit_code=returncode, command=inv.argv[1])


def _error_text(stderr: str) -> str:
    # The binary's errors are lines starting "error: "; warnings (a password on the command line,
    # say) are not the failure.
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    errors = [l[len("error: "):] if l.startswith("error: ") else l for l in lines if l.startswith("error")]
    return "\n".join(errors or lines)


def run_sync(inv: Invocation, timeout: Optional[float] = None) -> SchemaReport:
    try:
        proc = subprocess.run(inv.argv, input=inv.stdin, env=inv.env, capture_output=True, text=True,
                              timeout=timeout)
    except FileNotFoundError as e:
        raise CommandError(f"cannot run {inv.argv[0]}: {e.strerror}") from None
    except subprocess.TimeoutExpired:
        raise CommandError(f"schema-operator {inv.argv[1]} did not finish within {timeout} s") from None
    return interpret(inv, proc.returncode, proc.stdout, proc.stderr)


async def run_async(inv: Invocation, timeout: Optional[float] = None) -> SchemaReport:
    try:
        proc = await asyncio.create_subprocess_exec(
            *inv.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=inv.env)
    except FileNotFoundError as e:
        raise CommandError(f"cannot run {inv.argv[0]}: {e.strerror}") from None
    try:
        out, err = await asyncio.wait_for(proc.communicate(inv.stdin.encode()), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise CommandError(f"schema-operator {inv.argv[1]} did not finish within {timeout} s") from None
    return interpret(inv, proc.returncode, out.decode(), err.decode())
