"""shadowsync: keep shadow tables schema-identical to their sources.

A shadow table (``__orders`` beside ``orders``) takes load-test traffic; this
package analyses which shadows must be created or altered, lets you skip
tables, previews the SQL and runs it through a task center with approvals,
progress, logs and a timeline. MySQL, MariaDB and OceanBase (MySQL mode).

Everything is done by the Rust library (``shadowsync-core``) through the
private native module ``shadowsync._native``; this module only turns its
results into typed dataclasses. Calls release the GIL.

Example::

    import shadowsync

    ex = shadowsync.connect("mysql://user:pw@127.0.0.1:3306/shop")
    analysis = shadowsync.analyze(ex, prefix="__")
    analysis.skip("audit_log")
    print("\\n".join(analysis.preview()))
    center = shadowsync.TaskCenter("tasks.db")
    task = center.submit(analysis, creator="alice")
    task = center.execute(task.id, ex)
    assert task.status == "succeeded"
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from . import _native
from ._native import (
    ExecutorError,
    InvalidNameError,
    InvalidRequestError,
    InvalidTransitionError,
    NotFoundError,
    ParseError,
    RefusedTableError,
    ShadowSyncError,
    StoreError,
)

__version__: str = _native.__version__
"""The library's version."""

__all__ = [
    "__version__",
    "Analysis",
    "ApprovalFlow",
    "ApprovalNode",
    "DueReport",
    "ExecutorError",
    "ExecutorLike",
    "InvalidNameError",
    "InvalidRequestError",
    "InvalidTransitionError",
    "LogEntry",
    "MySQLExecutor",
    "NotFoundError",
    "ParseError",
    "RefusedTableError",
    "Relation",
    "ServerInfo",
    "ShadowSyncError",
    "Snapshot",
    "StoreError",
    "TableResult",
    "Task",
    "TaskCenter",
    "TaskPage",
    "TaskSummary",
    "TaskTable",
    "TimelineEvent",
    "analyze",
    "analyze_snapshot",
    "connect",
    "diff",
]

Flavor = Literal["mysql", "mariadb", "oceanbase"]
"""Server family."""

Action = Literal["create", "alter", "skip"]
"""What happens to a shadow table."""

DAY_MS = 24 * 60 * 60 * 1000
"""One day in milliseconds, the default approval and execution expiry."""


class _Record:
    """Dataclass mixin: ``to_dict()`` gives a JSON-able dict."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-able dict (nested records as dicts)."""
        result: dict[str, Any] = asdict(self)  # type: ignore[call-overload]
        return result


# ---- executors ---------------------------------------------------------------


@dataclass(frozen=True)
class ServerInfo(_Record):
    """What an executor knows about its server and database."""

    flavor: Flavor
    version: str
    database: str
    lower_case_table_names: int = 0
    max_identifier_length: int = 64


@dataclass(frozen=True)
class Relation(_Record):
    """A table or view of a database."""

    name: str
    kind: Literal["table", "view"] = "table"


class ExecutorLike(Protocol):
    """Any object with these methods can act as the executor.

    An exception raised by a method reaches the caller as an
    :class:`ExecutorError` naming the method and the exception.
    """

    def server_info(self) -> ServerInfo:
        """Facts about the server and the current database."""
        ...

    def list_relations(self) -> Sequence[Relation]:
        """Every table and view of the current database."""
        ...

    def show_create_tables(self, names: list[str]) -> Sequence[str | None]:
        """``SHOW CREATE TABLE`` text of each table, in order (None: no such table)."""
        ...

    def execute(self, sql: str) -> None:
        """Run one statement."""
        ...


