"""The search box's index: an SQLite FTS5 trigram table kept current by triggers.

``invoice_search`` holds one row per invoice (rowid = invoice id) with its
number, client name and number, title, label and note in one text column, folded
by :func:`fold` (accents dropped, case folded: "Müller" is stored as "muller").
``invoice_search_sort`` holds each invoice's client as the list shows it, folded
the same way, with an index: the list sorts by client and the search box matches
short terms against the start of client names without reading every invoice.

Triggers on ``invoices`` and ``clients`` keep both in step inside the same
transaction. The folding runs in Python: every connection of the app registers it
as the SQL function ``invoicedesk_fold`` (:func:`register`). A program that changes
invoices or client names in the file without registering it gets "no such function:
invoicedesk_fold" and changes nothing; reading works everywhere. (SQLite 3.45's
``remove_diacritics`` for the trigram tokenizer would need no function; this
SQLite is older, and ``replace()`` chains for every accented letter exceed SQLite's
parser depth.)

Bulk use cases write inside :func:`deferred`: the triggers are dropped
for the rest of the transaction and the rows written meanwhile are indexed at its end
with one ``INSERT … SELECT`` per range of ids (a rollback brings the triggers back with
everything else). A substring ``LIKE '%term%'`` of three or more characters is
answered from the trigram index in milliseconds instead of scanning every invoice;
one or two characters match the start of the number, the client's name or its
customer number (:func:`condition`).

The tables are created by the migrations (plain SQL copied into the revision; a change
here needs a new revision), so the
autogenerate comparison must skip them: :func:`is_search_table`.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, func, or_, select, table, union
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

TABLE = "invoice_search"
SORT_TABLE = "invoice_search_sort"
FOLD = "invoicedesk_fold"

# Letters NFKD does not take apart; combining marks (U+0300–U+036F) are dropped.
_STRIP: dict[int, str | None] = {cp: None for cp in range(0x300, 0x370)}
_STRIP.update(
    {ord(k): v for k, v in {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ħ": "h",
        "Ħ": "H", "ı": "i", "ŧ": "t", "Ŧ": "T",
    }.items()}
)  # fmt: skip


def fold(text: str | None) -> str:
    """``text`` as the index stores it and the search box looks it up: accents dropped,
    case folded ("Müller" → "muller", "Straße" → "strasse"). The one folding function:
    the index, the sort keys and the search terms all go through it."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_STRIP).casefold()


def register(dbapi_connection: Any) -> None:
    """Make :func:`fold` available to SQL (and so to the triggers) on a driver connection."""
    dbapi_connection.create_function(FOLD, 1, fold, deterministic=True)


_TEXT = (
    FOLD + "(coalesce({row}.number, '') || ' ' || "
    "coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = {row}.client_id), '')"
    " || ' ' || {row}.title || ' ' || {row}.label || ' ' || {row}.note)"
)
# The client as the list shows it: an issued document's snapshot, else the client's name.
_CLIENT = (
    FOLD + "(coalesce(json_extract({row}.client_snapshot, '$.name'), "
    "(SELECT name FROM clients WHERE id = {row}.client_id), ''))"
)

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, tokenize = 'trigram')",
    f"CREATE TABLE {SORT_TABLE} (id INTEGER PRIMARY KEY, client TEXT NOT NULL)",
    f"CREATE INDEX ix_{SORT_TABLE}_client ON {SORT_TABLE} (client)",
    f"""CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TEXT.format(row="new")});
        INSERT OR REPLACE INTO {SORT_TABLE}(id, client)
            VALUES (new.id, {_CLIENT.format(row="new")});
    END""",
    f"""CREATE TRIGGER invoice_search_update
        AFTER UPDATE OF number, client_id, title, label, note ON invoices BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TEXT.format(row="new")});
    END""",
    f"""CREATE TRIGGER invoice_search_sort_update
        AFTER UPDATE OF client_id, client_snapshot ON invoices BEGIN
        INSERT OR REPLACE INTO {SORT_TABLE}(id, client)
            VALUES (new.id, {_CLIENT.format(row="new")});
    END""",
    f"""CREATE TRIGGER invoice_search_delete AFTER DELETE ON invoices BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        DELETE FROM {SORT_TABLE} WHERE id = old.id;
    END""",
    f"""CREATE TRIGGER invoice_search_client AFTER UPDATE OF name, customer_number ON clients
    BEGIN
        DELETE FROM {TABLE} WHERE rowid IN (SELECT id FROM invoices WHERE client_id = new.id);
        INSERT INTO {TABLE}(rowid, text)
            SELECT i.id, {_TEXT.format(row="i")} FROM invoices AS i WHERE i.client_id = new.id;
        INSERT OR REPLACE INTO {SORT_TABLE}(id, client)
            SELECT i.id, {_CLIENT.format(row="i")} FROM invoices AS i
            WHERE i.client_id = new.id AND json_extract(i.client_snapshot, '$.name') IS NULL;
    END""",
]

