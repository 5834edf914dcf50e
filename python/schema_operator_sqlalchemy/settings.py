"""The environment the original in-app SchemaManager read, read the same way.

DATABASE_URL            SQLAlchemy (`postgresql+asyncpg://...`, `postgresql+psycopg://...`) or libpq form
ENABLE_AUTO_MIGRATION   true: initialize_database() runs `alembic upgrade head`, then fixes drift
AUTO_SCHEMA_DESTRUCTIVE true: fix_schema() also applies destructive changes
PG_SSL_ROOT_CERT        CA bundle that signs the server's certificate (read by the binary itself)
PG_SSL_ALLOW_SELF_SIGNED true: trust the server's own self-signed certificate (read by the binary)
SCHEMA_OPERATOR_BIN     the schema-operator binary (else the one on PATH)
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import ConfigurationError

TRUE_WORDS = {"1", "true", "yes", "on"}

# Query parameters libpq understands; the rest are driver options of SQLAlchemy's dialects
# (prepared_statement_cache_size, async_fallback, ...), which libpq would refuse.
LIBPQ_PARAMS = {
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
    "client_encoding", "options", "application_name", "fallback_application_name", "keepalives",
    "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode", "sslnegotiation",
    "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir",
    "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib",
    "gssdelegation", "service", "target_session_attrs", "load_balance_hosts", "require_auth", "gssencmode",
}
# asyncpg spells sslmode `ssl`, and also accepts booleans.
ASYNCPG_SSL = {"true": "require", "false": "disable"}


def env_flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in TRUE_WORDS


def libpq_url(url: str) -> str:
    """A DATABASE_URL as the binary (libpq) takes it.

    `postgresql+asyncpg://u:p@h/db?ssl=require` becomes `postgresql://u:p@h/db?sslmode=require`; a
    `key=value` connection string is passed on as it is.
    """
    url = url.strip()
    if "://" not in url:
        return url  # libpq key=value form
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0].lower()
    if scheme not in ("postgresql", "postgres"):
        raise ConfigurationError(
            f"DATABASE_URL has scheme {parts.scheme!r}; expected postgresql:// (with an optional +driver)"
        )
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "ssl" and "sslmode" not in parts.query:
            query.append(("sslmode", ASYNCPG_SSL.get(value.lower(), value)))
        elif key in LIBPQ_PARAMS:
            query.append((key, value))
    return urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(query, quote_via=quote), ""))


def password_of(url: str) -> Optional[str]:
    """The password a DATABASE_URL holds (URL userinfo, `password=` in the query or key=value form)."""
    if not url:
        return None
    if "://" in url:
        parts = urlsplit(url)
        if parts.password:
            return unquote(parts.password)
        for key, value in parse_qsl(parts.query):
            if key == "password":
                return value
        return None
    for token in url.split():
        key, sep, value = token.partition("=")
        if sep and key.strip() == "password":
            return value.strip().strip("'")
    return None


def redact(text: str, *secrets: Optional[str]) -> str:
    """`text` with every secret (and its URL-encoded spelling) replaced by ***."""
    for secret in secrets:
        if not secret:
            continue
        for spelling in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(spelling, "***")
    return text


@dataclass(frozen=True)
class Settings:
    database_url: str  # as the application gave it (SQLAlchemy form)
    enable_auto_migration: bool
    auto_schema_destructive: bool
    binary: str

    @property
    def password(self) -> Optional[str]:
        return password_of(self.database_url)

    def __repr__(self) -> str:  # never the URL: it may hold a password
        return (f"Settings(database_url='***', enable_auto_migration={self.enable_auto_migration}, "
                f"auto_schema_destructive={self.auto_schema_destructive}, binary={self.binary!r})")

    @classmethod
    def from_env(
        cls,
        env: Optional[Mapping[str, str]] = None,
        *,
        database_url: Optional[str] = None,
        binary: Optional[str] = None,
    ) -> "Settings":
        env = os.environ if env is None else env
        url = database_url or env.get("DATABASE_URL", "")
        if not url.strip():
            raise ConfigurationError("DATABASE_URL is not set")
        return cls(
            database_url=url,
            enable_auto_migration=env_flag(env, "ENABLE_AUTO_MIGRATION"),
            auto_schema_destructive=env_flag(env, "AUTO_SCHEMA_DESTRUCTIVE"),
            binary=binary or find_binary(env),
        )


def find_binary(env: Mapping[str, str]) -> str:
    """SCHEMA_OPERATOR_BIN, else `schema-operator` on PATH (as the contract says)."""
    explicit = env.get("SCHEMA_OPERATOR_BIN", "").strip()
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise ConfigurationError(f"SCHEMA_OPERATOR_BIN={explicit!r} is not an executable file")
        return explicit
    found = shutil.which("schema-operator", path=env.get("PATH"))
    if not found:
        raise ConfigurationError("schema-operator was not found on PATH; install it or set SCHEMA_OPERATOR_BIN")
    return found
