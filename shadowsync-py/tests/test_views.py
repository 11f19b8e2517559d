"""The typed results: generated from the views' description (and not stale),
their JSON text kept byte for byte, times and words typed; the typed
exceptions keep the library's error as their cause. No server."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import pytest

import shadowsync
from shadowsync import Action, InvalidRequestError, ParseError, Task, TaskCenter, TaskStatus

from conftest import REPO
from test_diff import SNAPSHOT

VIEWS = REPO / "shadowsync-py" / "views"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", VIEWS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_views_are_fresh() -> None:
    """_views.py is what generate.py makes of views.json (which the Rust test
    views/describe.rs keeps equal to the Rust views), in the sources and in
    the installed package alike."""
    description = json.loads((VIEWS / "views.json").read_text())
    text: str = generator().generate(description)
    source = REPO / "shadowsync-py" / "python" / "shadowsync" / "_views.py"
    assert source.read_text() == text, "run python3 shadowsync-py/views/generate.py"
    installed = Path(shadowsync.__file__).with_name("_views.py")
    assert installed.read_text() == text, "reinstall the wheel"
    enums = {e["name"]: e["values"] for e in description["enums"]}
    assert [s.value for s in TaskStatus] == enums["TaskStatus"]
    assert [a.value for a in Action] == enums["Action"] == ["create", "alter", "skip"]
    assert shadowsync.SCHEMA_VERSION == description["schema_version"] == 1


def pretty(text: str) -> str:
    """``text`` re-encoded as the host layer encodes every view."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_results_keep_the_views_text() -> None:
    analysis = shadowsync.analyze_snapshot(SNAPSHOT)
    plan = analysis.to_json()
    assert plan == pretty(plan) and plan.startswith('{\n  "schema_version": 1,\n  "kind": "plan",')
    assert analysis.plan.to_json() == plan
    center = TaskCenter()
    task = center.submit(analysis, creator="pytest", remarks="views")
    text = task.to_json()
    assert text == pretty(text) and json.loads(text)["kind"] == "task"
    assert Task.from_json(text) == task and Task.from_json(text).to_json() == text
    assert center.task(task.id).to_json() == text
    assert center.timeline(task.id).to_json() == pretty(center.timeline(task.id).to_json())
    page = center.list_tasks()
    assert page.to_dict()["kind"] == "task_page" and page.items[0].id == task.id

    # Typed: words are StrEnums with the core's values, times aware UTC datetimes.
    assert task.status == "waiting_for_execution"  # a StrEnum equals its word
    assert task.status is TaskStatus.WAITING_FOR_EXECUTION
    assert task.tables[0].action is Action.ALTER
    assert task.on_error is shadowsync.ErrorStrategy.ABORT
    assert task.created_at.tzinfo is not None and task.created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - task.created_at) < timedelta(minutes=5)
    assert task.created_at == page.items[0].created_at
    (submitted, *_) = center.timeline(task.id).events
    assert submitted.action.kind is shadowsync.TimelineActionKind.SUBMITTED
    assert submitted.action.flow is not None and submitted.action.node is None

    later = datetime.now(timezone.utc) + timedelta(hours=1)
    scheduled = center.submit(analysis, creator="pytest", scheduled_at=later)
    assert scheduled.mode == "scheduled" and scheduled.scheduled_at is not None
    assert abs(scheduled.scheduled_at - later) < timedelta(milliseconds=2)
    with pytest.raises(InvalidRequestError, match="time zone"):
        center.submit(analysis, creator="pytest", scheduled_at=datetime(2030, 1, 1))
    with pytest.raises(InvalidRequestError, match="unknown error strategy"):
        center.submit(analysis, creator="pytest", on_error="retry")  # type: ignore[arg-type]
    waiting = center.list_tasks(statuses=[TaskStatus.WAITING_FOR_EXECUTION])
    assert {t.id for t in waiting.items} == {scheduled.id, task.id}


def test_reading_a_view_checks_its_kind_and_version() -> None:
    text = shadowsync.analyze_snapshot(SNAPSHOT).to_json()
    with pytest.raises(InvalidRequestError, match="not a task view"):
        Task.from_json(text)
    newer = json.loads(text)
    newer["schema_version"] = 2
    with pytest.raises(InvalidRequestError, match="schema version 2"):
        shadowsync.Plan.from_json(json.dumps(newer))


def test_typed_exceptions_keep_the_library_error_as_their_cause() -> None:
    with pytest.raises(ParseError) as caught:
        shadowsync.diff("CREATE TABLE t (id int,,)", "CREATE TABLE t (id int)")
    cause = caught.value.__cause__
    assert isinstance(cause, shadowsync.HostError) and cause.kind == "parse"
    assert str(cause) == str(caught.value) and cause.__cause__ is None
    with pytest.raises(shadowsync.NotFoundError) as missing:
        TaskCenter().task(7)
    assert isinstance(missing.value.__cause__, shadowsync.HostError)
    assert missing.value.__cause__.kind == "not_found"


def test_parity_script_prints_the_views(tmp_path: Path) -> None:
    """examples/parity.py prints task, timeline and logs views exactly as the
    package gives them, and fails on stderr with status 1."""
    store = tmp_path / "tasks.db"
    center = TaskCenter(store)
    task = center.submit(shadowsync.analyze_snapshot(SNAPSHOT), creator="pytest")
    script = str(REPO / "shadowsync-py" / "examples" / "parity.py")
    for what, expected in [
        ("task", task.to_json()),
        ("timeline", center.timeline(task.id).to_json()),
        ("logs", center.logs(task.id).to_json()),
    ]:
        ran = subprocess.run([sys.executable, script, what, str(store), str(task.id)], capture_output=True, text=True)
        assert (ran.returncode, ran.stdout, ran.stderr) == (0, expected, "")
    for args in [["task", str(store), "99"], ["task", str(tmp_path / "none.db"), "1"], ["nothing"]]:
        ran = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
        assert ran.returncode == 1 and ran.stdout == "" and ran.stderr, args
    assert not (tmp_path / "none.db").exists()
