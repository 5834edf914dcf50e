#!/usr/bin/env python3
"""DatabaseSchemas for the daemon benchmark, as one multi-document YAML on stdout.

  daemon_resources.py RESOURCES DATABASES INTERVAL [--changed K | --only K]

Resource r-<i> manages schema s<i // DATABASES> of database d<i % DATABASES> (Secret db-<d>):
three tables with keys, a foreign key, a unique constraint and an index, the size of a small
service's schema. --changed K adds one column to resource K, to time a change from kubectl apply
to Ready. --only K prints resource K alone, unchanged but for INTERVAL.
"""
import sys


def resource(i, databases, interval, changed):
    d, s = i % databases, i // databases
    extra = "\n        - {name: note, type: text}" if changed else ""
    return f"""apiVersion: dbschema.io/v1alpha1
kind: DatabaseSchema
metadata:
  name: r-{i}
  namespace: bench
spec:
  connection: {{secretRef: {{name: db-{d}, key: DATABASE_URL}}}}
  schema: s{s}
  interval: {interval}
  tables:
    - name: accounts
      columns:
        - {{name: id, type: bigint, identity: always}}
        - {{name: email, type: varchar(320), nullable: false}}
        - {{name: created_at, type: timestamptz, nullable: false, default: "now()"}}{extra}
      primaryKey: [id]
      unique: [{{columns: [email]}}]
    - name: orders
      columns:
        - {{name: id, type: bigint, identity: by-default}}
        - {{name: account_id, type: bigint, nullable: false}}
        - {{name: total_cents, type: integer, nullable: false, default: "0"}}
      primaryKey: [id]
      foreignKeys: [{{columns: [account_id], references: {{table: accounts, columns: [id]}}}}]
      indexes: [{{columns: [account_id]}}]
    - name: events
      columns:
        - {{name: id, type: bigint, identity: always}}
        - {{name: payload, type: jsonb}}
      primaryKey: [id]
"""


def main():
    args = sys.argv[1:]
    changed = only = None
    if "--changed" in args:
        k = args.index("--changed")
        changed = int(args[k + 1])
        del args[k : k + 2]
    if "--only" in args:
        k = args.index("--only")
        only = int(args[k + 1])
        del args[k : k + 2]
    resources, databases, interval = int(args[0]), int(args[1]), args[2]
    indexes = [changed] if changed is not None else [only] if only is not None else range(resources)
    print("---\n".join(resource(i, databases, interval, i == changed) for i in indexes))


if __name__ == "__main__":
    main()
