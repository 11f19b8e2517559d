"""Watch passes through the Python API on real servers: a production ALTER
and a new table submitted as one task, the same drift held while its task
waits, the task run by ``run_due``, the shadows in step on the next pass,
and a second center on the same store that never submits the drift again."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

import shadowsync
from shadowsync import TaskCenter, WatchOutcome

from conftest import Scratch


@pytest.fixture
def in_step(scratch: Scratch, tmp_path: Path) -> TaskCenter:
    """Two sources whose shadows a first watch pass created and ran."""
    scratch.run("CREATE TABLE orders (id int NOT NULL PRIMARY KEY, total decimal(10,2) NOT NULL)")
    scratch.run("CREATE TABLE customers (id int NOT NULL PRIMARY KEY, name varchar(40) NULL)")
    center = TaskCenter(tmp_path / "tasks.db")
    first = center.watch_once(scratch.executor, creator="pytest")
    assert first.outcome is WatchOutcome.SUBMITTED, first
    done = center.run_due(scratch.executor, worker="pytest")
    assert [t.status for t in done.finished] == ["succeeded"], done
    return center


def test_watch_submits_a_drift_once_then_finds_it_in_step(scratch: Scratch, in_step: TaskCenter) -> None:
    center = in_step
    assert center.watch_once(scratch.executor, creator="pytest").outcome is WatchOutcome.IN_STEP

    scratch.run("ALTER TABLE orders ADD COLUMN note varchar(20) NULL")
    scratch.run("CREATE TABLE refunds (id int NOT NULL PRIMARY KEY)")
    submitted = center.watch_once(scratch.executor, creator="pytest", remarks="nightly")
    assert submitted.outcome is WatchOutcome.SUBMITTED, submitted
    assert submitted.task is not None and submitted.drift is not None
    assert sorted((t.source, t.action) for t in submitted.plan.tables if t.statements) == [
        ("orders", "alter"),
        ("refunds", "create"),
    ]
    assert submitted.task.remarks == "nightly"
    # The recorded connection never carries the password.
    password = urlsplit(scratch.url).password
    if password:
        assert f":{password}@" not in submitted.task.connection, submitted.task.connection

    held = center.watch_once(scratch.executor, creator="pytest")
    assert held.outcome is WatchOutcome.HELD
    assert held.drift == submitted.drift
    assert held.task is not None and held.task.id == submitted.task.id

    done = center.run_due(scratch.executor, worker="pytest")
    assert [(t.id, t.status) for t in done.finished] == [(submitted.task.id, "succeeded")], done
    after = center.watch_once(scratch.executor, creator="pytest")
    assert after.outcome is WatchOutcome.IN_STEP, after
    assert after.task is None
    assert shadowsync.check(scratch.executor).ready


def test_a_second_center_on_the_store_never_submits_the_drift_again(
    scratch: Scratch, in_step: TaskCenter, tmp_path: Path
) -> None:
    other = TaskCenter(tmp_path / "tasks.db")
    scratch.run("ALTER TABLE customers ADD KEY idx_name (name)")
    first = in_step.watch_once(scratch.executor, creator="host-a")
    second = other.watch_once(shadowsync.connect(scratch.url), creator="host-b")
    assert first.outcome is WatchOutcome.SUBMITTED
    assert second.outcome is WatchOutcome.HELD
    assert first.task is not None and second.task is not None
    assert second.task.id == first.task.id
    assert second.task.creator == "host-a"


def test_watch_rejects_bad_input(scratch: Scratch, tmp_path: Path) -> None:
    center = TaskCenter(tmp_path / "tasks.db")
    # Refused on the first pass, though nothing has drifted yet.
    with pytest.raises(shadowsync.InvalidRequestError, match="creator is blank"):
        center.watch_once(scratch.executor, creator="  ")
    with pytest.raises(shadowsync.InvalidRequestError, match="not both"):
        center.watch_once(scratch.executor, creator="pytest", tables="orders", include="o*")
    with pytest.raises(shadowsync.InvalidRequestError):
        center.watch_once(scratch.executor, creator="pytest", on_error="sometimes")  # type: ignore[arg-type]