class MySQLExecutor:
    """A connection to one database on a MySQL, MariaDB or OceanBase server."""

    __slots__ = ("_native",)

    def __init__(
        self,
        url: str,
        *,
        database: str | None = None,
        introspection: Literal["auto", "show-create", "catalog"] = "auto",
    ) -> None:
        """Connect to ``url`` (``mysql://user:password@host:port/database``),
        then switch to ``database`` when given. Raises :class:`ExecutorError`.

        ``introspection`` says how table definitions are read: ``"auto"``
        reads many tables from OceanBase's catalog where this user can read
        it and uses one ``SHOW CREATE TABLE`` per table elsewhere;
        ``"show-create"`` never uses the catalog; ``"catalog"`` insists on it
        (:class:`ExecutorError` when the server has none to read)."""
        self._native = _native.Executor.connect(url, database, introspection)

    @property
    def connection(self) -> str:
        """The URL, password redacted."""
        return self._native.connection

    def execute(self, sql: str) -> None:
        """Run one statement."""
        self._native.execute(sql)

    def server_info(self) -> ServerInfo:
        """Facts about the server and the current database."""
        data: dict[str, Any] = json.loads(self._native.server_info())
        return ServerInfo(**data)

    def list_relations(self) -> list[Relation]:
        """Every table and view of the current database."""
        return [Relation(**r) for r in json.loads(self._native.list_relations())]

    def show_create_tables(self, names: Sequence[str]) -> list[str | None]:
        """``SHOW CREATE TABLE`` text of each table (None: no such table)."""
        return self._native.show_create_tables(_names(names))

    def close(self) -> None:
        """Close the connection; later calls raise :class:`InvalidRequestError`."""
        self._native.close()

    def __enter__(self) -> MySQLExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MySQLExecutor({self.connection!r})"


def _names(names: str | Sequence[str]) -> list[str]:
    """Table names as a list: one name given as a string is that one table
    (not its letters)."""
    return [names] if isinstance(names, str) else list(names)


def connect(
    url: str,
    *,
    database: str | None = None,
    introspection: Literal["auto", "show-create", "catalog"] = "auto",
) -> MySQLExecutor:
    """Connect to a MySQL-family server; see :class:`MySQLExecutor`. Also a
    context manager: ``with shadowsync.connect(url) as ex:`` closes it."""
    return MySQLExecutor(url, database=database, introspection=introspection)


class _HostAdapter:
    """Gives the native module JSON texts from an :class:`ExecutorLike`."""

    __slots__ = ("_host",)

    def __init__(self, host: ExecutorLike) -> None:
        self._host = host

    def server_info(self) -> str:
        return json.dumps(asdict(self._host.server_info()))

    def list_relations(self) -> str:
        return json.dumps([asdict(r) for r in self._host.list_relations()])

    def show_create_tables(self, names: list[str]) -> list[str | None]:
        return list(self._host.show_create_tables(names))

    def execute(self, sql: str) -> None:
        self._host.execute(sql)


def _native_executor(executor: MySQLExecutor | ExecutorLike) -> _native.Executor:
    if isinstance(executor, MySQLExecutor):
        return executor._native
    name = getattr(executor, "connection", None)
    connection = name if isinstance(name, str) else f"python:{type(executor).__qualname__}"
    return _native.Executor.wrap(_HostAdapter(executor), connection)


# ---- diff and analysis ---------------------------------------------------------


def diff(current: str, desired: str, *, flavor: Flavor = "mysql", drop_tables: bool = False) -> list[str]:
    """The statements (without trailing ``;``) that turn the tables of the
    DDL text ``current`` into those of ``desired``; empty when equivalent.

    Raises :class:`ParseError` (with ``line``, ``column``, ``table``) for DDL
    that cannot be read, :class:`RefusedTableError` for a change that cannot
    be made safely.
    """
    return _native.diff(current, desired, flavor, drop_tables)


@dataclass(frozen=True)
class TableResult(_Record):
    """The analysis of one source table (user skips applied)."""

    source: str
    shadow: str
    action: Action
    """What will happen: ``create``, ``alter`` or ``skip``."""
    reason: str | None
    """Why a skip: ``identical``, ``user``, ``refused: …``, ``missing: …``."""
    user_skipped: bool
    planned: Action
    """What the analysis found before any user skip."""
    statements: list[str] = field(repr=False)
    """The statements that will run (none when skipped)."""
    warnings: list[str] = field(repr=False)
    source_ddl: str | None = field(repr=False)
    shadow_ddl: str | None = field(repr=False)


def _table_result(data: Mapping[str, Any]) -> TableResult:
    return TableResult(
        source=data["source"],
        shadow=data["shadow"],
        action=data["action"],
        reason=data["effective_reason"],
        user_skipped=data["user_skipped"],
        planned=data["planned"],
        statements=data["effective_statements"],
        warnings=data["warnings"],
        source_ddl=data["source_ddl"],
        shadow_ddl=data["shadow_ddl"],
    )


