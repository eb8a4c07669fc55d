"""Invoice list, counts and grouped reports on 100,000 demo invoices.

Run: ``python benchmarks/bench_queries.py [--db FILE] [--runs N] [--explain] [--reload]``.

Without ``--db`` it uses (and creates on first use, which takes about half a
minute) a cached demo file at /tmp/invoicedesk-bench-100k.sqlite: 100,000
invoices, 2,000 clients, seed 1. Targets: the first page (100 rows) of
``list_invoices`` for any filter or sort in at most 50 ms; ``grouped_totals``
by client and month in at most 300 ms and at most 3x the same GROUP BY written
by hand in plain SQL. Each figure is the median of ``--runs`` runs after one
warm-up run; a query that takes longer than ``--limit`` seconds is aborted.
For every missed target the script prints SQLite's EXPLAIN QUERY PLAN of the
statement the service ran (``--explain`` prints it for every case).

Issue 11's list figures follow, each beside a floor measured in the same run: every sort
key's first page, the search box per term, and the list model's full reload (first 200
rows, count, all ids; target <= 2x the floor) unfiltered and for the common filters, run
by turns with the floor; ``--reload`` runs only that.

This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from list_floors import (  # benchmarks/ (run as a script)
    reload_cases,
    reload_floor,
    search_floor,
    sort_floor,
)
from sqlalchemy import event

from invoicedesk.core.lifecycle import State
from invoicedesk.db.engine import Database, open_database
from invoicedesk.db.models import Base, load_all
from invoicedesk.services.demo import generate_demo
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.reports import grouped_totals
from invoicedesk.services.search import (
    SORT_KEYS,
    InvoiceFilter,
    count_invoices,
    list_invoices,
    row_ids,
    rows_by_id,
    summarize,
)

load_all()  # every table in Base.metadata (the models load when first used)

CACHE = Path("/tmp/invoicedesk-bench-100k.sqlite")
LIST_TARGET_MS = 50.0
SORT_TARGET_MS = 20.0  # issue 11: every sort key's first page
SEARCH_TARGET_MS = 50.0  # issue 11: results of any search term
RELOAD_MAX_RATIO = 2.0  # issue 11: the list's full reload against the raw floor
RELOAD_BLOCK = 200  # the list model's block (ui/invoices/model.py BLOCK)
RELOAD_RUNS = 15
RELOAD_TERM = "gmbh"  # a search term with many matches (19 % of the demo invoices)
SEARCH_TERMS = ("m", "mü", "mül", "muller", "Müller", "gmbh", "RE-2025-0", "no such text")
REPORT_TARGET_MS = 300.0
REPORT_MAX_RATIO = 3.0

# The hand-written twin of grouped_totals(["client", "month"]) without a state filter:
# turnover (open, overdue, partly paid, paid; credit notes negative) in the company currency.
PLAIN_GROUP_BY = """
SELECT c.name, strftime('%Y-%m', i.date) AS month, count(*) AS n,
       sum(CASE WHEN i.doc_type = 'credit_note' THEN -i.net_company ELSE i.net_company END),
       sum(CASE WHEN i.doc_type = 'credit_note' THEN -i.gross_company ELSE i.gross_company END)
