"""The exceptions the package raises. Each carries a message a person can act on."""
from __future__ import annotations


class SchemaOperatorError(Exception):
    """Base class of every error this package raises."""


class UnsupportedModelError(SchemaOperatorError):
    """The models declare something a DatabaseSchema cannot express.

    `obj` names what is at fault the way a developer finds it in the models: the model (or table)
    and the column, constraint or index, e.g. ``Order.total (orders.total)``.
    """

    def __init__(self, obj: str, reason: str):
        self.obj = obj
        self.reason = reason
        super().__init__(f"{obj}: {reason}")


class ModelsNotFoundError(SchemaOperatorError):
    """`module:attribute` did not name an importable MetaData or declarative Base."""


class CommandError(SchemaOperatorError):
    """The schema-operator binary reported an error (exit status 1) or could not be run.

    `message` is the binary's own error text (it never holds a password; see `redact`), `exit_code`
    its exit status (None when it could not be started).
    """

    def __init__(self, message: str, exit_code: int | None = None, command: str | None = None):
        self.message = message
        self.exit_code = exit_code
        self.command = command
        super().__init__(message)


class ConfigurationError(SchemaOperatorError):
    """A setting (environment variable or argument) is missing or invalid."""


class MigrationError(SchemaOperatorError):
    """`alembic upgrade head` failed; the schema was not aligned afterwards."""
