"""The processes the fault tests kill: they run ``invoicedesk`` commands one after another.

``python -m tests.faults.worker WORD …`` is a fork server. It imports what the commands
named by the WORDs (``invoices``, ``demo``, …) load, prints ``ready``, then reads jobs
from standard input, one JSON line each: ``{"commands": [[argv…], …], "report": PATH}``.
For each job it forks a child, prints ``started PID``, waits for the child and prints
``ended PID STATUS`` (so a test knows when the process is really gone, reaped). The child
calls the command line's own ``main(argv)`` for each argv in turn and appends one JSON
line per finished command to the report file::

    {"i": 0, "code": 0, "at": 0.08, "out": "Issued RE-2026-0001 …", "err": ""}

(``at``: seconds since the child started). A test kills the child with ``SIGKILL``.

Why a fork server: importing SQLAlchemy, ReportLab and the services takes 0.6 s of CPU,
longer than most of the work a kill should land in. A forked child starts working at
once, so a kill at a random moment falls into the work itself (opening the file, the
write transaction, the commit, the checkpoint when it is closed), and thirty trials cost
seconds, not half a minute. The child is a process of its own like any ``invoicedesk``
run; the server never opens a database, so the child inherits no connection. Each
command opens and closes the database as ``invoicedesk`` does. Nothing here catches
anything: a kill is a kill.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout

# What each command imports lazily; the server loads those of the words it is given.
PRELOAD = {
    "demo": ("invoicedesk.services.demo",),
    "import": ("invoicedesk.services.transfer",),
    "invoices": ("invoicedesk.services.invoices", "invoicedesk.services.pdf_archive"),
    "outbox": ("invoicedesk.services.outbox", "invoicedesk.services.smtp"),
    "payments": ("invoicedesk.services.payments",),
    "backup": ("invoicedesk.services.backups",),
    "migrate": ("invoicedesk.db.migrate",),
}


def preload(words: list[str]) -> None:
    importlib.import_module("invoicedesk.cli.main")
    importlib.import_module("invoicedesk.db.engine")
    for word in words:
        for module in PRELOAD.get(word, ()):
            importlib.import_module(module)


def run(commands: list[list[str]], write: Callable[[str], None]) -> None:
    """Run ``commands`` through ``main``; ``write`` one JSON line after each."""
    from invoicedesk.cli.main import main

    started = time.monotonic()
    for index, argv in enumerate(commands):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
        line = {
            "i": index,
            "code": code,
            "at": round(time.monotonic() - started, 4),
            "out": out.getvalue()[:500],
            "err": err.getvalue()[:500],
        }
        write(json.dumps(line) + "\n")


def _child(job: dict[str, object]) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # the server's protocol stays the server's
    report = os.open(str(job["report"]), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    commands = job["commands"]
    assert isinstance(commands, list)

    def write(text: str) -> None:
        os.write(report, text.encode("utf-8"))  # one write per line: whole or not at all

    run(commands, write)


def serve(words: list[str]) -> None:
    preload(words)
    out = sys.stdout.fileno()
    os.write(out, b"ready\n")
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child: run the job, never return into this loop
            code = 0
            try:
                _child(job)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.write(out, f"started {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(out, f"ended {pid} {status}\n".encode())


if __name__ == "__main__":
    serve(sys.argv[1:])
