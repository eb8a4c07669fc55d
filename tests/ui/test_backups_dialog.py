"""File › Backups…: the list with counts, Back Up Now, and a restore that reopens the
database with the backup's contents while the replaced ones are kept aside."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from invoicedesk.services import backups
from invoicedesk.services.search import count_invoices
from invoicedesk.ui import backups_dialog as dialog_module
from invoicedesk.ui.backups_dialog import BackupsDialog
from invoicedesk.ui.main_window import MainWindow
from tests.factories import make_client, make_draft


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEDESK_BACKUP_DIR", str(tmp_path / "backups"))
    return tmp_path / "backups" / "test"


def test_back_up_now_lists_the_backup_with_its_counts(qtbot, qtmodeltester, db, folder):
    make_draft(db, client_id=make_client(db, "Acme GmbH").id)
    dialog = BackupsDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text() == "No backups yet.", timeout=10000)
    assert not dialog.restore_button.isEnabled()
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(dialog.model)
    texts = [dialog.model.index(0, column).data() for column in range(5)]
    assert texts[1:4] == ["Manual", "1", "1"]
    assert dialog.restore_button.isEnabled()  # the newest is selected
    assert [p.name.endswith("-manual.sqlite") for p in folder.iterdir()] == [True]


def test_restore_from_the_window_reopens_the_backup(qtbot, db, folder, tmp_path, monkeypatch):
    client = make_client(db, "Acme GmbH")
    make_draft(db, client_id=client.id)
    made = backups.create_backup(db)
    make_draft(db, client_id=client.id)
    window = MainWindow(
        db, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()

    asked: list[str] = []
    monkeypatch.setattr(
        dialog_module, "confirm", lambda _p, _t, text, *_a, **_k: asked.append(text) or True
    )
    dialog = BackupsDialog(window.ctx.db, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    dialog.restore_button.click()
    assert dialog.chosen == made and "1 client, 1 invoice" in asked[0]

    assert window.restore_backup(made.path)
    restored = window._replacement
    qtbot.addWidget(restored)
    assert count_invoices(restored.ctx.db) == 1
    aside = list(db.path.parent.glob("test.before-restore-*.sqlite"))
    assert len(aside) == 1
    assert "the previous data is in" in restored.statusBar().currentMessage()
    restored.ctx.db.dispose()


def test_change_folder_keeps_it_for_this_machine_and_the_command_line(
    qtbot, db, tmp_path, monkeypatch, capsys
):
    from invoicedesk.cli.main import main

    monkeypatch.delenv("INVOICEDESK_BACKUP_DIR")
    monkeypatch.setenv("INVOICEDESK_CONFIG_DIR", str(tmp_path / "config"))
    chosen = tmp_path / "second drive" / "InvoiceDesk backups"
    monkeypatch.setattr(dialog_module, "ask_folder", lambda *_args: str(chosen))
    dialog = BackupsDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.status.text().startswith("Reading"), timeout=10000)
    dialog.folder_button.click()
    assert dialog.folder_label.text() == f"Folder: {chosen / 'test'}"
    qtbot.waitUntil(dialog.backup_button.isEnabled, timeout=10000)  # listed the new folder
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    assert len(list((chosen / "test").glob("test-*-manual.sqlite"))) == 1
    # The command line finds the same folder and the backup in it.
    capsys.readouterr()
    assert main(["--db", str(db.path), "backup", "folder"]) == 0
    assert capsys.readouterr().out == f"{chosen}\n"
    assert main(["--db", str(db.path), "backup", "list", "--format", "json"]) == 0
    assert '"kind": "manual"' in capsys.readouterr().out


def test_a_folder_that_cannot_be_written_is_refused(qtbot, db, tmp_path, monkeypatch):
    monkeypatch.delenv("INVOICEDESK_BACKUP_DIR")
    monkeypatch.setenv("INVOICEDESK_CONFIG_DIR", str(tmp_path / "config"))
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    reports = []
    monkeypatch.setattr(dialog_module, "ask_folder", lambda *_args: str(blocker / "backups"))
    monkeypatch.setattr(dialog_module, "report", lambda _parent, _title, text: reports.append(text))
    dialog = BackupsDialog(db)
    qtbot.addWidget(dialog)
    before = dialog.folder_label.text()
    dialog.folder_button.click()
    assert len(reports) == 1 and reports[0].startswith(f"Backups cannot be written to {blocker}")
    assert dialog.folder_label.text() == before
    assert backups.backup_root() != blocker / "backups"
