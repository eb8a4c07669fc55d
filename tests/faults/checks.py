"""What every database file must look like after any fault: the invariants of the models.

Read with the standard library's ``sqlite3`` straight from the file (not through our
services), so a check never repairs or hides what it looks at. Each function returns a
list of problems in words; an empty list means the file is sound.

The invariants, from ``invoicedesk/db/models`` and the services that write them:

* SQLite's own ``integrity_check`` and ``foreign_key_check`` (no line, tax row, payment
  or archived PDF without its invoice);
* an issued document (any state but draft) has its number, date, due date, issue time,
  client and company snapshots, at least one line and its tax breakdown, and
  ``net``/``tax`` equal the sums of that breakdown, ``gross = net + tax``;
* a draft has no number, no issue time, no payments, no archived PDF, no "issued" entry;
* ``paid_amount`` is the sum of the payments booked on the document (for a credit note
  also what it settled on its invoice), ``open_amount = amount_due - paid_amount``
  (0 for drafts and cancelled ones), and the state follows from them;
* the audit log: one "issued" entry per issued document, one "payment_recorded" entry
  per payment (naming its id), one "credited" entry per settlement by a credit note;
* numbers are gapless per sequence: the issued numbers of each (type, period) are
  exactly values 1 … next_value - 1 of that ``number_sequences`` row;
* outbox: a mail marked sent has its send time and its "sent" entry, and so does its
  invoice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from invoicedesk.core.lifecycle import status_after_payment
from invoicedesk.core.numbering import DEFAULT_PATTERNS, format_number, period_key
from invoicedesk.db.types import SCALE

DOCUMENT_TYPES = ("invoice", "credit_note")


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection to the file, as any SQLite tool would open it."""
    if not path.exists():
        raise FileNotFoundError(path)
    return sqlite3.connect(path, timeout=30)


def integrity_problems(path: Path) -> list[str]:
    with closing(connect(path)) as connection:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            return [f"integrity_check: {'; '.join(map(str, verdict))[:500]}"]
        dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            return [f"foreign_key_check: {dangling[:5]} ({len(dangling)} rows)"]
    return []


def _ids(connection: sqlite3.Connection, sql: str) -> list[object]:
    return [row[0] for row in connection.execute(sql)]


def _check(problems: list[str], what: str, rows: list[object]) -> None:
    if rows:
        problems.append(f"{what}: {rows[:8]}{' …' if len(rows) > 8 else ''} ({len(rows)})")


