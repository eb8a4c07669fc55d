"""Automatic backups in the app: when none is a day old, and when the window closes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from invoicedesk.services import backups
from invoicedesk.ui.auto_backup import AutoBackup
from invoicedesk.ui.main_window import MainWindow


def ui_settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "backups"
    monkeypatch.setenv("INVOICEDESK_BACKUP_DIR", str(path))
    return path / "test"  # the database file is test.sqlite


def test_a_backup_is_made_when_none_is_a_day_old(qtbot, db, folder):
    auto = AutoBackup(db)
    with qtbot.waitSignal(auto.finished, timeout=10000) as made:
        assert auto.backup_if_due() is not None
    info = made.args[0]
    assert isinstance(info, backups.BackupInfo) and info.kind == "auto"
    assert info.path.parent == folder and info.path.is_file()
    assert auto.backup_if_due() is None  # the one just made is fresh
    assert auto.backup_if_due(now=info.created + dt.timedelta(hours=23)) is None
    with qtbot.waitSignal(auto.finished, timeout=10000):
        assert auto.backup_if_due(now=info.created + dt.timedelta(hours=25)) is not None


def test_closing_the_started_window_backs_up(qtbot, db, folder, tmp_path):
    window = MainWindow(
        db, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.auto_backup.finished, timeout=10000):
        window.auto_backup.start()  # none yet: one now
    for old in folder.iterdir():
        old.unlink()
    with qtbot.waitSignal(window.auto_backup.finished, timeout=10000) as closing:
        window.close()
    assert isinstance(closing.args[0], backups.BackupInfo)
    assert [p.name.endswith("-auto.sqlite") for p in folder.iterdir()] == [True]
    assert not window.auto_backup.timer.isActive()


def test_a_window_that_was_never_started_does_not_back_up(qtbot, db, folder, tmp_path):
    window = MainWindow(
        db, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.auto_backup.running is None and not folder.exists()
