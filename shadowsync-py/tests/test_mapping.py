"""Database mode through the Python API on real servers: shadows in another
database under the sources' names, the shadow database created by the task,
the check ready afterwards, the identity guard, and include/exclude patterns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import shadowsync
from shadowsync import TaskCenter

from conftest import Scratch


SOURCES = [
    "CREATE TABLE customers (id bigint NOT NULL PRIMARY KEY, name varchar(80) NOT NULL)",
    "CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY, customer_id bigint NOT NULL, "
    "KEY idx_customer (customer_id), "
    "CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customers (id))",
    "CREATE TABLE tmp_import (id int NOT NULL PRIMARY KEY)",
]


@pytest.fixture
def shadow_db(scratch: Scratch) -> Iterator[str]:
    """A shadow database name beside the scratch database, absent at first."""
    name = f"{scratch.database}_sh"
    admin = shadowsync.connect(scratch.url)
    admin.execute(f"DROP DATABASE IF EXISTS `{name}`")
    yield name
    admin.execute(f"DROP DATABASE IF EXISTS `{name}`")


def test_database_mode_end_to_end(scratch: Scratch, shadow_db: str, tmp_path: Path) -> None:
    for sql in SOURCES:
        scratch.run(sql)
    mapped = shadowsync.connect(scratch.url, shadow_schema=shadow_db)
    analysis = shadowsync.analyze(mapped, exclude="tmp_*")
    assert [(t.source, t.shadow, t.action) for t in analysis.tables] == [
        ("customers", "customers", "create"),
        ("orders", "orders", "create"),
    ]
    center = TaskCenter(tmp_path / "tasks.db")
    task = center.submit(analysis, creator="pytest", connection=scratch.url)
    runner = center.task_executor(task.id, scratch.url)
    done = center.execute(task.id, runner, worker="pytest")
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
    check = shadowsync.check(shadowsync.connect(scratch.url, shadow_schema=shadow_db), exclude="tmp_*")
    assert check.ready, check
    names = [r.name for r in shadowsync.connect(scratch.url, database=shadow_db).list_relations()]
    assert sorted(names) == ["customers", "orders"]
    # The sources are untouched: no marker in production.
    assert "[shadowsync:shadow]" not in (scratch.executor.show_create_tables("orders")[0] or "")


def test_the_source_database_is_never_its_own_shadow(scratch: Scratch) -> None:
    for sql in SOURCES:
        scratch.run(sql)
    same = shadowsync.connect(scratch.url, shadow_schema=scratch.database)
    with pytest.raises(shadowsync.InvalidRequestError, match="is the source database itself"):
        shadowsync.analyze(same)


def test_include_patterns(scratch: Scratch) -> None:
    for sql in SOURCES:
        scratch.run(sql)
    picked = shadowsync.analyze(scratch.executor, include=["cust*", "ord?rs"])
    assert sorted(t.source for t in picked.tables) == ["customers", "orders"]
    with pytest.raises(shadowsync.InvalidRequestError, match="not both"):
        shadowsync.analyze(scratch.executor, tables="orders", include="o*")


def test_check_and_sync_fleet(scratch: Scratch, tmp_path: Path) -> None:
    """Two databases of one fleet: one in step, one with a drifted shard,
    checked, then synced."""
    second = f"{scratch.database}_2"
    admin = shadowsync.connect(scratch.url)
    admin.execute(f"DROP DATABASE IF EXISTS `{second}`")
    admin.execute(f"CREATE DATABASE `{second}`")
    try:
        for database in [scratch.database, second]:
            ex = shadowsync.connect(scratch.url, database=database)
            for n in range(2):
                ex.execute(f"CREATE TABLE order_{n:02} (id int NOT NULL PRIMARY KEY, v int)")
                ex.execute(f"CREATE TABLE __order_{n:02} LIKE order_{n:02}")
                ex.execute(f"ALTER TABLE __order_{n:02} COMMENT='[shadowsync:shadow]'")
        shadowsync.connect(scratch.url, database=second).execute("ALTER TABLE __order_01 MODIFY v bigint")
        base = scratch.url.rsplit("/", 1)[0] + "/"
        fleet = tmp_path / "fleet.toml"
        fleet.write_text(
            f'include = ["order_*"]\n[[server]]\nurl = "{base}"\nschemas = ["{scratch.database}", "{second}"]\n'
        )
        report = shadowsync.check_fleet(fleet, connections_per_server=2)
        assert report.kind == "fleet_check" and not report.ready
        (order,) = report.logical_tables
        assert (order.name, order.total, order.ready, order.drifted) == ("order", 4, 3, 1)
        assert order.odd == [f"{base.split('@')[-1].rstrip('/')}/{second}.order_01 drifted"]
        assert [m.ready for m in report.members] == [True, False]
        # Synced: one task, for the drifted database only, under the fleet's id.
        center = TaskCenter(tmp_path / "tasks.db")
        synced = center.sync_fleet(fleet, creator="pytest", connections_per_server=2, parallel=2)
        assert synced.kind == "fleet_sync" and synced.complete, synced
        assert (synced.counts.tasks, synced.counts.succeeded, synced.counts.statements) == (1, 1, 1)
        in_step, drifted = synced.members
        assert in_step.task is None and drifted.status == "succeeded"
        assert drifted.task is not None
        task = center.task(drifted.task)
        assert task.fleet is not None and task.fleet.id == synced.fleet
        assert (task.fleet.member.endswith(f"/{second}"), task.fleet.index, task.fleet.of) == (True, 1, 1)
        assert synced.fleet is not None
        followed = center.fleet(synced.fleet)
        assert followed.kind == "fleet_tasks" and followed.complete
        assert [(t.id, t.status, t.applied, t.statements) for t in followed.tasks] == [(task.id, "succeeded", 1, 1)]
        with pytest.raises(shadowsync.NotFoundError, match="no task of fleet"):
            center.fleet("fleet-0@nowhere")
        with pytest.raises(shadowsync.InvalidRequestError, match="waits for approval"):
            center.approve_fleet(synced.fleet, "pytest", comment="auto-approved already")
        assert shadowsync.check_fleet(fleet).ready
        again = center.sync_fleet(fleet, creator="pytest")
        assert again.fleet is None and again.complete and again.counts.statements == 0
        fleet.write_text("colour = 1\n")
        with pytest.raises(shadowsync.InvalidRequestError, match="fleet.toml"):
            shadowsync.check_fleet(fleet)
        with pytest.raises(shadowsync.InvalidRequestError, match="fleet.toml"):
            center.sync_fleet(fleet, creator="pytest")
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS `{second}`")


def test_a_parallel_task_in_database_mode(scratch: Scratch, shadow_db: str, tmp_path: Path) -> None:
    """``submit(parallel=3)``: the task runs its statements on three sessions
    of the shadows' server; the key's parent still comes first."""
    for sql in SOURCES:
        scratch.run(sql)
    for i in range(6):
        scratch.run(f"CREATE TABLE loner_{i} (id int NOT NULL PRIMARY KEY, n int)")
    mapped = shadowsync.connect(scratch.url, shadow_schema=shadow_db)
    analysis = shadowsync.analyze(mapped, exclude="tmp_*")
    center = TaskCenter(tmp_path / "tasks.db")
    task = center.submit(analysis, creator="pytest", connection=scratch.url, parallel=3)
    assert task.parallel == 3
    runner = center.task_executor(task.id, scratch.url)
    done = center.execute(task.id, runner, worker="pytest")
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
    assert center.logs(task.id, contains="running up to 3 statements at once").entries
    check = shadowsync.check(shadowsync.connect(scratch.url, shadow_schema=shadow_db), exclude="tmp_*")
    assert check.ready, check
    with pytest.raises(shadowsync.InvalidRequestError, match="1 to 32 statements at once"):
        center.submit(analysis, creator="pytest", connection=scratch.url, parallel=0)
