"""Progress callbacks, the library's log records in Python `logging`, and a
PyMySQL connection as the executor, on MariaDB and seekdb."""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlsplit

import pymysql
import pytest

import shadowsync
from shadowsync import DbApiExecutor, ExecutorError, TaskCenter

from conftest import Scratch


def two_tables(scratch: Scratch) -> None:
    scratch.run("CREATE TABLE customer (id int NOT NULL, email varchar(100), PRIMARY KEY (id))")
    scratch.run(
        "CREATE TABLE orders (id int NOT NULL, customer_id int NOT NULL, note varchar(20) DEFAULT 'it''s', "
        "PRIMARY KEY (id), CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))"
    )


def test_progress_events_arrive_as_the_task_runs(scratch: Scratch) -> None:
    two_tables(scratch)
    center = TaskCenter()
    analysis = shadowsync.analyze(scratch.executor)
    task = center.submit(analysis, creator="pytest")
    events: list[dict[str, Any]] = []
    threads: set[int] = set()

    def progress(event: dict[str, Any]) -> None:
        threads.add(threading.get_ident())
        events.append(event)

    done = center.execute(task.id, scratch.executor, progress=progress)
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "task_started" and kinds[-1] == "task_finished"
    assert {"precheck_started", "table_started", "statement_sent", "statement_finished", "table_finished"} <= set(
        kinds
    )
    assert events[0] == {"event": "task_started", "task": task.id, "tables": 2, "statements": 2, "resumed": False}
    assert [e["sql"] for e in events if e["event"] == "statement_sent"] == analysis.preview()
    assert [e["table"] for e in events if e["event"] == "table_started"] == ["customer", "orders"]
    assert events[-1] == {"event": "task_finished", "task": task.id, "status": "succeeded"}
    assert threads == {threading.get_ident()}, "called on the thread running the task"

    # Only the call that asked for them gets events; run_due takes a callback too.
    scratch.run("ALTER TABLE customer ADD COLUMN name varchar(20)")
    again = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    events.clear()
    quiet = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    center.cancel(quiet.id, "pytest")
    report = center.run_due(scratch.executor, progress=events.append)
    assert [(o.id, o.status) for o in report.finished] == [(again.id, "succeeded")]
    assert {e["task"] for e in events} == {again.id}
    assert "statement_sent" in [e["event"] for e in events]


def test_a_failing_callback_is_logged_and_the_task_goes_on(
    scratch: Scratch, caplog: pytest.LogCaptureFixture
) -> None:
    two_tables(scratch)
    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    calls = 0

    def broken(event: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        raise ValueError(f"cannot show {event['event']}")

    with caplog.at_level(logging.INFO, logger="shadowsync"):
        done = center.execute(task.id, scratch.executor, progress=broken)
    assert done.status == "succeeded"
    failures = [r for r in caplog.records if r.name == "shadowsync.progress"]
    assert len(failures) == calls > 5
    assert failures[0].levelno == logging.WARNING
    assert "ValueError: cannot show task_started" in failures[0].getMessage()
    # The task's own log lines reach `logging` too, under the shadowsync root.
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("shadowsync.core.")]
    assert any("finished: succeeded" in line for line in lines), lines
    password = urlsplit(scratch.url).password
    assert not password or all(password not in r.getMessage() for r in caplog.records)


def test_warnings_of_the_library_reach_logging(scratch: Scratch, caplog: pytest.LogCaptureFixture) -> None:
    """A warning of the library (here the log of a table that failed) is a
    WARNING or ERROR record of a `shadowsync.*` logger; nothing is recorded
    below the level the logger is set to."""
    scratch.run("CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))")
    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    scratch.run("ALTER TABLE t ADD COLUMN late int")
    with caplog.at_level(logging.WARNING, logger="shadowsync"):
        assert center.execute(task.id, scratch.executor).status == "precheck_failed"
    records = [r for r in caplog.records if r.name.startswith("shadowsync.")]
    assert records and all(r.levelno >= logging.WARNING for r in records)
    assert any("changed since the analysis" in r.getMessage() for r in records)


def pymysql_connection(scratch: Scratch) -> pymysql.connections.Connection[Any]:
    url = urlsplit(scratch.url)
    return pymysql.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        database=scratch.database,
        autocommit=True,
    )


def test_a_pymysql_connection_as_the_executor(scratch: Scratch) -> None:
    two_tables(scratch)
    connection = pymysql_connection(scratch)
    # A session whose quoting differs: the executor states its own.
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES'")
    with DbApiExecutor(connection, name=scratch.url.split("@")[-1]) as executor:
        assert executor.server_info() == scratch.executor.server_info()
        assert executor.list_relations() == scratch.executor.list_relations()
        names = ["customer", "orders", "missing"]
        assert executor.show_create_tables(names) == scratch.executor.show_create_tables(names)
        analysis = shadowsync.analyze(executor)
        assert analysis.to_json() == shadowsync.analyze(scratch.executor).to_json()

        center = TaskCenter()
        task = center.submit(analysis, creator="pytest")
        events: list[dict[str, Any]] = []
        done = center.execute(task.id, executor, progress=events.append)
        assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
        assert [e["sql"] for e in events if e["event"] == "statement_sent"] == analysis.preview()
        assert shadowsync.analyze(executor).preview() == []

        with pytest.raises(ExecutorError, match="DB-API connection failed") as caught:
            executor.execute("SELEC 1")
        cause = caught.value.__cause__
        assert isinstance(cause, shadowsync.HostError) and cause.kind == "executor"
        assert isinstance(cause.__cause__, pymysql.err.ProgrammingError)
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode")
        row = cursor.fetchone()
    assert row is not None and "STRICT_TRANS_TABLES" in row[0]
    assert "ANSI_QUOTES" not in row[0] and "NO_BACKSLASH_ESCAPES" not in row[0]
    with pytest.raises(shadowsync.InvalidRequestError, match="closed"):
        executor.server_info()
    assert connection.open, "closing the executor leaves the connection to its owner"
    connection.close()
