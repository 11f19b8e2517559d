# Stubs of the private native module (shadowsync-py/src). Use the public
# package `shadowsync` instead: structured results cross this boundary as
# JSON texts, which the package turns into dataclasses.

from typing import final

__version__: str

__all__ = [
    "__version__",
    "Analysis",
    "Executor",
    "ExecutorError",
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
    "diff",
]

class ShadowSyncError(Exception): ...

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

def diff(current: str, desired: str, flavor: str, drop_tables: bool) -> list[str]: ...
def analyze(
    executor: Executor,
    rule: str,
    tables: list[str] | None,
    skip: list[str],
    adopt: list[str],
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
) -> Analysis: ...
def analyze_snapshot(
    snapshot_json: str,
    rule: str,
    tables: list[str] | None,
    skip: list[str],
    adopt: list[str],
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
) -> Analysis: ...
@final
class Executor:
    @staticmethod
    def connect(
        url: str, database: str | None = None, introspection: str = "auto"
    ) -> Executor: ...
    @staticmethod
    def wrap(host: object, connection: str) -> Executor: ...
    @property
    def connection(self) -> str: ...
    def execute(self, sql: str) -> None: ...
    def server_info(self) -> str: ...
    def list_relations(self) -> str: ...
    def show_create_tables(self, names: list[str]) -> list[str | None]: ...
    def close(self) -> None: ...

@final
class Analysis:
    @property
    def database(self) -> str: ...
    @property
    def rule(self) -> str: ...
    def tables_json(self) -> str: ...
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
    ) -> str: ...
    def initiate_again(
        self,
        old: int,
        analysis: Analysis,
        connection: str,
        creator: str,
        scheduled_at: int | None,
    ) -> str: ...
    def approve(self, id: int, actor: str, roles: list[str], comment: str) -> str: ...
    def reject(self, id: int, actor: str, roles: list[str], comment: str) -> str: ...
    def cancel(self, id: int, actor: str, roles: list[str], comment: str) -> str: ...
    def abort(self, id: int, actor: str, roles: list[str], comment: str) -> None: ...
    def execute(
        self,
        id: int,
        worker: str,
        executor: Executor,
    ) -> str: ...
    def resume(
        self,
        id: int,
        worker: str,
        executor: Executor,
    ) -> str: ...
    def expire_overdue(self) -> str: ...
    def run_due(self, worker: str, executor: Executor) -> str: ...
    def task(self, id: int) -> str: ...
    def list_tasks(self, query_json: str) -> str: ...
    def timeline(self, id: int) -> str: ...
    def logs(self, id: int, alerts_only: bool, contains: str | None) -> str: ...
    def export_logs(self, id: int, alerts_only: bool, contains: str | None) -> str: ...
