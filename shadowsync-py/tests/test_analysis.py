"""Shadow analysis on real servers: the scenarios of tests/shadow_live.rs on
the demo schema, through the Python API."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

import shadowsync
from shadowsync import Analysis, PlanTable

from conftest import REPO, Scratch

T62 = "t62_long_table_name_that_still_fits_once_prefixed_padding_xxxx"
T63 = "t63_long_table_name_whose_shadow_would_exceed_the_64_char_limit"
REFUSED = {"collide", "report", T63}
SPECIAL = {"uptodate", "uptodate_child", "outdated"} | REFUSED


def by_source(analysis: Analysis) -> dict[str, PlanTable]:
    return {t.source: t for t in analysis.tables}


def run_preview(scratch: Scratch, analysis: Analysis) -> int:
    scratch.run("SET FOREIGN_KEY_CHECKS = 1")
    preview = analysis.preview()
    for sql in preview:
        scratch.run(sql)
    return len(preview)


def test_prefix_sync(scratch: Scratch) -> None:
    scratch.load_demo()
    analysis = shadowsync.analyze(scratch.executor, prefix="__")
    t = by_source(analysis)

    engine_only = "legacy_latin" if scratch.engine == "mariadb" else "bin_collated"
    expected = {
        "customer", "orders", "order_item", "dept", "emp", "product", "event_log", "session_hash",
        "region_list", "gen_cols", "article", "leaderboard", "select", "订单", "odd name`s", T62, T63,
        "long_fk", "all_types", "uptodate", "uptodate_child", "outdated", "collide", "report", engine_only,
    }  # fmt: skip
    assert set(t) == expected

    assert (t["uptodate"].action, t["uptodate"].reason) == ("skip", "identical")
    assert (t["uptodate_child"].action, t["uptodate_child"].reason) == ("skip", "identical")
    assert t["outdated"].action == "alter"
    alter = "\n".join(t["outdated"].statements)
    assert "DROP INDEX `idx_extra`" in alter and "ADD COLUMN `c`" in alter
    collide = t["collide"]
    assert collide.action == "skip" and collide.reason is not None
    assert collide.reason.startswith("refused: collision") and "no shadowsync marker" in collide.reason
    assert t[T63].action == "skip" and "65 characters" in (t[T63].reason or "")
    assert t["report"].action == "skip" and "taken by a view" in (t["report"].reason or "")
    assert t[T62].action == "create" and len(t[T62].shadow) == 64
    for entry in analysis.tables:
        if entry.source not in SPECIAL:
            assert entry.action == "create", (entry.source, entry.reason)
            assert entry.shadow == "__" + entry.source
        assert entry.warnings == [], entry.source

    order = [e.source for e in analysis.tables]
    assert order.index("customer") < order.index("orders") < order.index("order_item")
    assert order.index(T62) < order.index("outdated")
    assert "REFERENCES `__customer` (`id`)" in t["orders"].statements[0]

    # Explicit selections: views and shadows come back refused with a reason;
    # a missing table is an error unless allowed, then it is left out.
    with pytest.raises(shadowsync.InvalidRequestError, match="do not exist.*nope"):
        shadowsync.analyze(scratch.executor, tables=["orders", "nope"])
    picked = by_source(
        shadowsync.analyze(scratch.executor, tables=["v_orders", "__orphan", "nope", "orders"], allow_missing=True)
    )
    assert "view" in (picked["v_orders"].reason or "")
    assert picked["v_orders"].refused
    assert "itself a shadow" in (picked["__orphan"].reason or "")
    assert "nope" not in picked
    assert "REFERENCES `customer` (`id`)" in picked["orders"].statements[0]
    assert any("customer" in w for w in picked["orders"].warnings)

    # Run the preview: afterwards everything selectable is identical.
    ran = run_preview(scratch, analysis)
    assert ran == sum(len(e.statements) for e in analysis.tables)
    after = shadowsync.analyze(scratch.executor, prefix="__")
    assert after.preview() == []
    for entry in after.tables:
        assert entry.action == "skip"
        if entry.source in REFUSED:
            assert entry.reason == t[entry.source].reason
        else:
            assert entry.reason == "identical", entry.source


def test_suffix_sync_with_skip_and_undo(scratch: Scratch) -> None:
    scratch.load_demo()
    tables = ["customer", "orders", "order_item", "订单"]
    analysis = shadowsync.analyze(scratch.executor, suffix="_shadow", tables=tables)
    t = by_source(analysis)
    for name in tables:
        assert (t[name].action, t[name].shadow) == ("create", f"{name}_shadow")
    assert "REFERENCES `customer_shadow` (`id`)" in t["orders"].statements[0]
    assert "CONSTRAINT `fk_orders_customer_shadow`" in t["orders"].statements[0]

    # Skipping the parent: the children's FKs fall back to the source, with a warning.
    analysis.skip("customer")
    t = by_source(analysis)
    assert (t["customer"].action, t["customer"].reason) == ("skip", "user")
    assert t["customer"].statements == []
    assert "REFERENCES `customer` (`id`)" in t["orders"].statements[0]
    assert any("`customer`" in w for w in t["orders"].warnings)
    assert all("CREATE TABLE `customer_shadow`" not in s for s in analysis.preview())

    analysis.unskip("customer")
    t = by_source(analysis)
    assert t["customer"].action == "create"
    assert "REFERENCES `customer_shadow` (`id`)" in t["orders"].statements[0]
    assert t["orders"].warnings == []

    run_preview(scratch, analysis)
    after = shadowsync.analyze(scratch.executor, suffix="_shadow", tables=tables)
    assert [(e.action, e.reason) for e in after.tables] == [("skip", "identical")] * len(tables)
    # Under the suffix rule the prefix shadows are ordinary tables.
    everything = shadowsync.analyze(scratch.executor, suffix="_shadow")
    assert any(e.source == "__uptodate" for e in everything.tables)
    assert all(not e.source.endswith("_shadow") for e in everything.tables)


def test_skip_from_the_start(scratch: Scratch) -> None:
    scratch.run("CREATE TABLE a (id int NOT NULL, PRIMARY KEY (id))")
    scratch.run("CREATE TABLE b (id int NOT NULL, PRIMARY KEY (id))")
    analysis = shadowsync.analyze(scratch.executor, skip=["b"])
    assert [(e.source, e.action, e.reason) for e in analysis.tables] == [
        ("a", "create", None),
        ("b", "skip", "user"),
    ]
    info = scratch.executor.server_info()
    assert info.database == scratch.database
    assert info.flavor == ("mariadb" if scratch.engine == "mariadb" else "oceanbase")
    assert [r.name for r in scratch.executor.list_relations()] == ["a", "b"]
    assert scratch.executor.show_create_tables(["a", "zz"])[1] is None


def test_parity_script_prints_the_plan(scratch: Scratch) -> None:
    """examples/parity.py plan URL prints the plan view of URL's database
    (defaults: prefix __, every table) exactly as Analysis.to_json() gives it."""
    scratch.load_demo()
    script = REPO / "shadowsync-py" / "examples" / "parity.py"
    ran = subprocess.run([sys.executable, str(script), "plan", scratch.url], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == shadowsync.analyze(scratch.executor).to_json()
    assert '"naming_rule": "prefix:__"' in ran.stdout
    bad = subprocess.run([sys.executable, str(script), "plan", scratch.url + "_missing"], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stdout == "" and "parity.py:" in bad.stderr
    password = urlsplit(scratch.url).password
    assert not password or password not in bad.stderr
