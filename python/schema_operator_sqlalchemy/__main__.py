"""`python -m schema_operator_sqlalchemy export myapp.models:Base [--name N] [--namespace NS]
[--schema S] [--secret NAME[/KEY]] [-o yaml|json]`: the DatabaseSchema for the models, on stdout.

Exit 0 with the resource; 1 with one line on stderr naming what cannot be exported.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from .errors import SchemaOperatorError
from .export import export_resource, generated_by, load_metadata, resource_name, table_schemas, to_yaml


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m schema_operator_sqlalchemy")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print the DatabaseSchema for a MetaData or declarative Base")
    export.add_argument("target", metavar="MODULE:ATTRIBUTE", help="e.g. myapp.models:Base")
    export.add_argument("--name", help="metadata.name (default: the top-level package of MODULE)")
    export.add_argument("--namespace", help="metadata.namespace (default: none, kubectl's current one)")
    export.add_argument("--schema", help="the PostgreSQL schema to export (default: public)")
    export.add_argument("--secret", metavar="NAME[/KEY]",
                        help="the Secret holding DATABASE_URL (default: NAME-db, key DATABASE_URL)")
    export.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    # `python -m` puts the current directory first on sys.path; the console script does not, and
    # `myapp.models` is usually importable from where the command is run.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        metadata, source = load_metadata(args.target)
        resource = export_resource(
            metadata,
            name=args.name or resource_name(args.target),
            namespace=args.namespace,
            schema=args.schema,
            secret=args.secret,
            source=source,
        )
    except (SchemaOperatorError, SQLAlchemyError) as e:
        # SQLAlchemy's own errors are the models' (a ForeignKey to a table no model declares):
        # create_all would fail on them too.
        print(f"error: {e}", file=sys.stderr)
        return 1
    exported = resource["spec"]["schema"]
    for other in sorted(set(table_schemas(metadata, exported).values()) - {exported}):
        # One DatabaseSchema owns one schema: say what this one leaves to another.
        print(f"note: the tables of schema {other!r} are not in this resource; export them with --schema {other}",
              file=sys.stderr)
    if args.output == "json":
        sys.stdout.write(json.dumps(resource, indent=2) + "\n")
    else:
        given = list(argv if argv is not None else sys.argv[1:])
        sys.stdout.write(to_yaml(resource, header=[generated_by(given[given.index("export") + 1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
