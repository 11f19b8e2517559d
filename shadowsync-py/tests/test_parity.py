"""One scenario through the three front ends, byte-identical JSON.

The CLI (``--format json``), the C ABI (``examples/c/parity.c``) and the
Python package (``examples/parity.py`` and in process) each print the host
layer's views of the same plan and of the same task: they must give the same
bytes, because each front end only hands the host's text through.

The CLI and the C program are found in the Cargo target directory
(``$CARGO_TARGET_DIR``, else ``/var/tmp/shadowsync-target``): built by
``scripts/test_bindings.sh`` before the pytest suite runs. A missing one
fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import shadowsync

from conftest import REPO, Scratch

TARGET = Path(os.environ.get("CARGO_TARGET_DIR", "/var/tmp/shadowsync-target"))
CLI = TARGET / "debug" / "shadowsync"
C_PARITY = TARGET / "c-example" / "parity"
PY_PARITY = REPO / "shadowsync-py" / "examples" / "parity.py"

SCHEMA = [
    "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(120) NOT NULL,"
    " UNIQUE KEY uk_email (email)) COMMENT='who buys'",
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL,"
    " note VARCHAR(20) DEFAULT 'it''s new', KEY k_customer (customer_id),"
    " CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id))",
]


def run(command: list[str], status: int = 0) -> str:
    """The stdout of ``command``, which must exit with ``status`` (the CLI's
    ``plan`` exits 1 when there are changes to make)."""
    for program in (CLI, C_PARITY):
        if command[0] == str(program) and not program.is_file():
            pytest.fail(f"{program} is not built: run scripts/test_bindings.sh")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == status, f"{command[:2]}: {done.returncode}: {done.stderr}"
    return done.stdout


def three(command: list[str], cli_status: int = 0) -> list[str]:
    """The view ``command`` names (``plan URL``, ``task STORE ID`` …), as
    the CLI (exiting with ``cli_status``), the C program and the Python
    script print it."""
    what, *rest = command
    if what == "plan":
        cli = [str(CLI), "plan", "--url", rest[0], "--all", "--format", "json"]
    else:
        store, task = rest
        sub = "show" if what == "task" else what
        cli = [str(CLI), "task", sub, task, "--store", store, "--format", "json"]
    return [
        run(cli, cli_status),
        run([str(C_PARITY), *command]),
        run([sys.executable, str(PY_PARITY), *command]),
    ]


def table_rows(view: dict[str, object]) -> list[dict[str, object]]:
    """The ``tables`` of a plan view."""
    tables = view["tables"]
    assert isinstance(tables, list)
    return [dict(t) for t in tables]


def assert_identical(texts: list[str], kind: str) -> dict[str, object]:
    cli, c, python = texts
    assert c == cli, f"C differs from the CLI for {kind}"
    assert python == cli, f"Python differs from the CLI for {kind}"
    value: dict[str, object] = json.loads(cli)
    assert value["schema_version"] == shadowsync.SCHEMA_VERSION
    assert value["kind"] == kind
    return value


def test_the_three_front_ends_print_the_same_views(scratch: Scratch, tmp_path: Path) -> None:
    for sql in SCHEMA:
        scratch.run(sql)

    # Changes to make: the CLI's plan exits 1.
    plan = assert_identical(three(["plan", scratch.url], cli_status=1), "plan")
    in_process = shadowsync.analyze(scratch.executor).to_json()
    assert in_process == three(["plan", scratch.url], cli_status=1)[0]
    assert [t["action"] for t in table_rows(plan)] == ["create", "create"]

    store = str(tmp_path / "tasks.db")
    synced = run(
        [str(CLI), "sync", "--url", scratch.url, "--all", "--yes", "--store", store,
         "--format", "json", "--progress", "off"]
    )
    task_id = str(json.loads(synced)["task"]["id"])

    task = assert_identical(three(["task", store, task_id]), "task")
    assert task["status"] == "succeeded"
    assert task["counts"] == {
        "total": 2, "waiting": 0, "running": 0, "succeeded": 2, "failed": 0, "skipped": 0
    }
    timeline = assert_identical(three(["timeline", store, task_id]), "timeline")
    assert isinstance(timeline["events"], list) and timeline["events"]
    logs = assert_identical(three(["logs", store, task_id]), "logs")
    assert isinstance(logs["entries"], list) and logs["entries"]

    # In step now: the three agree on that too.
    again = assert_identical(three(["plan", scratch.url]), "plan")
    assert [(t["action"], t["reason"]) for t in table_rows(again)] == [
        ("skip", "identical"),
        ("skip", "identical"),
    ]
