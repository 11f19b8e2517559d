"""shadowsync: keep shadow tables schema-identical to their sources.

A shadow table (``__orders`` beside ``orders``) takes load-test traffic; this
package analyses which shadows must be created or altered, lets you skip
tables, previews the SQL and runs it through a task center with approvals,
progress, logs and a timeline. MySQL, MariaDB and OceanBase (MySQL mode).

Everything is done by the Rust library through the private native module
``shadowsync._native``; results are the library's JSON views (the text the
CLI's ``--format json`` and the C ABI give, kept by each result's
``to_json()``), read into the typed classes of :mod:`shadowsync._views`,
which are generated from the views' description. Calls release the GIL.

Example::

    import shadowsync

    with shadowsync.connect("mysql://user:pw@127.0.0.1:3306/shop") as ex:
        analysis = shadowsync.analyze(ex)  # shadows prefixed __
        analysis.skip("audit_log")
        print("\\n".join(analysis.preview()))
        center = shadowsync.TaskCenter("tasks.db")
        task = center.submit(analysis, creator="alice")
        task = center.execute(task.id, ex, progress=print)
        assert task.status is shadowsync.TaskStatus.SUCCEEDED
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from datetime import datetime
from typing import Any, Literal, Protocol, overload

from . import _native
from ._native import (
    ExecutorError,
    HostError,
    InvalidNameError,
    InvalidRequestError,
    InvalidTransitionError,
    NotFoundError,
    ParseError,
    RefusedTableError,
    ShadowSyncError,
    StoreError,
)
from ._views import (
    SCHEMA_VERSION,
    Action,
    AppAccess,
    Check,
    CheckCounts,
    CheckTable,
    DueReport,
    ErrorStrategy,
    FleetCheck,
    FleetSync,
    FleetTasks,
    FleetCounts,
    FleetMember,
    LogEntry,
    LogicalTable,
    LogLevel,
    Logs,
    Plan,
    PlanTable,
    Statement,
    StatementStatus,
    TableCounts,
    TableStatus,
    Task,
    TaskNote,
    TaskOutcome,
    TaskPage,
    TaskStatus,
    TaskSummary,
    TaskTable,
    Timeline,
    TimelineAction,
    TimelineActionKind,
    TimelineEvent,
    Verdict,
    WatchOutcome,
    WatchPass,
)

__version__: str = _native.__version__
"""The library's version."""

__all__ = [
    "__version__",
    "SCHEMA_VERSION",
    "Action",
    "Analysis",
    "AppAccess",
    "ApprovalFlow",
    "ApprovalNode",
    "Check",
    "CheckCounts",
    "CheckTable",
    "DbApiConnection",
    "DbApiExecutor",
    "DueReport",
    "ErrorStrategy",
    "ExecutorError",
    "ExecutorLike",
    "FleetCheck",
    "FleetSync",
    "FleetTasks",
    "FleetCounts",
    "FleetMember",
    "HostError",
    "InvalidNameError",
    "InvalidRequestError",
    "InvalidTransitionError",
    "LogEntry",
    "LogicalTable",
    "LogLevel",
    "Logs",
    "MySQLExecutor",
    "NotFoundError",
    "ParseError",
    "Plan",
    "PlanTable",
    "Progress",
    "RefusedTableError",
    "Relation",
    "ServerInfo",
    "ShadowSyncError",
    "Snapshot",
    "Statement",
    "StatementStatus",
    "StoreError",
    "TableCounts",
    "TableStatus",
    "Task",
    "TaskCenter",
    "TaskNote",
    "TaskOutcome",
    "TaskPage",
    "TaskStatus",
    "TaskSummary",
    "TaskTable",
    "Timeline",
    "TimelineAction",
    "TimelineActionKind",
    "TimelineEvent",
    "Verdict",
    "WatchOutcome",
    "WatchPass",
    "analyze",
    "analyze_snapshot",
    "check",
    "check_fleet",
    "connect",
    "diff",
]

Flavor = Literal["mysql", "mariadb", "oceanbase"]
"""Server family."""

Introspection = Literal["auto", "show-create", "catalog"]
"""How a :class:`MySQLExecutor` reads table definitions."""

Progress = Callable[[dict[str, Any]], object]
"""A progress callback: called with each event of a running task as a dict,
``{"event": "statement_sent", "task": 1, "table": "orders", ...}`` (the
core's ``Progress`` in JSON; see the README for every event)."""

