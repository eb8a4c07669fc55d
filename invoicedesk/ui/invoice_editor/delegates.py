"""Cell editors and painting for the line and charge tables.

* :class:`TextDelegate` — a line edit (right-aligned for numbers) with a length limit.
* :class:`ProductDelegate` — name and number cells: a line edit completing over the
  product catalogue; picking a product fills the whole line (one undo step).
  It also paints the name with the description as a muted second line.
* :class:`ChoiceDelegate` — a combo box (tax rates, charge or allowance) that
  commits as soon as a choice is made.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from invoicedesk.i18n import tr
from invoicedesk.services.products import ProductView
from invoicedesk.ui.invoice_editor.lines_model import LinesModel
from invoicedesk.ui.invoice_editor.parsing import choice_of, show_number

ModelIndex = QModelIndex | QPersistentModelIndex


class ProductListModel(QAbstractListModel):
    """The catalogue for completion: shown as "name — number · price / unit · tax",
    matched on number and name."""

    SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
    PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._products: list[ProductView] = []

    def set_products(self, products: list[ProductView]) -> None:
        self.beginResetModel()
        self._products = list(products)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._products)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._products):
            return None
        product = self._products[index.row()]
        data = product.data
        if role == Qt.ItemDataRole.DisplayRole:
            unit = f" / {data.unit}" if data.unit else ""
            basis = tr(" gross") if data.price_basis == "gross" else ""
            price = show_number(data.unit_price, 2)
            tax = choice_of(data.tax_rate, data.tax_category).label
            return f"{data.name} — {product.number} · {price}{basis}{unit} · {tax}"
        if role in (Qt.ItemDataRole.EditRole, self.SEARCH_ROLE):
            return f"{product.number} {data.name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return data.description or None
        if role == self.PRODUCT_ROLE:
            return product
        return None


class TextDelegate(QStyledItemDelegate):
    def __init__(
        self,
        parent: Any = None,
        *,
        numeric: bool = False,
        max_length: int = 0,
        hint: str = "",
    ) -> None:
        super().__init__(parent)
        self._numeric = numeric
        self._max_length = max_length
        self._hint = hint

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if self._numeric:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self._max_length:
            editor.setMaxLength(self._max_length)
        if self._hint:
            editor.setPlaceholderText(self._hint)
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: Any, index: ModelIndex
    ) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ProductDelegate(TextDelegate):
    """Name or number cell with product completion; a pick fills the line."""

    def __init__(self, products: ProductListModel, parent: Any = None, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._products = products

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        assert isinstance(editor, QLineEdit)
        completer = QCompleter(self._products, editor)
        completer.setCompletionRole(ProductListModel.SEARCH_ROLE)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(10)
        popup = completer.popup()
        popup.setMinimumWidth(popup.fontMetrics().averageCharWidth() * 70)  # name, number, price
        completer.activated[QModelIndex].connect(  # type: ignore[index]
            lambda picked, e=editor: self._picked(e, picked)
        )
        editor.setCompleter(completer)
        return editor

    def _picked(self, editor: QLineEdit, picked: QModelIndex) -> None:
        product = picked.data(ProductListModel.PRODUCT_ROLE)
        if isinstance(product, ProductView):
            editor.setProperty("product", product)
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: Any, index: ModelIndex
    ) -> None:
        product = editor.property("product")
        if isinstance(product, ProductView):
            editor.setProperty("product", None)
            model.setData(index, product, LinesModel.PRODUCT_ROLE)
            return
        super().setModelData(editor, model, index)

    # -- the name with its description as a muted second line

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if "\n" not in text:
            super().paint(painter, option, index)
            return
        name, description = text.split("\n", 1)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        main = opt.palette.color(
            group,
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text,
        )
        muted = opt.palette.color(
            group,
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText,
        )
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        metrics = QFontMetrics(opt.font)
        line = metrics.height()
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(main)
        top = QRect(rect.left(), rect.top() + 2, rect.width(), line)
        painter.drawText(
            top,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()),
        )
        small = opt.font
        small.setPointSizeF(max(opt.font.pointSizeF() * 0.9, 7.0))
        painter.setFont(small)
        painter.setPen(muted)
        small_metrics = QFontMetrics(small)
        bottom = QRect(rect.left(), top.bottom() + 1, rect.width(), small_metrics.height())
        elided = small_metrics.elidedText(description, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if "\n" in text:
            size.setHeight(QFontMetrics(option.font).height() * 2 + 6)
        return size


class ChoiceDelegate(QStyledItemDelegate):
    """A combo of (label, value) pairs; the model gets the value."""

    def __init__(self, choices: list[tuple[str, Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self._choices = choices

    def set_choices(self, choices: list[tuple[str, Any]]) -> None:
        self._choices = choices

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        editor = QComboBox(parent)
        for label, value in self._choices:
            editor.addItem(label, value)
        editor.activated.connect(lambda _i, e=editor: self._chosen(e))
        return editor

    def _chosen(self, editor: QComboBox) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole)
        for position in range(editor.count()):
            if editor.itemData(position) == current:
                editor.setCurrentIndex(position)
                return
        # A value not on offer (a rate an imported line or a product uses): offer it too.
        editor.addItem(str(index.data(Qt.ItemDataRole.DisplayRole) or current), current)
        editor.setCurrentIndex(editor.count() - 1)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: Any, index: ModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentIndex() >= 0:
            model.setData(index, editor.currentData())
