"""The Products screen: the searchable catalogue of products and services."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services.products import ProductView, archive_product, remove_product
from invoicedesk.services.search import InvoiceFilter, count_invoices
from invoicedesk.ui import formatting
from invoicedesk.ui.clients.views import ArrowDownToTable, CatalogPage, ListTable, mirror
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.icons import icon
from invoicedesk.ui.messages import confirm
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.products.models import ProductTableModel
from invoicedesk.ui.products.product_dialog import ProductDialog

SEARCH_DELAY_MS = 250
RELOAD_KINDS = {"product", "settings"}
EMPTY = N_("No products yet. Create one with “New product…”.")  # marked: tr(EMPTY)


class ProductsPage(CatalogPage):
    """The product list. ``status_message`` carries what happened for the status bar."""

    status_message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self._busy = False  # a delete or restore runs on the write worker

        self.search = QLineEdit(placeholderText=tr("Search number, name or description"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(tr("Filters as you type (Ctrl+F)"))
        self.show_archived = QCheckBox(tr("Show &archived"))
        self.new_action = QAction(icon("package-plus"), tr("&New product…"), self)
        self.new_action.setToolTip(tr("Create a product or service (Ctrl+Shift+N)"))
        self.new_action.triggered.connect(self.new_record)
        # No mnemonic: Alt+E is the Edit menu.
        self.edit_action = QAction(icon("pencil"), tr("Edit product…"), self)
        self.edit_action.setToolTip(tr("Open the selected product (Enter or double-click)"))
        self.edit_action.triggered.connect(self.open_selected)
        self.restore_action = QAction(icon("rotate-ccw"), tr("Rest&ore"), self)
        self.restore_action.setToolTip(tr("Bring the archived product back into pickers"))
        self.restore_action.triggered.connect(self.restore_selected)
        self.delete_action = QAction(icon("trash-2"), tr("&Delete"), self)
        self.delete_action.setToolTip(
            tr("Delete the selected product, or archive it if invoices use it (Del)")
        )
        self.delete_action.triggered.connect(self.delete_selected)
        self.buttons = QWidget()
        buttons = QHBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for action in self.actions():
            button = QPushButton()
            mirror(button, action)
            buttons.addWidget(button)

        self.model = ProductTableModel(ctx.db, self)
        self.table = ListTable(tr(EMPTY))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.set_widths({0: 10, 2: 12, 3: 26, 4: 8, 5: 16}, stretch=(1,))
        self.search.installEventFilter(ArrowDownToTable(self.table))

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_archived)
        bar.addStretch()
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.search, self.show_archived)
        self.setTabOrder(self.show_archived, self.buttons)
        self.setTabOrder(self.buttons, self.table)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._filter_changed)
        self.search.textChanged.connect(self._debounce.start)
        self.show_archived.toggled.connect(self._filter_changed)
        self.table.open_requested.connect(self.open_selected)
        self.table.delete_requested.connect(self.delete_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        ctx.bus.changed.connect(self._on_changed)
        self.refresh()

    # ------------------------------------------------------------------ the public interface

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The page's commands, for the main window's toolbar and menus."""
        return [self.new_action, self.edit_action, self.restore_action, self.delete_action]

    def refresh(self) -> None:
        """Reload the list, keeping the selected product."""
        self._debounce.stop()
        self._stale = False
        keep = self.selected_product()
        self.model.reload(self.search.text(), self.show_archived.isChecked())
        if keep is not None:
            self.select_product(keep.id)
        searched = self.search.text().strip()
        self.table.set_placeholder(tr("No product matches the search.") if searched else tr(EMPTY))
        self._update_buttons()

    def _filter_changed(self) -> None:
        """The search or the archived toggle changed: reload and say how many match."""
        self.refresh()
        count = self.model.rowCount()
        searched = self.search.text().strip()
        if searched:
            what = ntr("{n} product matches “{search}”", "{n} products match “{search}”", count)
        else:
            what = ntr("{n} product", "{n} products", count)
        self.status_message.emit(what.format(n=formatting.number(count), search=searched))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_record(self) -> None:
        dialog = ProductDialog(self.ctx, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        if self.model.row_of_id(dialog.saved.id) < 0 and self.search.text():
            self.search.clear()
            self.refresh()
        self.select_product(dialog.saved.id)
        self.status_message.emit(
            tr("Product {number} {name} created").format(
                number=dialog.saved.number, name=dialog.saved.name
            )
        )
        self.table.setFocus()

    def open_selected(self) -> None:
        product = self.selected_product()
        if product is None:
            return
        dialog = ProductDialog(self.ctx, product.id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.select_product(product.id)
            self.status_message.emit(tr("Product {number} saved").format(number=product.number))
        self.table.setFocus()

    def delete_selected(self) -> None:
        """Delete the selected product after asking; one that invoices use is archived."""
        product = self.selected_product()
        if self._busy:
            return  # the Del key reaches here with the action disabled
        if product is None:
            self.status_message.emit(tr("Select a product first"))
            return
        label = f"{product.number} {product.name}"
        used = count_invoices(self.ctx.db, InvoiceFilter(product_id=product.id))
        if used and product.archived:
            self.status_message.emit(
                tr("Product {number} is used on invoices and stays archived").format(
                    number=product.number
                )
            )
            return
        if used:
            asked = confirm(
                self,
                tr("Archive product"),
                ntr(
                    "Product {product} is used on {n} invoice and cannot be deleted.",
                    "Product {product} is used on {n} invoices and cannot be deleted.",
                    used,
                ).format(product=label, n=formatting.number(used)),
                tr("Archive"),
                tr(
                    "Archive it instead? It is no longer offered for new invoices; the "
                    "invoices keep it, and you can restore it with “Show archived”."
                ),
                destructive=True,
            )
        else:
            asked = confirm(
                self,
                tr("Delete product"),
                tr("Delete product {product}?").format(product=label),
                tr("Delete"),
                tr("This cannot be undone."),
                destructive=True,
            )
        if not asked:
            return

        def removed(outcome: str) -> None:
            if outcome == "archived":
                self.status_message.emit(
                    tr("Product {number} is used on invoices and was archived").format(
                        number=product.number
                    )
                )
            else:
                self.status_message.emit(tr("Product {product} deleted").format(product=label))

        self._set_busy(True)
        Operation(
            self, self.ctx, tr("Delete Product"),
            lambda db: remove_product(db, product.id),
            changes=Changes.of(product=product.id),
        ).success(removed).refused(self._say).finally_(self._change_ended).run()  # fmt: skip

    def _say(self, error: DomainError) -> None:
        self.status_message.emit(error.message)

    def _set_busy(self, busy: bool) -> None:
        """One change at a time: Delete and Restore wait while one runs."""
        self._busy = busy
        self._update_buttons()

    def _change_ended(self) -> None:
        self._set_busy(False)

    def restore_selected(self) -> None:
        product = self.selected_product()
        if product is None or not product.archived or self._busy:
            return
        self._set_busy(True)
        Operation(
            self, self.ctx, tr("Restore Product"),
            lambda db: archive_product(db, product.id, archived=False),
            changes=Changes.of(product=product.id),
        ).success(
            lambda _view: self.status_message.emit(
                tr("Product {number} restored").format(number=product.number)
            )
        ).refused(self._say).finally_(self._change_ended).run()  # fmt: skip

    # ------------------------------------------------------------------ selection

    def selected_product(self) -> ProductView | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_product(self, product_id: int) -> bool:
        row = self.model.row_of_id(product_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        product = self.selected_product()
        self.edit_action.setEnabled(product is not None)
        self.delete_action.setEnabled(product is not None and not self._busy)
        self.restore_action.setVisible(product is not None and product.archived)
        self.restore_action.setEnabled(not self._busy)

    # ------------------------------------------------------------------ events

    def _on_changed(self, kind: str, _ids: list[int]) -> None:
        if kind not in RELOAD_KINDS:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
