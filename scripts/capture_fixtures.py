#!/usr/bin/env python3
"""Capture real `SHOW CREATE TABLE` output from the local engines as fixtures.

For every engine (MariaDB via the `shadowsync` user, seekdb via `root`), every
case of the sqldef conformance corpus and each of its `current` / `desired`
texts, this drops and re-creates a scratch database, runs the statements and
stores the exact `SHOW CREATE TABLE` text of every base table in

    tests/fixtures/show-create/<engine>/<case>.<current|desired>.<table>.sql

(the bytes the server returned, no newline added). Statements of
scripts/fixture_extra.sql are captured the same way under the case name
`extra` (side `current`). Everything the server rejected goes to
`<engine>/_errors.json`; `<engine>/_index.json` maps every file back to its
case, side and exact table name; `<engine>/_server.json` records the server
version and the settings that shape the output.

Start the engines first:  eval "$(scripts/engines.sh start)"

Usage:
    scripts/capture_fixtures.py [--engine mariadb|seekdb]... [--case NAME]...
                                [--corpus PATH] [--out DIR] [--no-extra]

Without --case the engine's output directory is regenerated from scratch.
Only the Python 3.11 standard library and the `mariadb` command-line client
are used. Sessions run with FOREIGN_KEY_CHECKS=0 (as a dump restore does)
unless --fk-checks is given; `USE db;` statements in the corpus are dropped.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(
    os.environ.get("SHADOWSYNC_CORPUS", REPO.parent / "shared/corpus/sqldef-mysql-cases.jsonl")
)
if not DEFAULT_CORPUS.exists():
    DEFAULT_CORPUS = Path("/work/shared/corpus/sqldef-mysql-cases.jsonl")
DEFAULT_OUT = REPO / "tests/fixtures/show-create"
EXTRA_SQL = REPO / "scripts/fixture_extra.sql"

SCRATCH_DB = "shadowsync_fixture"
SKIP_FLAVORS = {"tidb", "mysql"}
CLIENT_TIMEOUT = 180  # seconds per client invocation
FK_CHECKS = False  # --fk-checks turns FOREIGN_KEY_CHECKS back on


# --------------------------------------------------------------- engines ---

@dataclass
class Engine:
    name: str
    host: str
    port: int
    user: str
    password: str | None

    def base_args(self) -> list[str]:
        args = [
            "mariadb",
            "--no-defaults",
            "-h", self.host,
            "-P", str(self.port),
            "-u", self.user,
            "--batch",
            "--skip-column-names",
            "--default-character-set=utf8mb4",
            "--connect-timeout=10",
        ]
        if self.password:
            args.append(f"-p{self.password}")
        if not FK_CHECKS:
            # Like a dump restore: lets a FK name a table created later.
            args.append("--init-command=SET FOREIGN_KEY_CHECKS=0")
        return args


def engine_from_env(name: str, url_var: str, default_url: str) -> Engine:
    url = urllib.parse.urlparse(os.environ.get(url_var) or default_url)
    return Engine(
        name=name,
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=urllib.parse.unquote(url.username or "root"),
        password=urllib.parse.unquote(url.password) if url.password else None,
    )


def engines() -> dict[str, Engine]:
    mport = os.environ.get("SHADOWSYNC_MARIADB_PORT", "33061")
    sport = os.environ.get("SHADOWSYNC_SEEKDB_PORT", "2881")
    return {
        "mariadb": engine_from_env(
            "mariadb", "SHADOWSYNC_MARIADB_URL",
            f"mysql://shadowsync:shadowsync@127.0.0.1:{mport}/"),
        "seekdb": engine_from_env(
            "seekdb", "SHADOWSYNC_SEEKDB_URL", f"mysql://root@127.0.0.1:{sport}/"),
    }


# ---------------------------------------------------------------- client ---

class ClientError(Exception):
    pass


def run_client(eng: Engine, sql: str, *, database: str | None = None,
               force: bool = False, raw: bool = False) -> tuple[int, bytes, str]:
    args = eng.base_args()
    if force:
        args.append("--force")
    if raw:
        args.append("--raw")
    if database:
        args += ["-D", database]
    proc = subprocess.run(
        args, input=sql.encode("utf-8"), capture_output=True, timeout=CLIENT_TIMEOUT
    )
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def run_ok(eng: Engine, sql: str, **kw) -> bytes:
    rc, out, err = run_client(eng, sql, **kw)
    if rc != 0:
        raise ClientError(f"{eng.name}: {sql[:200]!r} failed: {err.strip()}")
    return out


_UNESCAPE = {b"n": b"\n", b"t": b"\t", b"0": b"\0", b"\\": b"\\"}


def unescape_field(data: bytes) -> bytes:
    """Undo the client's batch-mode escaping (\\n, \\t, \\0, \\\\)."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        b = data[i:i + 1]
        if b == b"\\" and i + 1 < n:
            nxt = data[i + 1:i + 2]
            if nxt in _UNESCAPE:
                out += _UNESCAPE[nxt]
                i += 2
                continue
        out += b
        i += 1
    return bytes(out)


