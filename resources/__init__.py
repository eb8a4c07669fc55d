"""Runtime files of InvoiceDesk (fonts, icons, the Linux desktop entry), installed as the
package ``invoicedesk.resources``. Read them through :mod:`invoicedesk.assets`."""
