"""SchemaManager: the API an application already calls at start-up, backed by `schema-operator`.

    manager = SchemaManager(Base)                 # or SchemaManager(resource="deploy/shop.yaml")
    await manager.initialize_database()           # alembic upgrade head (ENABLE_AUTO_MIGRATION=true), then align
    drift = await manager.validate_schema()       # the drift items; changes nothing
    await manager.fix_schema()                    # safe changes; destructive ones with AUTO_SCHEMA_DESTRUCTIVE=true
    await manager.health()                        # for /health

Every coroutine has a synchronous twin for scripts: validate_schema_sync(), fix_schema_sync(),
initialize_database_sync(), health_sync(). Settings come from the environment (settings.py) on each
call, so an application may set them after importing its manager.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import ssl
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import yaml
from sqlalchemy import MetaData

from .errors import ConfigurationError, MigrationError
from .export import as_metadata, export_resource, load_metadata, resource_name
from .results import Health, SchemaReport
from .runner import invocation, run_async, run_sync
from .settings import Settings, env_flag, redact

log = logging.getLogger("schema_operator_sqlalchemy")

ModelsLike = Union[MetaData, Any, str]  # a MetaData, a declarative Base, or "module:attribute"


class SchemaManager:
    def __init__(
        self,
        models: Optional[ModelsLike] = None,
        *,
        resource: Optional[Union[str, Path]] = None,
        database_url: Optional[str] = None,
        schema: Optional[str] = None,
        name: Optional[str] = None,
        namespace: Optional[str] = None,
        alembic_config: Optional[Union[str, Path]] = None,
        binary: Optional[str] = None,
        env: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = 600.0,
    ):
        """`models` (or SCHEMA_OPERATOR_MODELS=module:attribute) is exported in-process on each call;
        `resource` (or SCHEMA_OPERATOR_RESOURCE) is a DatabaseSchema file, e.g. the one the export
        wrote. `name`/`namespace` are the resource's: the schema's owner recorded in the database,
        so use the same ones the operator will (default: the models' top-level package, no namespace)."""
        self._env = env
        environ = self._environ()
        if models is None and resource is None:
            models = environ.get("SCHEMA_OPERATOR_MODELS") or None
            resource = environ.get("SCHEMA_OPERATOR_RESOURCE") or None
        if models is None and resource is None:
            raise ConfigurationError(
                "SchemaManager needs the models (SchemaManager(Base), or SCHEMA_OPERATOR_MODELS=module:attribute) "
                "or a DatabaseSchema file (resource=..., or SCHEMA_OPERATOR_RESOURCE)"
            )
        self._models = models
        self._resource = Path(resource) if resource is not None else None
        self._database_url = database_url
        self._schema = schema
        self._name = name
        self._namespace = namespace
        self._alembic_config = alembic_config
        self._binary = binary
        self._timeout = timeout

    def _environ(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

    def settings(self) -> Settings:
        return Settings.from_env(self._environ(), database_url=self._database_url, binary=self._binary)

    # ---- the document ---------------------------------------------------------------------------

    def document(self) -> str:
        """The DatabaseSchema the binary gets, as JSON (which is YAML), with `mode: Apply` so that
        `apply` applies: whether it may is this API's decision (the environment's), not the file's."""
        if self._resource is not None:
            try:
                docs = [d for d in yaml.safe_load_all(self._resource.read_text()) if d is not None]
            except (OSError, yaml.YAMLError) as e:
                raise ConfigurationError(f"cannot read {self._resource}: {e}") from None
            if len(docs) != 1:
                # One manager, one schema, one report: the reports' shape has no room for more.
                raise ConfigurationError(f"{self._resource} holds {len(docs)} documents; a SchemaManager "
                                         "manages one DatabaseSchema")
        else:
            docs = [self._export()]
        doc = docs[0]
        if isinstance(doc, dict) and isinstance(doc.get("spec"), dict):
            doc["spec"]["mode"] = "Apply"
        return json.dumps(doc) + "\n"

    def _export(self) -> dict:
        models = self._models
        if isinstance(models, str):
            metadata, source = load_metadata(models)
            default_name = resource_name(models)
        else:
            metadata, source = _metadata_of(models), models
            # A declarative Base lives in the models' module; a bare MetaData says nothing.
            module = getattr(models, "__module__", "") if not isinstance(models, MetaData) else ""
            default_name = resource_name(module) if module else "app"
        return export_resource(
            metadata,
            name=self._name or default_name,
            namespace=self._namespace,
            schema=self._schema,
            mode="Apply",
            source=source,
        )

    # ---- the API ----------------------------------------------------------------------------

    def _invocation(self, command: str):
        settings = self.settings()
        destructive = command == "apply" and settings.auto_schema_destructive
        return invocation(settings, command, self.document(), allow_destructive=destructive, base_env=self._environ())

    async def validate_schema(self) -> SchemaReport:
        """The drift between the models and the database; changes nothing."""
        return _logged("validate_schema", await run_async(self._invocation("plan"), self._timeout))

    async def fix_schema(self) -> SchemaReport:
        """Applies the safe changes, and the destructive ones only when AUTO_SCHEMA_DESTRUCTIVE=true.
        Returns what is still pending and what was applied."""
        return _logged("fix_schema", await run_async(self._invocation("apply"), self._timeout))

    async def initialize_database(self) -> SchemaReport:
        """At start-up: with ENABLE_AUTO_MIGRATION=true, `alembic upgrade head` and then fix_schema();
        otherwise validate_schema() only (drift is reported, nothing is changed)."""
        settings = self.settings()
        if not settings.enable_auto_migration:
            return await self.validate_schema()
        await asyncio.to_thread(self._alembic_upgrade, settings)
        return await self.fix_schema()

    async def health(self) -> Health:
        """Whether the database answers, and its server version."""
        target = self._health_target()
        if isinstance(target, Health):
            return target
        if target[0].get_dialect().is_async:
            return await _health_async(*target)
        return await asyncio.to_thread(_health_sync, *target)

    # ---- synchronous twins ----------------------------------------------------------------------

    def validate_schema_sync(self) -> SchemaReport:
        return _logged("validate_schema", run_sync(self._invocation("plan"), self._timeout))

    def fix_schema_sync(self) -> SchemaReport:
        return _logged("fix_schema", run_sync(self._invocation("apply"), self._timeout))

    def initialize_database_sync(self) -> SchemaReport:
        settings = self.settings()
        if not settings.enable_auto_migration:
            return self.validate_schema_sync()
        self._alembic_upgrade(settings)
        return self.fix_schema_sync()

    def health_sync(self) -> Health:
        target = self._health_target()
        if isinstance(target, Health):
            return target
        if target[0].get_dialect().is_async:
            return asyncio.run(_health_async(*target))
        return _health_sync(*target)

    def _health_target(self):
        """(url, driver arguments, settings) to connect with, or the Health saying why there are none."""
        try:
            settings = self.settings()
            url, connect_args = _health_connection(settings, self._environ())
        except ConfigurationError as e:
            return Health(False, error=str(e))
        return url, connect_args, settings

    # ---- Alembic ----------------------------------------------------------------------------------

    def _alembic_upgrade(self, settings: Settings) -> None:
        try:
            from alembic import command
            from alembic.config import Config
        except ImportError:
            raise ConfigurationError("ENABLE_AUTO_MIGRATION=true needs Alembic: pip install alembic") from None
        path = Path(self._alembic_config or self._environ().get("ALEMBIC_CONFIG") or "alembic.ini")
        if not path.is_file():
            raise ConfigurationError(f"ENABLE_AUTO_MIGRATION=true but there is no Alembic configuration at {path}")
        config = Config(str(path))
        if not config.get_main_option("sqlalchemy.url"):
            # The ini file's values are interpolated: a % in the password must be doubled.
            config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
        log.info("initialize_database: alembic upgrade head (%s)", path)
        try:
            command.upgrade(config, "head")
        except Exception as e:  # Alembic and the migrations raise anything
            message = redact(f"{type(e).__name__}: {e}", settings.password, settings.database_url)
            raise MigrationError(f"alembic upgrade head failed: {message}") from None


def _metadata_of(models: Any) -> MetaData:
    metadata = as_metadata(models)
    if metadata is None:
        raise ConfigurationError(f"{models!r} is neither a MetaData nor a declarative Base")
    return metadata


def _logged(what: str, report: SchemaReport) -> SchemaReport:
    log.info("%s: %s: %d change(s) pending (%d destructive, %d blocked), %d statement(s) applied", what,
             report.name, report.drift_count, len(report.destructive_pending), len(report.blocked),
             len(report.applied))
    for item in report.drift:
        kind = "blocked: " + (item.reason or "") if item.blocked else "destructive" if item.destructive else "safe"
        log.info("%s: %s %s (%s)", what, item.change, item.object, kind)
    return report


# ---- health ----------------------------------------------------------------------------------------

HEALTH_TIMEOUT_SECONDS = 5

# The drivers on libpq, best first. SQLAlchemy 1.4 has no dialect for psycopg (3); there a URL that
# names it is served by psycopg2, which connects the same way and takes the same arguments.
LIBPQ_DRIVERS = ("psycopg", "psycopg2")


def _health_connection(settings: Settings, env: Mapping[str, str]):
    """A SQLAlchemy URL and driver arguments for one short connection, with the TLS settings the
    binary would use (PG_SSL_ROOT_CERT, PG_SSL_ALLOW_SELF_SIGNED)."""
    from sqlalchemy.engine import make_url

    raw = settings.database_url.strip()
    connect_args: dict[str, Any] = {}
    if "://" not in raw:  # libpq key=value: psycopg takes the pairs as keyword arguments
        url = make_url(f"postgresql+{_installed_driver(LIBPQ_DRIVERS)}://")
        connect_args.update(dict(token.split("=", 1) for token in shlex.split(raw) if "=" in token))
    else:
        url = make_url(raw.replace("postgres://", "postgresql://", 1))
        if "+" not in url.drivername:  # libpq form: whichever driver the application has
            url = url.set(drivername=f"postgresql+{_installed_driver(LIBPQ_DRIVERS + ('asyncpg',))}")
        elif url.get_driver_name() in LIBPQ_DRIVERS and not _usable_driver(url.get_driver_name()):
            url = url.set(drivername=f"postgresql+{_installed_driver(LIBPQ_DRIVERS)}")
    root_cert = env.get("PG_SSL_ROOT_CERT", "").strip()
    self_signed = env_flag(env, "PG_SSL_ALLOW_SELF_SIGNED")
    if url.get_driver_name() == "asyncpg":
        connect_args["timeout"] = HEALTH_TIMEOUT_SECONDS
        mode = url.query.get("sslmode") or url.query.get("ssl") or "verify-full"
        url = url.difference_update_query(["sslmode", "ssl"])
        connect_args["ssl"] = _asyncpg_ssl(str(mode), root_cert, self_signed)
    else:
        # libpq's drivers: the binary's rules (pg/connection.cpp), verify-full unless the URL
        # asks for less; a self-signed server is encrypted to but not verified, with a root
        # certificate path that cannot exist so libpq does not upgrade `require` on its own.
        connect_args.setdefault("connect_timeout", HEALTH_TIMEOUT_SECONDS)
        if "sslmode" not in url.query and "sslmode" not in connect_args:
            connect_args["sslmode"] = "verify-full"
        if root_cert:
            connect_args["sslrootcert"] = root_cert
        if self_signed:
            connect_args["sslmode"] = "require"
            connect_args["sslrootcert"] = "/dev/null/schema-operator-allow-self-signed"
    return url, connect_args


def _asyncpg_ssl(mode: str, root_cert: str, self_signed: bool):
    """asyncpg's `ssl` argument for a libpq sslmode and the TLS variables."""
    mode = {"true": "require", "false": "disable"}.get(mode.lower(), mode)
    if self_signed:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if root_cert and mode in ("verify-ca", "verify-full"):
        context = ssl.create_default_context(cafile=root_cert)
        context.check_hostname = mode == "verify-full"
        return context
    return mode


def _installed_driver(candidates: tuple[str, ...]) -> str:
    for name in candidates:
        if _usable_driver(name):
            return name
    import sqlalchemy

    raise ConfigurationError(f"health() needs a PostgreSQL driver that SQLAlchemy {sqlalchemy.__version__} has a "
                             f"dialect for: install one of {', '.join(candidates)}")


def _usable_driver(name: str) -> bool:
    """Installed, and known to the installed SQLAlchemy (1.4 lacks psycopg 3's dialect)."""
    import importlib.util

    from sqlalchemy.dialects import registry
    from sqlalchemy.exc import NoSuchModuleError

    if importlib.util.find_spec(name) is None:
        return False
    try:
        registry.load(f"postgresql.{name}")
    except NoSuchModuleError:
        return False
    return True


def _health_sync(url, connect_args: dict, settings: Settings) -> Health:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args=connect_args, poolclass=_null_pool(), future=True)
    try:
        with engine.connect() as conn:
            return Health(True, server_version=conn.execute(text("SHOW server_version")).scalar())
    except Exception as e:  # any driver's error means "unavailable"
        return Health(False, error=_health_error(e, settings))
    finally:
        engine.dispose()


async def _health_async(url, connect_args: dict, settings: Settings) -> Health:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, connect_args=connect_args, poolclass=_null_pool())
    try:
        async with engine.connect() as conn:
            version = (await conn.execute(text("SHOW server_version"))).scalar()
            return Health(True, server_version=version)
    except Exception as e:
        return Health(False, error=_health_error(e, settings))
    finally:
        await engine.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _health_error(e: Exception, settings: Settings) -> str:
    # The driver's first line says what failed; SQLAlchemy's background link and SQL are noise.
    text = str(getattr(e, "orig", None) or e).strip().splitlines()
    return redact(text[0] if text else type(e).__name__, settings.password, settings.database_url)