FROM invoices AS i JOIN clients AS c ON c.id = i.client_id
WHERE i.status IN ('open', 'part_paid', 'paid')
GROUP BY c.name, month, c.id
ORDER BY c.name, month
"""


# --------------------------------------------------------------------------- the database


def _schema_matches(path: Path) -> bool:
    """Whether a cached file has every table, column and index of the current models (a
    file made before an index was added measures the old plans)."""
    with sqlite3.connect(path) as connection:
        for table in Base.metadata.sorted_tables:
            found = {row[1] for row in connection.execute(f'PRAGMA table_info("{table.name}")')}
            if not {column.name for column in table.columns} <= found:
                return False
            indexes = {row[1] for row in connection.execute(f'PRAGMA index_list("{table.name}")')}
            if not {str(index.name) for index in table.indexes} <= indexes:
                return False
    return True


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def prepare(path: Path | None) -> tuple[Path, Database]:
    if path is not None:
        return path, open_database(str(path))
    if CACHE.exists() and not _schema_matches(CACHE):
        print(f"{CACHE} was made with an older schema; making it again")
        _remove(CACHE)
    if not CACHE.exists():
        print(f"creating {CACHE} (100,000 invoices, 2,000 clients) …", flush=True)
        started = time.perf_counter()
        db = open_database(str(CACHE))
        generate_demo(db, invoices=100_000, clients=2_000, seed=1, today=dt.date.today())
        db.dispose()
        print(f"created in {time.perf_counter() - started:.1f} s")
    return CACHE, open_database(str(CACHE))


# --------------------------------------------------------------------------- measuring


@dataclass
class Watch:
    """Records the SQL the services run and aborts a statement that runs too long."""

    limit: float
    deadline: float | None = None
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def attach(self, db: Database) -> None:
        @event.listens_for(db.engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_progress_handler(self._progress, 10_000)

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if not statement.startswith(("BEGIN", "PRAGMA")):
                self.statements.append((statement, params))

        db.engine.dispose()  # connections made before this get the handler too

    def _progress(self) -> int:
        return int(self.deadline is not None and time.perf_counter() > self.deadline)


@dataclass
class Result:
    label: str
    median_ms: float | None  # None: aborted
    statements: list[tuple[str, Any]]
    target_ms: float | None = None

    @property
    def missed(self) -> bool:
        return self.target_ms is not None and (
            self.median_ms is None or self.median_ms > self.target_ms
        )

    def line(self) -> str:
        figure = "aborted" if self.median_ms is None else f"{self.median_ms:8.1f} ms"
        mark = ""
        if self.target_ms is not None:
            mark = "MISSED" if self.missed else "ok"
        return f"  {self.label:<44} {figure:>12}  {mark}"


def measure(
    watch: Watch, label: str, run: Callable[[], object], runs: int, target: float | None
) -> Result:
    watch.statements = []
    timings: list[float] = []
    for attempt in range(runs + 1):  # the first run warms the caches and is not counted
        if attempt == 1:
            statements = list(watch.statements)
        watch.deadline = time.perf_counter() + watch.limit
        started = time.perf_counter()
        try:
            run()
        except Exception as exc:  # an aborted statement: sqlite3.OperationalError interrupted
            if "interrupt" not in str(exc):
                raise
            watch.deadline = None
            return Result(label, None, list(watch.statements), target)
        finally:
            watch.deadline = None
        if attempt:
            timings.append((time.perf_counter() - started) * 1000)
    return Result(label, statistics.median(timings), statements, target)


def explain(path: Path, statements: list[tuple[str, Any]]) -> None:
    """The plan of the main statement (the page query; the tags of the page come after)."""
    with sqlite3.connect(path) as connection:
        for statement, params in statements[:1]:
            print("      " + " ".join(statement.split())[:160] + " …")
            plan = connection.execute("EXPLAIN QUERY PLAN " + statement, params or ()).fetchall()
            for row in plan:
                print(f"        {row[3]}")


# --------------------------------------------------------------------------- what if

# The suggested schema changes (see benchmarks/README.md), applied to a copy of the file.
WHAT_IF_SCHEMA = (
    "DROP INDEX ix_invoice_lines_product_id",
    "CREATE INDEX ix_invoice_lines_product_id_invoice_id ON invoice_lines (product_id, invoice_id)",
    "DROP INDEX ix_payments_method",
    "CREATE INDEX ix_payments_method_invoice_id ON payments (method, invoice_id)",
    "CREATE INDEX ix_invoices_net ON invoices (net)",
    "CREATE INDEX ix_invoices_gross ON invoices (gross)",
    "CREATE INDEX ix_invoices_open_amount ON invoices (open_amount)",
    "CREATE INDEX ix_invoices_state_sort ON invoices (status, due_date, doc_type)",
    "CREATE INDEX ix_invoices_report ON invoices "
    "(client_id, date, status, doc_type, net_company, gross_company)",
    "CREATE VIRTUAL TABLE invoice_search USING fts5("
    "number, title, label, note, client_name, customer_number, tokenize = 'trigram')",
    "INSERT INTO invoice_search (rowid, number, title, label, note, client_name, customer_number) "
    "SELECT i.id, coalesce(i.number, ''), i.title, i.label, i.note, c.name, c.customer_number "
    "FROM invoices AS i JOIN clients AS c ON c.id = i.client_id",
    "ANALYZE",
)


def what_if(path: Path, today: dt.date, runs: int, limit: float) -> None:
    """Time hand-written versions of the slow queries with the suggested changes on a copy."""
    chosen = picks(path)
    copy = Path(str(path) + ".what-if")
    _remove(copy)
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        for statement in WHAT_IF_SCHEMA:
            target.execute(statement)
        target.commit()
    state = (
        "CASE WHEN i.status IN ('open', 'part_paid') AND i.due_date < :today "
        "AND i.doc_type = 'invoice' THEN 'overdue' ELSE i.status END"
    )
    page = (
        f"SELECT i.id, i.doc_type, i.number, i.client_id, c.name, i.date, i.due_date, i.status, "
        f"{state}, i.currency, i.net, i.gross, i.open_amount, i.title "
        "FROM invoices AS i JOIN clients AS c ON c.id = i.client_id "
    )
    by_date = " ORDER BY i.date DESC NULLS LAST, i.id DESC LIMIT 100"
    like = "'%' || :text || '%'"
    search = " OR ".join(
        f"{column} LIKE {like}"
        for column in ("i.number", "c.name", "c.customer_number", "i.title", "i.label", "i.note")
    )
    cases = [
        ("no filter (date desc)", page + by_date, {}),
        ("state paid", page + "WHERE i.status = 'paid'" + by_date, {}),
        (
            f"number contains '{chosen['year']}-01'",
            page + f"WHERE i.number LIKE {like}" + by_date,
            {"text": f"{chosen['year']}-01"},
        ),
        ("search box 'Müller' (LIKE)", page + f"WHERE ({search})" + by_date, {"text": "Müller"}),
        (
            f"search box '{chosen['number']}' (LIKE)",
            page + f"WHERE ({search})" + by_date,
            {"text": chosen["number"]},
        ),
        (
            f"search box '{chosen['number']}' (FTS5 trigram)",
            page + "WHERE i.id IN (SELECT rowid FROM invoice_search WHERE invoice_search "
            "MATCH '\"' || :text || '\"')" + by_date,
            {"text": chosen["number"]},
        ),
        (
            "tag 'Wartung' (EXISTS)",
            page + "WHERE EXISTS (SELECT 1 FROM invoice_tags AS t JOIN tags ON tags.id = t.tag_id "
            "WHERE t.invoice_id = i.id AND tags.key = 'wartung')" + by_date,
            {},
        ),
        (
            f"product {chosen['product']} (EXISTS)",
            page + "WHERE EXISTS (SELECT 1 FROM invoice_lines AS l "
            "WHERE l.invoice_id = i.id AND l.product_id = :product)" + by_date,
            {"product": chosen["product"]},
        ),
        (
            "paid by PayPal (EXISTS)",
            page + "WHERE EXISTS (SELECT 1 FROM payments AS p "
            "WHERE p.invoice_id = i.id AND p.method = 'paypal')" + by_date,
            {},
        ),
        ("sorted by number asc", page + "ORDER BY i.number ASC NULLS LAST, i.id LIMIT 100", {}),
        ("sorted by due_date desc", page + "ORDER BY i.due_date DESC, i.id DESC LIMIT 100", {}),
        ("sorted by gross desc", page + "ORDER BY i.gross DESC, i.id DESC LIMIT 100", {}),
        (
            "sorted by state asc (ids first)",
            page + f"WHERE i.id IN (SELECT i.id FROM invoices AS i ORDER BY {state}, i.id "
            f"LIMIT 100) ORDER BY {state}, i.id",
            {},
        ),
        (
            "row_ids without the clients join",
            "SELECT i.id FROM invoices AS i ORDER BY i.date DESC NULLS LAST, i.id DESC",
            {},
        ),
        (
            "grouped by client and month (covering index)",
            "SELECT c.name, t.month, t.n, t.net, t.gross FROM (SELECT i.client_id, "
            "strftime('%Y-%m', i.date) AS month, count(*) AS n, "
            "sum(CASE WHEN i.doc_type = 'credit_note' THEN -i.net_company ELSE i.net_company END) "
            "AS net, sum(CASE WHEN i.doc_type = 'credit_note' THEN -i.gross_company "
            "ELSE i.gross_company END) AS gross FROM invoices AS i "
            "WHERE i.status IN ('open', 'part_paid', 'paid') GROUP BY i.client_id, month) AS t "
            "JOIN clients AS c ON c.id = t.client_id ORDER BY c.name, t.month, c.id",
            {},
        ),
    ]  # fmt: skip
    print(f"\nwhat if: the suggested changes on a copy ({copy.name}), hand-written SQL")
    deadline: list[float | None] = [None]
    with sqlite3.connect(copy) as connection:
        connection.set_progress_handler(
            lambda: int(deadline[0] is not None and time.perf_counter() > deadline[0]), 10_000
        )
        for label, sql, params in cases:
            values = {"today": today.isoformat(), **params}
            timings = []
            try:
                for attempt in range(runs + 1):
                    deadline[0] = time.perf_counter() + limit
                    started = time.perf_counter()
                    connection.execute(sql, values).fetchall()
                    if attempt:
                        timings.append((time.perf_counter() - started) * 1000)
            except sqlite3.OperationalError:
                print(Result(label, None, []).line())
                continue
            finally:
                deadline[0] = None
            print(Result(label, statistics.median(timings), []).line(), flush=True)
    _remove(copy)


# --------------------------------------------------------------------------- the cases


def picks(path: Path) -> dict[str, Any]:
    """Real values from the file for the filters: a busy client, a product, a year, a number."""
    with sqlite3.connect(path) as connection:

        def one(sql: str) -> Any:
            return connection.execute(sql).fetchone()[0]

        return {
            "client": one(
                "SELECT client_id FROM invoices GROUP BY client_id ORDER BY count(*) DESC LIMIT 1"
            ),
            "product": one(
                "SELECT product_id FROM invoice_lines WHERE product_id IS NOT NULL "
                "GROUP BY product_id ORDER BY count(*) LIMIT 1 OFFSET 5"
            ),
            "year": one("SELECT max(substr(number, 4, 4)) FROM invoices"),
            "number": one(
                "SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY id "
                "LIMIT 1 OFFSET 5000"
            ),
        }


def reload_filter(label: str, client: int) -> dict[str, Any]:
    """The filter fields of a :func:`reload_cases` label."""
    if label == "state open":
        return {"states": (State.OPEN,)}
    if label.startswith("client"):
        return {"client_id": client}
    if label.startswith("search"):
        return {"search": RELOAD_TERM}
    return {}


def list_cases(path: Path, today: dt.date) -> list[tuple[str, InvoiceFilter, str, bool]]:
    """(label, filter, sort, descending) for the invoice list's first page."""
    chosen = picks(path)
    busy_client, product = chosen["client"], chosen["product"]
    year, number = chosen["year"], chosen["number"]
    first = today.replace(day=1) - dt.timedelta(days=200)
    last = first + dt.timedelta(days=30)
    cases: list[tuple[str, InvoiceFilter, str, bool]] = []

    def case(label: str, sort: str = "date", descending: bool = True, **fields: Any) -> None:
        cases.append((label, InvoiceFilter(today=today, **fields), sort, descending))

    case("no filter (date desc)")
    for state in State:
        case(f"state {state.value}", states=(state,))
    case(f"client {busy_client} (busiest)", client_id=busy_client)
    case(f"number contains '{year}-01'", number=f"{year}-01")
    case("search box 'Müller'", search="Müller")
    case(f"search box '{number}'", search=number)
    case(f"dates {first} … {last}", date_from=first, date_to=last)
    case("tag 'Wartung'", tags=("Wartung",))
    case(f"product {product}", product_id=product)
    case("paid by PayPal", payment_methods=(PaymentMethod.PAYPAL,))
    case("text 'Relaunch'", text="Relaunch")
    case("overdue, by due date", "due_date", False, states=(State.OVERDUE,))
    return cases