def document_problems(connection: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    issued = "status != 'draft'"
    _check(problems, "issued without number/date/due date/issue time/snapshots", _ids(
        connection,
        f"SELECT id FROM invoices WHERE {issued} AND (number IS NULL OR date IS NULL "
        "OR due_date IS NULL OR issued_at IS NULL OR client_snapshot IS NULL "
        "OR company_snapshot IS NULL)",
    ))  # fmt: skip
    _check(problems, "issued without lines", _ids(
        connection,
        f"SELECT id FROM invoices i WHERE {issued} "
        "AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)",
    ))  # fmt: skip
    _check(problems, "issued without tax breakdown, or net/tax not its sums", _ids(
        connection,
        f"SELECT id FROM invoices i WHERE {issued} AND ("
        " NOT EXISTS (SELECT 1 FROM invoice_taxes t WHERE t.invoice_id = i.id)"
        " OR net != (SELECT sum(base) FROM invoice_taxes t WHERE t.invoice_id = i.id)"
        " OR tax != (SELECT sum(amount) FROM invoice_taxes t WHERE t.invoice_id = i.id))",
    ))  # fmt: skip
    _check(problems, "gross != net + tax", _ids(
        connection, "SELECT id FROM invoices WHERE gross != net + tax"
    ))  # fmt: skip
    _check(problems, "draft with a number or issue time", _ids(
        connection,
        "SELECT id FROM invoices WHERE status = 'draft' "
        "AND (number IS NOT NULL OR issued_at IS NOT NULL)",
    ))  # fmt: skip
    _check(problems, "payment on a draft", _ids(
        connection,
        "SELECT p.id FROM payments p JOIN invoices i ON i.id = p.invoice_id "
        "WHERE i.status = 'draft'",
    ))  # fmt: skip
    _check(problems, "archived PDF of a draft", _ids(
        connection,
        "SELECT d.id FROM stored_documents d JOIN invoices i ON i.id = d.invoice_id "
        "WHERE i.status = 'draft'",
    ))  # fmt: skip
    _check(problems, "line positions not 1…n", _ids(
        connection,
        "SELECT invoice_id FROM invoice_lines GROUP BY invoice_id "
        "HAVING min(position) != 1 OR max(position) != count(*) "
        "OR count(DISTINCT position) != count(*)",
    ))  # fmt: skip
    wrong_state = []
    for row in connection.execute(
        "SELECT i.id, i.status, i.amount_due, i.paid_amount, i.open_amount, "
        "(SELECT coalesce(sum(amount), 0) FROM payments p "
        " WHERE p.invoice_id = i.id OR p.credit_note_id = i.id) FROM invoices i"
    ):
        number, status, due, paid, open_, booked = row
        if paid != booked:
            wrong_state.append((number, "paid_amount", paid, "payments", booked))
        elif status in ("draft", "cancelled"):
            if open_ != 0:
                wrong_state.append((number, status, "open_amount", open_))
        elif open_ != due - paid:
            wrong_state.append((number, "open_amount", open_, "due - paid", due - paid))
        elif status != status_after_payment(Decimal(due) / SCALE, Decimal(paid) / SCALE).value:
            wrong_state.append((number, "status", status, "due", due, "paid", paid))
    _check(problems, "amounts or state not following the payments", wrong_state)
    return problems


def audit_problems(connection: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    _check(problems, "issued documents without exactly one 'issued' entry", _ids(
        connection,
        "SELECT i.id FROM invoices i WHERE i.status != 'draft' AND (SELECT count(*) "
        "FROM audit_log a WHERE a.entity = 'invoice' AND a.entity_id = i.id "
        "AND a.action = 'issued') != 1",
    ))  # fmt: skip
    _check(problems, "'issued' entries of drafts or of no document", _ids(
        connection,
        "SELECT a.id FROM audit_log a LEFT JOIN invoices i ON i.id = a.entity_id "
        "WHERE a.entity = 'invoice' AND a.action = 'issued' "
        "AND (i.id IS NULL OR i.status = 'draft')",
    ))  # fmt: skip
    _check(problems, "payments without exactly one 'payment_recorded' entry", _ids(
        connection,
        "SELECT p.id FROM payments p WHERE p.method != 'credit_note' AND (SELECT count(*) "
        "FROM audit_log a WHERE a.entity = 'invoice' AND a.entity_id = p.invoice_id "
        "AND a.action = 'payment_recorded' "
        "AND json_extract(a.details, '$.payment_id') = p.id) != 1",
    ))  # fmt: skip
    _check(problems, "'payment_recorded' entries without their payment", _ids(
        connection,
        "SELECT a.id FROM audit_log a WHERE a.action = 'payment_recorded' AND NOT EXISTS "
        "(SELECT 1 FROM payments p WHERE p.id = json_extract(a.details, '$.payment_id')) "
        "AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.action = 'payment_removed' "
        "AND r.entity_id = a.entity_id)",
    ))  # fmt: skip
    _check(problems, "settlements by credit note without their 'credited' entry", _ids(
        connection,
        "SELECT i.id FROM invoices i WHERE (SELECT count(*) FROM payments p "
        "WHERE p.invoice_id = i.id AND p.method = 'credit_note') != (SELECT count(*) "
        "FROM audit_log a WHERE a.entity = 'invoice' AND a.entity_id = i.id "
        "AND a.action = 'credited')",
    ))  # fmt: skip
    _check(problems, "mail marked sent without send time or 'sent' entry", _ids(
        connection,
        "SELECT m.id FROM outgoing_mail m WHERE m.status = 'sent' AND (m.sent_at IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'mail' "
        "AND a.entity_id = m.id AND a.action = 'sent'))",
    ))  # fmt: skip
    _check(problems, "invoice of a sent mail without its send time or 'sent' entry", _ids(
        connection,
        "SELECT m.id FROM outgoing_mail m JOIN invoices i ON i.id = m.invoice_id "
        "WHERE m.status = 'sent' AND m.reminder_id IS NULL AND (i.sent_at IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'invoice' "
        "AND a.entity_id = i.id AND a.action = 'sent' "
        "AND json_extract(a.details, '$.mail_id') = m.id))",
    ))  # fmt: skip
    _check(problems, "mail in an unknown state", _ids(
        connection,
        "SELECT id FROM outgoing_mail WHERE status NOT IN "
        "('queued', 'sending', 'sent', 'failed', 'cancelled', 'unknown')",
    ))  # fmt: skip
    return problems


def number_patterns(connection: sqlite3.Connection) -> dict[str, str]:
    patterns = dict(DEFAULT_PATTERNS)
    row = connection.execute("SELECT value FROM settings WHERE key = 'number_patterns'").fetchone()
    if row is not None:
        patterns.update(json.loads(row[0]))
    return patterns


def _period_date(period: str) -> dt.date:
    """A date inside ``period`` ("" never resets, "2026", "2026-03")."""
    if not period:
        return dt.date(2000, 1, 1)
    year, _, month = period.partition("-")
    return dt.date(int(year), int(month or 1), 1)


def numbering_problems(connection: sqlite3.Connection) -> list[str]:
    """Issued numbers are exactly 1 … next_value - 1 of their sequence, for every sequence."""
    patterns = number_patterns(connection)
    issued: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc_type, number, date in connection.execute(
        "SELECT doc_type, number, date FROM invoices WHERE number IS NOT NULL"
    ):
        period = period_key(patterns[doc_type], dt.date.fromisoformat(date))
        issued[(doc_type, period)].add(number)
    sequences = {
        (doc_type, period): next_value
        for doc_type, period, next_value in connection.execute(
            "SELECT doc_type, period, next_value FROM number_sequences"
        )
        if doc_type in DOCUMENT_TYPES
    }
    problems = []
    for key in sorted(set(issued) | set(sequences)):
        doc_type, period = key
        next_value = sequences.get(key, 1)
        expected = {
            format_number(patterns[doc_type], _period_date(period), value)
            for value in range(1, next_value)
        }
        found = issued.get(key, set())
        if found != expected:
            problems.append(
                f"numbers of {doc_type} {period or '(no period)'} not gapless: next_value "
                f"{next_value}, missing {sorted(expected - found)[:5]}, "
                f"extra {sorted(found - expected)[:5]}"
            )
    return problems


def invariant_problems(path: Path) -> list[str]:
    """Everything above; integrity first (nothing else is worth reading otherwise)."""
    problems = integrity_problems(path)
    if problems:
        return problems
    with closing(connect(path)) as connection:
        tables = set(_ids(connection, "SELECT name FROM sqlite_master WHERE type = 'table'"))
        if "invoices" not in tables:
            return []  # killed before the schema was committed: an empty file is sound
        return (
            document_problems(connection)
            + audit_problems(connection)
            + numbering_problems(connection)
        )


def scalar(path: Path, sql: str, *params: object) -> object:
    with closing(connect(path)) as connection:
        row = connection.execute(sql, params).fetchone()
        return None if row is None else row[0]


def rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(connect(path)) as connection:
        return [tuple(row) for row in connection.execute(sql, params)]
