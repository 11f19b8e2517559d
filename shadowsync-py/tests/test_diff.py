"""Diff of DDL texts and the typed exceptions of the pure API (no server)."""

from __future__ import annotations

import pytest

import shadowsync
from shadowsync import (
    InvalidNameError,
    InvalidRequestError,
    ParseError,
    RefusedTableError,
    Relation,
    ServerInfo,
    ShadowSyncError,
    Snapshot,
)

BASE = "CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB"


def test_diff_adds_what_is_missing() -> None:
    wanted = "CREATE TABLE t (id int NOT NULL, note varchar(20), PRIMARY KEY (id), KEY idx_note (note)) ENGINE=InnoDB"
    statements = shadowsync.diff(BASE, wanted, flavor="mariadb")
    assert len(statements) == 1
    assert statements[0].startswith("ALTER TABLE `t` ")
    assert "ADD COLUMN `note` varchar(20)" in statements[0]
    assert "ADD KEY `idx_note` (`note`)" in statements[0]


def test_diff_of_equivalent_tables_is_empty() -> None:
    assert shadowsync.diff(BASE, BASE.replace("int NOT NULL", "INT NOT NULL")) == []


DUMP = """/*M!999999\\- enable the sandbox mode */
-- MariaDB dump 10.19
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `t`;
CREATE TABLE `t` (
  `id` int NOT NULL,
  `note` varchar(20) DEFAULT 'a;b',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
LOCK TABLES `t` WRITE;
INSERT INTO `t` VALUES (1,'x\\'; DROP TABLE t; --');
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50003 TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.note = ';'; END */;;
DELIMITER ;
/*!50001 CREATE VIEW `v` AS select 1 AS `id` */;
"""


def test_diff_reads_dumps() -> None:
    statements = shadowsync.diff(BASE, DUMP, flavor="mariadb")
    assert len(statements) == 1
    assert "ADD COLUMN `note` varchar(20) DEFAULT 'a;b'" in statements[0]
    assert shadowsync.diff(DUMP, DUMP) == []
    with pytest.raises(ParseError) as err:
        shadowsync.diff(BASE, DUMP + "ALTER TABLE t ADD COLUMN z int;\n")
    assert err.value.line == 17


def test_diff_creates_and_drops_tables() -> None:
    other = "CREATE TABLE u (id int)"
    assert shadowsync.diff(BASE, f"{BASE};\n{other}")[0].startswith("CREATE TABLE `u`")
    assert shadowsync.diff(f"{BASE};\n{other}", BASE) == []
    assert shadowsync.diff(f"{BASE};\n{other}", BASE, drop_tables=True) == ["DROP TABLE `u`"]


def test_parse_error_names_line_column_and_table() -> None:
    with pytest.raises(ParseError) as caught:
        shadowsync.diff("CREATE TABLE orders (\n  id int,,\n)", BASE)
    error = caught.value
    assert isinstance(error, ShadowSyncError)
    assert (error.line, error.column, error.table) == (2, 10, "orders")
    assert "found `,`" in error.detail
    assert "line 2, column 10" in str(error)


def test_refused_table_names_table_and_reason() -> None:
    # OceanBase cannot change a column to json in place (issue 11).
    text = "CREATE TABLE t (id int NOT NULL, c text, PRIMARY KEY (id))"
    with pytest.raises(RefusedTableError) as caught:
        shadowsync.diff(text, text.replace("c text", "c json"), flavor="oceanbase")
    assert caught.value.table == "t"
    assert "OceanBase cannot change column `c`" in caught.value.reason


def test_unknown_flavor_is_an_invalid_request() -> None:
    with pytest.raises(InvalidRequestError, match="db2"):
        shadowsync.diff(BASE, BASE, flavor="db2")  # type: ignore[arg-type]


SNAPSHOT = Snapshot(
    server=ServerInfo(flavor="mariadb", version="10.11.6-MariaDB", database="shop"),
    relations=[Relation("orders"), Relation("__orders"), Relation("v_orders", "view")],
    ddl={
        "orders": "CREATE TABLE `orders` (\n  `id` int NOT NULL,\n  `total` int DEFAULT NULL,\n  PRIMARY KEY (`id`)\n)",
        "__orders": "CREATE TABLE `__orders` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) COMMENT='[shadowsync:shadow]'",
    },
)


def test_snapshot_analysis_needs_no_server() -> None:
    analysis = shadowsync.analyze_snapshot(SNAPSHOT, prefix="__")
    assert analysis.database == "shop"
    assert analysis.rule == "prefix:__"
    (orders,) = analysis.tables
    assert (orders.source, orders.shadow, orders.action) == ("orders", "__orders", "alter")
    assert analysis.preview() == ["ALTER TABLE `__orders` ADD COLUMN `total` int AFTER `id`"]
    assert repr(analysis) == "Analysis(database='shop', rule='prefix:__', create=0, alter=1, skip=0)"
    assert "source='orders'" in repr(orders)
    assert analysis.to_dict()["tables"][0]["statements"] == analysis.preview()
    assert analysis.to_dict()["kind"] == "plan" and analysis.plan.to_json() == analysis.to_json()


def test_invalid_affix_is_an_invalid_name() -> None:
    with pytest.raises(InvalidNameError, match="a-b"):
        shadowsync.analyze_snapshot(SNAPSHOT, prefix="a-b")
    with pytest.raises(InvalidNameError):
        shadowsync.analyze_snapshot(SNAPSHOT, suffix="x" * 33)
    with pytest.raises(InvalidRequestError, match="not both"):
        shadowsync.analyze_snapshot(SNAPSHOT, prefix="__", suffix="_s")


def test_skipping_an_unknown_table_is_not_found() -> None:
    analysis = shadowsync.analyze_snapshot(SNAPSHOT)
    with pytest.raises(shadowsync.NotFoundError, match="nope"):
        analysis.skip("nope")
    with pytest.raises(shadowsync.NotFoundError):
        analysis.table("nope")
    # Skips named from the start are checked by the host layer.
    with pytest.raises(InvalidRequestError, match="not selected: nope"):
        shadowsync.analyze_snapshot(SNAPSHOT, skip=["orders", "nope"])
    with pytest.raises(InvalidRequestError, match="empty table name"):
        shadowsync.analyze_snapshot(SNAPSHOT, tables=["orders", " "])
    assert [t.source for t in shadowsync.analyze_snapshot(SNAPSHOT, tables=" orders").tables] == ["orders"]
