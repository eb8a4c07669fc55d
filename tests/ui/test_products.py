"""The Products screen and the product dialog, on a real migrated database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from invoicedesk.core.document import PriceBasis
from invoicedesk.services import products
from invoicedesk.services.inputs import ProductInput
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.products import page as page_module
from invoicedesk.ui.products.models import ProductTableModel
from invoicedesk.ui.products.page import ProductsPage
from invoicedesk.ui.products.product_dialog import ProductDialog
from tests.factories import issued_invoice, line, make_client

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

D = Decimal


@pytest.fixture
def ctx(db):
    return AppContext(db)


@pytest.fixture
def catalogue(db):
    """Consulting (used on an invoice), a cheap screw (4 decimals) and an exempt course."""
    consulting = products.create_product(
        db, ProductInput(name="Consulting", unit="h", unit_price=D("115"), tax_rate=D("19"))
    )
    screw = products.create_product(
        db, ProductInput(name="Screw M4", unit="piece", unit_price=D("0.125"), tax_rate=D("19"))
    )
    products.create_product(
        db,
        ProductInput(name="First-aid course", unit_price=D("190"), tax_rate=D(0), tax_category="E"),
    )
    client = make_client(db)
    issued_invoice(db, line(name="Consulting", product_id=consulting.id), client_id=client.id)
    return consulting, screw


def activate(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)
    return widget


@pytest.fixture
def page(qtbot, ctx, catalogue):
    widget = ProductsPage(ctx)
    widget.resize(1280, 800)
    return activate(qtbot, widget)


def test_model_passes_qt_model_tester_and_shows_prices_exactly(qtmodeltester, db, catalogue):
    model = ProductTableModel(db)
    model.reload()
    qtmodeltester.check(model)
    rows = {model.index(r, 1).data(): r for r in range(model.rowCount())}
    assert model.index(rows["Screw M4"], 5).data() == "0.125 EUR"
    assert model.index(rows["Consulting"], 5).data() == "115.00 EUR"
    assert model.index(rows["First-aid course"], 3).data() == "0% · Exempt from VAT"
    model.sort(5, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 1).data() == "First-aid course"
    qtmodeltester.check(model)


def test_create_product_with_four_decimals_and_gross_price(qtbot, ctx, db, settle):
    dialog = activate(qtbot, ProductDialog(ctx, None))
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Cable tie")
    assert "unit price" in dialog.ok_button.toolTip()
    qtbot.keyClicks(dialog.unit.lineEdit(), "piece")
    qtbot.keyClicks(dialog.unit_price, "0.0375")
    qtbot.mouseClick(dialog.gross, Qt.MouseButton.LeftButton)
    dialog.tax_rate.setCurrentIndex(dialog.tax_rate.findData("7"))
    with qtbot.waitSignal(ctx.bus.changed) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert not dialog.ok_button.isEnabled()  # saving
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # waits for the save
        assert dialog.isVisible()
        settle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert changed.args == ["product", [dialog.product_id]]
    saved = products.get_product(db, dialog.product_id).data
    assert (saved.name, saved.unit, saved.unit_price) == ("Cable tie", "piece", D("0.0375"))
    assert (saved.tax_rate, saved.tax_category, saved.price_basis) == (
        D(7),
        "S",
        PriceBasis.GROSS,
    )


def test_edit_keeps_the_exact_price(qtbot, ctx, db, catalogue, settle):
    _, screw = catalogue
    dialog = activate(qtbot, ProductDialog(ctx, screw.id))
    assert dialog.unit_price.text() == "0.125"  # not rounded to 0.13
    dialog.name.setText("Screw M4 × 20")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    saved = products.get_product(db, screw.id)
    assert (saved.name, saved.data.unit_price) == ("Screw M4 × 20", D("0.125"))


def test_tax_category_and_rate_stay_consistent(qtbot, ctx, db, settle):
    dialog = activate(qtbot, ProductDialog(ctx, None))
    qtbot.keyClicks(dialog.name, "Course")
    qtbot.keyClicks(dialog.unit_price, "190")
    dialog.tax_category.setCurrentIndex(dialog.tax_category.findData("E"))
    assert dialog.tax_rate.currentData() == "0"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    saved = products.get_product(db, dialog.product_id).data
    assert (saved.tax_rate, saved.tax_category) == (0, "E")

    dialog = activate(qtbot, ProductDialog(ctx, dialog.product_id))
    dialog.tax_rate.setCurrentIndex(dialog.tax_rate.findData("19"))
    assert dialog.tax_category.currentData() == "S"


def test_taken_number_is_flagged_at_the_field(qtbot, ctx, db, catalogue, settle):
    consulting, _ = catalogue
    dialog = activate(qtbot, ProductDialog(ctx, None))
    qtbot.keyClicks(dialog.number, consulting.number)
    qtbot.keyClicks(dialog.name, "Copy")
    qtbot.keyClicks(dialog.unit_price, "1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.ok_button.isEnabled()  # the save ended: it may be tried again
    box = dialog.errors.box("product.number")
    assert box.message.text() == f"Product number {consulting.number} is already taken."
    assert dialog.number.hasFocus()
    assert len(products.list_products(db)) == 3


def test_search_filters_the_list(qtbot, page):
    assert page.model.rowCount() == 3
    with qtbot.waitSignal(page.model.modelReset, timeout=2000):
        qtbot.keyClicks(page.search, "screw")
    assert [page.model.index(r, 1).data() for r in range(page.model.rowCount())] == ["Screw M4"]


def test_delete_archives_a_product_invoices_use(qtbot, page, db, catalogue, monkeypatch, settle):
    consulting, screw = catalogue
    asked: list[str] = []
    monkeypatch.setattr(page_module, "confirm", lambda *a, **k: asked.append(a[2]) or True)
    messages: list[str] = []
    page.status_message.connect(messages.append)

    page.select_product(consulting.id)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert "is used on 1 invoice" in asked[-1]
    assert not page.delete_action.isEnabled()  # deleting
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # again meanwhile: not asked twice
    assert len(asked) == 1
    settle()
    assert messages[-1] == f"Product {consulting.number} is used on invoices and was archived"
    assert products.get_product(db, consulting.id).archived

    page.select_product(screw.id)
    assert page.delete_action.isEnabled()  # the delete before has ended
    page.delete_selected()
    settle()
    assert messages[-1] == f"Product {screw.number} Screw M4 deleted"
    assert [p.name for p in products.list_products(db, include_archived=True)] == [
        "Consulting",
        "First-aid course",
    ]


def test_enter_opens_the_dialog_and_declined_delete_keeps(qtbot, page, catalogue, monkeypatch):
    consulting, _ = catalogue
    opened: list[int | None] = []

    class FakeDialog:
        def __init__(self, ctx, product_id, parent=None):
            opened.append(product_id)

        def exec(self):
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(page_module, "ProductDialog", FakeDialog)
    monkeypatch.setattr(page_module, "confirm", lambda *a, **k: False)
    page.select_product(consulting.id)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    # Qt keeps the modifiers of the last key event as "held": a later selectRow in another
    # test would toggle instead of select. Let go of them.
    qtbot.keyRelease(page.table, Qt.Key.Key_Shift)
    assert opened == [consulting.id, None]
    assert page.model.rowCount() == 3


def test_restore_brings_an_archived_product_back(qtbot, page, db, catalogue, settle):
    consulting, _ = catalogue
    products.archive_product(db, consulting.id)
    page.show_archived.setChecked(True)
    messages: list[str] = []
    page.status_message.connect(messages.append)
    page.select_product(consulting.id)
    assert page.restore_action.isVisible()
    with qtbot.waitSignal(page.ctx.bus.changed) as changed:
        page.restore_action.trigger()
        settle()
    assert changed.args == ["product", [consulting.id]]
    assert messages[-1] == f"Product {consulting.number} restored"
    assert not products.get_product(db, consulting.id).archived
