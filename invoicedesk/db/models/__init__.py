"""The models, each imported when first used (``from invoicedesk.db.models import Invoice``).

Declaring all twenty classes costs ~40 ms; the invoice list, which a start shows first,
needs the client, invoice and payment ones (benchmarks/bench_startup.py). Relationships
stay within one module, and a module imports the modules of the tables its foreign keys
point to (a flush needs them), so what is loaded is always consistent.
Code that needs every table in ``Base.metadata`` (migrations, bulk writes) calls
:func:`load_all` first.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from invoicedesk.db.models.base import Base

if TYPE_CHECKING:
    from invoicedesk.db.models.archive import (
        AuditEntry,
        MailTemplate,
        OutgoingMail,
        StoredDocument,
    )
    from invoicedesk.db.models.client import (
        Client,
        ClientAddress,
        ClientEmail,
        ContactPerson,
        Tag,
        client_tags,
    )
    from invoicedesk.db.models.company import CompanyProfile, NumberSequence, Setting
    from invoicedesk.db.models.invoice import (
        Invoice,
        InvoiceAllowanceCharge,
        InvoiceLine,
        InvoiceTax,
        Recurrence,
        invoice_tags,
    )
    from invoicedesk.db.models.payment import Payment, Reminder
    from invoicedesk.db.models.product import Product

# Where each name lives (the module under invoicedesk.db.models).
_HOME = {
    "AuditEntry": "archive", "MailTemplate": "archive", "OutgoingMail": "archive",
    "StoredDocument": "archive",
    "Client": "client", "ClientAddress": "client", "ClientEmail": "client",
    "ContactPerson": "client", "Tag": "client", "client_tags": "client",
    "CompanyProfile": "company", "NumberSequence": "company", "Setting": "company",
    "Invoice": "invoice", "InvoiceAllowanceCharge": "invoice", "InvoiceLine": "invoice",
    "InvoiceTax": "invoice", "Recurrence": "invoice", "invoice_tags": "invoice",
    "Payment": "payment", "Reminder": "payment",
    "Product": "product",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_load(home), name)


def _load(home: str) -> ModuleType:
    # Plain imports (not importlib by name), so PyInstaller and readers see every module.
    if home == "archive":
        from invoicedesk.db.models import archive

        return archive
    if home == "client":
        from invoicedesk.db.models import client

        return client
    if home == "company":
        from invoicedesk.db.models import company

        return company
    if home == "invoice":
        from invoicedesk.db.models import invoice

        return invoice
    if home == "payment":
        from invoicedesk.db.models import payment

        return payment
    from invoicedesk.db.models import product

    return product


def load_all() -> None:
    """Import every model, so ``Base.metadata`` knows every table."""
    for home in sorted(set(_HOME.values())):
        _load(home)


__all__ = [  # noqa: RUF022 - in the order of _HOME
    "Base", "load_all",
    "AuditEntry", "MailTemplate", "OutgoingMail", "StoredDocument",
    "Client", "ClientAddress", "ClientEmail", "ContactPerson", "Tag", "client_tags",
    "CompanyProfile", "NumberSequence", "Setting",
    "Invoice", "InvoiceAllowanceCharge", "InvoiceLine", "InvoiceTax", "Recurrence",
    "invoice_tags",
    "Payment", "Reminder",
    "Product",
]  # fmt: skip
