"""How long issuing one invoice takes on a file with 100,000 invoices and on an empty one,
against the floor: the same writes by hand-written SQL on the same file.

Run: ``python benchmarks/bench_issue.py [--db FILE] [--runs 100] [--trace]``.
``--db`` (default ``/tmp/bench100k.sqlite``, made by ``invoicedesk demo --invoices
100000``) is copied and never written. On the copy and on a new migrated file (the same
company profile, one client) ``--runs`` drafts of five lines are created, then each is
issued by ``invoices.issue`` — what the command line and the main window call: number,
due date, snapshots, totals, history entry, the PDF rendered and archived, one write
transaction each. The floor issues the same number of drafts with hand-written SQL on
the same file: the sequence read and advanced, the number checked, the invoice row
updated, the history row inserted, in one ``BEGIN IMMEDIATE`` … ``COMMIT`` each (the
PDF is not part of it). Targets: median ≤ 30 ms on the big file and ≤ 2× the median on
the empty one. ``--trace`` prints every statement one issue runs on the big file with
SQLite's ``EXPLAIN QUERY PLAN``. This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from invoicedesk.core.document import LineItem, TaxCategory
from invoicedesk.db import search_index
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import clients, invoices, settings
from invoicedesk.services.inputs import AddressInput, ClientInput, InvoiceInput

TARGET_MS = 30.0
TARGET_RATIO = 2.0
D = Decimal
LINES = tuple(
    LineItem(
        quantity=D(q),
        unit_price=D(p),
        tax_rate=D("19"),
        tax_category=TaxCategory.STANDARD,
        name=name,
        unit=unit,
    )  # fmt: skip
    for q, p, name, unit in (
        ("8", "95.00", "Beratung", "h"),
        ("2", "640.00", "Workshop", "Tag"),
        ("1", "149.00", "Wartungsvertrag Basis", "Monat"),
        ("25", "59.00", "Webcam Full HD", "Stk."),
        ("5", "84.90", "SSD 1 TB", "Stk."),
    )
)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _empty_file(path: Path, source: Database) -> tuple[Database, int]:
    """A new migrated file with the big file's company profile and one client."""
    db = open_database(str(path))
    settings.update_company(db, settings.get_company(source))
    client = clients.create_client(
        db,
        ClientInput(name="Köhler Metallbau GmbH", email="info@koehler.example",
                    addresses=(AddressInput(street="Hafenstraße 4", zip="20457",
                                            city="Hamburg", country="DE"),)),
    )  # fmt: skip
    return db, client.id


def _drafts(db: Database, client_id: int, count: int) -> list[int]:
    inp = InvoiceInput(client_id=client_id, title="Rechnung", lines=LINES)
    return [invoices.create_draft(db, inp).id for _ in range(count)]


