"""Every screen of the main window, imported statically in one registry.

Static imports keep the screens visible to PyInstaller and to readers; a screen whose
module fails to import stops the app at start-up (and CI) instead of turning into a
placeholder. A sidebar entry exists only for a screen listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle, QWidget

from invoicedesk.ui.clients.page import ClientsPage
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.page import InvoicesPage
from invoicedesk.ui.mail.outbox_page import OutboxPage
from invoicedesk.ui.payments.page import PaymentsPage
from invoicedesk.ui.products.page import ProductsPage


@dataclass(frozen=True)
class PageSpec:
    """One screen: its settings key, sidebar title, how to build it, shortcut and icon."""

    key: str
    title: str
    factory: Callable[[AppContext], QWidget]
    shortcut: str
    icon: QStyle.StandardPixmap


PAGES: tuple[PageSpec, ...] = (
    PageSpec("invoices", "Invoices", InvoicesPage, "Ctrl+1",
             QStyle.StandardPixmap.SP_FileDialogDetailedView),
    PageSpec("clients", "Clients", ClientsPage, "Ctrl+2",
             QStyle.StandardPixmap.SP_DirHomeIcon),
    PageSpec("products", "Products", ProductsPage, "Ctrl+3",
             QStyle.StandardPixmap.SP_FileDialogListView),
    PageSpec("payments", "Payments", PaymentsPage, "Ctrl+4",
             QStyle.StandardPixmap.SP_DialogApplyButton),
    PageSpec("outbox", "Outbox", OutboxPage, "Ctrl+5",
             QStyle.StandardPixmap.SP_ArrowForward),
)  # fmt: skip