DROP = [
    "DROP TRIGGER IF EXISTS invoice_search_client",
    "DROP TRIGGER IF EXISTS invoice_search_delete",
    "DROP TRIGGER IF EXISTS invoice_search_sort_update",
    "DROP TRIGGER IF EXISTS invoice_search_update",
    "DROP TRIGGER IF EXISTS invoice_search_insert",
    f"DROP TABLE IF EXISTS {SORT_TABLE}",
    f"DROP TABLE IF EXISTS {TABLE}",
]

# Terms shorter than a trigram cannot use the index; they match the start of the number,
# the client's name or its customer number instead (indexed: no scan of every invoice).
MIN_TERM = 3

_SEARCH = table(TABLE, column("rowid"), column("text"))
SORT = table(SORT_TABLE, column("id"), column("client"))
_INVOICES = table("invoices", column("id"), column("number"), column("client_id"))
_CLIENTS = table("clients", column("id"), column("customer_number"))
_LAST = "\U0010ffff"  # sorts after any text that starts with the same characters


def condition(invoice_id: Any, term: str) -> ColumnElement[bool] | None:
    """Invoices the search box finds for ``term``, from the index (None for no term).

    Three characters or more: the folded term anywhere, as an FTS5 phrase (its trigrams
    in a row — ten times faster than ``LIKE``, which rereads every candidate's text; and
    ``%`` or ``_`` are plain characters in it). One or two: the start of the number, the
    client's name or its customer number.

    ``invoice_id`` may be ``Invoice.id + 0`` for a term that matches many invoices: the
    query then walks the index of the list's order and checks each id against the
    matches (SQLite builds the set once), instead of reading every match and sorting."""
    folded = fold(term.strip())
    if not folded:
        return None
    return or_(*(invoice_id.in_(found) for found in _matching(folded)))


def anywhere(invoice_id: Any, text: str) -> ColumnElement[bool] | None:
    """A superset of the invoices whose number, client, title, label or note contains
    ``text`` (folded): for narrowing a ``LIKE`` on one of them. None below three characters."""
    folded = fold(text.strip())
    if len(folded) < MIN_TERM:
        return None
    return invoice_id.in_(_matching(folded)[0])  # type: ignore[no-any-return]


def hits(session: Session, term: str) -> int | None:
    """How many invoices :func:`condition` finds for ``term``, counted in the index alone
    (about a millisecond for 19,000 matches); None for no term."""
    folded = fold(term.strip())
    if not folded:
        return None
    return int(session.scalar(_counted(folded)) or 0)


@functools.lru_cache(maxsize=64)  # while typing, the same few terms come back
def _counted(folded: str) -> Select[Any]:
    sets = _matching(folded)
    found = sets[0] if len(sets) == 1 else union(*sets)
    return select(func.count()).select_from(found.subquery())


