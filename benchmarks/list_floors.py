"""Hand-written sqlite3 twins of the invoice list's queries: the floors that
bench_queries.py prints beside the service's figures (issue 11: measured in the same run).

Each floor returns a function that runs the plain SQL once on its own connection.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from invoicedesk.db.search_index import MIN_TERM, fold

_ROWS = (
    "SELECT i.id, i.doc_type, i.number, i.client_id, coalesce(json_extract(i.client_snapshot, "
    "'$.name'), c.name), i.date, i.due_date, i.status, {state}, i.currency, i.net, i.gross, "
    "i.open_amount, i.title FROM invoices AS i JOIN clients AS c ON c.id = i.client_id "
)
_STATE = (
    "CASE WHEN i.status IN ('open', 'part_paid') AND i.due_date < '{today}' "
    "AND i.doc_type = 'invoice' THEN 'overdue' ELSE i.status END"
)
_KEYS = {
    "number": "i.number",
    "client": "s.client",
    "date": "i.date",
    "due_date": "i.due_date",
    "state": _STATE,
    "net": "i.net",
    "gross": "i.gross",
    "open": "i.open_amount",
    "id": "i.id",
}
_LAST = "\U0010ffff"


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False)


def sort_floor(path: Path, sort: str, descending: bool, today: dt.date) -> Callable[[], object]:
    """The first 200 rows in ``sort`` order the plain way: the page's ids by the key (an
    index walk where there is one; the state: its CASE for every invoice, sorted), then
    their rows and tags (the issue's "deferred join" floor)."""
    connection = _connect(path)
    way = "DESC" if descending else "ASC"
    key = _KEYS[sort].format(today=today.isoformat())
    join = " JOIN invoice_search_sort AS s ON s.id = i.id" if sort == "client" else ""
    ids = (
        f"SELECT i.id FROM invoices AS i{join} ORDER BY {key} {way} NULLS LAST, i.id {way} "
        "LIMIT 200"
    )
    state = _STATE.format(today=today.isoformat())
    outer = _KEYS[sort].format(today=today.isoformat()).replace("s.client", "lower(c.name)")
    page = _ROWS.format(state=state) + f"WHERE i.id IN ({ids}) ORDER BY {outer} {way}, i.id {way}"

    def run() -> object:
        rows = connection.execute(page).fetchall()
        return rows, _tags(connection, [r[0] for r in rows])

    return run


def _tags(connection: sqlite3.Connection, ids: list[int]) -> list[tuple[int, str]]:
    marks = ",".join("?" * len(ids))
    return connection.execute(
        "SELECT t.invoice_id, g.name FROM invoice_tags AS t JOIN tags AS g ON g.id = t.tag_id "
        f"WHERE t.invoice_id IN ({marks}) ORDER BY g.name",
        ids,
    ).fetchall()


def _matches(term: str) -> tuple[str, tuple[str, ...]]:
    """The search box's matches for ``term`` as plain SQL: the trigram index for three
    characters or more, else the starts of client names, numbers and customer numbers."""
    folded = fold(term.strip())
    if len(folded) >= MIN_TERM:
        phrase = '"' + folded.replace('"', '""') + '"'
        return "SELECT rowid FROM invoice_search WHERE invoice_search MATCH ?", (phrase,)
    cases = sorted({"".join(p) for p in itertools.product(*({c, c.upper()} for c in folded))})
    numbers = " OR ".join("(number >= ? AND number < ?)" for _ in cases)
    sql = (
        "SELECT id FROM invoice_search_sort WHERE client >= ? AND client < ? UNION "
        f"SELECT id FROM invoices WHERE {numbers} UNION "
        "SELECT id FROM invoices WHERE client_id IN (SELECT id FROM clients "
        "WHERE lower(customer_number) >= ? AND lower(customer_number) < ?)"
    )
    values = [folded, folded + _LAST]
    for case in cases:
        values += [case, case + _LAST]
    return sql, (*values, folded, folded + _LAST)


def search_floor(path: Path, term: str, today: dt.date) -> Callable[[], object]:
    """The search box's first 200 rows (newest first) and the count, by hand: the matches
    from the index, the page either driven by them or walking the date index and checking
    each id against them (``+ 0``), whichever is faster for this term (tried once here)."""
    connection = _connect(path)
    matches, values = _matches(term)
    state = _STATE.format(today=today.isoformat())
    order = " ORDER BY i.date DESC NULLS LAST, i.id DESC LIMIT 200"
    count = f"SELECT count(*) FROM ({matches})"

    def form(probe: str) -> Callable[[], object]:
        page = _ROWS.format(state=state) + f"WHERE i.id{probe} IN ({matches})" + order

        def run() -> object:
            rows = connection.execute(page, values).fetchall()
            tags = _tags(connection, [r[0] for r in rows])
            return rows, tags, connection.execute(count, values).fetchone()

        return run

    return _fastest([form(""), form(" + 0")])


def reload_floor(
    path: Path,
    today: dt.date,
    where: str = "",
    values: tuple[object, ...] = (),
    *,
    count: bool = True,
    json_ids: bool = False,
) -> Callable[[], object]:
    """The list's full reload by hand, as the list model does it: the first 200 rows (newest
    first) with their tags, the count (``count``: the model skips it for a text search, the
    ids give it) and every id in list order, read the plain way (one tuple per row), or
    with ``json_ids`` as the app reads them (one JSON array built by SQLite).
    ``where``: a condition on ``i`` with ``?`` for ``values``; a ``{probe}`` in it is tried
    as ``i.id`` and ``i.id + 0`` once here and the faster kept (as :func:`search_floor`)."""
    connection = _connect(path)
    order = "ORDER BY i.date DESC NULLS LAST, i.id DESC"
    state = _STATE.format(today=today.isoformat())

    def form(probe: str) -> Callable[[], object]:
        condition = "WHERE " + where.replace("{probe}", probe) + " " if where else ""
        first = _ROWS.format(state=state) + condition + order + " LIMIT 200"
        counted = f"SELECT count(*) FROM invoices AS i {condition}"
        every = f"SELECT i.id FROM invoices AS i {condition}{order}"
        array = f"SELECT json_group_array(id) FROM ({every})"

        def run() -> object:
            rows = connection.execute(first, values).fetchall()
            tags = _tags(connection, [r[0] for r in rows])
            total = connection.execute(counted, values).fetchone() if count else None
            if json_ids:
                ids = json.loads(connection.execute(array, values).fetchone()[0])
            else:
                ids = [row[0] for row in connection.execute(every, values)]
            return rows, tags, total, ids

        return run

    if "{probe}" not in where:
        return form("")
    return _fastest([form(""), form(" + 0")])


def reload_cases(
    today: dt.date, client_id: int, term: str
) -> list[tuple[str, str, tuple[object, ...], bool]]:
    """(label, where, values, count) of :func:`reload_floor` for the list's common cases."""
    matches, values = _matches(term)
    not_overdue = "(i.due_date IS NULL OR i.due_date >= ? OR i.doc_type != 'invoice')"
    return [
        ("no filter", "", (), True),
        ("state open", f"i.status = 'open' AND {not_overdue}", (today.isoformat(),), True),
        (f"client {client_id}", "i.client_id = ?", (client_id,), True),
        (f"search {term!r}", f"i.id{{probe}} IN ({matches})", values, False),
    ]


def _fastest(forms: list[Callable[[], Any]]) -> Callable[[], Any]:
    """The quickest of equivalent hand-written forms (SQLite plans "x + 0" differently:
    the floor is the better of the two plans, as a person tuning it by hand would pick)."""
    timings = []
    for run in forms:
        run()
        started = time.perf_counter()
        for _ in range(3):
            run()
        timings.append(time.perf_counter() - started)
    return forms[timings.index(min(timings))]