def model_reload(db: Database, flt: InvoiceFilter) -> object:
    """What the invoice list model does on a reset (ui/invoices/model.py, ``work`` and
    ``_load``): the first block; unless that is all, the count (not for a text search: the
    ids give it) and every id in list order; the first block again only if it changed."""
    first = list_invoices(db, flt, limit=RELOAD_BLOCK)
    if len(first) < RELOAD_BLOCK:
        return first
    count = None if flt.search.strip() or flt.text.strip() else count_invoices(db, flt)
    ids = row_ids(db, flt)
    if [row.id for row in first] != ids[: len(first)]:
        first = rows_by_id(db, ids[:RELOAD_BLOCK], flt.today)
    return first, count, ids


def paired(ours: Callable[[], object], floor: Callable[[], object], runs: int) -> tuple[
        float, float, float]:  # fmt: skip
    """Median ms of ``ours`` and ``floor`` run by turns (a load change hits both alike) after
    a warm-up each, and the ratio of their best runs: on two busy shared cores a run of a
    few ms loses a whole 4 ms time slice now and then, the longer one more often."""
    ours(), floor()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        for run, timings in ((ours, mine), (floor, theirs)):
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(mine), statistics.median(theirs), min(mine) / min(theirs)


def _ratio(ours: Result, floor: Result) -> str:
    if not ours.median_ms or not floor.median_ms:
        return "  n/a"
    return f"{ours.median_ms / floor.median_ms:4.2f}x"