class Analysis:
    """The analysis of a database: per table, whether its shadow is created,
    altered or skipped, and the SQL. Skips can be applied and undone."""

    __slots__ = ("_native", "connection")

    def __init__(self, native: _native.Analysis, connection: str) -> None:
        self._native = native
        self.connection = connection
        """The connection analysed (password redacted); tasks record it."""

    @property
    def database(self) -> str:
        """The database analysed."""
        return self._native.database

    @property
    def rule(self) -> str:
        """The naming rule, ``prefix:AFFIX`` or ``suffix:AFFIX``."""
        return self._native.rule

    @property
    def tables(self) -> list[TableResult]:
        """Per table, in the order the statements run."""
        return [_table_result(t) for t in json.loads(self._native.tables_json())]

    def table(self, source: str) -> TableResult:
        """The result for source table ``source``; :class:`NotFoundError` if not analysed."""
        for result in self.tables:
            if result.source == source:
                return result
        raise NotFoundError(f"table `{source}` is not in this analysis")

    def skip(self, source: str) -> None:
        """Skip ``source`` (undo with :meth:`unskip`); the other tables are re-analysed."""
        self._native.skip(source)

    def unskip(self, source: str) -> None:
        """Undo a skip of ``source``."""
        self._native.unskip(source)

    def preview(self) -> list[str]:
        """Every statement that would run, in order (without trailing ``;``)."""
        return self._native.preview()

    def to_dict(self) -> dict[str, Any]:
        """The whole analysis (tables, request, snapshot read) as a JSON-able dict."""
        result: dict[str, Any] = json.loads(self._native.to_json())
        result["tables"] = [t.to_dict() for t in self.tables]
        return result

    def __repr__(self) -> str:
        counts = {a: 0 for a in ("create", "alter", "skip")}
        for t in self.tables:
            counts[t.action] += 1
        return (
            f"Analysis(database={self.database!r}, rule={self.rule!r}, "
            f"create={counts['create']}, alter={counts['alter']}, skip={counts['skip']})"
        )


def _rule(prefix: str | None, suffix: str | None) -> str:
    if prefix is not None and suffix is not None:
        raise TypeError("give prefix= or suffix=, not both")
    return f"suffix:{suffix}" if suffix is not None else f"prefix:{'__' if prefix is None else prefix}"


def analyze(
    executor: MySQLExecutor | ExecutorLike,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    tables: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    adopt: Sequence[str] = (),
    redirect_foreign_keys: bool = True,
    copy_auto_increment: bool = False,
    rebuild: bool = False,
) -> Analysis:
    """Analyse the database of ``executor`` (read-only).

    Shadows are named with ``prefix`` (default ``__``) or ``suffix``;
    ``tables`` selects source tables (default: every table that is not a
    shadow); ``skip`` skips some from the start; ``adopt`` names sources
    whose existing shadow has no shadowsync marker and is to be adopted
    (altered to match and marked) rather than refused as a collision;
    ``rebuild`` rebuilds (new table, row copy, swap) a shadow whose change
    the engine cannot make in place instead of refusing it. Raises
    :class:`InvalidNameError` for an unusable affix, :class:`ExecutorError`
    when the server (or a Python executor) fails.
    """
    native = _native_executor(executor)
    result = _native.analyze(
        native,
        _rule(prefix, suffix),
        None if tables is None else _names(tables),
        _names(skip),
        _names(adopt),
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
    )
    return Analysis(result, native.connection)


@dataclass(frozen=True)
class Snapshot(_Record):
    """Schema facts supplied by the host instead of a live server."""

    server: ServerInfo
    relations: Sequence[Relation]
    ddl: Mapping[str, str] = field(repr=False)
    """``SHOW CREATE TABLE`` text of the selected tables and their existing shadows."""


def analyze_snapshot(
    snapshot: Snapshot,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    tables: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    adopt: Sequence[str] = (),
    redirect_foreign_keys: bool = True,
    copy_auto_increment: bool = False,
    rebuild: bool = False,
) -> Analysis:
    """Analyse schema facts the host supplies, without a server; as :func:`analyze`."""
    snapshot_json = json.dumps(
        {
            "server": asdict(snapshot.server),
            "relations": [asdict(r) for r in snapshot.relations],
            "ddl": dict(snapshot.ddl),
        }
    )
    result = _native.analyze_snapshot(
        snapshot_json,
        _rule(prefix, suffix),
        None if tables is None else _names(tables),
        _names(skip),
        _names(adopt),
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
    )
    return Analysis(result, "snapshot")


