"""The main window: for now the invoice list with a search box (the desktop issue grows it)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from invoicedesk import __version__
from invoicedesk.db.engine import Database
from invoicedesk.services.search import InvoiceFilter, summarize
from invoicedesk.ui import formatting
from invoicedesk.ui.invoice_model import InvoiceTableModel

SEARCH_DELAY_MS = 250


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(f"InvoiceDesk {__version__} — {db.path or db.url}")
        self.resize(1280, 800)

        self.search = QLineEdit(placeholderText="Search number, client, title or note…")
        self.search.setClearButtonEnabled(True)
        self.model = InvoiceTableModel(db, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.footer = QLabel()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.footer)
        self.setCentralWidget(central)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)

        file_menu = self.menuBar().addMenu("&File")
        refresh = QAction("&Refresh", self, shortcut=QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        find = QAction("&Search", self, shortcut=QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (refresh, find):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        # Enabling sorting sorts once by the indicator: that is the first load (newest first).
        header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self._update_footer(self.current_filter())
        for column, width in enumerate((130, 260, 100, 100, 150, 130, 130, 130)):
            if column != 1:
                self.table.setColumnWidth(column, width)

    def current_filter(self) -> InvoiceFilter:
        return InvoiceFilter(search=self.search.text())

    def refresh(self) -> None:
        flt = self.current_filter()
        self.model.reload(flt)
        self._update_footer(flt)

    def _update_footer(self, flt: InvoiceFilter) -> None:
        summary = summarize(self.db, flt)
        sums = "   ".join(
            f"{currency}: net {formatting.money(net, currency)}, gross "
            f"{formatting.money(gross, currency)}, open {formatting.money(open_, currency)}"
            for currency, net, gross, open_ in summary.by_currency
        )
        noun = "invoice" if summary.count == 1 else "invoices"
        self.footer.setText(f"{summary.count:,} {noun}   {sums}")