def parse_rows(out: bytes) -> list[list[bytes]]:
    """Rows of escaped batch output: one line per row, fields split on TAB."""
    if not out:
        return []
    if not out.endswith(b"\n"):
        raise ClientError(f"unterminated client output: {out[-80:]!r}")
    return [[unescape_field(f) for f in line.split(b"\t")]
            for line in out[:-1].split(b"\n")]


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_str(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


ECHO_RULE = "--------------"


def server_errors(stderr: str) -> list[dict]:
    """Errors reported by `mariadb --force`, one per rejected statement.

    The client prints `ERROR nnnn (sqlstate) at line N: message` (messages may
    span lines) and, for most statements, first echoes the failing statement
    between two `--------------` lines; that echo is returned as `statement`.
    """
    errs: list[dict] = []
    echo: list[str] | None = None
    pending_stmt: str | None = None
    in_error = False
    for line in stderr.split("\n"):
        if echo is not None:
            if line == ECHO_RULE:
                pending_stmt = "\n".join(echo)
                echo = None
            else:
                echo.append(line)
            continue
        if line == ECHO_RULE:
            echo, in_error = [], False
            continue
        if line.startswith("ERROR"):
            rec = {"error": line}
            if pending_stmt is not None:
                rec["statement"] = pending_stmt
                pending_stmt = None
            errs.append(rec)
            in_error = True
        elif in_error and line:
            errs[-1]["error"] += "\n" + line  # continuation of a multi-line message
        else:
            in_error = False
    return errs


def reset_scratch(eng: Engine) -> None:
    run_ok(eng, f"DROP DATABASE IF EXISTS {SCRATCH_DB};\nCREATE DATABASE {SCRATCH_DB};\n")


def list_base_tables(eng: Engine) -> list[str]:
    out = run_ok(
        eng,
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_schema = {quote_str(SCRATCH_DB)} AND table_type = 'BASE TABLE' "
        "ORDER BY table_name;\n",
    )
    return [row[0].decode("utf-8") for row in parse_rows(out)]


def show_create_tables(eng: Engine, tables: list[str]) -> dict[str, bytes]:
    """SHOW CREATE TABLE for every table, read in escaped batch mode and
    cross-checked against a second read with --raw."""
    if not tables:
        return {}
    sql = "".join(f"SHOW CREATE TABLE {quote_ident(t)};\n" for t in tables)
    rows = parse_rows(run_ok(eng, sql, database=SCRATCH_DB))
    if len(rows) != len(tables):
        raise ClientError(f"{eng.name}: expected {len(tables)} rows, got {len(rows)}")
    result: dict[str, bytes] = {}
    for t, row in zip(tables, rows):
        if len(row) != 2 or row[0].decode("utf-8") != t:
            raise ClientError(f"{eng.name}: unexpected SHOW CREATE row for {t!r}: {row!r}")
        result[t] = row[1]
    raw = run_ok(eng, sql, database=SCRATCH_DB, raw=True)
    expect = b"".join(t.encode("utf-8") + b"\t" + result[t] + b"\n" for t in tables)
    if raw != expect:
        raise ClientError(f"{eng.name}: --raw output differs from unescaped batch output "
                          f"for tables {tables!r}")
    return result


# ------------------------------------------------------------- fixtures ---

_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def file_component(name: str) -> str:
    """Table/case name as a file-name component: [A-Za-z0-9_-] kept, every
    other UTF-8 byte written as %XX."""
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in name.encode("utf-8"))


