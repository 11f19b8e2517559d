"""The readiness check on real servers through the Python API: the typed
verdicts, the overall answer, the privilege probe and bad input."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

import shadowsync
from shadowsync import Check, CheckTable, Verdict

from conftest import Scratch


def by_source(check: Check) -> dict[str, CheckTable]:
    return {t.source: t for t in check.tables}


def schema(scratch: Scratch) -> None:
    for sql in [
        "CREATE TABLE ok (id int NOT NULL PRIMARY KEY)",
        "CREATE TABLE drift (id int NOT NULL PRIMARY KEY, n int DEFAULT 1)",
        "CREATE TABLE gone (id int NOT NULL PRIMARY KEY)",
        "CREATE TABLE __ok LIKE ok",
        "CREATE TABLE __drift LIKE drift",
        "ALTER TABLE __ok COMMENT='[shadowsync:shadow]'",
        "ALTER TABLE __drift COMMENT='[shadowsync:shadow]'",
        "ALTER TABLE __drift MODIFY n int DEFAULT 2",
    ]:
        scratch.run(sql)


def test_verdicts(scratch: Scratch) -> None:
    schema(scratch)
    check = shadowsync.check(scratch.executor)
    assert check.kind == "check" and not check.ready
    t = by_source(check)
    assert t["ok"].verdict is Verdict.READY and t["ok"].ready
    assert t["drift"].verdict is Verdict.DRIFTED
    assert t["drift"].differences == ["column `n` differs"]
    assert t["drift"].statements[0].startswith("ALTER TABLE `__drift`")
    assert t["gone"].verdict is Verdict.MISSING
    assert (check.counts.total, check.counts.ready, check.counts.drifted, check.counts.missing) == (3, 1, 1, 1)
    assert check.checked_at.tzinfo is not None
    assert check.to_dict()["counts"]["missing"] == 1

    ready = shadowsync.check(scratch.executor, tables=["ok", " drift"], skip="drift")
    assert ready.ready and ready.skipped == ["drift"]
    with pytest.raises(shadowsync.InvalidRequestError, match="nope"):
        shadowsync.check(scratch.executor, tables=["ok", "nope"])


def test_privilege_probe(scratch: Scratch) -> None:
    schema(scratch)
    # The connecting account has every privilege, globally.
    parts = urlsplit(scratch.url)
    host = "127.0.0.1" if scratch.engine == "mariadb" else "%"
    check = shadowsync.check(scratch.executor, tables="ok", app_user=f"{parts.username}@{host}")
    assert check.ready, check
    access = check.tables[0].app_access
    assert access is not None and access.full and access.delete
    with pytest.raises(shadowsync.InvalidRequestError, match="no account"):
        shadowsync.check(scratch.executor, tables="ok", app_user="ss_chk_py_nobody@%")
    with pytest.raises(shadowsync.InvalidRequestError, match="app user"):
        shadowsync.check(scratch.executor, app_user="'app")


def test_through_the_snapshot_cache(scratch: Scratch, tmp_path: Path) -> None:
    schema(scratch)
    store = str(tmp_path / "tasks.db")
    plain = shadowsync.check(scratch.executor).to_dict()
    for _ in range(2):
        cached = shadowsync.check(scratch.executor, cache=store).to_dict()
        cached["checked_at"] = plain["checked_at"]
        assert cached == plain
    analysis = shadowsync.analyze(scratch.executor, cache=store)
    assert analysis.to_json() == shadowsync.analyze(scratch.executor).to_json()
    with pytest.raises(shadowsync.ShadowSyncError):
        shadowsync.check(scratch.executor, cache="mysql://nobody@127.0.0.1:1/none")
