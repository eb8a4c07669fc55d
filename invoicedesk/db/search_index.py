"""The search box's index: an SQLite FTS5 trigram table kept current by triggers.

``invoice_search`` holds one row per invoice (rowid = invoice id) with its
number, client name and number, title, label and note in one text column.
Triggers on ``invoices`` and ``clients`` keep it in step inside the same
transaction. Bulk use cases write inside :func:`deferred`: the triggers are dropped
for the rest of the transaction and the rows written meanwhile are indexed at its end
with one ``INSERT … SELECT`` per range of ids (a rollback brings the triggers back with
everything else). A substring
``LIKE '%term%'`` of three or more characters is answered from the trigram
index in milliseconds instead of scanning every invoice.

The table is created by the migrations (plain SQL copied into the revision; a change
here needs a new revision), so the
autogenerate comparison must skip it: :func:`is_search_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

TABLE = "invoice_search"

_TEXT = (
    "coalesce({row}.number, '') || ' ' || "
    "coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = {row}.client_id), '')"
    " || ' ' || {row}.title || ' ' || {row}.label || ' ' || {row}.note"
)

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, tokenize = 'trigram')",
    f"""CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TEXT.format(row="new")});
    END""",
    f"""CREATE TRIGGER invoice_search_update
        AFTER UPDATE OF number, client_id, title, label, note ON invoices BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TEXT.format(row="new")});
    END""",
    f"""CREATE TRIGGER invoice_search_delete AFTER DELETE ON invoices BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER invoice_search_client AFTER UPDATE OF name, customer_number ON clients
    BEGIN
        DELETE FROM {TABLE} WHERE rowid IN (SELECT id FROM invoices WHERE client_id = new.id);
        INSERT INTO {TABLE}(rowid, text)
            SELECT i.id, {_TEXT.format(row="i")} FROM invoices AS i WHERE i.client_id = new.id;
    END""",
]

DROP = [
    "DROP TRIGGER IF EXISTS invoice_search_client",
    "DROP TRIGGER IF EXISTS invoice_search_delete",
    "DROP TRIGGER IF EXISTS invoice_search_update",
    "DROP TRIGGER IF EXISTS invoice_search_insert",
    f"DROP TABLE IF EXISTS {TABLE}",
]

# Terms shorter than a trigram cannot use the index; they scan (and match many rows fast).
MIN_TERM = 3


def is_search_table(name: str | None) -> bool:
    """The FTS5 table and its shadow tables (invoice_search_data, _idx, …)."""
    return bool(name) and (name == TABLE or str(name).startswith(TABLE + "_"))


TRIGGERS = CREATE[1:]
DROP_TRIGGERS = DROP[:4]
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
    """Invoices whose number, client, title, label or note changed while :func:`deferred`."""
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
