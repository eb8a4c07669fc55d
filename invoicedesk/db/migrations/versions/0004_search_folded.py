"""search index folded (accents, case) and the list's client sort keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 21:00:00

The search text is stored folded by the SQL function ``invoicedesk_fold`` (registered by
the app on every connection, db/search_index.py): "Muller" finds "Müller".
``invoice_search_sort`` holds each invoice's shown client name, folded, with an index:
the list sorts by client and short search terms match the start of names from it.
``ix_invoices_status_id`` lets the list sort by state without sorting (each status's
invoices in id order). All are filled here (about 10 s for 100,000 invoices).
"""

# ruff: noqa: E501
from collections.abc import Sequence

from alembic import op

from invoicedesk.db.search_index import register

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from invoicedesk/db/search_index.py when this revision was written (frozen).
CREATE = [
    "CREATE VIRTUAL TABLE invoice_search USING fts5(text, tokenize = 'trigram')",
    "CREATE TABLE invoice_search_sort (id INTEGER PRIMARY KEY, client TEXT NOT NULL)",
    "CREATE INDEX ix_invoice_search_sort_client ON invoice_search_sort (client)",
    "CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, invoicedesk_fold(coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note));\n        INSERT OR REPLACE INTO invoice_search_sort(id, client)\n            VALUES (new.id, invoicedesk_fold(coalesce(json_extract(new.client_snapshot, '$.name'), (SELECT name FROM clients WHERE id = new.client_id), '')));\n    END",
    "CREATE TRIGGER invoice_search_update\n        AFTER UPDATE OF number, client_id, title, label, note ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, invoicedesk_fold(coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note));\n    END",
    "CREATE TRIGGER invoice_search_sort_update\n        AFTER UPDATE OF client_id, client_snapshot ON invoices BEGIN\n        INSERT OR REPLACE INTO invoice_search_sort(id, client)\n            VALUES (new.id, invoicedesk_fold(coalesce(json_extract(new.client_snapshot, '$.name'), (SELECT name FROM clients WHERE id = new.client_id), '')));\n    END",
    "CREATE TRIGGER invoice_search_delete AFTER DELETE ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n        DELETE FROM invoice_search_sort WHERE id = old.id;\n    END",
    "CREATE TRIGGER invoice_search_client AFTER UPDATE OF name, customer_number ON clients\n    BEGIN\n        DELETE FROM invoice_search WHERE rowid IN (SELECT id FROM invoices WHERE client_id = new.id);\n        INSERT INTO invoice_search(rowid, text)\n            SELECT i.id, invoicedesk_fold(coalesce(i.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = i.client_id), '') || ' ' || i.title || ' ' || i.label || ' ' || i.note) FROM invoices AS i WHERE i.client_id = new.id;\n        INSERT OR REPLACE INTO invoice_search_sort(id, client)\n            SELECT i.id, invoicedesk_fold(coalesce(json_extract(i.client_snapshot, '$.name'), (SELECT name FROM clients WHERE id = i.client_id), '')) FROM invoices AS i\n            WHERE i.client_id = new.id AND json_extract(i.client_snapshot, '$.name') IS NULL;\n    END",
]
DROP = [
    "DROP TRIGGER IF EXISTS invoice_search_client",
    "DROP TRIGGER IF EXISTS invoice_search_delete",
    "DROP TRIGGER IF EXISTS invoice_search_sort_update",
    "DROP TRIGGER IF EXISTS invoice_search_update",
    "DROP TRIGGER IF EXISTS invoice_search_insert",
    "DROP TABLE IF EXISTS invoice_search_sort",
    "DROP TABLE IF EXISTS invoice_search",
]
FILL = [
    "INSERT INTO invoice_search(rowid, text) SELECT i.id, invoicedesk_fold(coalesce(i.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = i.client_id), '') || ' ' || i.title || ' ' || i.label || ' ' || i.note) FROM invoices AS i",
    "INSERT INTO invoice_search_sort(id, client) SELECT i.id, invoicedesk_fold(coalesce(json_extract(i.client_snapshot, '$.name'), (SELECT name FROM clients WHERE id = i.client_id), '')) FROM invoices AS i",
]

# The index of revision 0001 (raw text), for the downgrade.
OLD_TEXT = (
    "coalesce(i.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number "
    "FROM clients WHERE id = i.client_id), '') || ' ' || i.title || ' ' || i.label || ' ' "
    "|| i.note"
)
OLD_CREATE = [
    "CREATE VIRTUAL TABLE invoice_search USING fts5(text, tokenize = 'trigram')",
    "CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note);\n    END",  # noqa: E501
    "CREATE TRIGGER invoice_search_update\n        AFTER UPDATE OF number, client_id, title, label, note ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note);\n    END",  # noqa: E501
    "CREATE TRIGGER invoice_search_delete AFTER DELETE ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n    END",  # noqa: E501
    "CREATE TRIGGER invoice_search_client AFTER UPDATE OF name, customer_number ON clients\n    BEGIN\n        DELETE FROM invoice_search WHERE rowid IN (SELECT id FROM invoices WHERE client_id = new.id);\n        INSERT INTO invoice_search(rowid, text)\n            SELECT i.id, coalesce(i.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = i.client_id), '') || ' ' || i.title || ' ' || i.label || ' ' || i.note FROM invoices AS i WHERE i.client_id = new.id;\n    END",  # noqa: E501
]


def upgrade() -> None:
    bind = op.get_bind()
    register(bind.connection.dbapi_connection)  # this connection may not be the app's
    for statement in DROP:  # the 0001 triggers and table have the same names
        op.execute(statement)
    for statement in CREATE[:3] + FILL + CREATE[3:]:  # fill before the triggers exist
        op.execute(statement)
    op.create_index("ix_invoices_status_id", "invoices", ["status", "id", "doc_type", "due_date"])
    # The planner needs to know the new indexes are selective to walk them for the client
    # and state sorts, and that one status may be most invoices (never statistics of an
    # empty table: a new file gets them after its first bulk work).
    if bind.exec_driver_sql("SELECT 1 FROM invoice_search_sort LIMIT 1").first():
        op.execute("ANALYZE invoice_search_sort")
        op.execute("ANALYZE ix_invoices_status_id")


def downgrade() -> None:
    op.drop_index("ix_invoices_status_id", table_name="invoices")
    for statement in DROP:
        op.execute(statement)
    op.execute(OLD_CREATE[0])
    op.execute(
        f"INSERT INTO invoice_search(rowid, text) SELECT i.id, {OLD_TEXT} FROM invoices AS i"
    )
    for statement in OLD_CREATE[1:]:
        op.execute(statement)
