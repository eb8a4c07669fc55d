"""The invoice list loads off the GUI thread: first rows announced, stale results dropped,
totals after the rows, an adaptive typing pause, accents ignored — on a real file."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import Qt, QThreadPool

from invoicedesk.core.lifecycle import DocType
from invoicedesk.db.search_index import fold
from invoicedesk.services.search import InvoiceFilter, list_invoices
from invoicedesk.ui import operations
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.filter_bar import DEBOUNCE_MAX_MS, DEBOUNCE_MIN_MS
from invoicedesk.ui.invoices.model import COLUMNS, InvoiceTableModel, is_sortable
from invoicedesk.ui.invoices.page import InvoicesPage
from tests.factories import TODAY, issued_invoice, make_client, make_draft, pay

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NAMES = ("Müller Bau", "Muller Holz", "Anker AG", "Öztürk Bäckerei", "zeta ltd")


@pytest.fixture
def filled(db):
    for i, name in enumerate(NAMES):
        client = make_client(db, name)
        issued = issued_invoice(db, client_id=client.id, title=f"Auftrag {i}")
        if i == 2:
            pay(db, issued.id, str(issued.gross))
    make_draft(db, client_id=make_client(db, "Entwurf GmbH").id)
    return db


@pytest.fixture
def ctx(filled):
    context = AppContext(filled)
    yield context
    operations.write_pool().waitForDone(5000)
    QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()


def _names(model: InvoiceTableModel) -> list[str]:
    return [model.invoice_row(r).client_name for r in range(model.rowCount())]


def test_background_reload_announces_its_first_rows(qtbot, filled) -> None:
    model = InvoiceTableModel(filled, background=True)
    with qtbot.waitSignal(model.firstRowsLoaded, timeout=5000) as first:
        model.reload(InvoiceFilter(search="Muller", today=TODAY))
    assert first.args[0] >= 0  # ms since reload()
    assert sorted(_names(model)) == ["Muller Holz", "Müller Bau"]


def test_a_stale_result_never_overwrites_a_newer_one(qtbot, filled) -> None:
    model = InvoiceTableModel(filled, background=True)
    shown: list[list[str]] = []
    model.loaded.connect(lambda: shown.append(_names(model)))
    model.reload(InvoiceFilter(search="Anker", today=TODAY))  # overtaken at once
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload(InvoiceFilter(search="zeta", today=TODAY))
    QThreadPool.globalInstance().waitForDone(5000)  # the older task has finished too
    qtbot.wait(0)  # deliver whatever it posted
    assert shown == [["zeta ltd"]]
    assert _names(model) == ["zeta ltd"]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_sorting_by_every_key_puts_the_right_row_first(qtbot, filled, descending) -> None:
    model = InvoiceTableModel(filled, background=True)
    model.today = TODAY
    every = list_invoices(filled, InvoiceFilter(today=TODAY), sort="id", limit=100)
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    for column, (key, _title) in enumerate(COLUMNS):
        if not is_sortable(column):
            continue
        with qtbot.waitSignal(model.firstRowsLoaded, timeout=5000):
            model.sort(column, order)
        value = {
            "number": lambda r: r.number,
            "client": lambda r: fold(r.client_name),
            "date": lambda r: r.date,
            "due_date": lambda r: r.due_date,
            "state": lambda r: r.state.value,
            "net": lambda r: r.net,
            "gross": lambda r: r.gross,
            "open": lambda r: r.open_amount,
        }[key]
        valued = [r for r in every if value(r) is not None]
        best = sorted(valued, key=lambda r: (value(r), r.id), reverse=descending)[0]
        assert model.invoice_row(0).id == best.id, key


def test_totals_follow_the_rows(qtbot, ctx) -> None:
    page = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    events: list[str] = []
    page.model.firstRowsLoaded.connect(lambda _ms: events.append("rows"))
    page.footer_updated.connect(lambda: events.append("totals"))
    page.filter_bar.search.setText("müller")
    with qtbot.waitSignal(page.footer_updated, timeout=5000):
        page.filter_bar.flush()
    assert events == ["rows", "totals"]
    assert sorted(_names(page.model)) == ["Muller Holz", "Müller Bau"]
    assert "2 invoices" in page.footer.text()


def test_the_typing_pause_adapts_to_the_search_time(qtbot, ctx) -> None:
    page = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    bar = page.filter_bar
    assert DEBOUNCE_MIN_MS <= bar.debounce_ms() <= DEBOUNCE_MAX_MS  # set by the first load
    bar.set_search_cost(2.0)
    assert bar.debounce_ms() == DEBOUNCE_MIN_MS
    bar.set_search_cost(500.0)
    assert bar.debounce_ms() == DEBOUNCE_MAX_MS
    bar.set_search_cost(30.0)
    assert bar.debounce_ms() == 60
    with qtbot.waitSignal(bar.changed, timeout=1000):
        bar.search.setText("Ö")  # one character: the start of names, at once
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert _names(page.model) == ["Öztürk Bäckerei"]
    assert page.model.invoice_row(0).doc_type is DocType.INVOICE