DAY_MS = 24 * 60 * 60 * 1000
"""One day in milliseconds, the default approval and execution expiry."""


# ---- executors ---------------------------------------------------------------


@dataclass(frozen=True)
class ServerInfo:
    """What an executor knows about its server and database."""

    flavor: Flavor
    version: str
    database: str
    lower_case_table_names: int = 0
    max_identifier_length: int = 64


@dataclass(frozen=True)
class Relation:
    """A table or view of a database."""

    name: str
    kind: Literal["table", "view"] = "table"


class ExecutorLike(Protocol):
    """Any object with these methods can act as the executor.

    An exception raised by a method reaches the caller as an
    :class:`ExecutorError` naming the method and the exception (kept as the
    ``__cause__`` of its :class:`HostError` cause).
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


class _NativeExecutor:
    """An executor the native module implements."""

    __slots__ = ("_native",)
    _native: _native.Executor

    @property
    def connection(self) -> str:
        """What tasks record as the connection (a URL without its password)."""
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

    def show_create_tables(self, names: str | Sequence[str]) -> list[str | None]:
        """``SHOW CREATE TABLE`` text of each table (None: no such table);
        one name given as a string is that one table."""
        return self._native.show_create_tables([names] if isinstance(names, str) else list(names))

    def close(self) -> None:
        """Let the connection go; later calls raise :class:`InvalidRequestError`.
        Closing twice does nothing."""
        self._native.close()

    def __enter__(self) -> _NativeExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.connection!r})"


class MySQLExecutor(_NativeExecutor):
    """A connection to one database on a MySQL, MariaDB or OceanBase server."""

    __slots__ = ()

    def __init__(
        self,
        url: str,
        *,
        database: str | None = None,
        introspection: Introspection = "auto",
        shadow_url: str | None = None,
        shadow_schema: str | None = None,
    ) -> None:
        """Connect to ``url`` (``mysql://user:password@host:port/database``),
        then switch to ``database`` when given. Raises :class:`ExecutorError`.

        Database mode: with ``shadow_schema`` (a database on the same server)
        and/or ``shadow_url`` (another server; its database part names the
        shadow database unless ``shadow_schema`` does), the shadows are read
        there instead of beside their sources; a shadow database that does
        not exist yet reads as empty, and the task that runs the plan creates
        it (:meth:`TaskCenter.task_executor`). A shadow database that is the
        source database itself is refused by the analysis
        (:class:`InvalidRequestError`).

        ``introspection`` says how table definitions are read: ``"auto"``
        reads many tables from OceanBase's catalog where this user can read
        it and uses one ``SHOW CREATE TABLE`` per table elsewhere;
        ``"show-create"`` never uses the catalog; ``"catalog"`` insists on it
        (:class:`ExecutorError` when the server has none to read)."""
        self._native = _native.Executor.connect(url, database, introspection, shadow_url, shadow_schema)

    def __enter__(self) -> MySQLExecutor:
        return self


class DbApiCursor(Protocol):
    """The part of a DB-API 2.0 cursor :class:`DbApiExecutor` uses."""

    def execute(self, sql: str) -> object: ...
    def fetchall(self) -> Sequence[Sequence[object]]: ...
    def close(self) -> object: ...


class DbApiConnection(Protocol):
    """The part of a DB-API 2.0 connection :class:`DbApiExecutor` uses."""

    def cursor(self) -> DbApiCursor: ...


class DbApiExecutor(_NativeExecutor):
    """An open DB-API 2.0 connection to a MySQL-family server (PyMySQL,
    mysqlclient, ...) as the executor.

    Each statement and query runs on a new cursor of ``connection``
    (``cursor.execute(sql)`` without parameters, ``fetchall()``, ``close()``),
    from the thread calling shadowsync. Before its first use the connection
    gets shadowsync's session settings, which stay set: ``SET NAMES
    utf8mb4``, its ``sql_mode`` without the flags that change quoting
    (``ANSI_QUOTES``, ``NO_BACKSLASH_ESCAPES``, ...), ``sql_quote_show_create
    = 1`` and ``lock_wait_timeout = 5``. DDL commits an open transaction of
    the connection, as on any MySQL connection.

    Unlike :class:`MySQLExecutor` it cannot interrupt a running statement
    (:meth:`TaskCenter.abort` waits for it), takes no run lock on the
    database (keep two runs on one database apart yourself) and reads no
    OceanBase catalog (tables whose printed definition is ambiguous there,
    such as ENUM members with commas, are refused). A driver exception
    becomes an :class:`ExecutorError` whose cause's ``__cause__`` is that
    exception. :meth:`close` lets the connection go; closing it is yours.
    """

    __slots__ = ()

    def __init__(self, connection: DbApiConnection, *, name: str | None = None) -> None:
        """``name`` names the connection in tasks (default
        ``dbapi:<driver module>``); give the server's URL without password
        for tasks that :meth:`TaskCenter.initiate_again` should find."""
        shown = name if name is not None else f"dbapi:{type(connection).__module__.split('.')[0]}"
        self._native = _native.Executor.dbapi(connection, shown)

    def __enter__(self) -> DbApiExecutor:
        return self


def connect(
    url: str,
    *,
    database: str | None = None,
    introspection: Introspection = "auto",
    shadow_url: str | None = None,
    shadow_schema: str | None = None,
) -> MySQLExecutor:
    """Connect to a MySQL-family server; see :class:`MySQLExecutor`. Also a
    context manager: ``with shadowsync.connect(url) as ex:`` closes it."""
    return MySQLExecutor(
        url, database=database, introspection=introspection, shadow_url=shadow_url, shadow_schema=shadow_schema
    )


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


AnyExecutor = _NativeExecutor | ExecutorLike
"""What takes the executor's place: a :class:`MySQLExecutor`, a
:class:`DbApiExecutor` or any :class:`ExecutorLike` object."""


def _native_executor(executor: AnyExecutor) -> _native.Executor:
    if isinstance(executor, _NativeExecutor):
        return executor._native
    name = getattr(executor, "connection", None)
    connection = name if isinstance(name, str) else f"python:{type(executor).__qualname__}"
    return _native.Executor.wrap(_HostAdapter(executor), connection)


# ---- diff and analysis ---------------------------------------------------------


def diff(current: str, desired: str, *, flavor: Flavor = "mysql", drop_tables: bool = False) -> list[str]:
    """The statements (without trailing ``;``) that turn the tables of the
    DDL text ``current`` into those of ``desired``; empty when equivalent.
    Either text may be a ``mysqldump``/``mariadb-dump`` dump: its ``SET``,
    ``DROP``, ``LOCK TABLES``, rows, views and triggers are passed over.

    Raises :class:`ParseError` (with ``line``, ``column``, ``table``) for DDL
    that cannot be read, :class:`RefusedTableError` for a change that cannot
    be made safely, :class:`InvalidRequestError` for an unknown flavor.
    """
    return _native.diff(current, desired, flavor, drop_tables)


class Analysis:
    """The analysis of a database: per table, whether its shadow is created,
    altered or skipped, and the SQL. Skips can be applied and undone; the
    :attr:`plan` is read anew after each."""

    __slots__ = ("_native", "connection")

    def __init__(self, native: _native.Analysis, connection: str) -> None:
        self._native = native
        self.connection = connection
        """The connection analysed (password redacted); tasks record it."""

    @property
    def plan(self) -> Plan:
        """The plan view: database, naming rule and per table what happens."""
        return Plan.from_json(self._native.to_json())

    @property
    def database(self) -> str:
        """The database analysed."""
        return self.plan.database

    @property
    def rule(self) -> str:
        """The naming rule, ``prefix:AFFIX`` or ``suffix:AFFIX``."""
        return self.plan.naming_rule

    @property
    def tables(self) -> list[PlanTable]:
        """Per table, in the order the statements run (user skips applied:
        a table the user skipped has action ``skip`` and reason ``user``)."""
        return self.plan.tables

    def table(self, source: str) -> PlanTable:
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

    def to_json(self) -> str:
        """The plan view's JSON text (as the CLI's ``plan --format json`` and
        the C ABI give it)."""
        return self._native.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The plan view as a dict."""
        return self.plan.to_dict()

    def __repr__(self) -> str:
        plan = self.plan
        counts = {a: sum(t.action is a for t in plan.tables) for a in Action}
        return (
            f"Analysis(database={plan.database!r}, rule={plan.naming_rule!r}, "
            f"create={counts[Action.CREATE]}, alter={counts[Action.ALTER]}, skip={counts[Action.SKIP]})"
        )