# ---- tasks ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskTable(_Record):
    """One table of a task: its frozen plan and its progress."""

    source: str
    shadow: str
    action: Action
    status: str
    """``waiting``, ``running``, ``succeeded``, ``failed`` or ``skipped``."""
    error: str | None
    statements: list[str] = field(repr=False)
    statement_statuses: list[str] = field(repr=False)
    """Per statement: ``pending``, ``running``, ``applied``, ``failed`` or ``skipped``."""


@dataclass(frozen=True)
class Task(_Record):
    """A task as stored: the frozen analysis, its status and progress."""

    id: int
    status: str
    """E.g. ``pending_approval``, ``waiting_for_execution``, ``succeeded``, ``failed``."""
    creator: str
    connection: str
    database: str
    naming_rule: str
    remarks: str
    created_at: int
    """Unix milliseconds, as every time here."""
    due_at: int | None
    worker: str | None
    started_at: int | None
    finished_at: int | None
    abort_requested: bool
    tables: list[TaskTable] = field(repr=False)


def _task(text: str) -> Task:
    data = json.loads(text)
    spec, state, plan = data["spec"], data["state"], data["spec"]["plan"]
    tables = [
        TaskTable(
            source=p["source"],
            shadow=p["shadow"],
            action=p["action"],
            status=progress["status"],
            error=progress["error"],
            statements=p["statements"],
            statement_statuses=[s["status"] for s in progress["statements"]],
        )
        for p, progress in zip(plan["tables"], data["tables"], strict=True)
    ]
    return Task(
        id=data["id"],
        status=state["status"],
        creator=spec["creator"],
        connection=plan["connection"],
        database=plan["database"],
        naming_rule=plan["naming_rule"],
        remarks=spec["remarks"],
        created_at=spec["created_at"],
        due_at=state["due_at"],
        worker=state["worker"],
        started_at=state["started_at"],
        finished_at=state["finished_at"],
        abort_requested=data["abort_requested"],
        tables=tables,
    )


@dataclass(frozen=True)
class TaskSummary(_Record):
    """A listed task."""

    id: int
    creator: str
    connection: str
    database: str
    status: str
    created_at: int
    remarks: str


@dataclass(frozen=True)
class TaskPage(_Record):
    """One page of a task list."""

    total: int
    """Tasks matching, over all pages."""
    items: list[TaskSummary]


@dataclass(frozen=True)
class LogEntry(_Record):
    """One line of a task's log."""

    task: int
    at: int
    level: Literal["INFO", "WARN", "ERROR"]
    message: str


@dataclass(frozen=True)
class TimelineEvent(_Record):
    """Who did what to a task, when."""

    at: int
    actor: str
    action: str
    """E.g. ``submitted``, ``approved``, ``started``, ``precheck_passed``."""
    details: dict[str, Any]
    comment: str | None


@dataclass(frozen=True)
class ApprovalNode(_Record):
    """One approval step: automatic, or decided by a role or by named users."""

    name: str
    role: str | None = None
    users: Sequence[str] = ()


@dataclass(frozen=True)
class ApprovalFlow(_Record):
    """An approval flow template, applied to the tasks its rules match."""

    name: str
    nodes: Sequence[ApprovalNode]
    rules: Sequence[tuple[str, str]] = (("*", "*"),)
    """``(connection, database)`` glob pairs; ``*`` matches any text."""
    approval_expiry_ms: int = DAY_MS
    execution_expiry_ms: int = DAY_MS


def _flow_json(flow: ApprovalFlow) -> dict[str, Any]:
    def approvers(node: ApprovalNode) -> Any:
        if node.role is not None:
            return {"role": node.role}
        if node.users:
            return {"users": list(node.users)}
        return "auto"

    return {
        "name": flow.name,
        "nodes": [{"name": n.name, "approvers": approvers(n)} for n in flow.nodes],
        "rules": [{"connection": c, "database": d} for c, d in flow.rules],
        "approval_expiry_ms": flow.approval_expiry_ms,
        "execution_expiry_ms": flow.execution_expiry_ms,
    }


