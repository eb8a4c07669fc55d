"""Pure domain logic: money, totals, tax, invoice states, numbering.

Nothing in this package may import Qt or SQLAlchemy (a test enforces it), so
the same rules serve the desktop app, the command line, PDFs and e-invoices.
"""
