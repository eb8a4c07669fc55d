"""Every screen of the main window, in one registry.

A screen's module is imported when the window first shows it (``PageSpec.factory``): a
start loads only the screen that opens, not the editor, mail and PDF code behind the
others. The imports are still plain ``import`` statements, which PyInstaller and readers
see; tests/ui/test_pages.py and ``invoicedesk self-check`` build every screen, so a
module that fails to import fails there. A sidebar entry exists only for a screen
listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from invoicedesk.i18n import N_
from invoicedesk.ui.context import AppContext

PageFactory = Callable[[AppContext], QWidget]
# A page action whose property of this name is True waits under the toolbar's More button.
SECONDARY = "secondary"


def _invoices() -> PageFactory:
    from invoicedesk.ui.invoices.page import InvoicesPage

    return InvoicesPage


def _clients() -> PageFactory:
    from invoicedesk.ui.clients.page import ClientsPage

    return ClientsPage


def _products() -> PageFactory:
    from invoicedesk.ui.products.page import ProductsPage

    return ProductsPage


def _payments() -> PageFactory:
    from invoicedesk.ui.payments.page import PaymentsPage

    return PaymentsPage


def _outbox() -> PageFactory:
    from invoicedesk.ui.mail.outbox_page import OutboxPage

    return OutboxPage


@dataclass(frozen=True)
class PageSpec:
    """One screen: its settings key, sidebar title, page class (loaded by ``load``),
    shortcut and icon."""

    key: str
    title: str  # English, marked: show tr(title)
    load: Callable[[], PageFactory]
    shortcut: str
    icon: str  # a name for ui.icons.icon()

    @property
    def factory(self) -> PageFactory:
        """The page class (its module is imported on the first call)."""
        return self.load()


PAGES: tuple[PageSpec, ...] = (
    PageSpec("invoices", N_("Invoices"), _invoices, "Ctrl+1", "file-text"),
    PageSpec("clients", N_("Clients"), _clients, "Ctrl+2", "users"),
    PageSpec("products", N_("Products"), _products, "Ctrl+3", "package"),
    PageSpec("payments", N_("Payments"), _payments, "Ctrl+4", "banknote"),
    PageSpec("outbox", N_("Outbox"), _outbox, "Ctrl+5", "send"),
)
