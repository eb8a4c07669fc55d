"""``python -m invoicedesk``: the same as the ``invoicedesk`` command."""

import sys

from invoicedesk.cli.main import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # PDF export workers in a frozen build re-enter here
        import multiprocessing  # not at every start: freeze_support() does nothing otherwise

        multiprocessing.freeze_support()
    sys.exit(main())
