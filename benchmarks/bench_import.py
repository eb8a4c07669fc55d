"""How long ``invoicedesk import`` takes for 10,000 invoices, against the floor: the same
rows written with plain sqlite3.

Run: ``python benchmarks/bench_import.py [N] [--clients N] [--seed S] [--json FILE]``.
A demo file of N invoices (default 10,000) is exported with ``invoicedesk export`` into
a JSON file (or ``--json FILE`` is used), then imported into a new migrated file twice:
by the command line (``invoicedesk import``, a process of its own: start-up and reading
the file included) and by ``transfer.import_document`` in this process. The floor: every
row the import wrote, copied into another new migrated file with one ``executemany`` per
table in one transaction (search triggers dropped, the index filled with one
``INSERT … SELECT``), as in ``bench_demo.py``. Target: at most 10 s for 10,000 invoices.
This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_demo import _remove, floor

from invoicedesk.db.engine import open_database
from invoicedesk.services import transfer
from invoicedesk.services.demo import generate_demo

TARGET_SECONDS = 10.0
CLI = [sys.executable, "-m", "invoicedesk"]


def _counts(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        found = [
            f"{table} {connection.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:,}"
            for table in ("clients", "products", "invoices", "invoice_lines", "audit_log")
        ]
    return ", ".join(found)


def _statistics(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        has = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()[0]
        if not has:
            return "none"
        stat = connection.execute(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'invoices' LIMIT 1"
        ).fetchone()
    return f"invoices described as {stat[0].split()[0]} rows" if stat else "none for invoices"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices", type=int, nargs="?", default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="FILE", help="import this file (no demo, no export)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="invoicedesk-bench-import-"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"folder: {folder}  (load average before: {load:.2f} on {os.cpu_count()} CPUs)")
    if args.json:
        source = Path(args.json)
    else:
        demo = folder / "demo.sqlite"
        db = open_database(str(demo))
        generate_demo(db, clients=args.clients, invoices=args.invoices, seed=args.seed,
                      today=dt.date.today())  # fmt: skip
        db.dispose()
        source = folder / "export.json"
        subprocess.run([*CLI, "--db", str(demo), "export", "-o", str(source)], check=True)
        _remove(demo)
    print(f"json:   {source} ({source.stat().st_size / 1e6:.1f} MB)")

    by_cli = folder / "cli.sqlite"
    open_database(str(by_cli)).dispose()  # migrated outside the timing, as a user's file is
    start = time.perf_counter()
    done = subprocess.run(
        [*CLI, "--db", str(by_cli), "import", str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    cli_seconds = time.perf_counter() - start
    print(f"cli:    {done.stdout.strip()}")
    print(f"        {_counts(by_cli)}; statistics: {_statistics(by_cli)}")

    in_process = folder / "service.sqlite"
    db = open_database(str(in_process))
    text = source.read_text(encoding="utf-8")
    start = time.perf_counter()
    cpu = time.process_time()
    transfer.import_document(db, text)
    service_seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    db.dispose()

    raw = folder / "floor.sqlite"
    floor_seconds = floor(in_process, raw)
    for path in (by_cli, in_process, raw):
        _remove(path)
    if not args.json:
        _remove(source)
    if not any(folder.iterdir()):
        folder.rmdir()

    print(f"import (invoicedesk import, whole process): {cli_seconds:.2f} s")
    print(f"import (transfer.import_document):          {service_seconds:.2f} s wall, "
          f"{cpu_seconds:.2f} s CPU")  # fmt: skip
    print(f"floor:  {floor_seconds:.2f} s (the same rows with plain sqlite3 executemany)")
    print(f"ratio:  {cli_seconds / floor_seconds:.1f}x (command), "
          f"{service_seconds / floor_seconds:.1f}x (service) the floor")  # fmt: skip
    verdict = "ok" if cli_seconds <= TARGET_SECONDS else "MISSED"
    print(f"target: <= {TARGET_SECONDS:.0f} s for 10,000 invoices: {verdict}")
    return 0 if cli_seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