def analyze(
    executor: AnyExecutor,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    tables: str | Sequence[str] | None = None,
    include: str | Sequence[str] = (),
    exclude: str | Sequence[str] = (),
    skip: str | Sequence[str] = (),
    adopt: str | Sequence[str] = (),
    redirect_foreign_keys: bool = True,
    copy_auto_increment: bool = False,
    rebuild: bool = False,
    allow_missing: bool = False,
    cache: str | None = None,
) -> Analysis:
    """Analyse the database of ``executor`` (read-only).

    Shadows are named with ``prefix`` (default ``__``; in database mode,
    see :class:`MySQLExecutor`, the sources' own names) or ``suffix`` (not
    both); ``tables`` selects source tables (default: every table that is
    not a shadow); without ``tables``, ``include`` / ``exclude`` select the
    tables whose names match one of ``include`` (``*`` any characters, ``?``
    one; none: every table) and none of ``exclude``; ``skip`` skips some from the start (each must be
    selected); ``adopt`` names sources whose existing shadow has no
    shadowsync marker and is to be adopted (altered to match and marked)
    rather than refused as a collision; ``rebuild`` rebuilds (new table, row
    copy, swap) a shadow whose change the engine cannot make in place
    instead of refusing it. A table of ``tables`` that does not exist is an
    :class:`InvalidRequestError` unless ``allow_missing`` (then it is left
    out, with a warning on the ``shadowsync`` logger). Names are trimmed and
    deduplicated; one name given as a string is that one table. Raises
    :class:`InvalidNameError` for an unusable affix,
    :class:`InvalidRequestError` for a bad selection,
    :class:`ExecutorError` when the server (or a Python executor) fails.
    ``cache`` names a task store (a SQLite file or a ``mysql://`` URL, as
    for :class:`TaskCenter`) whose snapshot cache the tables are read
    through: the same analysis, reading again only the tables the server
    says changed.
    """
    native = _native_executor(executor)
    result = _native.analyze(
        native,
        prefix,
        suffix,
        tables,
        include,
        exclude,
        skip,
        adopt,
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
        allow_missing,
        cache,
    )
    return Analysis(result, native.connection)


