"""Where everything sits in the editor window, its menus and its tab order.

[state badge] status line                       [Record payment] [Credit note] …
[Bill to: client, address] [Dates and payment terms] [Currency and prices]
[Lines: table, description          ] [Totals ]
[Texts | Discounts & charges | Payments | History]
problems or hints …                         [Close] [Save draft] [Issue invoice…]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import tr
from invoicedesk.ui.pdf import files
from invoicedesk.ui.widgets.window_fit import keep_text_height

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.window import InvoiceEditor

SPLITTER_KEY = "editor/splitter"  # lines above, tabs below


def record_table(model: Any, name: str) -> QTableView:
    """A read-only table for payments or history."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def build_window(e: InvoiceEditor) -> None:
    """Create the window's own widgets (badge, tabs, buttons, menus) and lay everything out."""
    e.badge = QLabel()
    e.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
    e.status_text = QLabel()
    e.status_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    e.status_text.setWordWrap(True)  # a long status takes a second line, never cut
    strip = QHBoxLayout()
    strip.addWidget(e.badge, 0, Qt.AlignmentFlag.AlignTop)
    strip.addWidget(e.status_text, 1)
    for action in e.ops.state_actions:
        strip.addWidget(e.ops.button(action))

    e.payments_view = record_table(e.payments_model, tr("Payments"))
    e.history_view = record_table(e.history_model, tr("History"))
    e.tabs = QTabWidget()
    e.tabs.addTab(e.texts, tr("Te&xts"))
    e.tabs.addTab(e.extras, tr("Disc&ounts && charges"))
    e.tabs.addTab(e.payments_view, tr("Pay&ments"))
    e.tabs.addTab(e.history_view, tr("&History"))

    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName("editor-splitter")
    splitter.addWidget(e.lines)
    splitter.addWidget(e.tabs)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setChildrenCollapsible(False)
    remember_splitter(splitter, SPLITTER_KEY)
    right = QVBoxLayout()
    right.addWidget(e.totals)
    right.addStretch(1)
    middle = QHBoxLayout()
    middle.addWidget(splitter, 1)
    middle.addLayout(right)

    e.problem_label = QLabel()
    bottom = QHBoxLayout()
    bottom.addWidget(e.problem_label, 1)
    e.close_button = e.ops.button(e.ops.close, tr("Close"))
    e.save_button = e.ops.button(e.ops.save, tr("Save draft"))
    e.issue_button = e.ops.button(e.ops.issue)  # "Issue invoice…" or "Issue credit note…"
    for button in (e.close_button, e.save_button, e.issue_button):
        bottom.addWidget(button)
    e.button_row = bottom  # Preview PDF joins it (ui.pdf.editor)

    central = QWidget()
    outer = QVBoxLayout(central)
    outer.addLayout(strip)
    outer.addWidget(e.header)
    outer.addLayout(middle, 1)
    outer.addLayout(bottom)
    e.setCentralWidget(central)
    keep_text_height(central)  # a status line on two or three lines squeezes nothing

    invoice_menu = e.menuBar().addMenu(tr("&Invoice"))
    e.invoice_menu = invoice_menu
    for action in e.ops.menu_actions:
        if action is None:
            invoice_menu.addSeparator()
        else:
            invoice_menu.addAction(action)
    edit_menu = e.menuBar().addMenu(tr("&Edit"))
    e.undo_action = e.undo_stack.createUndoAction(e, tr("&Undo"))
    e.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
    e.redo_action = e.undo_stack.createRedoAction(e, tr("&Redo"))
    e.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit_menu.addAction(e.undo_action)
    edit_menu.addAction(e.redo_action)
    edit_menu.addSeparator()
    for action in e.lines.actions_for_menu:
        edit_menu.addAction(action)

    h = e.header
    chain: list[QWidget] = [
        h.client, h.new_client, h.date, h.supply_date, h.supply_end_date, h.due_date,
        h.due_days, h.currency, h.exchange_rate, h.price_basis, h.tags,
        e.lines.view, e.lines.description, e.tabs,
    ]  # fmt: skip
    for first, second in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(first, second)

    # No fixed minimum size: the layout's own minimum (every text whole) is the minimum.
    available = QGuiApplication.primaryScreen().availableGeometry()
    e.resize(min(1280, available.width()), min(800, available.height()))


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes as the user left them; store them when the user moves
    it (only then: opening and closing an editor writes nothing)."""
    saved = files.ui_settings().value(key)
    if isinstance(saved, QByteArray):
        splitter.restoreState(saved)
    splitter.splitterMoved.connect(
        lambda *_: files.ui_settings().setValue(key, splitter.saveState())
    )
