"""Where the invoice list model used to live; it moved to :mod:`invoicedesk.ui.invoices.model`."""

from invoicedesk.ui.invoices.model import BLOCK, COLUMNS, InvoiceTableModel

__all__ = ["BLOCK", "COLUMNS", "InvoiceTableModel"]