def check(
    executor: AnyExecutor,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    tables: str | Sequence[str] | None = None,
    include: str | Sequence[str] = (),
    exclude: str | Sequence[str] = (),
    skip: str | Sequence[str] = (),
    rebuild: bool = False,
    app_user: str | None = None,
    cache: str | None = None,
) -> Check:
    """Whether the shadows of the database of ``executor`` are ready
    (read-only): one verdict per selected table (``ready``, ``drifted``,
    ``missing``, ``refused``, ``inaccessible``) and :attr:`Check.ready`
    overall, which fails closed. The selection and naming are as for
    :func:`analyze`; ``app_user`` (``"'app'@'%'"`` or ``"app@%"``) also
    reports, from the server's grants, whether that account may SELECT,
    INSERT, UPDATE and DELETE each shadow, one it cannot fully use keeping
    the check from ready. Raises :class:`InvalidRequestError` for a bad
    selection, an unknown table or an unknown account,
    :class:`ExecutorError` when the server fails (e.g. the grants may not be
    read). ``cache`` is as for :func:`analyze`.
    """
    native = _native_executor(executor)
    return Check.from_json(_native.check(native, prefix, suffix, tables, include, exclude, skip, rebuild, app_user, cache))


def check_fleet(
    fleet: str | os.PathLike[str], *, servers_at_once: int = 4, connections_per_server: int = 4
) -> FleetCheck:
    """Check every shard of a sharded fleet (read-only): ``fleet`` is the
    path of a fleet file (TOML: the servers with their URLs and databases,
    brace ranges such as ``order_db_{00..15}`` expanded, the selection and
    naming every database shares; see the README), read ``servers_at_once``
    servers at a time through ``connections_per_server`` connections each.
    The verdicts are rolled up per logical table (:attr:`FleetCheck.logical_tables`:
    counts, the odd shards by name, and whether the shards' sources differ);
    a database that cannot be checked is reported in
    :attr:`FleetCheck.members` and keeps the fleet from ready. Raises
    :class:`InvalidRequestError` for a bad fleet file."""
    path = Path(fleet)
    return FleetCheck.from_json(
        _native.check_fleet(path.read_text(), str(path), servers_at_once, connections_per_server)
    )


