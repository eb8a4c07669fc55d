"""The check of the database file when a window opens it: a damaged file is never written
to, and the person is led to the newest good backup."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from invoicedesk.core.errors import DamagedDatabaseError
from invoicedesk.db.engine import open_database
from invoicedesk.services import backups, clients
from invoicedesk.services.search import count_invoices
from invoicedesk.ui import integrity
from invoicedesk.ui.main_window import MainWindow
from tests.factories import client_input, damage_table, line, make_client, make_draft


@pytest.fixture
def damaged(db, tmp_path, monkeypatch):
    """A database with a good backup (one draft), then a second draft, then damaged."""
    monkeypatch.setenv("INVOICEDESK_BACKUP_DIR", str(tmp_path / "backups"))
    client = make_client(db, "Acme GmbH")
    make_draft(db, *[line(str(i)) for i in range(1, 30)], client_id=client.id)
    good = backups.create_backup(db)
    make_draft(db, client_id=client.id)
    db.dispose()
    damage_table(db.path)
    return db.path, good


def open_window(qtbot, path, tmp_path, monkeypatch, answer):
    asked = []

    def ask(_parent, damage, backup):
        asked.append((damage, backup))
        return answer

    monkeypatch.setattr(integrity, "ask_what_to_do", ask)
    window = MainWindow(
        open_database(str(path)),
        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.integrity.finished, timeout=10000) as checked:
        window.start_background_work()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    return window, checked.args[0], asked


def test_a_damaged_file_is_never_written_to(qtbot, damaged, tmp_path, monkeypatch):
    path, good = damaged
    before = path.read_bytes()
    window, verdict, asked = open_window(qtbot, path, tmp_path, monkeypatch, integrity.KEEP)
    assert "tree page" in verdict
    (damage, offered), = asked
    assert damage == verdict and offered == good  # the newest backup that passes its check
    with pytest.raises(DamagedDatabaseError, match="restore the newest good backup"):
        clients.create_client(window.ctx.db, client_input("Another GmbH"))
    assert "read-only" in window.windowTitle()
    assert not window.damage_label.isHidden()
    assert not window.auto_backup.started  # no backup of damaged data over good ones
    window.close()
    window.ctx.db.dispose()
    assert path.read_bytes() == before


def test_restore_offered_at_start_brings_the_good_data_back(
    qtbot, damaged, tmp_path, monkeypatch
):
    path, good = damaged
    window, _verdict, _asked = open_window(
        qtbot, path, tmp_path, monkeypatch, integrity.RESTORE
    )
    qtbot.waitUntil(lambda: hasattr(window, "_replacement"), timeout=10000)
    restored = window._replacement
    qtbot.addWidget(restored)
    assert count_invoices(restored.ctx.db) == 1  # the backup's one draft
    assert backups.check_integrity(restored.ctx.db) == "ok"
    restored.ctx.db.dispose()


def test_a_good_file_is_checked_and_writable(qtbot, db, tmp_path, monkeypatch):
    window = MainWindow(
        db, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.integrity.finished, timeout=10000) as checked:
        window.integrity.start()
    assert checked.args[0] == "ok"
    assert clients.create_client(db, client_input("Writable GmbH")).name == "Writable GmbH"
    assert not window.damage_label.isVisible()


def test_a_file_that_cannot_be_read_is_not_called_damaged(tmp_path):
    """Only damage is a verdict: a locked or unreadable file (a busy network drive) is an
    environment failure — it must never lead anyone to restore an older backup over it."""
    from invoicedesk.core.errors import EnvironmentFailure
    from invoicedesk.db.engine import Database

    folder = tmp_path / "not-a-file.sqlite"
    folder.mkdir()
    with pytest.raises(EnvironmentFailure):
        backups.check_integrity(Database(str(folder)))


def test_enter_in_the_damage_question_changes_nothing(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def fake_exec(box):
        seen["default"] = box.defaultButton().text()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    made = dt.datetime(2026, 12, 7, 18, 30)
    backup = backups.BackupInfo(tmp_path / "b.sqlite", made, "auto", 4096, 5, 7)
    integrity.ask_what_to_do(None, "page 3 is malformed", backup)
    assert seen["default"] == "Look Without Changing"
