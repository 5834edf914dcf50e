"""SQLAlchemy models to DatabaseSchema resources, and the SchemaManager API backed by schema-operator."""
from .errors import (
    CommandError,
    ConfigurationError,
    MigrationError,
    ModelsNotFoundError,
    SchemaOperatorError,
    UnsupportedModelError,
)
from .export import export_resource, load_metadata, to_yaml
from .manager import SchemaManager
from .results import DriftItem, Health, Plan, SchemaReport, StatementFailure

__all__ = [
    "CommandError",
    "DriftItem",
    "Health",
    "Plan",
    "SchemaManager",
    "SchemaReport",
    "StatementFailure",
    "ConfigurationError",
    "MigrationError",
    "ModelsNotFoundError",
    "SchemaOperatorError",
    "UnsupportedModelError",
    "export_resource",
    "load_metadata",
    "to_yaml",
]
__version__ = "0.1.0"