def extra_sections(db: Database, path: Path, watch: Watch, runs: int, today: dt.date) -> int:
    """Issue 11's list figures: sort keys, search per term length, reload against the floor.
    Returns the number of missed targets."""
    missed = 0
    print(f"\nfirst page (200 rows) per sort key, no filter (target <= {SORT_TARGET_MS:.0f} ms);"
          " floor: the same page by hand (ids by the key first, then their rows)")  # fmt: skip
    for sort in SORT_KEYS:
        for descending in (False, True):
            flt = InvoiceFilter(today=today)
            page = functools.partial(
                list_invoices, db, flt, sort=sort, descending=descending, limit=200
            )
            label = f"sorted by {sort} {'desc' if descending else 'asc'}"
            result = measure(watch, label, page, runs, SORT_TARGET_MS)
            floor = measure(watch, "", sort_floor(path, sort, descending, today), runs, None)
            print(f"{result.line()}  floor {floor.median_ms or 0:5.1f} ms  "
                  f"ratio {_ratio(result, floor)}", flush=True)  # fmt: skip
            missed += result.missed
    print(f"\nsearch box per term length: first 200 rows + count (target <= "
          f"{SEARCH_TARGET_MS:.0f} ms); floor: the same by hand on the same index (the "
          "faster of driving by the matches and checking them along the date index); "
          "all ids after them")  # fmt: skip
    for term in SEARCH_TERMS:
        flt = InvoiceFilter(search=term, today=today)

        def first(flt: InvoiceFilter = flt) -> object:
            return list_invoices(db, flt, limit=200), count_invoices(db, flt)

        result = measure(watch, f"{term!r} ({len(term)} chars)", first, runs, SEARCH_TARGET_MS)
        floor = measure(watch, "", search_floor(path, term, today), runs, None)
        found = count_invoices(db, flt)
        every = measure(watch, "", functools.partial(row_ids, db, flt), runs, None)
        print(f"{result.line()}  floor {floor.median_ms or 0:5.1f} ms  ratio "
              f"{_ratio(result, floor)}  {found:>7,} found; all ids "
              f"{every.median_ms or 0:5.1f} ms")  # fmt: skip
        missed += result.missed
    return missed + (not reload_section(db, path, runs, today))


