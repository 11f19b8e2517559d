"""A Python object as the executor: analysis and task execution through it,
and its exceptions turned into ExecutorError."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

import shadowsync
from shadowsync import ExecutorError, Relation, ServerInfo, TaskCenter

from conftest import Scratch, engine_url
from test_progress import pymysql_connection

WIDGET = "CREATE TABLE `widget` (\n  `id` int NOT NULL,\n  `label` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n)"


class FakeExecutor:
    """An in-memory database of one table; records what it runs."""

    def __init__(self) -> None:
        self.executed: list[str] = []
        self.fail_listing = False

    def server_info(self) -> ServerInfo:
        return ServerInfo(flavor="mysql", version="8.0.36", database="fake")

    def list_relations(self) -> Sequence[Relation]:
        if self.fail_listing:
            raise ConnectionError("catalog offline")
        return [Relation("widget")]

    def show_create_tables(self, names: list[str]) -> Sequence[str | None]:
        return [WIDGET if n == "widget" else None for n in names]

    def execute(self, sql: str) -> None:
        self.executed.append(sql)


def test_python_executor_serves_an_analysis() -> None:
    fake = FakeExecutor()
    analysis = shadowsync.analyze(fake, prefix="__")
    (widget,) = analysis.tables
    assert (widget.source, widget.action) == ("widget", "create")
    assert analysis.preview()[0].startswith("CREATE TABLE `__widget`")
    assert analysis.connection == "python:FakeExecutor"


def test_python_executor_exceptions_become_executor_errors() -> None:
    fake = FakeExecutor()
    fake.fail_listing = True
    with pytest.raises(ExecutorError, match="list_relations.*ConnectionError: catalog offline") as caught:
        shadowsync.analyze(fake)
    # The library's error is the cause; the Python exception is its cause.
    cause = caught.value.__cause__
    assert isinstance(cause, shadowsync.HostError) and cause.kind == "executor"
    assert isinstance(cause.__cause__, ConnectionError) and str(cause.__cause__) == "catalog offline"

    class Broken(FakeExecutor):
        def server_info(self) -> ServerInfo:
            return "not a server info"  # type: ignore[return-value]

    with pytest.raises(ExecutorError, match="server_info"):
        shadowsync.analyze(Broken())

    class Short(FakeExecutor):
        def show_create_tables(self, names: list[str]) -> Sequence[str | None]:
            return []

    with pytest.raises(ExecutorError, match="returned 0 texts for 1 names"):
        shadowsync.analyze(Short())


class Recording:
    """A Python executor in front of a real connection, recording statements."""

    def __init__(self, inner: shadowsync.MySQLExecutor) -> None:
        self.inner = inner
        self.connection = inner.connection
        self.executed: list[str] = []

    def server_info(self) -> ServerInfo:
        return self.inner.server_info()

    def list_relations(self) -> Sequence[Relation]:
        return self.inner.list_relations()

    def show_create_tables(self, names: list[str]) -> Sequence[str | None]:
        return self.inner.show_create_tables(names)

    def execute(self, sql: str) -> None:
        self.executed.append(sql)
        self.inner.execute(sql)


def test_python_executor_runs_a_task(scratch: Scratch, tmp_path: Path) -> None:
    scratch.run("CREATE TABLE customer (id int NOT NULL, PRIMARY KEY (id))")
    scratch.run(
        "CREATE TABLE orders (id int NOT NULL, customer_id int NOT NULL, PRIMARY KEY (id), "
        "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))"
    )
    recording = Recording(scratch.executor)
    analysis = shadowsync.analyze(recording)
    assert analysis.connection == scratch.executor.connection
    center = TaskCenter(tmp_path / "tasks.db")
    task = center.submit(analysis, creator="pytest")
    done = center.execute(task.id, recording)
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
    assert recording.executed == analysis.preview()
    assert shadowsync.analyze(scratch.executor).preview() == []


def test_executor_failure_during_a_task_fails_the_table(scratch: Scratch) -> None:
    scratch.run("CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))")

    class Refusing(Recording):
        def execute(self, sql: str) -> None:
            raise PermissionError("read-only replica")

    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    done = center.execute(task.id, Refusing(scratch.executor))
    assert done.status == "failed"
    (table,) = done.tables
    assert table.status == "failed" and "PermissionError: read-only replica" in (table.error or "")


def test_the_gil_is_released_while_the_server_works(scratch: Scratch) -> None:
    """While one thread waits in a server call, another keeps running Python.

    The call sleeps on the server; only a thread running Python meanwhile
    can see it in the server's process list and kill it. Were the GIL held,
    the call would end on its own (after 20 s) before this thread ran
    again, and it would never be seen running."""
    sleeping_sql = f"SELECT SLEEP(20.{os.getpid() % 1000:03d})"
    errors: list[Exception] = []

    def sleep_on_the_server() -> None:
        try:
            scratch.executor.execute(sleeping_sql)
        except ExecutorError as e:
            errors.append(e)

    watcher = pymysql_connection(scratch)
    try:
        worker = threading.Thread(target=sleep_on_the_server)
        worker.start()
        seen: int | None = None
        while worker.is_alive() and seen is None:
            with watcher.cursor() as cursor:
                cursor.execute("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = %s", (sleeping_sql,))
                row = cursor.fetchone()
                seen = None if row is None else int(row[0])
        assert seen is not None, "this thread never ran while the server call ran"
        with watcher.cursor() as cursor:
            cursor.execute(f"KILL QUERY {seen}")
        worker.join(timeout=20)
        assert not worker.is_alive()
    finally:
        watcher.close()


def test_abort_from_another_thread_stops_a_running_task(scratch: Scratch) -> None:
    """The task center is shared between threads: while a worker thread runs
    a task (blocked inside a statement), this thread asks it to stop."""
    scratch.run("CREATE TABLE a (id int NOT NULL, PRIMARY KEY (id))")
    scratch.run("CREATE TABLE b (id int NOT NULL, PRIMARY KEY (id))")
    inside, release = threading.Event(), threading.Event()

    class Pausing(Recording):
        def execute(self, sql: str) -> None:
            inside.set()
            assert release.wait(10), "never released"
            super().execute(sql)

    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    executor = Pausing(scratch.executor)
    results: list[shadowsync.Task] = []
    worker = threading.Thread(target=lambda: results.append(center.execute(task.id, executor)))
    worker.start()
    assert inside.wait(10), "the first statement never started"
    assert center.task(task.id).status == "executing"
    center.abort(task.id, "ops", comment="stop the load test")
    release.set()
    worker.join(10)
    (done,) = results
    assert done.status == "aborted"
    assert executor.executed == [s.sql for s in done.tables[0].statements]
    assert [t.status for t in done.tables] == ["succeeded", "skipped"]


def test_every_introspection_reads_the_same_texts(scratch: Scratch) -> None:
    scratch.load_demo()
    names = [r.name for r in scratch.executor.list_relations() if r.kind == "table"]
    names.append("no_such_table")
    base, database = engine_url(scratch.engine), scratch.database
    reference = shadowsync.connect(
        base, database=database, introspection="show-create"
    ).show_create_tables(names)
    assert reference[-1] is None and all(reference[:-1])
    auto = shadowsync.connect(base, database=database)
    assert auto.show_create_tables(names) == reference
    catalog = shadowsync.connect(base, database=database, introspection="catalog")
    if scratch.engine == "seekdb":
        assert catalog.show_create_tables(names) == reference
    else:
        with pytest.raises(ExecutorError, match="not OceanBase"):
            catalog.show_create_tables(names)
    with pytest.raises(shadowsync.InvalidRequestError, match="unknown introspection mode `fast`"):
        shadowsync.connect(base, introspection="fast")  # type: ignore[arg-type]


def test_close_and_context_manager(scratch: Scratch) -> None:
    with shadowsync.connect(scratch.url) as ex:
        assert ex.server_info().database == scratch.database
    with pytest.raises(shadowsync.InvalidRequestError, match="closed"):
        ex.server_info()
    ex.close()  # closing twice does nothing


def test_one_table_name_is_not_split_into_letters(scratch: Scratch) -> None:
    scratch.run("CREATE TABLE orders (id int NOT NULL, PRIMARY KEY (id))")
    scratch.run("CREATE TABLE o (id int NOT NULL, PRIMARY KEY (id))")
    analysis = shadowsync.analyze(scratch.executor, tables="orders")
    assert [t.source for t in analysis.tables] == ["orders"]
    assert shadowsync.__version__.count(".") == 2


@pytest.mark.parametrize("engine", ["mariadb"])
def test_abort_kills_a_statement_waiting_on_a_lock(scratch: Scratch) -> None:
    """MariaDB only (seekdb's DDL does not wait on open transactions): the
    host layer's heartbeat turns the abort into KILL QUERY, so the ALTER
    waiting behind an open transaction stops at once instead of after three
    lock waits of 5 s."""
    scratch.run("CREATE TABLE t (id int NOT NULL, n int, PRIMARY KEY (id))")
    scratch.run("CREATE TABLE __t (id int NOT NULL, PRIMARY KEY (id)) COMMENT '[shadowsync:shadow]'")
    holder = shadowsync.connect(scratch.url)
    holder.execute("START TRANSACTION")
    holder.execute("SELECT * FROM __t FOR UPDATE")
    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    results: list[shadowsync.Task] = []
    worker = threading.Thread(target=lambda: results.append(center.execute(task.id, scratch.executor)))
    worker.start()
    deadline = time.monotonic() + 10
    while center.task(task.id).status != "executing" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.7)
    asked = time.monotonic()
    center.abort(task.id, "ops", comment="stop the ALTER")
    worker.join(10)
    took = time.monotonic() - asked
    holder.execute("ROLLBACK")
    holder.close()
    (done,) = results
    assert done.status == "aborted", [(t.source, t.error) for t in done.tables]
    assert took < 4, f"the abort took {took:.1f} s"
    shown = scratch.executor.show_create_tables(["__t"])[0]
    assert shown is not None and "`n`" not in shown, shown
