"""Backups with SQLite's backup API: checked copies, listed with counts, rotated, restored
with the current file kept aside; a damaged file is never restored; a backup taken while
another process writes restores to a consistent database."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.core.retention import Retention
from invoicedesk.db.engine import open_database
from invoicedesk.services import backups
from invoicedesk.services.search import count_invoices
from tests.factories import make_client, make_draft

NOW = dt.datetime(2026, 12, 7, 18, 30, 5)


def test_a_backup_is_a_checked_copy_named_by_time_and_kind(db, tmp_path):
    make_draft(db, client_id=make_client(db, "Acme GmbH").id)
    made = backups.create_backup(db, folder=tmp_path / "b", now=NOW)
    assert made.path.name == f"{db.path.stem}-20261207-183005-manual.sqlite"
    assert (made.kind, made.clients, made.invoices) == ("manual", 1, 1)
    assert not list((tmp_path / "b").glob("*.partial"))
    with sqlite3.connect(made.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert backups.list_backups(db, folder=tmp_path / "b") == [made]


def test_the_default_folder_is_per_database(monkeypatch, tmp_path, db):
    monkeypatch.setenv("INVOICEDESK_BACKUP_DIR", str(tmp_path / "all"))
    made = backups.create_backup(db, now=NOW)
    assert made.path.parent == tmp_path / "all" / db.path.stem


def test_automatic_backups_are_rotated_manual_ones_kept(db, tmp_path):
    folder = tmp_path / "b"
    rule = Retention(daily=2, weekly=0, monthly=0)
    backups.create_backup(db, folder=folder, kind="manual", now=NOW - dt.timedelta(days=9))
    for days in (3, 2, 1, 0):
        backups.create_backup(db, folder=folder, kind="auto", retention=rule,
                              now=NOW - dt.timedelta(days=days))  # fmt: skip
    kept = [(b.kind, b.created.day) for b in backups.list_backups(db, folder=folder)]
    assert kept == [("auto", 7), ("auto", 6), ("manual", 28)]


def test_restore_replaces_the_contents_and_keeps_the_current_ones_aside(db, tmp_path):
    client = make_client(db, "Acme GmbH")
    make_draft(db, client_id=client.id)
    made = backups.create_backup(db, folder=tmp_path / "b", now=NOW)
    make_draft(db, client_id=client.id)  # written after the backup
    path = db.path
    db.dispose()
    aside = backups.restore_backup(path, made.path, now=NOW)
    assert aside.name == f"{path.stem}.before-restore-20261207-183005{path.suffix}"
    restored = open_database(str(path))
    assert count_invoices(restored) == 1
    restored.dispose()
    undone = open_database(str(aside))
    assert count_invoices(undone) == 2  # the restore can itself be undone
    undone.dispose()


def test_a_damaged_or_foreign_file_is_never_restored(db, tmp_path):
    path = db.path
    before = path.read_bytes()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 200)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE notes (text)")
    other.close()
    db.dispose()
    for bad, reason in ((garbage, "not a database"), (foreign, "not an InvoiceDesk database"),
                        (tmp_path / "missing.sqlite", "there is no backup")):  # fmt: skip
        with pytest.raises(DomainError, match=reason):
            backups.restore_backup(path, bad, now=NOW)
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.before-restore-*"))


def test_a_server_database_is_not_backed_up_here(tmp_path):
    class Server:  # what a PostgreSQL Database looks like to the service: no file
        path = None

    with pytest.raises(DomainError, match="back up a database server with its own tools"):
        backups.create_backup(Server(), folder=tmp_path)  # type: ignore[arg-type]


WRITER = """
import sys
from invoicedesk.db.engine import open_database
from tests.factories import line, make_client, make_draft
db = open_database(sys.argv[1])
client = make_client(db, "Busy Writer GmbH")
for n in range(1, int(sys.argv[2]) + 1):
    make_draft(db, line(), line(), line(), client_id=client.id)
    print(f"wrote {n}", flush=True)  # and goes on writing while the test backs up
db.dispose()
print("done", flush=True)
"""


def test_a_backup_taken_while_another_process_writes_is_consistent(db, tmp_path):
    path = db.path
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "300"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    ) as writer:  # fmt: skip
        assert writer.stdout is not None
        taken = []
        for line_ in writer.stdout:
            if line_.strip() in ("wrote 20", "wrote 100", "wrote 180"):
                moment = NOW + dt.timedelta(seconds=len(taken))
                taken.append(backups.create_backup(db, folder=tmp_path / "b", now=moment))
        assert line_.strip() == "done" and writer.wait(60) == 0
    counts = [made.invoices for made in taken]
    assert counts == sorted(counts) and 20 <= counts[0] < 300 and counts[-1] <= 300, counts
    for made in taken:
        with sqlite3.connect(made.path) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            # No half-written draft: every invoice has its three lines.
            per_invoice = copy.execute(
                "SELECT count(l.id) FROM invoices i LEFT JOIN invoice_lines l "
                "ON l.invoice_id = i.id GROUP BY i.id"
            ).fetchall()
        copy.close()
        assert {count for (count,) in per_invoice} <= {3}
        assert made.invoices == len(per_invoice)