def reload_section(db: Database, path: Path, runs: int, today: dt.date) -> bool:
    """The list model's full reload against its floor, unfiltered (the target) and for the
    common filters; whether the target is met."""
    print(f"\nthe list's full reload as the model does it: first {RELOAD_BLOCK} rows + count "
          f"+ all ids, date desc (target <= {RELOAD_MAX_RATIO:.0f}x the floor); floor: the same "
          "with sqlite3 by hand; run by turns, median of "
          f"{max(runs, RELOAD_RUNS)}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    ok = True
    client = picks(path)["client"]
    for label, where, values, _count in reload_cases(today, client, RELOAD_TERM):
        flt = InvoiceFilter(today=today, **reload_filter(label, client))
        floor = reload_floor(path, today, where, values, count=_count)
        mine, theirs, best = paired(
            functools.partial(model_reload, db, flt), floor, max(runs, RELOAD_RUNS)
        )
        found = len(row_ids(db, flt))
        met = mine / theirs <= RELOAD_MAX_RATIO
        if label == "no filter":  # the target; the filtered cases are for comparison
            ok = met
            flag = "ok" if met else "MISSED"
        else:
            flag = "(<= 2x)" if met else "(over 2x)"
        print(f"  {label:<18} service {mine:6.1f} ms  floor {theirs:6.1f} ms  ratio "
              f"{mine / theirs:4.2f}x (best runs {best:4.2f}x) {flag}  {found:>7,} rows",
              flush=True)  # fmt: skip
    # The app reads the ids as one JSON array (db/storage.py); the same trick by hand:
    reload = functools.partial(model_reload, db, InvoiceFilter(today=today))
    floor = reload_floor(path, today, json_ids=True)
    mine, theirs, best = paired(reload, floor, max(runs, RELOAD_RUNS))
    print(f"  no filter, against a floor reading the ids as one JSON array too: service "
          f"{mine:.1f} ms  floor {theirs:.1f} ms  ratio {mine / theirs:4.2f}x (best runs "
          f"{best:4.2f}x)")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an InvoiceDesk database (default: the cache)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--limit", type=float, default=10.0, help="abort after N s (default 10)")
    parser.add_argument("--explain", action="store_true", help="query plans for every case")
    parser.add_argument(
        "--what-if", action="store_true", help="also time the suggested fixes on a copy"
    )
    parser.add_argument("--reload", action="store_true", help="only the list's full reload")
    args = parser.parse_args()

    path, db = prepare(args.db)
    today = dt.date.today()
    if args.reload:
        print(f"{path}")
        return 0 if reload_section(db, path, args.runs, today) else 1
    watch = Watch(args.limit)
    watch.attach(db)
    with sqlite3.connect(path) as connection:
        invoices = connection.execute("SELECT count(*) FROM invoices").fetchone()[0]
        lines = connection.execute("SELECT count(*) FROM invoice_lines").fetchone()[0]
    if not invoices:
        print(f"{path} has no invoices; make demo data first (invoicedesk demo --db FILE)")
        return 2
    size = path.stat().st_size
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{path}: {invoices:,} documents, {lines:,} lines, {size / 1e6:.0f} MB")
    print(f"today {today}; median of {args.runs} runs; load average {load:.2f}")
    results: list[Result] = []

    print(f"\nlist_invoices, first page of 100 (target <= {LIST_TARGET_MS:.0f} ms)")
    for label, flt, sort, descending in list_cases(path, today):
        page = functools.partial(
            list_invoices, db, flt, sort=sort, descending=descending, limit=100
        )
        result = measure(watch, label, page, args.runs, LIST_TARGET_MS)
        print(result.line(), flush=True)
        results.append(result)

    print("\ncounts and sums (no target of their own)")
    for label, run in (
        ("count_invoices, no filter", lambda: count_invoices(db, InvoiceFilter(today=today))),
        (
            "count_invoices, overdue",
            lambda: count_invoices(db, InvoiceFilter(states=(State.OVERDUE,), today=today)),
        ),
        ("summarize (footer totals), no filter", lambda: summarize(db, InvoiceFilter(today=today))),
        (
            "row_ids, no filter (all ids, date desc)",
            lambda: row_ids(db, InvoiceFilter(today=today)),
        ),
    ):
        result = measure(watch, label, run, args.runs, None)
        print(result.line(), flush=True)
        results.append(result)

    ids = row_ids(db, InvoiceFilter(today=today))
    block = ids[len(ids) // 2 : len(ids) // 2 + 100]
    result = measure(
        watch,
        "rows_by_id, a block of 100",
        lambda: rows_by_id(db, block, today),
        args.runs,
        LIST_TARGET_MS,
    )
    print(result.line())
    results.append(result)

    print(
        f"\ngrouped_totals(['client', 'month']) (target <= {REPORT_TARGET_MS:.0f} ms "
        f"and <= {REPORT_MAX_RATIO:.0f}x plain SQL)"
    )
    report = measure(
        watch,
        "grouped_totals (service)",
        lambda: grouped_totals(db, ["client", "month"], InvoiceFilter(today=today)),
        args.runs,
        REPORT_TARGET_MS,
    )
    print(report.line())
    results.append(report)
    timings = []
    with sqlite3.connect(path) as connection:
        plain_rows = connection.execute(PLAIN_GROUP_BY).fetchall()  # warm-up
        for _ in range(args.runs):
            started = time.perf_counter()
            plain_rows = connection.execute(PLAIN_GROUP_BY).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    plain_ms = statistics.median(timings)
    print(Result("same GROUP BY, plain SQL (sqlite3)", plain_ms, []).line())
    service_report = grouped_totals(db, ["client", "month"], InvoiceFilter(today=today))
    same = len(service_report.rows) == len(plain_rows) and sum(
        r.count for r in service_report.rows
    ) == sum(row[2] for row in plain_rows)
    ratio = (report.median_ms or float("inf")) / plain_ms
    ratio_ok = ratio <= REPORT_MAX_RATIO
    print(
        f"  ratio service / plain SQL: {ratio:.2f}x  {'ok' if ratio_ok else 'MISSED'}"
        f"  ({len(plain_rows):,} groups; same groups and counts: {same})"
    )

    extra_missed = extra_sections(db, path, watch, args.runs, today)
    missed = [r for r in results if r.missed or args.explain]
    if missed or not ratio_ok:
        print("\nquery plans" + ("" if args.explain else " of the missed targets"))
        for result in missed:
            print(f"  {result.label}:")
            explain(path, result.statements)
        if not ratio_ok and report not in missed:
            print(f"  {report.label}:")
            explain(path, report.statements)
    if args.what_if:
        what_if(path, today, args.runs, args.limit)
    failed = sum(r.missed for r in results) + (not ratio_ok) + extra_missed
    print(f"\n{failed} target(s) missed" if failed else "\nall targets met")
    db.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
