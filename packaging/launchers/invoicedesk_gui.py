"""Entry point of the frozen windowed program ``InvoiceDesk`` (no console on Windows)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # must run first: PDF export workers re-enter here
    from invoicedesk.ui.app import main

    sys.exit(main())
