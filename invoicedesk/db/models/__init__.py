"""All models, imported here so ``Base.metadata`` knows every table."""

from invoicedesk.db.models.archive import AuditEntry, MailTemplate, OutgoingMail, StoredDocument
from invoicedesk.db.models.base import Base
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

__all__ = [
    "AuditEntry",
    "Base",
    "Client",
    "ClientAddress",
    "ClientEmail",
    "CompanyProfile",
    "ContactPerson",
    "Invoice",
    "InvoiceAllowanceCharge",
    "InvoiceLine",
    "InvoiceTax",
    "MailTemplate",
    "NumberSequence",
    "OutgoingMail",
    "Payment",
    "Product",
    "Recurrence",
    "Reminder",
    "Setting",
    "StoredDocument",
    "Tag",
    "client_tags",
    "invoice_tags",
]