_USE_RE = re.compile(r"(?im)^\s*use\s+`?[A-Za-z0-9_$]+`?\s*;[ \t]*\n?")


def prepare_sql(text: str) -> tuple[str, list[str]]:
    """Drop `USE db;` statements so everything lands in the scratch db."""
    notes = []
    if _USE_RE.search(text):
        notes.append("USE statement removed so the tables land in the scratch database")
        text = _USE_RE.sub("", text)
    return text, notes


@dataclass
class EngineRun:
    eng: Engine
    out_dir: Path
    files: int = 0
    bytes: int = 0
    errors: list[dict] = field(default_factory=list)
    index: list[dict] = field(default_factory=list)
    rejected_statements: int = 0
    sides_run: int = 0

    def capture(self, case: str, side: str, stmts: list[tuple[str, str]],
                extra_info: dict | None = None) -> None:
        """Run the statements (label, sql) in a fresh scratch db, then record
        every base table. Each element of stmts is sent as one client call
        with --force; errors are recorded per call."""
        reset_scratch(self.eng)
        self.sides_run += 1
        for label, sql in stmts:
            rc, _out, err = run_client(self.eng, sql, database=SCRATCH_DB, force=True)
            errs = server_errors(err)
            if rc != 0 and not errs:
                errs = [{"error": err.strip() or f"client exited with {rc}"}]
            if errs:
                self.rejected_statements += len(errs)
                rec = {"case": case, "side": side}
                if label:
                    rec["label"] = label
                rec["errors"] = errs
                rec["sql"] = sql
                if extra_info:
                    rec.update(extra_info)
                self.errors.append(rec)
        tables = list_base_tables(self.eng)
        ddls = show_create_tables(self.eng, tables)
        for t in tables:
            fname = f"{file_component(case)}.{side}.{file_component(t)}.sql"
            path = self.out_dir / fname
            path.write_bytes(ddls[t])
            self.files += 1
            self.bytes += len(ddls[t])
            self.index.append({"file": fname, "case": case, "side": side, "table": t})


def load_cases(corpus: Path) -> list[dict]:
    with corpus.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_extra(path: Path) -> list[tuple[str, str]]:
    """fixture_extra.sql: statements end with ';' at the end of a line; a
    statement's label is its first `-- name:` comment line."""
    stmts: list[tuple[str, str]] = []
    cur: list[str] = []
    label = ""
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        m = re.match(r"--\s*name:\s*(\S+)", line)
        if m and not cur:
            label = m.group(1)
            continue
        if not cur and (not line.strip() or line.lstrip().startswith("--")):
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            stmts.append((label or f"stmt{len(stmts) + 1}", "".join(cur)))
            cur, label = [], ""
    if "".join(cur).strip():
        stmts.append((label or f"stmt{len(stmts) + 1}", "".join(cur)))
    return stmts


