"""Entry point of the frozen console program ``invoicedesk`` (the command line)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # must run first: `pdf --jobs N` workers re-enter here
    from invoicedesk.cli.main import main

    sys.exit(main())
