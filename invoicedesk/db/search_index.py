"""The search box's index: an SQLite FTS5 trigram table kept current by triggers.

``invoice_search`` holds one row per invoice (rowid = invoice id) with its
number, client name and number, title, label and note in one text column.
Triggers on ``invoices`` and ``clients`` keep it in step inside the same
transaction, so bulk inserts (demo, import) need nothing extra. A substring
``LIKE '%term%'`` of three or more characters is answered from the trigram
index in milliseconds instead of scanning every invoice.

The table is created by the migrations (plain SQL copied into the revision; a change
here needs a new revision), so the
autogenerate comparison must skip it: :func:`is_search_table`.
"""

from __future__ import annotations

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