@dataclass(frozen=True)
class Snapshot:
    """Schema facts supplied by the host instead of a live server."""

    server: ServerInfo
    relations: Sequence[Relation]
    ddl: Mapping[str, str]
    """``SHOW CREATE TABLE`` text of the selected tables and their existing shadows."""


def analyze_snapshot(
    snapshot: Snapshot,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    tables: str | Sequence[str] | None = None,
    include: str | Sequence[str] = (),
    exclude: str | Sequence[str] = (),
    skip: str | Sequence[str] = (),
    adopt: str | Sequence[str] = (),
    redirect_foreign_keys: bool = True,
    copy_auto_increment: bool = False,
    rebuild: bool = False,
    allow_missing: bool = False,
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
        prefix,
        suffix,
        tables,
        include,
        exclude,
        skip,
        adopt,
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
        allow_missing,
    )
    return Analysis(result, "snapshot")


# ---- tasks ----------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalNode:
    """One approval step: automatic, or decided by a role or by named users."""

    name: str
    role: str | None = None
    users: Sequence[str] = ()


@dataclass(frozen=True)
class ApprovalFlow:
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


@overload
def _millis(at: datetime | int) -> int: ...
@overload
def _millis(at: None) -> None: ...
def _millis(at: datetime | int | None) -> int | None:
    """A time as Unix milliseconds: an aware ``datetime``, or milliseconds."""
    if at is None or isinstance(at, int):
        return at
    if at.tzinfo is None:
        raise InvalidRequestError(f"{at} has no time zone: give an aware datetime")
    return round(at.timestamp() * 1000)