def server_info(eng: Engine) -> dict:
    out = run_ok(eng, "SELECT @@version, @@sql_mode, @@lower_case_table_names, "
                      "@@character_set_server, @@collation_server, @@time_zone;\n")
    row = [v.decode("utf-8") for v in parse_rows(out)[0]]
    keys = ["version", "sql_mode", "lower_case_table_names", "character_set_server",
            "collation_server", "time_zone"]
    info = dict(zip(keys, row))
    info["user"] = eng.user
    info["scratch_database"] = SCRATCH_DB
    return info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="append", choices=["mariadb", "seekdb"])
    ap.add_argument("--case", action="append", help="only this corpus case (or 'extra')")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-extra", action="store_true", help="skip scripts/fixture_extra.sql")
    ap.add_argument("--fk-checks", action="store_true",
                    help="keep FOREIGN_KEY_CHECKS=1 (default: 0, so FKs may reference "
                         "tables created later, as in a dump)")
    opts = ap.parse_args()
    global FK_CHECKS
    FK_CHECKS = opts.fk_checks

    cases = load_cases(opts.corpus)
    if opts.case:
        wanted = set(opts.case)
        cases = [c for c in cases if c["name"] in wanted]
    skipped = [c["name"] for c in cases if c.get("flavor") in SKIP_FLAVORS]
    cases = [c for c in cases if c.get("flavor") not in SKIP_FLAVORS]
    do_extra = not opts.no_extra and (not opts.case or "extra" in opts.case)

    runs: list[EngineRun] = []
    for name in opts.engine or ["mariadb", "seekdb"]:
        eng = engines()[name]
        out_dir = opts.out / name
        out_dir.mkdir(parents=True, exist_ok=True)
        if not opts.case:
            for p in out_dir.iterdir():
                if p.is_file() and (p.suffix == ".sql" or p.name.startswith("_")):
                    p.unlink()
        else:
            for c in [*cases, *([{"name": "extra"}] if do_extra else [])]:
                for p in out_dir.glob(f"{file_component(c['name'])}.*.sql"):
                    p.unlink()
        run = EngineRun(eng, out_dir)
        t0 = time.monotonic()
        info = server_info(eng)
        print(f"[{name}] {info['version']} at {eng.host}:{eng.port}", file=sys.stderr)
        for c in cases:
            for side in ("current", "desired"):
                text = c.get(side) or ""
                if not text.strip():
                    continue
                sql, notes = prepare_sql(text)
                run.capture(c["name"], side, [("", sql)],
                            {"flavor": c.get("flavor")} if c.get("flavor") else None)
                if notes:
                    run.index.append({"case": c["name"], "side": side, "notes": notes})
        if do_extra and EXTRA_SQL.exists():
            run.capture("extra", "current", split_extra(EXTRA_SQL))
        elapsed = time.monotonic() - t0

        # With --case, merge into the existing metadata instead of replacing it.
        done = {c["name"] for c in cases} | ({"extra"} if do_extra else set())
        errors, index = run.errors, run.index
        if opts.case:
            for fname, new in (("_errors.json", errors), ("_index.json", index)):
                p = out_dir / fname
                if p.exists():
                    old = [r for r in json.loads(p.read_text(encoding="utf-8"))
                           if r.get("case") not in done]
                    new[:0] = old
        key = lambda r: (r.get("case", ""), r.get("side", ""), r.get("file", ""))
        errors.sort(key=key)
        index.sort(key=key)
        (out_dir / "_errors.json").write_text(
            json.dumps(errors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        (out_dir / "_index.json").write_text(
            json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        (out_dir / "_server.json").write_text(
            json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        run_ok(eng, f"DROP DATABASE IF EXISTS {SCRATCH_DB};\n")
        print(f"[{name}] {run.sides_run} texts run in {elapsed:.0f}s", file=sys.stderr)
        runs.append(run)

    print("engine   fixture-files  bytes     rejected-statements  case/sides-with-errors")
    for r in runs:
        print(f"{r.eng.name:<8} {r.files:>13}  {r.bytes:>8}  {r.rejected_statements:>19}"
              f"  {len(r.errors):>22}")
    if skipped:
        print(f"skipped {len(skipped)} corpus cases with flavor tidb/mysql")
    return 0


if __name__ == "__main__":
    sys.exit(main())