@functools.lru_cache(maxsize=64)  # built once per term: building costs more than running
def _matching(folded: str) -> tuple[Select[Any], ...]:
    """The id sets :func:`condition` ORs for a folded term."""
    if len(folded) >= MIN_TERM:
        phrase = '"' + folded.replace('"', '""') + '"'
        return (select(_SEARCH.c.rowid).where(_SEARCH.c.text.op("MATCH")(phrase)),)
    customer = func.lower(_CLIENTS.c.customer_number)
    return (
        select(SORT.c.id).where(*_starts(SORT.c.client, folded)),
        select(_INVOICES.c.id).where(
            or_(*(and_(*_starts(_INVOICES.c.number, v)) for v in _cases(folded)))
        ),
        select(_INVOICES.c.id).where(
            _INVOICES.c.client_id.in_(select(_CLIENTS.c.id).where(*_starts(customer, folded)))
        ),
    )


def _starts(col: Any, prefix: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """``col`` starts with ``prefix`` as a range, which an index answers (LIKE would not)."""
    return col >= prefix, col < prefix + _LAST


def _cases(text: str) -> set[str]:
    """Each upper/lower case spelling of a short ``text`` (numbers are stored as written)."""
    return {"".join(p) for p in itertools.product(*({c.lower(), c.upper()} for c in text))}


def is_search_table(name: str | None) -> bool:
    """The FTS5 table, its shadow tables (invoice_search_data, _idx, …) and the sort keys."""
    return bool(name) and (name == TABLE or str(name).startswith(TABLE + "_"))


TRIGGERS = CREATE[3:]
DROP_TRIGGERS = DROP[:5]
_DEFERRED = "invoicedesk.search_index.deferred"


@dataclass(slots=True)
class _Deferral:
    depth: int = 1
    added: set[int] = field(default_factory=set)  # new rows: not in the index yet
    changed: set[int] = field(default_factory=set)  # rows whose indexed text may have changed


def _has_triggers(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'invoice_search_insert'"
    ).first()
    return found is not None


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Keep the index by hand for the rest of this block (in the caller's write transaction).

    Inside, writers report the invoice ids they insert (:func:`added`) or change
    (:func:`changed`); on leaving the outermost block those rows are indexed and the
    triggers come back. Nested blocks join the outer one. On an error nothing is
    indexed: the caller's transaction is rolled back, the dropped triggers with it.
    """
    state = session.info.get(_DEFERRED)
    if state is not None:
        state.depth += 1
        try:
            yield
        finally:
            state.depth -= 1
        return
    connection = session.connection()
    if not _has_triggers(connection):
        yield
        return
    for statement in DROP_TRIGGERS:
        connection.exec_driver_sql(statement)
    state = session.info[_DEFERRED] = _Deferral()
    try:
        yield
        _index(connection, state)
        for statement in TRIGGERS:
            connection.exec_driver_sql(statement)
    finally:
        session.info.pop(_DEFERRED, None)


def added(session: Session, ids: Iterable[int]) -> None:
    """Invoices inserted while :func:`deferred` (nothing to do when it is not)."""
    state = session.info.get(_DEFERRED)
    if state is not None:
        state.added.update(ids)


def changed(session: Session, ids: Iterable[int]) -> None:
    """Invoices whose number, client (or its snapshot, at issue), title, label or note
    changed while :func:`deferred`."""
    state = session.info.get(_DEFERRED)
    if state is not None:
        state.changed.update(ids)


def _ranges(ids: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive ids as (first, last)."""
    first = last = None
    for value in sorted(ids):
        if last is not None and value == last + 1:
            last = value
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = value
    if first is not None and last is not None:
        yield first, last


def _index(connection: Connection, state: _Deferral) -> None:
    stale = state.changed - state.added
    for first, last in _ranges(stale):
        connection.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE rowid BETWEEN ? AND ?", (first, last)
        )
    for first, last in _ranges(state.added | stale):
        connection.exec_driver_sql(
            f"INSERT INTO {TABLE}(rowid, text) SELECT i.id, {_TEXT.format(row='i')} "
            "FROM invoices AS i WHERE i.id BETWEEN ? AND ?",
            (first, last),
        )
        connection.exec_driver_sql(
            f"INSERT OR REPLACE INTO {SORT_TABLE}(id, client) "
            f"SELECT i.id, {_CLIENT.format(row='i')} FROM invoices AS i "
            "WHERE i.id BETWEEN ? AND ?",
            (first, last),
        )
