# Stubs of the private native module (shadowsync-py/src). Use the public
# package `shadowsync` instead: results cross this boundary as the host
# layer's JSON views, which the package reads into the classes of _views.

from collections.abc import Callable, Iterable
from typing import Any, final

__version__: str

__all__ = [
    "__version__",
    "Analysis",
    "Executor",
    "ExecutorError",
    "HostError",
    "InvalidNameError",
    "InvalidRequestError",
    "InvalidTransitionError",
    "NotFoundError",
    "ParseError",
    "RefusedTableError",
    "ShadowSyncError",
    "StoreError",
    "TaskCenter",
    "analyze",
    "analyze_snapshot",
    "check",
    "check_fleet",
    "diff",
]

class ShadowSyncError(Exception): ...

class HostError(Exception):
    kind: str

class ParseError(ShadowSyncError):
    line: int
    column: int
    table: str | None
    detail: str

class RefusedTableError(ShadowSyncError):
    table: str
    reason: str

class InvalidNameError(ShadowSyncError): ...
class InvalidRequestError(ShadowSyncError): ...

class InvalidTransitionError(ShadowSyncError):
    task_id: str
    from_status: str
    to_status: str

class ExecutorError(ShadowSyncError): ...
class StoreError(ShadowSyncError): ...
class NotFoundError(ShadowSyncError): ...

_Names = str | Iterable[str]
_Progress = Callable[[dict[str, Any]], object]

def diff(current: str, desired: str, flavor: str, drop_tables: bool) -> list[str]: ...
def analyze(
    executor: Executor,
    prefix: str | None,
    suffix: str | None,
    tables: _Names | None,
    include: _Names,
    exclude: _Names,
    skip: _Names,
    adopt: _Names,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
    allow_missing: bool,
    cache: str | None,
) -> Analysis: ...
def check(
    executor: Executor,
    prefix: str | None,
    suffix: str | None,
    tables: _Names | None,
    include: _Names,
    exclude: _Names,
    skip: _Names,
    rebuild: bool,
    app_user: str | None,
    cache: str | None,
) -> str: ...
def check_fleet(text: str, source: str, servers_at_once: int, connections_per_server: int) -> str: ...
def analyze_snapshot(
    snapshot_json: str,
    prefix: str | None,
    suffix: str | None,
    tables: _Names | None,
    include: _Names,
    exclude: _Names,
    skip: _Names,
    adopt: _Names,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
    allow_missing: bool,
) -> Analysis: ...
@final
class Executor:
    @staticmethod
    def connect(
        url: str,
        database: str | None = None,
        introspection: str = "auto",
        shadow_url: str | None = None,
        shadow_schema: str | None = None,
    ) -> Executor: ...
    @staticmethod
    def wrap(host: object, connection: str) -> Executor: ...
    @staticmethod
    def dbapi(connection: object, name: str) -> Executor: ...
    @property
    def connection(self) -> str: ...
    def execute(self, sql: str) -> None: ...
    def server_info(self) -> str: ...
    def list_relations(self) -> str: ...
    def show_create_tables(self, names: list[str]) -> list[str | None]: ...
    def close(self) -> None: ...

@final
class Analysis:
    def to_json(self) -> str: ...
    def preview(self) -> list[str]: ...
    def skip(self, source: str) -> None: ...
    def unskip(self, source: str) -> None: ...

@final
class TaskCenter:
    location: str | None
    def __new__(cls, location: str | None = None) -> TaskCenter: ...
    def set_flows(self, flows_json: str) -> None: ...
    def flows(self) -> str: ...
    def submit(
        self,
        analysis: Analysis,
        connection: str,
        creator: str,
        remarks: str,
        on_error: str,
        scheduled_at: int | None,
        parallel: int,
    ) -> str: ...
    def initiate_again(
        self,
        old: int,
        executor: Executor,
        creator: str,
        scheduled_at: int | None,
    ) -> str: ...
    def approve(self, id: int, actor_name: str, roles: list[str], comment: str) -> str: ...
    def reject(self, id: int, actor_name: str, roles: list[str], comment: str) -> str: ...
    def cancel(self, id: int, actor_name: str, roles: list[str], comment: str) -> str: ...
    def abort(self, id: int, actor_name: str, roles: list[str], comment: str) -> None: ...
    def execute(
        self, id: int, worker: str, executor: Executor, progress: _Progress | None = None
    ) -> str: ...
    def task_executor(self, id: int, url: str, shadow_url: str | None = None) -> Executor: ...
    def fleet(self, fleet: str) -> str: ...
    def decide_fleet(self, fleet: str, approve: bool, actor_name: str, roles: list[str], comment: str) -> str: ...
    def sync_fleet(
        self,
        text: str,
        source: str,
        creator: str,
        worker: str,
        servers_at_once: int,
        connections_per_server: int,
        on_error: str,
        parallel: int,
        remarks: str,
        scheduled_at: int | None,
    ) -> str: ...
    def resume(
        self, id: int, worker: str, executor: Executor, progress: _Progress | None = None
    ) -> str: ...
    def expire_overdue(self) -> str: ...
    def run_due(
        self, worker: str, executor: Executor, progress: _Progress | None = None
    ) -> str: ...
    def watch_once(
        self,
        executor: Executor,
        connection: str,
        prefix: str | None,
        suffix: str | None,
        tables: _Names | None,
        include: _Names,
        exclude: _Names,
        skip: _Names,
        rebuild: bool,
        creator: str,
        remarks: str,
        on_error: str,
        parallel: int,
    ) -> str: ...
    def task(self, id: int) -> str: ...
    def list_tasks(
        self,
        since: str | int,
        connection: str | None,
        database: str | None,
        creator: str | None,
        statuses: list[str],
        sort: str,
        descending: bool,
        page: int,
        page_size: int,
    ) -> str: ...
    def timeline(self, id: int) -> str: ...
    def logs(self, id: int, alerts_only: bool, contains: str | None) -> str: ...
    def export_logs(self, id: int, alerts_only: bool, contains: str | None) -> str: ...
