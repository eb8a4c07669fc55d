"""Planner statistics: never taken on empty tables, so the search index's upkeep searches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from invoicedesk.db.engine import open_database
from tests.factories import make_client, make_draft

# What FTS5 runs for each row the triggers write (see issue 11): it must search, not scan.
SEGMENT_DELETE = "DELETE FROM 'main'.'invoice_search_data' WHERE id >= ? AND id <= ?"


def _plan(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {SEGMENT_DELETE}", (1, 2)).fetchall()
    return " / ".join(str(row[-1]) for row in rows)


def _has_statistics(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()[0]
        rows = connection.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] if found else 0
        return bool(rows)


def test_a_new_file_has_no_statistics_and_the_index_upkeep_searches(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db = open_database(str(path))
    db.dispose()
    assert not _has_statistics(path)
    plan = _plan(path)
    assert "SCAN" not in plan and "SEARCH" in plan, plan


def test_stale_statistics_of_an_empty_file_are_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "stale.sqlite"
    open_database(str(path)).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("ANALYZE")  # what earlier versions did to every new file
    assert "SCAN" in _plan(path)
    open_database(str(path)).dispose()
    assert "SCAN" not in _plan(path)


def test_statistics_after_data_leave_the_search_tables_out(tmp_path: Path) -> None:
    path = tmp_path / "data.sqlite"
    db = open_database(str(path))
    client = make_client(db)
    for _ in range(3):
        make_draft(db, client_id=client.id)
    db.analyze()
    db.dispose()
    with sqlite3.connect(path) as connection:
        tables = {t for (t,) in connection.execute("SELECT tbl FROM sqlite_stat1")}
    assert "invoices" in tables
    assert not {t for t in tables if t.startswith("invoice_search")}
    assert "SCAN" not in _plan(path)
