"""The desktop app: Qt widgets over the services.

The data layer loads here, before any Qt module: once PySide6 is imported, it reads the
source file of every module imported after it (its ``__feature__`` switch looks for
"PySide6" in them). For SQLAlchemy and the models that is about 90 ms of every start
(benchmarks/bench_startup.py); the frozen app ships no sources and is not affected.
"""

import invoicedesk.services.search  # noqa: F401 - the invoice list's queries, models, SQLAlchemy
