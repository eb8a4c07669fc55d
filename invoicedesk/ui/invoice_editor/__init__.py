"""The invoice editor: write a draft, issue it, and look after it once issued.

Others open it with :func:`open_invoice_editor`; the window lives in
:mod:`~invoicedesk.ui.invoice_editor.window`, its tables in ``lines_model`` and
``charges_model`` (undoable through ``commands``), the totals in ``totals_panel``.
"""

from invoicedesk.ui.invoice_editor.window import InvoiceEditor, open_invoice_editor

__all__ = ["InvoiceEditor", "open_invoice_editor"]
