"""Sync the shadow tables of a small shop database, end to end.

    SHADOWSYNC_MARIADB_URL=mysql://user:pw@127.0.0.1:33061/ python sync_example.py

Creates a scratch database `sspy_example`, analyses it with the prefix
`__`, shows the plan, runs it through a task center (SQLite in a temporary
directory), checks that a new analysis finds every shadow identical, and
drops the database. Type-checked with `mypy --strict`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import shadowsync

DATABASE = "sspy_example"

SCHEMA = [
    "CREATE TABLE customer (id bigint unsigned NOT NULL AUTO_INCREMENT, email varchar(190) NOT NULL, "
    "PRIMARY KEY (id), UNIQUE KEY uk_email (email))",
    "CREATE TABLE orders (id bigint unsigned NOT NULL, customer_id bigint unsigned NOT NULL, "
    "total decimal(12,2) NOT NULL DEFAULT 0, PRIMARY KEY (id), "
    "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))",
    "CREATE TABLE audit_log (id bigint NOT NULL, note text, PRIMARY KEY (id))",
]


def main() -> int:
    url = os.environ.get("SHADOWSYNC_MARIADB_URL")
    if not url:
        print("SHADOWSYNC_MARIADB_URL is not set", file=sys.stderr)
        return 1
    admin = shadowsync.connect(url)
    admin.execute(f"DROP DATABASE IF EXISTS `{DATABASE}`")
    admin.execute(f"CREATE DATABASE `{DATABASE}`")
    try:
        executor = shadowsync.connect(url, database=DATABASE)
        for sql in SCHEMA:
            executor.execute(sql)
        return sync(executor)
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS `{DATABASE}`")


def sync(executor: shadowsync.MySQLExecutor) -> int:
    analysis = shadowsync.analyze(executor, prefix="__")
    analysis.skip("audit_log")  # no load-test traffic there
    print(analysis)
    for table in analysis.tables:
        print(f"  {table.source:>10} -> {table.shadow:<12} {table.action:<6} {table.reason or ''}")
    for sql in analysis.preview():
        print(f"{sql};")

    with tempfile.TemporaryDirectory() as tmp:
        center = shadowsync.TaskCenter(Path(tmp) / "tasks.db")
        task = center.submit(analysis, creator="example", remarks="shadow tables for the load test")
        try:
            task = center.execute(task.id, executor, worker="example")
        except shadowsync.InvalidTransitionError as error:
            print(f"task {error.task_id} is {error.from_status}, cannot start it", file=sys.stderr)
            return 1
        print(task)
        print(center.export_logs(task.id), end="")
        if task.status != "succeeded":
            return 1

    again = shadowsync.analyze(executor, prefix="__", skip=["audit_log"])
    identical = all(t.reason in ("identical", "user") for t in again.tables)
    print("converged" if identical and not again.preview() else "NOT converged")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