def _service(db: Database, ids: list[int]) -> list[float]:
    times = []
    for invoice_id in ids:
        start = time.perf_counter()
        invoices.issue(db, invoice_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _floor(path: Path, ids: list[int]) -> list[float]:
    """The writes of an issue by hand: sequence, number check, invoice row, history row."""
    connection = sqlite3.connect(path, isolation_level=None)
    search_index.register(connection)  # the search index's triggers call it
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")  # as the app runs
    company = connection.execute("SELECT * FROM company_profile").fetchone()
    company_json = json.dumps([str(v) for v in company])
    today = dt.date.today()
    times = []
    for invoice_id in ids:
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        client_id, gross = connection.execute(
            "SELECT client_id, gross FROM invoices WHERE id = ?", (invoice_id,)
        ).fetchone()
        name, number_c = connection.execute(
            "SELECT name, customer_number FROM clients WHERE id = ?", (client_id,)
        ).fetchone()
        period = str(today.year)
        row = connection.execute(
            "SELECT id, next_value FROM number_sequences WHERE doc_type = 'invoice' AND period = ?",
            (period,),
        ).fetchone()
        if row is None:
            connection.execute(
                "INSERT INTO number_sequences (doc_type, period, next_value) "
                "VALUES ('invoice', ?, 1)",
                (period,),
            )
            row = connection.execute(
                "SELECT id, next_value FROM number_sequences WHERE doc_type = 'invoice' "
                "AND period = ?",
                (period,),
            ).fetchone()
        sequence_id, value = row
        while True:
            number = f"FL-{today.year}-{value:05d}"
            value += 1
            if connection.execute("SELECT id FROM invoices WHERE number = ?", (number,)).fetchone():
                continue
            break
        connection.execute(
            "UPDATE number_sequences SET next_value = ? WHERE id = ?", (value, sequence_id)
        )
        snapshot = json.dumps({"name": name, "customer_number": number_c})
        connection.execute(
            "UPDATE invoices SET number = ?, status = 'open', date = ?, due_date = ?, "
            "client_snapshot = ?, company_snapshot = ?, issued_at = ?, updated_at = ?, "
            "paid_amount = 0, open_amount = amount_due WHERE id = ?",
            (number, today.isoformat(), (today + dt.timedelta(days=14)).isoformat(), snapshot,
             company_json, dt.datetime.now().isoformat(), dt.datetime.now().isoformat(),
             invoice_id),
        )  # fmt: skip
        connection.execute(
            "INSERT INTO audit_log (at, entity, entity_id, action, from_state, to_state, "
            "details, actor, summary) VALUES (?, 'invoice', ?, 'issued', 'draft', 'open', ?, "
            "'bench', ?)",
            (dt.datetime.now().isoformat(), invoice_id, json.dumps({"gross": str(gross)}),
             f"Invoice {number} issued"),
        )  # fmt: skip
        connection.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return times


def _trace(db: Database, invoice_id: int) -> None:
    """Every statement of one issue, with its plan."""
    seen: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    for engine in {db.engine}:
        event.listen(engine, "before_cursor_execute", before)
    invoices.issue(db, invoice_id)
    event.remove(db.engine, "before_cursor_execute", before)
    assert db.path is not None
    with sqlite3.connect(db.path) as connection:
        search_index.register(connection)
        for statement, parameters in seen:
            print(f"  {' '.join(statement.split())[:160]}")
            head = statement.lstrip().split()[0].upper()
            if head in ("SELECT", "UPDATE", "INSERT", "DELETE"):
                try:
                    params = parameters if isinstance(parameters, (tuple, list)) else ()
                    for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", params):
                        print(f"      {row[-1]}")
                except sqlite3.Error as exc:
                    print(f"      (no plan: {exc})")


def _summary(label: str, times: list[float]) -> float:
    ordered = sorted(times)
    median = statistics.median(ordered)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(f"{label:38} median {median:6.1f} ms   p90 {p90:6.1f} ms   max {ordered[-1]:6.1f} ms")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/bench100k.sqlite")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    source = Path(args.db)
    if not source.exists() or Path(str(source) + "-wal").exists():
        parser.error(f"{source} is missing or in use (make it with invoicedesk demo)")

    folder = Path(tempfile.mkdtemp(prefix="invoicedesk-bench-issue-"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"file: {source}  (load average before: {load:.2f} on {os.cpu_count()} CPUs)")
    big_path, empty_path = folder / "big.sqlite", folder / "empty.sqlite"
    shutil.copyfile(source, big_path)
    big = open_database(str(big_path))
    with sqlite3.connect(big_path) as connection:
        count = connection.execute("SELECT count(*) FROM invoices").fetchone()[0]
        client_id = connection.execute(
            "SELECT client_id FROM invoices GROUP BY client_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    empty, empty_client = _empty_file(empty_path, big)
    print(f"big file: {count:,} invoices; empty file: 0 invoices, one client")
    os.sync()  # the copy's dirty pages would slow the first fsyncs measured

    if args.trace:
        print("statements of one issue on the big file:")
        _trace(big, _drafts(big, client_id, 1)[0])

    results = {}
    for label, db, path, client in (
        ("empty", empty, empty_path, empty_client),
        ("big", big, big_path, client_id),
    ):
        _service(db, _drafts(db, client, 3))  # warm-up: imports, fonts, caches
        ids = _drafts(db, client, args.runs)
        results[label] = _summary(f"issue ({label} file)", _service(db, ids))
        ids = _drafts(db, client, args.runs)
        db.dispose()
        results[f"{label} floor"] = _summary(f"floor: hand-written SQL ({label} file)",
                                             _floor(path, ids))  # fmt: skip
    print(f"ratio big / empty:   {results['big'] / results['empty']:.2f}x (target <= 2x)")
    print(f"ratio to the floor:  {results['big'] / results['big floor']:.1f}x (big), "
          f"{results['empty'] / results['empty floor']:.1f}x (empty)")  # fmt: skip
    ok = results["big"] <= TARGET_MS and results["big"] <= TARGET_RATIO * results["empty"]
    print(f"target: median <= {TARGET_MS:.0f} ms on the big file, <= {TARGET_RATIO:.0f}x "
          f"the empty file: {'ok' if ok else 'MISSED'}")  # fmt: skip
    shutil.rmtree(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