def _flow(data: Mapping[str, Any]) -> ApprovalFlow:
    def node(n: Mapping[str, Any]) -> ApprovalNode:
        approvers = n["approvers"]
        if isinstance(approvers, dict):
            if "role" in approvers:
                return ApprovalNode(n["name"], role=approvers["role"])
            return ApprovalNode(n["name"], users=list(approvers["users"]))
        return ApprovalNode(n["name"])

    return ApprovalFlow(
        name=data["name"],
        nodes=[node(n) for n in data["nodes"]],
        rules=tuple((r["connection"], r["database"]) for r in data["rules"]),
        approval_expiry_ms=data["approval_expiry_ms"],
        execution_expiry_ms=data["execution_expiry_ms"],
    )


@dataclass(frozen=True)
class DueReport(_Record):
    """What one :meth:`TaskCenter.run_due` pass did."""

    expired: list[tuple[int, str]]
    """``(task id, status)`` of tasks moved to approval or execution expired."""
    finished: list[tuple[int, str]]
    """``(task id, final status)`` of tasks this worker ran or resumed."""
    not_claimed: list[int]
    """Due tasks no longer waiting when claimed (another worker won, or cancelled)."""
    not_started: list[tuple[int, str]]
    """``(task id, reason)`` of tasks left as they were: the executor could not
    be used for them (e.g. they are on another database). The next pass tries again."""
    interrupted: list[tuple[int, str]]
    """``(task id, reason)`` of tasks whose connection was lost while they ran:
    left executing, resumable; the statement in flight is settled from the schema."""


def _pairs(items: Sequence[Sequence[Any]]) -> list[tuple[Any, Any]]:
    return [(a, b) for a, b in items]


