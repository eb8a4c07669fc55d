"""Entry point of the frozen windowed program ``InvoiceDesk`` (no console on Windows)."""

import gc
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # must run first: PDF export workers re-enter here
    # The app collects garbage on its GUI thread (ui/gc_guard.py); off from here on, the
    # automatic collector would walk the heap again and again while the modules load.
    gc.disable()
    from invoicedesk.ui.app import main

    sys.exit(main())