class TaskCenter:
    """Tasks: submitted analyses, approved through flows, executed by
    workers, with progress, logs and a timeline. On a SQLite file (shared by
    threads and processes), on a ``mysql://user:pass@host:port/db`` URL (a
    store in that database, shared by every host that opens it) or, without
    a location, in memory. Shareable between threads.

    Methods running a task (:meth:`execute`, :meth:`resume`, :meth:`run_due`)
    take ``progress``, a callable receiving each event as a dict (see
    :data:`Progress`) on the thread running the task, with the GIL held, as
    it happens; the next statement waits for it to return. An exception it
    raises is logged (logger ``shadowsync.progress``), never raised into the
    task, which goes on."""

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
        on_error: Literal["abort", "continue"] | ErrorStrategy = "abort",
        scheduled_at: datetime | int | None = None,
        parallel: int = 1,
    ) -> Task:
        """Freeze ``analysis`` (with its skips) into a new task, run as soon
        as approved or at ``scheduled_at`` (an aware ``datetime`` or Unix
        milliseconds). ``on_error``: stop at the first failed table
        (``abort``) or go on (``continue``). ``parallel``: how many
        statements the task may run at once, each on a connection of its
        own (1 to 32); tables a foreign key joins keep the plan's order."""
        conn = analysis.connection if connection is None else connection
        text = self._native.submit(
            analysis._native, conn, creator, remarks, on_error, _millis(scheduled_at), parallel
        )
        return Task.from_json(text)

    def initiate_again(
        self,
        task_id: int,
        executor: AnyExecutor,
        *,
        creator: str,
        scheduled_at: datetime | int | None = None,
    ) -> Task:
        """A new task from task ``task_id``: its tables, naming rule, shadow
        policy, user skips and adoptions, analysed afresh through
        ``executor`` (on the old task's database, else
        :class:`InvalidRequestError`); the old task's connection, error
        strategy and remarks are kept. Runs once approved, or at ``scheduled_at``."""
        native = _native_executor(executor)
        return Task.from_json(self._native.initiate_again(task_id, native, creator, _millis(scheduled_at)))

    def approve(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` approves the current approval node; :class:`InvalidTransitionError`
        when the task is not pending approval."""
        return Task.from_json(self._native.approve(task_id, actor, list(roles), comment))

    def reject(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` rejects the task at its current approval node."""
        return Task.from_json(self._native.reject(task_id, actor, list(roles), comment))

    def approve_fleet(self, fleet: str, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> FleetTasks:
        """``actor`` approves every task of the fleet (its id, from
        :meth:`sync_fleet`) that waits for approval, each at its node; the
        fleet's tasks after. The first refused decision raises, naming that
        task and those decided before it (they stay decided)."""
        return FleetTasks.from_json(self._native.decide_fleet(fleet, True, actor, list(roles), comment))

    def reject_fleet(self, fleet: str, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> FleetTasks:
        """``actor`` rejects every task of the fleet that waits for approval."""
        return FleetTasks.from_json(self._native.decide_fleet(fleet, False, actor, list(roles), comment))

    def cancel(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> Task:
        """``actor`` withdraws the task before it runs."""
        return Task.from_json(self._native.cancel(task_id, actor, list(roles), comment))

    def abort(self, task_id: int, actor: str, *, roles: Sequence[str] = (), comment: str = "") -> None:
        """Ask the executing task to stop before its next statement (from any thread)."""
        self._native.abort(task_id, actor, list(roles), comment)

    def execute(
        self,
        task_id: int,
        executor: AnyExecutor,
        *,
        worker: str = "python",
        progress: Progress | None = None,
    ) -> Task:
        """Claim the waiting task and run it through ``executor`` (on the
        task's database): precheck, statements, verification, with the
        naming rule and shadow policy its plan was analysed with. While it
        runs the worker's lease is renewed, and :meth:`abort` (from another
        thread or process) interrupts the running statement of a
        :class:`MySQLExecutor`. Returns the finished task; a failed table is
        reported in it, not raised. ``progress``: see the class."""
        native = _native_executor(executor)
        return Task.from_json(self._native.execute(task_id, worker, native, progress))

    def task_executor(self, task_id: int, url: str, *, shadow_url: str | None = None) -> MySQLExecutor:
        """An executor for running the task (:meth:`execute`, :meth:`resume`):
        on its sources' database through ``url`` (its database part is
        ignored), and in database mode on its shadows' database through
        ``shadow_url`` (else ``url``'s server), created first, with the
        source database's character set and collation, when the plan found
        it missing. Raises :class:`NotFoundError` for an unknown task,
        :class:`ExecutorError` when a server fails or the guard refuses."""
        executor = MySQLExecutor.__new__(MySQLExecutor)
        executor._native = self._native.task_executor(task_id, url, shadow_url)
        return executor

    def resume(
        self,
        task_id: int,
        executor: AnyExecutor,
        *,
        worker: str = "python",
        progress: Progress | None = None,
    ) -> Task:
        """Take over the task left executing (by this worker, or by one whose
        lease has expired) and finish it through ``executor`` as
        :meth:`execute` does; statements already applied do not run again.
        :class:`InvalidTransitionError` when the task is not executing."""
        native = _native_executor(executor)
        return Task.from_json(self._native.resume(task_id, worker, native, progress))

    def expire_overdue(self) -> list[TaskOutcome]:
        """Move every overdue task to ``approval_expired`` or
        ``execution_expired``; those moved, with their new status."""
        return [TaskOutcome._from(o) for o in json.loads(self._native.expire_overdue())]

    def run_due(
        self, executor: AnyExecutor, *, worker: str = "python", progress: Progress | None = None
    ) -> DueReport:
        """One scheduling pass for ``worker`` (call it periodically): expire
        overdue tasks, resume the tasks ``worker`` itself left executing,
        then claim and run every due task, all through ``executor``.

        Every due task must be on the executor's database: a task whose
        database differs from ``executor.server_info().database`` is not run
        but reported in ``not_started`` (and stays waiting). Each task is
        prechecked and verified with the shadow policy of its analysis."""
        native = _native_executor(executor)
        return DueReport.from_json(self._native.run_due(worker, native, progress))

    def watch_once(
        self,
        executor: AnyExecutor,
        *,
        creator: str,
        prefix: str | None = None,
        suffix: str | None = None,
        tables: str | Sequence[str] | None = None,
        include: str | Sequence[str] = (),
        exclude: str | Sequence[str] = (),
        skip: str | Sequence[str] = (),
        rebuild: bool = False,
        remarks: str = "",
        on_error: Literal["abort", "continue"] | ErrorStrategy = "abort",
        connection: str | None = None,
        parallel: int = 1,
    ) -> WatchPass:
        """One watch pass (call it from your own scheduler, as often as once
        a minute): analyse the selection through ``executor`` (as
        :func:`analyze`; this center's store is the snapshot cache), and when
        there is something to run, submit it by ``creator`` through the
        approval flow, unless a task of this center already holds the same
        drift. Several hosts on one store never submit one drift twice.

        The pass's ``outcome`` is ``in_step`` (nothing to run),
        ``submitted`` (``task`` is the new task) or ``held`` (``task`` is
        the one that holds this drift: waiting, running, rejected, cancelled
        or failed; a drift is free again once its task has succeeded or
        expired). ``connection`` is what the task records (default: the
        executor's own, password redacted); ``parallel`` is as for
        :meth:`submit`."""
        native = _native_executor(executor)
        conn = native.connection if connection is None else connection
        text = self._native.watch_once(
            native, conn, prefix, suffix, tables, include, exclude, skip, rebuild, creator, remarks, on_error,
            parallel,
        )
        return WatchPass.from_json(text)

    def sync_fleet(
        self,
        fleet: str | os.PathLike[str],
        *,
        creator: str,
        worker: str = "python",
        servers_at_once: int = 4,
        connections_per_server: int = 4,
        on_error: Literal["abort", "continue"] | ErrorStrategy = "abort",
        parallel: int = 1,
        remarks: str = "",
        scheduled_at: datetime | int | None = None,
    ) -> FleetSync:
        """Sync every database of a sharded fleet (the fleet file of
        :func:`check_fleet`): analyse each, ``servers_at_once`` servers at a
        time through ``connections_per_server`` connections each; submit one
        task per database that has statements to run, by ``creator``, all
        under one fleet id (:attr:`Task.fleet`); and run the due ones the
        same way for ``worker``. A database that fails leaves the others
        done; its task is resumed (:meth:`run_due`) or initiated again on
        its own. With ``scheduled_at`` (as for :meth:`submit`) the tasks are
        submitted scheduled and left to :meth:`run_due`. No confirmation is asked: show :func:`check_fleet` or each
        database's plan first if a person should decide. A fleet with
        nothing to run submits nothing (the view's ``fleet`` is ``None``).
        Raises :class:`InvalidRequestError` for a bad fleet file."""
        path = Path(fleet)
        return FleetSync.from_json(
            self._native.sync_fleet(
                path.read_text(), str(path), creator, worker, servers_at_once, connections_per_server,
                on_error, parallel, remarks, _millis(scheduled_at),
            )
        )

    def fleet(self, fleet: str) -> FleetTasks:
        """Every task of one :meth:`sync_fleet` submission (its ``fleet``
        id) and where each stands, with a roll-up (``complete`` when all
        succeeded); :class:`NotFoundError` if no task carries that id."""
        return FleetTasks.from_json(self._native.fleet(fleet))

    def task(self, task_id: int) -> Task:
        """The task; :class:`NotFoundError` if there is none."""
        return Task.from_json(self._native.task(task_id))

    def list_tasks(
        self,
        *,
        since: datetime | int | Literal["recent", "all"] = "recent",
        connection: str | None = None,
        database: str | None = None,
        creator: str | None = None,
        statuses: Sequence[str] = (),
        sort: Literal["created_at", "status"] = "created_at",
        descending: bool = True,
        page: int = 1,
        page_size: int = 20,
    ) -> TaskPage:
        """One page of tasks: created in the last 48 hours (``recent``), at
        any time (``all``) or since a time (aware ``datetime`` or Unix
        milliseconds). Pages count from 1, as the CLI's ``task list --page``
        (page 0 is an :class:`InvalidRequestError`); ``connection`` may be
        given with its password, as it is compared redacted."""
        window = since if isinstance(since, str) else _millis(since)
        text = self._native.list_tasks(
            window, connection, database, creator, [str(s) for s in statuses], sort, descending, page, page_size
        )
        return TaskPage.from_json(text)

    def timeline(self, task_id: int) -> Timeline:
        """Who did what to the task, oldest first (``.events``)."""
        return Timeline.from_json(self._native.timeline(task_id))

    def logs(self, task_id: int, *, alerts_only: bool = False, contains: str | None = None) -> Logs:
        """The task's log, oldest first (``.entries``): every entry, only
        WARN and ERROR (``alerts_only``), or those containing ``contains``
        (any case)."""
        return Logs.from_json(self._native.logs(task_id, alerts_only, contains))

    def export_logs(self, task_id: int, *, alerts_only: bool = False, contains: str | None = None) -> str:
        """The task's log as text, one ``time level message`` line per entry."""
        return self._native.export_logs(task_id, alerts_only, contains)

    def __repr__(self) -> str:
        return f"TaskCenter({self.location!r})"
