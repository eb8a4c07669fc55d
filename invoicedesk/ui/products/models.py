"""The product list model and the labels products are shown with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from PySide6.QtGui import QColor, QFont

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.i18n import N_, tr
from invoicedesk.services.books import Books
from invoicedesk.services.products import ProductView, list_products
from invoicedesk.services.settings import get_company
from invoicedesk.ui.clients.table import Column, RowTableModel, muted_colour
from invoicedesk.ui.formatting import user_locale
from invoicedesk.ui.widgets.decimal_edit import format_user_decimal

PAGE = 500

TAX_CATEGORY_LABELS = {
    TaxCategory.STANDARD: N_("Standard rate"),
    TaxCategory.ZERO: N_("Zero rate"),
    TaxCategory.EXEMPT: N_("Exempt from VAT"),
    TaxCategory.REVERSE_CHARGE: N_("Reverse charge (the client pays the VAT)"),
    TaxCategory.INTRA_EU: N_("Intra-EU supply (VAT-free)"),
    TaxCategory.EXPORT: N_("Export outside the EU (VAT-free)"),
    TaxCategory.OUTSIDE_SCOPE: N_("Outside the scope of VAT"),
}  # marked: show tr(label); the list shows the part before " ("
BASIS_LABELS = {PriceBasis.NET: N_("Net"), PriceBasis.GROSS: N_("Gross")}


def price_text(value: Decimal) -> str:
    """A unit price with two decimals, or up to four when it has them."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format_user_decimal(value, min(places, 4))


def rate_text(rate: Decimal) -> str:
    """A tax rate as the user's locale writes percentages: "19%" in English, "19 %" in German."""
    return format_percent(rate / 100, locale=user_locale(), decimal_quantization=False)


def tax_text(product: ProductView) -> str:
    category = TaxCategory(product.data.tax_category)
    rate = rate_text(product.data.tax_rate)
    if category in (TaxCategory.STANDARD, TaxCategory.ZERO):
        return rate
    return f"{rate} · {tr(TAX_CATEGORY_LABELS[category]).split(' (')[0]}"


class ProductTableModel(RowTableModel[ProductView]):
    """Every product matching the search (all pages)."""

    def __init__(self, db: Books, parent: Any = None) -> None:
        super().__init__(
            [
                Column("number", tr("Number"), lambda p: p.number),
                Column(
                    "name",
                    tr("Name"),
                    lambda p: p.name,
                    tooltip=lambda p: p.data.description or p.name,
                ),
                Column("unit", tr("Unit"), lambda p: p.data.unit),
                Column(
                    "tax_rate",
                    tr("Tax rate"),
                    tax_text,
                    sort_key=lambda p: (p.data.tax_rate, p.data.tax_category),
                    tooltip=lambda p: tr(TAX_CATEGORY_LABELS[TaxCategory(p.data.tax_category)]),
                ),
                Column(
                    "basis",
                    tr("Price is"),
                    lambda p: tr(BASIS_LABELS[PriceBasis(p.data.price_basis)]),
                    tooltip=lambda p: (
                        tr("The price includes VAT")
                        if p.data.price_basis == PriceBasis.GROSS
                        else tr("VAT is added to the price")
                    ),
                ),
                Column(
                    "unit_price",
                    tr("Unit price"),
                    lambda p: f"{price_text(p.data.unit_price)} {self._currency}",
                    sort_key=lambda p: p.data.unit_price,
                    right=True,
                ),
            ],
            parent,
        )
        self._db = db
        self._currency = "EUR"
        self.search = ""
        self.include_archived = False

    def reload(self, search: str | None = None, include_archived: bool | None = None) -> None:
        if search is not None:
            self.search = search
        if include_archived is not None:
            self.include_archived = include_archived
        self._currency = get_company(self._db).currency or "EUR"
        rows: list[ProductView] = []
        while True:
            page = list_products(
                self._db,
                self.search,
                include_archived=self.include_archived,
                limit=PAGE,
                offset=len(rows),
            )
            rows.extend(page)
            if len(page) < PAGE:
                break
        self.set_rows(rows)

    @property
    def currency(self) -> str:
        return self._currency

    def row_of_id(self, product_id: int) -> int:
        return self.row_of(lambda p: p.id == product_id)

    def foreground(self, row: ProductView, key: str) -> QColor | None:
        return muted_colour() if row.archived else None

    def font(self, row: ProductView, key: str) -> QFont | None:
        if row.archived and key == "name":
            font = QFont()
            font.setItalic(True)
            return font
        return None
