"""DATABASE_URL in every form an application has it, as the binary (libpq) takes it; secrets out."""
import pytest

from schema_operator_sqlalchemy.errors import CommandError, ConfigurationError
from schema_operator_sqlalchemy.runner import Invocation, interpret
from schema_operator_sqlalchemy.settings import Settings, libpq_url, password_of, redact


@pytest.mark.parametrize("given, expected", [
    ("postgresql+asyncpg://app:pw@db:5432/shop", "postgresql://app:pw@db:5432/shop"),
    ("postgresql+psycopg://app:pw@db/shop?sslmode=verify-full&sslrootcert=/ca.pem",
     "postgresql://app:pw@db/shop?sslmode=verify-full&sslrootcert=%2Fca.pem"),
    ("postgres://app@db/shop", "postgresql://app@db/shop"),
    # asyncpg's ssl= is libpq's sslmode=; driver options libpq would refuse are dropped.
    ("postgresql+asyncpg://app:pw@db/shop?ssl=require&prepared_statement_cache_size=0",
     "postgresql://app:pw@db/shop?sslmode=require"),
    ("postgresql+asyncpg://app:pw@db/shop?ssl=true", "postgresql://app:pw@db/shop?sslmode=require"),
    ("host=db dbname=shop user=app", "host=db dbname=shop user=app"),
])
def test_database_urls_become_libpq_urls(given, expected):
    assert libpq_url(given) == expected


def test_other_databases_are_refused_by_scheme_only():
    with pytest.raises(ConfigurationError) as e:
        libpq_url("mysql+pymysql://app:topsecret@db/shop")
    assert "'mysql+pymysql'" in str(e.value) and "topsecret" not in str(e.value)


@pytest.mark.parametrize("url, password", [
    ("postgresql+asyncpg://app:p%40ss@db/shop", "p@ss"),
    ("postgresql://app@db/shop?password=qs", "qs"),
    ("host=db password=kv user=app", "kv"),
    ("postgresql://app@db/shop", None),
])
def test_the_password_is_found_in_every_form(url, password):
    assert password_of(url) == password


def test_redact_replaces_the_secret_and_its_url_encoding():
    assert redact("a p@ss b p%40ss c", "p@ss") == "a *** b *** c"


def test_a_binary_error_becomes_CommandError_with_its_message_only():
    inv = Invocation(["/bin/schema-operator", "plan", "-f", "-"], "", {}, ("hunter2",))
    with pytest.raises(CommandError) as e:
        interpret(inv, 1, "", "warning: something\nerror: cannot connect to db:5432/shop as app: "
                              "password authentication failed (hunter2)\n")
    assert str(e.value) == "cannot connect to db:5432/shop as app: password authentication failed (***)"


def test_a_failed_statement_names_object_statement_and_server_message():
    inv = Invocation(["/bin/schema-operator", "apply", "-f", "-"], "", {}, ())
    out = ('{"name":"shop","drift":{"count":1,"items":[]},"plan":{"hash":"","destructive":0,"statements":[]},'
           '"applied":[],"error":{"object":"orders.ck","statement":"ALTER TABLE x","message":"violates"}}\n')
    with pytest.raises(CommandError) as e:
        interpret(inv, 1, out, "")
    assert str(e.value) == "orders.ck: violates (statement: ALTER TABLE x)"


def test_flags_read_true_words_only():
    base = {"DATABASE_URL": "postgresql://x@y/z", "SCHEMA_OPERATOR_BIN": "/bin/true"}
    on = Settings.from_env({**base, "ENABLE_AUTO_MIGRATION": "TRUE", "AUTO_SCHEMA_DESTRUCTIVE": "1"})
    off = Settings.from_env({**base, "ENABLE_AUTO_MIGRATION": "false", "AUTO_SCHEMA_DESTRUCTIVE": "no"})
    assert (on.enable_auto_migration, on.auto_schema_destructive) == (True, True)
    assert (off.enable_auto_migration, off.auto_schema_destructive) == (False, False)
