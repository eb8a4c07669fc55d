"""Operations: changes run on the write worker; the GUI stays responsive while another
process holds the database, says so, and offers to try again; the three kinds of failure
are each handled their one way."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from invoicedesk.core.errors import ConflictError, StorageFullError
from invoicedesk.db.engine import open_database
from invoicedesk.services import clients
from invoicedesk.ui import operations
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, FailureKind, Operation, classify

HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


@pytest.fixture
def told(monkeypatch):
    """What the operations told the person, by kind (no dialog blocks the test)."""
    seen: dict[str, list[str]] = {"refused": [], "retry": [], "bug": []}
    monkeypatch.setattr(operations, "tell_refused", lambda _p, _t, m: seen["refused"].append(m))
    monkeypatch.setattr(operations, "show_bug", lambda _p, s, _d: seen["bug"].append(s))
    return seen


def test_a_locked_database_keeps_the_window_responsive_and_offers_a_retry(
    qtbot, db, monkeypatch, told, settle
):
    monkeypatch.setenv("INVOICEDESK_BUSY_TIMEOUT_MS", "1500")
    monkeypatch.setattr(operations, "PATIENCE_MS", 100)
    database = open_database(str(db.path))  # with the short busy timeout
    ctx = AppContext(database)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"

        def retry(_parent, _title, message):
            told["retry"].append(message)
            holder.communicate("\n", timeout=10)  # the other program finishes
            return True

        monkeypatch.setattr(operations, "ask_retry", retry)
        dialog = ClientDialog(ctx, None)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.name, "Locked Out GmbH")
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(20)
        dialog.ok_button.click()
        assert not dialog.ok_button.isEnabled()  # saving

        def progress() -> QProgressDialog | None:
            found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
            return next((w for w in found if w.isVisible()), None)

        qtbot.waitUntil(lambda: progress() is not None, timeout=5000)
        shown = progress()
        assert shown is not None and "in use by another program" in shown.labelText()
        before = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= before + 5, timeout=5000)  # events still flow
        settle(timeout=20000)
        timer.stop()
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
    assert len(told["retry"]) == 1
    assert told["retry"][0].startswith("The database is in use by another program")
    assert "try again" in told["retry"][0]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [c.name for c in clients.list_clients(database)] == ["Locked Out GmbH"]
    assert told["refused"] == told["bug"] == []
    database.dispose()


def test_each_kind_of_failure_is_handled_its_one_way(qtbot, db, told, settle):
    ctx = AppContext(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    done: list[object] = []

    Operation(parent, ctx, "Works", lambda _db: 42, changes=Changes.of(invoice=[1, 2])).success(
        done.append
    ).run()
    settle()
    assert done == [42] and heard == [("invoice", [1, 2])]

    def refuse(_db):
        raise ConflictError("invoice RE-1 is already issued", "invoice")

    at_field: list[str] = []
    Operation(parent, ctx, "Refused", refuse).refused(lambda e: at_field.append(e.message)).run()
    Operation(parent, ctx, "Refused", refuse).run()
    Operation(parent, ctx, "Bug", lambda _db: 1 / 0).run()
    settle()
    assert at_field == ["invoice RE-1 is already issued"]
    assert told["refused"] == ["Invoice RE-1 is already issued."]
    assert told["bug"] == ["ZeroDivisionError: division by zero"]
    assert heard == [("invoice", [1, 2])]  # failures change nothing


def test_classify() -> None:
    assert classify(ConflictError("no")) is FailureKind.REFUSED
    assert classify(StorageFullError("full")) is FailureKind.ENVIRONMENT
    assert classify(OSError(28, "No space left on device")) is FailureKind.ENVIRONMENT
    assert classify(KeyError("x")) is FailureKind.BUG


def test_a_screen_closed_while_its_operation_runs_still_tells_the_others(
    qtbot, db, told, settle
):
    ctx = AppContext(db)
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    release = threading.Event()
    dialog = QWidget()
    called: list[str] = []

    def work(_db):
        release.wait(10)
        return 7

    Operation(dialog, ctx, "Slow", work, changes=lambda n: Changes.of(product=n)).success(
        lambda _n: called.append("success")
    ).finally_(lambda: called.append("finally")).run()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)
    release.set()
    settle()
    assert heard == [("product", [7])]
    assert called == []  # nothing touches the deleted screen
    assert Changes.of(payment=[]) == Changes()  # an empty list: nothing of that kind
