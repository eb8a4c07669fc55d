"""How long the demo generator takes for 100,000 invoices (5 lines each on average),
against the floor: the same rows written with plain sqlite3.

Run: ``python benchmarks/bench_demo.py [N] [--clients N] [--seed S] [--keep FILE]``.
The target is at most 60 s for 100,000 invoices and 2,000 clients, and at most 4× the
floor: every row the demo wrote, copied into a new migrated file with one
``executemany`` per table in one transaction (search triggers dropped), the search
index and its sort keys filled afterwards with one ``INSERT … SELECT`` each (folding
the text as the app does). This is a script that prints
figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from invoicedesk.db import search_index
from invoicedesk.db.engine import open_database
from invoicedesk.services.demo import generate_demo

TARGET_SECONDS = 60.0
TARGET_RATIO = 4.0


def _size(path: Path) -> int:
    """The database file plus a WAL file left beside it, in bytes."""
    total = 0
    for suffix in ("", "-wal"):
        part = Path(str(path) + suffix)
        if part.exists():
            total += part.stat().st_size
    return total


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


SKIP = {"alembic_version", "sqlite_sequence", "sqlite_stat1", "company_profile", "settings"}


def floor(source: Path, target: Path) -> float:
    """Seconds to write ``source``'s rows into the new file ``target`` with plain sqlite3."""
    open_database(str(target)).dispose()
    with sqlite3.connect(source) as src:
        names = [
            n
            for (n,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if n not in SKIP and not search_index.is_search_table(n)
        ]
        rows = {n: src.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    connection = sqlite3.connect(target, isolation_level=None)
    search_index.register(connection)  # the index folds text with it
    connection.execute("PRAGMA foreign_keys = OFF")
    order = ["tags", "products", "clients", "invoices"]  # parents first (keys are not checked)
    names = order + [n for n in names if n not in order]
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    for statement in search_index.DROP_TRIGGERS:
        connection.execute(statement)
    for name in names:
        if rows.get(name):
            marks = ", ".join("?" for _ in rows[name][0])
            connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows[name])
    connection.execute(
        f"INSERT INTO {search_index.TABLE}(rowid, text) SELECT i.id, "
        + search_index._TEXT.format(row="i")
        + " FROM invoices AS i"
    )
    connection.execute(
        f"INSERT INTO {search_index.SORT_TABLE}(id, client) SELECT i.id, "
        + search_index._CLIENT.format(row="i")
        + " FROM invoices AS i"
    )
    for statement in search_index.TRIGGERS:
        connection.execute(statement)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - start
    connection.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices", type=int, nargs="?", default=100_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="FILE", help="write here and keep the file")
    args = parser.parse_args()

    if args.keep:
        path = Path(args.keep)
        _remove(path)
    else:
        path = Path(tempfile.mkdtemp(prefix="invoicedesk-bench-")) / "demo.sqlite"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"demo: {args.invoices:,} invoices, {args.clients:,} clients, seed {args.seed}")
    print(f"file: {path}  (load average before: {load:.2f} on {os.cpu_count()} CPUs)")

    db = open_database(str(path))  # the migrations run outside the timing
    start = time.perf_counter()
    cpu = time.process_time()
    summary = generate_demo(
        db,
        clients=args.clients,
        invoices=args.invoices,
        seed=args.seed,
        today=dt.date.today(),
    )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    db.dispose()  # the last connection checkpoints the WAL into the file
    size = _size(path)
    raw = path.parent / "floor.sqlite"
    _remove(raw)
    floor_seconds = floor(path, raw)
    _remove(raw)

    rows = summary.invoices + summary.credit_notes
    print(
        f"created: {summary.invoices:,} invoices, {summary.credit_notes:,} credit notes, "
        f"{summary.payments:,} payments, {summary.clients:,} clients, {summary.products} products"
    )
    print(f"time:    {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU")
    print(
        f"rate:    {summary.invoices / seconds:,.0f} invoices/s ({rows / seconds:,.0f} documents/s)"
    )
    print(f"size:    {size / 1e6:.0f} MB ({size / max(rows, 1) / 1e3:.1f} kB per document)")
    print(f"floor:   {floor_seconds:.1f} s (the same rows with plain sqlite3 executemany)")
    ratio = seconds / floor_seconds
    met = seconds <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"ratio:   {ratio:.1f}x the floor (target <= {TARGET_RATIO:.0f}x)")
    verdict = "ok" if met else "MISSED"
    print(
        f"target:  <= {TARGET_SECONDS:.0f} s and <= {TARGET_RATIO:.0f}x the floor for "
        f"100,000 invoices: {verdict}"
    )
    if not args.keep:
        _remove(path)
        path.parent.rmdir()
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
