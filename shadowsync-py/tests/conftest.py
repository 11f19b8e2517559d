"""Fixtures of the shadowsync pytest suite.

The live tests run against MariaDB and seekdb (OceanBase, MySQL mode): start
them with ``eval "$(scripts/engines.sh start)"``, which exports
SHADOWSYNC_MARIADB_URL and SHADOWSYNC_SEEKDB_URL. A missing variable fails
the tests; it never skips them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import shadowsync

REPO = Path(__file__).resolve().parents[2]
ENGINES = {"mariadb": "SHADOWSYNC_MARIADB_URL", "seekdb": "SHADOWSYNC_SEEKDB_URL"}


def engine_url(engine: str) -> str:
    """The URL of `engine`; fails the test when its variable is unset."""
    var = ENGINES[engine]
    url = os.environ.get(var, "")
    if not url:
        pytest.fail(f'{var} is not set: start the engines with eval "$(scripts/engines.sh start)"')
    return url


def statements(text: str) -> list[str]:
    """The statements of a schema file: each ends with `;` at the end of a
    line; lines starting with `--` are comments (as tests/shadow_live.rs)."""
    out: list[str] = []
    current = ""
    for line in text.splitlines():
        if line.lstrip().startswith("--") or (not current and not line.strip()):
            continue
        trimmed = line.rstrip()
        if trimmed.endswith(";"):
            out.append(current + trimmed[:-1])
            current = ""
        else:
            current += line + "\n"
    assert not current.strip(), f"schema file ends inside a statement: {current}"
    return out


@dataclass
class Scratch:
    """A scratch database on one engine."""

    engine: str
    url: str
    database: str
    executor: shadowsync.MySQLExecutor

    def run(self, sql: str) -> None:
        self.executor.execute(sql)

    def load_demo(self) -> None:
        """Load the demo schema of tests/schema (the Rust live tests' one)."""
        text = (REPO / "tests" / "schema" / f"shadow_demo_{self.engine}.sql").read_text()
        for sql in statements(text):
            self.run(sql)


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def scratch(engine: str, request: pytest.FixtureRequest) -> Iterator[Scratch]:
    """An executor on a fresh, empty database `sspy_<test>_<engine>`."""
    base = engine_url(engine)
    test = request.node.originalname.removeprefix("test_")[:40]
    database = f"sspy_{test}_{engine}"
    admin = shadowsync.connect(base)
    admin.execute(f"DROP DATABASE IF EXISTS `{database}`")
    admin.execute(f"CREATE DATABASE `{database}`")
    executor = shadowsync.connect(base, database=database)
    yield Scratch(engine, base.rstrip("/") + "/" + database, database, executor)
    admin.execute(f"DROP DATABASE IF EXISTS `{database}`")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test fails (exit 1), never exits 5 as pytest would."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("\nno test ran: failing the run")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
