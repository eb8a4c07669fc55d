"""Invoice PDFs: what to print (``model``), how it looks (``render``), the EPC QR code.

Pure Python plus ReportLab: no Qt, no database. The services build a ``PdfInput``
from an invoice and hand it to ``render_pdf``.
"""
