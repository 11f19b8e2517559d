"""The task center on real servers: submit, approve/reject/cancel, execute,
convergence, logs, timeline, lists, and the typed exceptions of the state
machine. Tasks live in SQLite files in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

import shadowsync
from shadowsync import ApprovalFlow, ApprovalNode, InvalidRequestError, InvalidTransitionError, TaskCenter

from conftest import Scratch
from test_analysis import REFUSED


# The 2-table FK cycle of the demo schema; see test_fk_cycle_through_the_task_center.
CYCLE = ["dept", "emp"]


class Elsewhere:
    """A Python executor on database `elsewhere` holding one table `t`."""

    def server_info(self) -> shadowsync.ServerInfo:
        return shadowsync.ServerInfo(flavor="mysql", version="8.0.36", database="elsewhere")

    def list_relations(self) -> list[shadowsync.Relation]:
        return [shadowsync.Relation("t")]

    def show_create_tables(self, names: list[str]) -> list[str | None]:
        return ["CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`))" if n == "t" else None for n in names]

    def execute(self, sql: str) -> None:
        raise AssertionError("nothing runs here")


def test_demo_schema_through_the_task_center(scratch: Scratch, tmp_path: Path) -> None:
    scratch.load_demo()
    analysis = shadowsync.analyze(scratch.executor, prefix="__", skip=CYCLE)
    center = TaskCenter(tmp_path / "tasks.db")

    task = center.submit(analysis, creator="pytest", connection=scratch.url, remarks="demo")
    assert task.status == "waiting_for_execution"
    assert "shadowsync:shadowsync@" not in task.connection and task.database == scratch.database
    assert [t.source for t in task.tables] == [t.source for t in analysis.tables]

    done = center.execute(task.id, scratch.executor, worker="pytest-worker")
    failed = [(t.source, t.error) for t in done.tables if t.status == "failed"]
    assert done.status == "succeeded", failed
    assert done.worker == "pytest-worker" and done.finished_at is not None
    ran = [t for t in done.tables if t.action != "skip"]
    assert ran and all(t.status == "succeeded" for t in ran)
    assert all(s.status == "applied" for t in ran for s in t.statements)
    assert done.counts.total == len(done.tables) and done.counts.failed == 0

    # Converged: every shadow is identical but the refused ones (and the skipped cycle).
    after = shadowsync.analyze(scratch.executor, prefix="__", skip=CYCLE)
    assert {e.source for e in after.tables if e.reason != "identical"} == REFUSED | set(CYCLE)
    assert after.preview() == []

    # The same task, read again through a second handle on the same file.
    again = TaskCenter(tmp_path / "tasks.db").task(task.id)
    assert again == done
    text = center.export_logs(task.id)
    assert "finished: succeeded" in text
    assert center.logs(task.id, alerts_only=True).entries == []
    assert [e.level for e in center.logs(task.id, contains="PRECHECK").entries] == ["INFO"]
    actions = [e.action.kind for e in center.timeline(task.id).events]
    assert actions[0] == "submitted" and "precheck_passed" in actions and actions[-1] == "finished"
    page = center.list_tasks(creator="pytest")
    assert page.total == 1 and page.items[0].id == task.id and page.items[0].status == "succeeded"
    assert center.list_tasks(creator="nobody").total == 0

    # A finished task can be neither approved nor aborted.
    with pytest.raises(InvalidTransitionError) as caught:
        center.abort(task.id, "ops", comment="too late")
    assert (caught.value.task_id, caught.value.from_status, caught.value.to_status) == (
        str(task.id),
        "succeeded",
        "aborted",
    )
    with pytest.raises(InvalidTransitionError):
        center.approve(task.id, "ops")


def test_fk_cycle_through_the_task_center(scratch: Scratch) -> None:
    scratch.load_demo()
    center = TaskCenter()
    task = center.submit(shadowsync.analyze(scratch.executor, prefix="__", tables=CYCLE), creator="pytest")
    done = center.execute(task.id, scratch.executor)
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]


def test_execute_runs_with_the_plans_own_policy(scratch: Scratch) -> None:
    """A plan analysed keeping foreign keys on the sources is executed and
    verified so (execute used to take the default policy, and verification
    failed the child table)."""
    scratch.run("CREATE TABLE parent (id int NOT NULL, PRIMARY KEY (id))")
    scratch.run(
        "CREATE TABLE child (id int NOT NULL, parent_id int, PRIMARY KEY (id), "
        "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))"
    )
    center = TaskCenter()
    analysis = shadowsync.analyze(scratch.executor, prefix="__", redirect_foreign_keys=False)
    task = center.submit(analysis, creator="pytest")
    done = center.execute(task.id, scratch.executor)
    assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]
    shown = scratch.executor.show_create_tables(["__child"])[0]
    # seekdb prints the reference schema-qualified: `db`.`parent`.
    assert shown is not None and "`parent`" in shown.split("REFERENCES", 1)[1], shown
    assert "`__parent`" not in shown, shown


def test_approval_flow(scratch: Scratch, tmp_path: Path) -> None:
    scratch.run("CREATE TABLE t (id int NOT NULL, v varchar(10), PRIMARY KEY (id))")
    center = TaskCenter(tmp_path / "tasks.db")
    center.set_flows(
        [ApprovalFlow("dba review", [ApprovalNode("lead", users=["lea"]), ApprovalNode("dba", role="dba")])]
    )
    analysis = shadowsync.analyze(scratch.executor)

    task = center.submit(analysis, creator="carl")
    assert task.status == "pending_approval"
    with pytest.raises(InvalidRequestError, match="may not decide"):
        center.approve(task.id, "mallory")
    with pytest.raises(InvalidTransitionError):
        center.execute(task.id, scratch.executor)
    task = center.approve(task.id, "lea", comment="fine")
    assert task.status == "pending_approval"
    task = center.approve(task.id, "dan", roles=["dba"])
    assert task.status == "waiting_for_execution"
    assert center.execute(task.id, scratch.executor).status == "succeeded"

    rejected = center.submit(analysis, creator="carl")
    assert center.reject(rejected.id, "lea", comment="not now").status == "rejected"
    with pytest.raises(InvalidTransitionError):
        center.approve(rejected.id, "lea")
    cancelled = center.submit(analysis, creator="carl")
    assert center.cancel(cancelled.id, "carl").status == "cancelled"
    events = center.timeline(rejected.id).events
    assert events[-1].action.kind == "rejected" and events[-1].comment == "not now"
    assert events[-1].action == shadowsync.TimelineAction(shadowsync.TimelineActionKind.REJECTED, node=0)

    statuses = {s.status for s in center.list_tasks(since="all").items}
    assert statuses == {"succeeded", "rejected", "cancelled"}
    with pytest.raises(shadowsync.NotFoundError):
        center.task(999)
    with pytest.raises(InvalidRequestError, match="page size"):
        center.list_tasks(page_size=0)
    # Pages count from 1, as the CLI's `task list --page`.
    first_page = center.list_tasks(since="all", page_size=2)
    assert first_page == center.list_tasks(since="all", page=1, page_size=2)
    assert len(first_page.items) == 2 and first_page.total == 3
    second_page = center.list_tasks(since="all", page=2, page_size=2)
    ids = {s.id for s in first_page.items + second_page.items}
    assert len(second_page.items) == 1 and ids == {task.id, rejected.id, cancelled.id}
    with pytest.raises(InvalidRequestError, match="counted from 1"):
        center.list_tasks(page=0)


def test_precheck_fails_when_the_schema_moved(scratch: Scratch) -> None:
    scratch.run("CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))")
    center = TaskCenter()  # in memory
    task = center.submit(shadowsync.analyze(scratch.executor), creator="pytest")
    scratch.run("ALTER TABLE t ADD COLUMN late int")
    done = center.execute(task.id, scratch.executor)
    assert done.status == "precheck_failed"
    assert any("changed since the analysis" in e.message for e in center.logs(task.id, alerts_only=True).entries)
    assert scratch.executor.show_create_tables(["__t"]) == [None]


def test_flows_run_due_and_initiate_again(scratch: Scratch, tmp_path: Path) -> None:
    scratch.run("CREATE TABLE t (id int NOT NULL, v varchar(10), PRIMARY KEY (id))")
    center = TaskCenter(tmp_path / "tasks.db")
    assert center.flows() == []
    flows = [
        ApprovalFlow("elsewhere", [ApprovalNode("dba", role="dba")], rules=(("*", "elsewhere"),)),
        ApprovalFlow("team", [ApprovalNode("lead", users=["lea"]), ApprovalNode("auto")], approval_expiry_ms=60_000),
    ]
    center.set_flows(flows)
    assert center.flows() == flows
    center.set_flows([])
    assert center.expire_overdue() == []

    analysis = shadowsync.analyze(scratch.executor)
    with pytest.raises(InvalidRequestError, match="in the past"):
        center.submit(analysis, creator="carl", scheduled_at=1_000_000_000_000)
    first = center.submit(analysis, creator="carl", remarks="first")
    assert first.status == "waiting_for_execution"
    # A waiting task on another database: the executor is not used for it.
    other = shadowsync.analyze_snapshot(
        shadowsync.Snapshot(
            server=shadowsync.ServerInfo(flavor="mysql", version="8.0.36", database="elsewhere"),
            relations=[shadowsync.Relation("t")],
            ddl={"t": "CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`))"},
        )
    )
    foreign = center.submit(other, creator="carl")

    report = center.run_due(scratch.executor, worker="pytest-worker")
    assert report.expired == [] and report.not_claimed == []
    assert report.finished == [shadowsync.TaskOutcome(first.id, shadowsync.TaskStatus.SUCCEEDED)]
    assert [n.id for n in report.not_started] == [foreign.id]
    assert "elsewhere" in (report.not_started[0].reason or "")
    assert center.task(foreign.id).status == "waiting_for_execution"
    assert center.task(first.id).worker == "pytest-worker"
    assert scratch.executor.show_create_tables(["__t"])[0] is not None

    # Again, from a fresh analysis (the shadow now only needs a column).
    scratch.run("ALTER TABLE t ADD COLUMN w int")
    again = center.initiate_again(first.id, scratch.executor, creator="dan")
    assert (again.creator, again.remarks, again.status) == ("dan", "first", "waiting_for_execution")
    assert (again.initiated_from, again.connection) == (first.id, first.connection)
    assert [t.action for t in again.tables] == ["alter"]
    with pytest.raises(InvalidRequestError, match="database"):
        center.initiate_again(first.id, Elsewhere(), creator="dan")
    report = center.run_due(scratch.executor, worker="pytest-worker")
    assert [(o.id, o.status) for o in report.finished] == [(again.id, "succeeded")]
    assert shadowsync.analyze(scratch.executor).preview() == []
    assert "initiated again" in (center.timeline(again.id).events[0].comment or "")

    # Nothing is executing: there is nothing to resume.
    with pytest.raises(InvalidTransitionError):
        center.resume(foreign.id, scratch.executor)


def test_tasks_in_a_server_store(scratch: Scratch) -> None:
    """A ``mysql://`` location keeps the tasks in a database of the server,
    where a second handle (another host, as far as the store knows) finds them."""
    scratch.load_demo()
    store_db = f"{scratch.database}_tasks"
    scratch.run(f"DROP DATABASE IF EXISTS `{store_db}`")
    scratch.run(f"CREATE DATABASE `{store_db}`")
    base = scratch.url.rsplit("/", 1)[0]
    location = f"{base}/{store_db}"
    try:
        center = TaskCenter(location)
        assert center.location is not None and center.location.endswith(f"/{store_db}")
        assert "shadowsync:shadowsync@" not in center.location + repr(center)
        analysis = shadowsync.analyze(scratch.executor, prefix="__", skip=CYCLE)
        task = center.submit(analysis, creator="pytest", connection=scratch.url)
        done = center.execute(task.id, scratch.executor, worker="pytest-worker")
        assert done.status == "succeeded", [(t.source, t.error) for t in done.tables]

        other = TaskCenter(location)
        assert other.task(task.id) == done
        assert other.list_tasks(creator="pytest").total == 1
        on_server = shadowsync.connect(base, database=store_db)
        assert on_server.show_create_tables(["shadowsync_tasks"])[0] is not None

        with pytest.raises(shadowsync.StoreError) as caught:
            TaskCenter(f"{base}/{store_db}_missing")
        assert "shadowsync:shadowsync@" not in str(caught.value)
    finally:
        scratch.run(f"DROP DATABASE IF EXISTS `{store_db}`")
