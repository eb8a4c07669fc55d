"""The storage seam: what differs between engines is answered by db/storage.py, and the
services hold no SQLite-specific code of their own."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Integer, column, select, text
from sqlalchemy.dialects import postgresql

import invoicedesk.services
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice, NumberSequence
from invoicedesk.db.storage import SqliteStorage, Storage, storage_for, storage_of


def test_each_engine_has_its_storage(db: Database) -> None:
    assert isinstance(db.storage, SqliteStorage)
    with db.read() as session:
        assert storage_of(session) is db.storage
    assert type(storage_for("postgresql")) is Storage  # standard SQL until office mode


def test_the_sqlite_search_index_answers_every_term() -> None:
    sqlite = storage_for("sqlite")
    short = str(sqlite.search_condition(Invoice.id, "Mü"))  # too short for trigrams
    assert "invoice_search_sort.client >=" in short and "invoice_search.text" not in short
    assert "invoice_search.text MATCH" in str(sqlite.search_condition(Invoice.id, "50%"))
    assert "invoice_search.text MATCH" in str(sqlite.search_condition(Invoice.id, "Müller"))
    assert storage_for("postgresql").search_condition(Invoice.id, "Müller") is None


def test_number_sequences_are_row_locked_where_the_engine_needs_it() -> None:
    query = select(NumberSequence)
    assert storage_for("sqlite").locked(query) is query  # BEGIN IMMEDIATE holds the file
    locked = storage_for("postgresql").locked(query)
    assert "FOR UPDATE" in str(locked.compile(dialect=postgresql.dialect()))


def test_the_last_assigned_id_survives_deletion(db: Database) -> None:
    from tests.factories import make_client, make_draft

    client = make_client(db, "Acme GmbH")
    drafts = [make_draft(db, client_id=client.id) for _ in range(3)]
    from invoicedesk.services import invoices

    invoices.delete_draft(db, drafts[-1].id)
    with db.engine.connect() as connection:
        assert db.storage.last_assigned_id(connection, "invoices") == drafts[-1].id
        assert Storage().last_assigned_id(connection, "invoices") == drafts[1].id


def test_services_hold_no_engine_specific_code() -> None:
    """SQLite's pragmas, sqlite_master/sqlite_sequence, FTS and dialect checks live in
    db/storage.py; services ask it. (Backups copy SQLite files with its backup API: that
    module is about database files by nature.)"""
    folder = Path(invoicedesk.services.__file__).parent
    pattern = re.compile(r"PRAGMA|sqlite_|dialect\.name|is_sqlite|fts5|search_index")
    offenders = [
        f"{path.relative_to(folder)}:{number}"
        for path in sorted(folder.rglob("*.py"))
        if path.name != "backups.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_column_values_come_in_the_query_order(db: Database) -> None:
    """SQLite answers with one JSON array built from the ordered query (no row per value):
    the order must survive the aggregate, as the generic row-by-row answer keeps it."""
    numbers = (
        text("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) "
             "SELECT x FROM n")  # fmt: skip
        .columns(column("x", Integer))
        .subquery()
    )
    shuffled = select(numbers.c.x).order_by((numbers.c.x * 7919) % 3001, numbers.c.x.desc())
    expected = sorted(range(1, 3001), key=lambda x: (x * 7919 % 3001, -x))
    with db.read() as session:
        assert db.storage.column_values(session, shuffled) == expected
        assert Storage().column_values(session, shuffled) == expected
        assert db.storage.column_values(session, shuffled.where(numbers.c.x < 0)) == []
