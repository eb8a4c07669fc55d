"""``python -m invoicedesk``: the same as the ``invoicedesk`` command."""

import multiprocessing
import sys

from invoicedesk.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # PDF export workers in the PyInstaller bundle
    sys.exit(main())
