"""Planner statistics: never taken on empty tables, so the search index's upkeep searches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from invoicedesk.db import search_index
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
    # The FTS shadow tables are left out; the client sort keys keep theirs (the planner
    # walks their index for the client sort).
    assert {t for t in tables if t.startswith("invoice_search")} == {"invoice_search_sort"}
    assert "SCAN" not in _plan(path)


def _described(path: Path) -> dict[str, int]:
    """Rows per table as the statistics describe them (tables without figures left out)."""
    with sqlite3.connect(path) as connection:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()[0]
        rows = connection.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall() if found else []
    return {table: int(str(stat).split()[0]) for table, stat in rows}


def _fts_tables(described: dict[str, int]) -> set[str]:
    """The full-text index's tables among ``described`` (the sort keys may have figures)."""
    return {
        t for t in described if t.startswith(search_index.TABLE) and t != search_index.SORT_TABLE
    }


def test_the_demo_leaves_statistics_of_its_data(tmp_path: Path) -> None:
    import datetime as dt

    from invoicedesk.services.demo import generate_demo

    path = tmp_path / "demo.sqlite"
    db = open_database(str(path))
    summary = generate_demo(db, clients=5, invoices=40, seed=3, today=dt.date(2026, 3, 16))
    db.dispose()
    described = _described(path)
    assert described["invoices"] == summary.invoices + summary.credit_notes
    assert not _fts_tables(described)
    assert "SCAN" not in _plan(path)


def _invoices_json(count: int) -> str:
    import json

    invoice = {
        "client": {"name": "Acme GmbH", "customer_number": "K-1"},
        "date": "2026-03-16",
        "line_items": [
            {"name": "Consulting", "quantity": "1", "unit_price": "100", "tax_rate": "19"}
        ],
    }
    return json.dumps({"invoices": [invoice] * count})


@pytest.mark.parametrize("count", [3, 1_001])
def test_an_import_leaves_statistics_only_when_it_brought_many_records(
    tmp_path: Path, count: int
) -> None:
    from invoicedesk.services import transfer

    path = tmp_path / "import.sqlite"
    db = open_database(str(path))
    summary = transfer.import_document(db, _invoices_json(count))
    db.dispose()
    assert summary.invoices == count
    described = _described(path)
    # Few records: no statistics at all (any plan is fast; none are taken of near-empty
    # tables). Many: statistics of the data, none of the search index's tables.
    assert described.get("invoices") == (count if count > 1_000 else None)
    assert not _fts_tables(described)
    assert "SCAN" not in _plan(path)
