"""Invoice PDFs: what to print (``model``), how it looks (``render``), the EPC QR code.

Pure Python plus ReportLab: no Qt, no database. The services build a ``PdfInput``
from an invoice and hand it to ``render_pdf``; ``labels.document_title`` names the
kinds of document (for file names). Importing the package (or ``model``) does not load
ReportLab; ``render_pdf`` does, on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["document_title", "render_pdf"]


def __getattr__(name: str) -> Any:
    if name == "render_pdf":
        from invoicedesk.pdf.render import render_pdf

        return render_pdf
    if name == "document_title":
        from invoicedesk.pdf.labels import document_title

        return document_title
    raise AttributeError(name)
