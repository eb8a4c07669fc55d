"""The live totals: every figure comes from ``core.totals.compute_totals``; nothing is added here.

Rows appear only when they carry something (allowances, charges, deposit,
rounding, cash discount); the net, tax per rate, total and amount due are
always shown. Values are formatted for display with the currency's decimals.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.totals import Totals
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.ui import formatting
from invoicedesk.ui.invoice_editor.parsing import CATEGORY_WORDS, choice_of


def tax_label(category: TaxCategory, rate: Decimal, base: str) -> str:
    """ "Tax 19 %" over "on 100.00", or for the zero-rated categories "Reverse charge (0 %)"
    over "on 100.00": on two lines, so the panel stays narrow (a label without word wrap
    is always given the height it needs)."""
    words = CATEGORY_WORDS.get(category)
    if words:
        words = tr(words)
        head = tr("{category} (0 %)").format(category=f"{words[:1].upper()}{words[1:]}")
    else:
        head = tr("Tax {rate}").format(rate=choice_of(rate, category).label)
    return head + "\n" + tr("on {amount}").format(amount=base)


# The panel is as wide as its widest row needs, but never narrower than this sample, so
# it does not change width with every digit typed (amounts up to tens of millions).
STRONG_SCALE = 1.2  # the amount due stands out
SAMPLE_LABEL, SAMPLE_VALUE = N_("Amount due"), "−99,999,999.99"


class TotalsPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Totals"), parent)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Maximum)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(0, 1)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(4)
        self._rows: list[tuple[QLabel, QLabel]] = []
        self._shape: list[tuple[str, str]] = []
        self._values: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setEnabled(False)  # muted in every palette
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.show_totals(None, [])
        strong = QFont(self.font())
        strong.setBold(True)
        strong.setPointSizeF(strong.pointSizeF() * STRONG_SCALE)
        metrics = QFontMetrics(strong)
        margins = layout.contentsMargins()
        self.setMinimumWidth(
            metrics.horizontalAdvance(tr(SAMPLE_LABEL)) + self._grid.horizontalSpacing()
            + metrics.horizontalAdvance(SAMPLE_VALUE) + margins.left() + margins.right()
        )  # fmt: skip

    # ------------------------------------------------------------------ reading (tests, a11y)

    def value(self, key: str) -> str:
        """The shown value of a row: "net", "gross", "due", "tax:S:19" …"""
        return self._values[key]

    def label(self, key: str) -> str:
        return self._labels[key]

    def keys(self) -> list[str]:
        return list(self._values)

    # ------------------------------------------------------------------ showing

    def show_totals(self, totals: Totals | None, notes: list[str], currency: str = "") -> None:
        rows: list[tuple[str, str, str, str]] = []  # key, label, value, style
        if totals is None:
            for key, label in (
                ("net", tr("Net total")),
                ("tax", tr("Tax")),
                ("gross", tr("Total")),
                ("due", tr(SAMPLE_LABEL)),
            ):
                rows.append((key, label, "—", "strong" if key == "due" else ""))
        else:
            rows = self._rows_of(totals)
            currency = totals.currency
        self.setTitle(
            tr("Totals in {currency}").format(currency=currency) if currency else tr("Totals")
        )
        self._show(rows)
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    def _rows_of(self, t: Totals) -> list[tuple[str, str, str, str]]:
        def money(value: object) -> str:
            return formatting.money(value, t.currency)  # type: ignore[arg-type]

        gross_basis = t.price_basis == PriceBasis.GROSS
        rows = [
            (
                "line_total",
                tr("Lines (tax included)") if gross_basis else tr("Lines"),
                money(t.line_total),
                "",
            )
        ]
        if t.allowances:
            rows.append(("allowances", tr("Discounts and allowances"), money(-t.allowances), ""))
        if t.charges:
            rows.append(("charges", tr("Charges"), money(t.charges), ""))
        rows.append(("net", tr("Net total"), money(t.net), "rule"))
        for tax in t.taxes:
            key = f"tax:{tax.category.value}:{tax.rate.normalize():f}"
            rows.append(
                (key, tax_label(tax.category, tax.rate, money(tax.base)), money(tax.amount), "")
            )
        if not t.taxes:
            rows.append(("tax", tr("Tax"), money(t.tax), ""))
        rows.append(("gross", tr("Total"), money(t.gross), "rule bold"))
        if t.prepaid:
            rows.append(("prepaid", tr("Deposit paid"), money(-t.prepaid), ""))
        if t.adjustment:
            rows.append(("adjustment", tr("Rounding"), money(t.adjustment), ""))
        rows.append(("due", tr(SAMPLE_LABEL), money(t.due), "rule strong"))
        cd = t.cash_discount
        if cd is not None:
            rate = choice_of(cd.rate).label
            rows.append(
                (
                    "cash_discount",
                    ntr(
                        "Cash discount {rate}, {n} day", "Cash discount {rate}, {n} days", cd.days
                    ).format(rate=rate, n=cd.days),
                    money(-cd.amount),
                    "rule",
                )
            )
            when = (
                tr("If paid by {date}").format(date=formatting.date(cd.last_date))
                if cd.last_date
                else tr("If paid early")
            )
            rows.append(("cash_payable", when, money(cd.payable), ""))
        return rows

    def _show(self, rows: list[tuple[str, str, str, str]]) -> None:
        shape = [(key, style) for key, _label, _value, style in rows]
        if shape != self._shape:
            self._rebuild(shape)
        self._values = {}
        self._labels = {}
        for (label, value), (key, text, figure, _style) in zip(self._rows, rows, strict=True):
            label.setText(text)
            value.setText(figure)
            value.setAccessibleName(text.replace("\n", " "))
            self._values[key] = figure
            self._labels[key] = text.replace("\n", " ")

    def _rebuild(self, shape: list[tuple[str, str]]) -> None:
        """Lay the rows out anew (only when rows come or go, not on every keystroke)."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._rows = []
        position = 0
        for _key, style in shape:
            if "rule" in style:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                self._grid.addWidget(line, position, 0, 1, 2)
                position += 1
            label, value = QLabel(), QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = QFont(self.font())
            font.setBold("bold" in style or "strong" in style)
            if "strong" in style:
                font.setPointSizeF(font.pointSizeF() * STRONG_SCALE)
            for widget in (label, value):
                widget.setFont(font)
            self._grid.addWidget(label, position, 0)
            self._grid.addWidget(value, position, 1)
            self._rows.append((label, value))
            position += 1
        self._shape = shape
