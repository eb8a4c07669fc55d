"""Migration 0004 folds an existing search index and fills the client sort keys."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from invoicedesk.db import migrate
from invoicedesk.db.engine import SCHEMA_HEAD, open_database
from invoicedesk.services.search import InvoiceFilter, list_invoices
from tests.factories import issued_invoice, make_client, make_draft


def test_an_0003_file_is_upgraded_and_searchable_without_accents(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = open_database(str(path), upgrade=False)
    try:
        with old.engine.begin() as connection:
            config = migrate.alembic_config(old)
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")  # the previous version's file
        muller = issued_invoice(old, client_id=make_client(old, "Müller Bau").id)
        zeta = make_draft(old, client_id=make_client(old, "Zeta Ltd").id)
        with closing(sqlite3.connect(path)) as connection:  # the 0003 index: raw text
            (text,) = connection.execute(
                "SELECT text FROM invoice_search WHERE rowid = ?", (muller.id,)
            ).fetchone()
        assert "Müller" in text

        migrate.upgrade_database(old)

        assert migrate.current_revision(old) == SCHEMA_HEAD == "0004"
        found = list_invoices(old, InvoiceFilter(search="Muller"))
        assert [r.id for r in found] == [muller.id]
        assert [r.id for r in list_invoices(old, InvoiceFilter(search="mu"))] == [muller.id]
        by_client = list_invoices(old, InvoiceFilter(), sort="client", descending=True)
        assert [r.id for r in by_client] == [zeta.id, muller.id]
        # Later writes keep the new index (the triggers of 0004 are in place).
        later = make_draft(old, client_id=make_client(old, "Ärzte Haus").id)
        assert [r.id for r in list_invoices(old, InvoiceFilter(search="arzte"))] == [later.id]
    finally:
        old.dispose()
    with closing(sqlite3.connect(path)) as connection:
        keys = dict(connection.execute("SELECT id, client FROM invoice_search_sort"))
        assert keys == {muller.id: "muller bau", zeta.id: "zeta ltd", later.id: "arzte haus"}
        # The sort index has figures from the upgrade, so the planner walks it.
        stats = connection.execute(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'invoice_search_sort'"
        ).fetchone()
        assert stats == (1,)


def test_downgrade_to_0003_restores_the_raw_index(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db = open_database(str(path))
    try:
        issued = issued_invoice(db, client_id=make_client(db, "Müller Bau").id)
        with db.engine.begin() as connection:
            config = migrate.alembic_config(db)
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
    finally:
        db.dispose()
    with closing(sqlite3.connect(path)) as connection:
        tables = {n for (n,) in connection.execute("SELECT name FROM sqlite_master")}
        assert "invoice_search_sort" not in tables
        (text,) = connection.execute(
            "SELECT text FROM invoice_search WHERE rowid = ?", (issued.id,)
        ).fetchone()
        assert "Müller Bau" in text
