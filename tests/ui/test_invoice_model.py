"""The lazy invoice table model and the background task helper, on a real migrated database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from invoicedesk.core.document import LineItem
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import clients, invoices, settings
from invoicedesk.services.inputs import ClientInput, InvoiceInput
from invoicedesk.ui.invoice_model import InvoiceTableModel
from invoicedesk.ui.worker import run_task

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def filled_db(tmp_path) -> Database:
    db = open_database(str(tmp_path / "ui.sqlite"))
    settings.update_company(db, settings.CompanyData(name="Werkstatt Berg", currency="EUR"))
    names = ["Anna Schmidt", "Bäckerei Öztürk", "Zeta Ltd"]
    for i, name in enumerate(names):
        client = clients.create_client(db, ClientInput(name=name))
        draft = invoices.create_draft(
            db,
            InvoiceInput(
                client_id=client.id,
                date=TODAY - dt.timedelta(days=i),
                lines=(
                    LineItem(
                        quantity=Decimal(i + 1),
                        unit_price=Decimal("10.00"),
                        tax_rate=Decimal(19),
                        name="Work",
                    ),
                ),
            ),
        )
        invoices.issue(db, draft.id, today=TODAY)
    yield db
    db.dispose()


def test_model_passes_qt_model_tester(qtmodeltester, filled_db):
    model = InvoiceTableModel(filled_db)
    model.reload()
    qtmodeltester.check(model)


def test_model_sorts_in_sql_by_client(filled_db):
    model = InvoiceTableModel(filled_db)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    names = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert names == ["Anna Schmidt", "Bäckerei Öztürk", "Zeta Ltd"]
    model.sort(6, Qt.SortOrder.DescendingOrder)
    gross = [model.index(row, 6).data() for row in range(model.rowCount())]
    assert gross[0].startswith("35.70") and gross[-1].startswith("11.90")


def test_run_task_delivers_result_and_error_on_gui_thread(qtbot):
    results: list[object] = []
    errors: list[str] = []

    task = run_task(lambda task: 6 * 7, results.append, lambda exc, _tb: errors.append(str(exc)))
    qtbot.waitUntil(lambda: results == [42], timeout=2000)

    def boom(task):
        raise ValueError("disk full")

    run_task(boom, results.append, lambda exc, _tb: errors.append(str(exc)))
    qtbot.waitUntil(lambda: errors == ["disk full"], timeout=2000)
    assert not task.is_cancelled()