class TaskCenter:
    """Tasks: submitted analyses, approved through flows, executed by
    workers, with progress, logs and a timeline. On a SQLite file (shared by
    threads and processes), on a ``mysql://user:pass@host:port/db`` URL (a
    store in that database, shared by every host that opens it) or, without
    a location, in memory."""

    __slots__ = ("_native",)

    def __init__(self, location: str | os.PathLike[str] | None = None) -> None:
        self._native = _native.TaskCenter(None if location is None else os.fspath(location))

    @property
    def location(self) -> str | None:
        """Where the store is (a URL without its password); None in memory."""
        return self._native.location

    def set_flows(self, flows: Sequence[ApprovalFlow]) -> None:
        """Replace the approval flows, highest priority first. Tasks that no
        flow matches are approved automatically."""
        self._native.set_flows(json.dumps([_flow_json(f) for f in flows]))

    def flows(self) -> list[ApprovalFlow]:
        """The approval flows, highest priority first."""
        return [_flow(f) for f in json.loads(self._native.flows())]

    def submit(
        self,
        analysis: Analysis,
        *,
        creator: str,
        connection: str | None = None,
        remarks: str = "",
        on_error: Literal["abort", "continue"] = "abort",
        scheduled_at: int | None = None,
    ) -> Task:
        """Freeze ``analysis`` (with its skips) into a new task."""
        conn = analysis.connection if connection is None else connection
        return _task(self._native.submit(analysis._native, conn, creator, remarks, on_error, scheduled_at))

    def initiate_again(
        self,
        task_id: int,
        analysis: Analysis,
        *,
        creator: str,
        connection: str | None = None,
        scheduled_at: int | None = None,
    ) -> Task:
        """A new task from task ``task_id``: ``analysis`` is a fresh analysis of
        the same connection, database, table selection and naming rule
        (else :class:`InvalidRequestError`); the old task's error strategy and
        remarks are kept. Runs once approved, or at ``scheduled_at``."""
        conn = analysis.connection if connection is None else connection
        return _task(self._native.initiate_again(task_id, analysis._native, conn, creator, scheduled_at))

    def approve(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` approves the current approval node; :class:`InvalidTransitionError`
        when the task is not pending approval."""
        return _task(self._native.approve(task_id, actor, list(roles), comment))

    def reject(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` rejects the task at its current approval node."""
        return _task(self._native.reject(task_id, actor, list(roles), comment))

    def cancel(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` withdraws the task before it runs."""
        return _task(self._native.cancel(task_id, actor, list(roles), comment))

    def abort(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> None:
        """Ask the executing task to stop before its next statement (from any thread)."""
        self._native.abort(task_id, actor, list(roles), comment)

    def execute(
        self,
        task_id: int,
        executor: MySQLExecutor | ExecutorLike,
        *,
        worker: str = "python",
    ) -> Task:
        """Claim the waiting task and run it through ``executor`` (on the
        task's database): precheck, statements, verification, with the
        naming rule and shadow policy its plan was analysed with. While it
        runs the worker's lease is renewed, and :meth:`abort` (from another
        thread or process) interrupts the running statement of a
        :class:`MySQLExecutor`. Returns the finished task; a failed table is
        reported in it, not raised."""
        native = _native_executor(executor)
        text = self._native.execute(task_id, worker, native)
        return _task(text)

    def resume(
        self,
        task_id: int,
        executor: MySQLExecutor | ExecutorLike,
        *,
        worker: str = "python",
    ) -> Task:
        """Take over the task left executing (by this worker, or by one whose
        lease has expired) and finish it through ``executor`` as
        :meth:`execute` does; statements already applied do not run again.
        :class:`InvalidTransitionError` when the task is not executing."""
        native = _native_executor(executor)
        text = self._native.resume(task_id, worker, native)
        return _task(text)

    def expire_overdue(self) -> list[tuple[int, str]]:
        """Move every overdue task to ``approval_expired`` or
        ``execution_expired``; ``(task id, status)`` of those moved."""
        return _pairs(json.loads(self._native.expire_overdue()))

    def run_due(self, executor: MySQLExecutor | ExecutorLike, *, worker: str = "python") -> DueReport:
        """One scheduling pass for ``worker`` (call it periodically): expire
        overdue tasks, resume the tasks ``worker`` itself left executing,
        then claim and run every due task, all through ``executor``.

        Every due task must be on the executor's database: a task whose
        database differs from ``executor.server_info().database`` is not run
        but reported in ``not_started`` (and stays waiting). Each task is
        prechecked and verified with the shadow policy of its analysis."""
        data = json.loads(self._native.run_due(worker, _native_executor(executor)))
        return DueReport(
            expired=_pairs(data["expired"]),
            finished=_pairs(data["finished"]),
            not_claimed=list(data["not_claimed"]),
            not_started=_pairs(data["not_started"]),
            interrupted=_pairs(data["interrupted"]),
        )

    def task(self, task_id: int) -> Task:
        """The task; :class:`NotFoundError` if there is none."""
        return _task(self._native.task(task_id))

    def list_tasks(
        self,
        *,
        since: int | Literal["recent", "all"] = "recent",
        connection: str | None = None,
        database: str | None = None,
        creator: str | None = None,
        statuses: Sequence[str] = (),
        sort: Literal["created_at", "status"] = "created_at",
        descending: bool = True,
        page: int = 0,
        page_size: int = 20,
    ) -> TaskPage:
        """One page of tasks: created in the last 48 hours (``recent``), at
        any time (``all``) or since a Unix-millisecond time."""
        window: dict[str, Any] = {"kind": since} if isinstance(since, str) else {"kind": "since", "at": since}
        query = {
            "window": window,
            "connection": connection,
            "database": database,
            "creator": creator,
            "statuses": list(statuses),
            "sort": sort,
            "descending": descending,
            "page": page,
            "page_size": page_size,
        }
        data = json.loads(self._native.list_tasks(json.dumps(query)))
        return TaskPage(total=data["total"], items=[TaskSummary(**item) for item in data["items"]])

    def timeline(self, task_id: int) -> list[TimelineEvent]:
        """Who did what to the task, oldest first."""
        events = []
        for e in json.loads(self._native.timeline(task_id)):
            details = dict(e["action"])
            kind = details.pop("kind")
            events.append(TimelineEvent(at=e["at"], actor=e["actor"], action=kind, details=details, comment=e["comment"]))
        return events

    def logs(self, task_id: int, *, alerts_only: bool = False, contains: str | None = None) -> list[LogEntry]:
        """The task's log, oldest first: every entry, only WARN and ERROR
        (``alerts_only``), or those containing ``contains`` (any case)."""
        return [LogEntry(**e) for e in json.loads(self._native.logs(task_id, alerts_only, contains))]

    def export_logs(self, task_id: int, *, alerts_only: bool = False, contains: str | None = None) -> str:
        """The task's log as text, one ``time level message`` line per entry."""
        return self._native.export_logs(task_id, alerts_only, contains)

    def __repr__(self) -> str:
        return f"TaskCenter({self.location!r})"
