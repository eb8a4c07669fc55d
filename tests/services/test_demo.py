"""Demo data: reproducible, consistent with the services, every state, refuses real books."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, State, Status, status_after_payment
from invoicedesk.core.money import round_money
from invoicedesk.db.engine import Database, open_database
from invoicedesk.db.types import SCALE
from invoicedesk.services import invoices, settings
from invoicedesk.services.clients import remove_client
from invoicedesk.services.demo import DemoCancelled, DemoSummary, generate_demo
from invoicedesk.services.numbering import peek_next_number
from invoicedesk.services.reports import grouped_totals
from invoicedesk.services.search import InvoiceFilter, count_invoices, list_invoices, summarize
from tests.factories import COMPANY, TODAY, line, make_client, make_draft

CLIENTS = 30
INVOICES = 300
SEED = 7


@dataclass
class Demo:
    db: Database
    path: Path
    summary: DemoSummary
    reports: list[tuple[int, int]]

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.path) as connection:
            return connection.execute(query, params).fetchall()


def _make(path: Path, seed: int = SEED) -> Demo:
    db = open_database(str(path))
    reports: list[tuple[int, int]] = []
    summary = generate_demo(
        db,
        clients=CLIENTS,
        invoices=INVOICES,
        seed=seed,
        today=TODAY,
        progress=lambda done, total: reports.append((done, total)),
    )
    return Demo(db, path, summary, reports)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = _make(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    yield made
    made.db.dispose()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Demo]:
    """A demo of its own, for tests that change it."""
    made = _make(tmp_path / "demo.sqlite")
    yield made
    made.db.dispose()


def _money(raw: Any) -> Decimal:
    return Decimal(int(raw)) / SCALE


# --------------------------------------------------------------------------- the run


def test_summary_counts_what_is_in_the_database(demo: Demo) -> None:
    summary = demo.summary
    assert summary.clients == CLIENTS
    assert summary.invoices == INVOICES
    assert summary.products > 20
    assert summary.credit_notes > 0
    counts = dict(demo.sql("SELECT doc_type, count(*) FROM invoices GROUP BY doc_type"))
    assert counts == {"invoice": INVOICES, "credit_note": summary.credit_notes}
    assert demo.sql("SELECT count(*) FROM clients") == [(CLIENTS,)]
    assert demo.sql("SELECT count(*) FROM products") == [(summary.products,)]
    assert demo.sql("SELECT count(*) FROM payments") == [(summary.payments,)]


def test_progress_is_reported_up_to_the_total(demo: Demo) -> None:
    assert demo.reports[0] == (0, INVOICES)
    assert demo.reports[-1] == (INVOICES, INVOICES)
    done = [d for d, _ in demo.reports]
    assert done == sorted(done)


def test_same_seed_and_day_give_the_same_data(demo: Demo, tmp_path: Path) -> None:
    again = _make(tmp_path / "again.sqlite")
    other = _make(tmp_path / "other.sqlite", seed=SEED + 1)
    try:
        assert again.summary == demo.summary
        tables = [t for (t,) in demo.sql("SELECT name FROM sqlite_master WHERE type='table'")]
        assert "invoices" in tables
        for table in tables:
            if table in ("company_profile", "alembic_version"):
                continue  # the profile's own timestamps are the only clock readings
            query = f'SELECT * FROM "{table}" ORDER BY 1'
            assert again.sql(query) == demo.sql(query), table
        numbers = "SELECT number, status, gross FROM invoices ORDER BY id"
        assert other.sql(numbers) != demo.sql(numbers)
    finally:
        again.db.dispose()
        other.db.dispose()


# --------------------------------------------------------------------------- the figures


def test_stored_totals_are_what_the_services_compute(demo: Demo) -> None:
    ids = [int(i) for (i,) in demo.sql("SELECT id FROM invoices ORDER BY id")]
    for invoice_id in ids:
        view = invoices.get_invoice(demo.db, invoice_id, TODAY)
        totals = view.totals
        assert (view.net, view.tax, view.gross, view.amount_due) == (
            totals.net,
            totals.tax,
            totals.gross,
            totals.due,
        ), view.display_number
        assert view.taxes == totals.taxes, view.display_number
    # Line amounts, other frozen figures and the company-currency amounts too.
    rows = demo.sql(
        "SELECT id, line_total, allowance_total, charge_total, net, gross, exchange_rate, "
        "net_company, gross_company, currency FROM invoices"
    )
    for invoice_id, lines, allowances, charges, net, gross, rate, net_co, gross_co, cur in rows:
        totals = invoices.get_invoice(demo.db, int(invoice_id), TODAY).totals
        assert _money(lines) == totals.line_total
        assert _money(allowances) == totals.allowances
        assert _money(charges) == totals.charges
        assert _money(net_co) == round_money(_money(net) * _money(rate), "EUR")
        assert _money(gross_co) == round_money(_money(gross) * _money(rate), "EUR")
        assert (_money(rate) == 1) == (cur == "EUR")
        stored = demo.sql(
            "SELECT net_amount FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
            invoice_id,
        )
        assert [_money(n) for (n,) in stored] == [t.net_amount for t in totals.lines]


def test_payments_match_paid_and_open_amounts(demo: Demo) -> None:
    paid_by_invoice: dict[int, Decimal] = defaultdict(Decimal)
    last_payment: dict[int, dt.date] = {}
    payments = demo.sql("SELECT invoice_id, amount, date, credit_note_id FROM payments")
    for invoice_id, amount, date, credit_note_id in payments:
        paid_by_invoice[int(invoice_id)] += _money(amount)
        if credit_note_id is not None:  # a settlement counts as paid on the credit note too
            paid_by_invoice[int(credit_note_id)] += _money(amount)
        day = dt.date.fromisoformat(str(date))
        last_payment[int(invoice_id)] = max(day, last_payment.get(int(invoice_id), day))
        assert day <= TODAY
    rows = demo.sql(
        "SELECT id, status, amount_due, paid_amount, open_amount, paid_at, date FROM invoices"
    )
    for invoice_id, status, due, paid, open_amount, paid_at, date in rows:
        due, paid, open_ = _money(due), _money(paid), _money(open_amount)
        assert paid == paid_by_invoice.get(int(invoice_id), Decimal(0))
        if status == "draft":
            assert (paid, open_) == (Decimal(0), Decimal(0))
        elif status == "cancelled":
            assert (paid, open_) == (Decimal(0), Decimal(0))
        else:
            assert open_ == due - paid
            assert status == status_after_payment(due, paid).value
            assert 0 <= paid <= due
            assert date is not None and dt.date.fromisoformat(str(date)) <= TODAY
        if status == "paid":
            assert paid_at is not None
            paid_day = dt.date.fromisoformat(str(paid_at))
            assert paid_day == last_payment.get(int(invoice_id), paid_day)
        else:
            assert paid_at is None


def test_credit_notes_settle_their_invoices_like_the_service(demo: Demo) -> None:
    credit_notes = demo.sql(
        "SELECT id, number, corrects_id, gross, amount_due, paid_amount, date FROM invoices "
        "WHERE doc_type = 'credit_note'"
    )
    assert credit_notes
    for cn_id, number, original_id, gross, due, paid, date in credit_notes:
        original = demo.sql(
            "SELECT doc_type, status, gross, date FROM invoices WHERE id = ?", original_id
        )[0]
        assert original[0] == "invoice" and original[1] not in ("draft", "cancelled")
        assert _money(gross) <= _money(original[2])
        assert str(original[3]) <= str(date)
        settled = demo.sql(
            "SELECT invoice_id, amount, method, reference, date FROM payments "
            "WHERE credit_note_id = ?",
            cn_id,
        )
        for invoice_id, amount, method, reference, pay_date in settled:
            assert (invoice_id, method, reference, pay_date) == (
                original_id,
                "credit_note",
                number,
                date,
            )
            assert 0 < _money(amount) <= _money(due)
        refunds = demo.sql("SELECT sum(amount) FROM payments WHERE invoice_id = ?", cn_id)[0][0]
        settled_sum = sum((_money(a) for _, a, *_ in settled), Decimal(0))
        assert _money(paid) == settled_sum + _money(refunds or 0)
        view = invoices.get_invoice(demo.db, int(original_id), TODAY)
        assert number in view.credit_note_numbers


def test_every_state_change_is_in_the_audit_log(demo: Demo) -> None:
    actions = Counter(a for (a,) in demo.sql("SELECT action FROM audit_log WHERE entity='invoice'"))
    issued = demo.sql("SELECT count(*) FROM invoices WHERE status != 'draft'")[0][0]
    cancelled = demo.sql("SELECT count(*) FROM invoices WHERE status = 'cancelled'")[0][0]
    settled = demo.sql("SELECT count(*) FROM payments WHERE credit_note_id IS NOT NULL")[0][0]
    assert actions["issued"] == issued
    assert actions["cancelled"] == cancelled
    assert actions["credited"] == settled
    assert actions["payment_recorded"] == demo.summary.payments - int(settled)
    assert actions["created"] == INVOICES + demo.summary.credit_notes
    # One invoice's history reads in order.
    some = demo.sql("SELECT invoice_id FROM payments WHERE method != 'credit_note' LIMIT 1")[0][0]
    view = invoices.get_invoice(demo.db, int(some), TODAY)
    steps = [h.action for h in view.history]
    assert steps[:2] == ["created", "issued"] and "payment_recorded" in steps
    assert [h.at for h in view.history] == sorted(h.at for h in view.history)


# --------------------------------------------------------------------------- numbers


def test_numbers_are_gapless_per_type_and_year_in_date_order(demo: Demo) -> None:
    rows = demo.sql(
        "SELECT doc_type, number, date FROM invoices WHERE number IS NOT NULL ORDER BY id"
    )
    by_period: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for doc_type, number, date in rows:
        match = re.fullmatch(r"(RE|CN)-(\d{4})-(\d{4,})", str(number))
        assert match, number
        assert match[1] == ("RE" if doc_type == "invoice" else "CN")
        assert match[2] == str(date)[:4]
        by_period[(str(doc_type), match[2])].append((int(match[3]), str(date)))
    assert {year for _, year in by_period} >= {"2024", "2025", "2026"}
    sequences = {
        (t, p): int(v)
        for t, p, v in demo.sql("SELECT doc_type, period, next_value FROM number_sequences")
    }
    for (doc_type, year), entries in by_period.items():
        values = [v for v, _ in entries]
        assert values == list(range(1, len(values) + 1)), (doc_type, year)  # issued in id order
        dates = [d for _, d in entries]
        assert dates == sorted(dates), (doc_type, year)
        assert sequences[(doc_type, year)] == len(values) + 1
    customer_numbers = sorted(str(n) for (n,) in demo.sql("SELECT customer_number FROM clients"))
    assert customer_numbers == [f"C-{i:05d}" for i in range(1, CLIENTS + 1)]
    assert sequences[("client", "")] == CLIENTS + 1


def test_the_services_continue_the_sequences(fresh: Demo) -> None:
    db = fresh.db
    year = str(TODAY.year)
    issued = fresh.sql(
        "SELECT count(*) FROM invoices WHERE doc_type = 'invoice' AND number LIKE ?",
        f"RE-{year}-%",
    )[0][0]
    credit_notes = fresh.sql(
        "SELECT count(*) FROM invoices WHERE doc_type = 'credit_note' AND number LIKE ?",
        f"CN-{year}-%",
    )[0][0]
    expected = f"RE-{year}-{int(issued) + 1:04d}"
    assert peek_next_number(db, "invoice", TODAY) == expected
    client_id = fresh.sql("SELECT id FROM clients WHERE currency IS NULL ORDER BY id LIMIT 1")[0][0]
    draft = make_draft(db, line("2", "50.00"), client_id=int(client_id))
    view = invoices.issue(db, draft.id, today=TODAY)
    assert view.number == expected
    # A credit note through the services takes the next credit note number.
    credit = invoices.create_credit_note(db, view.id)
    credited = invoices.issue(db, credit.id, today=TODAY)
    assert credited.number == f"CN-{year}-{int(credit_notes) + 1:04d}"
    assert invoices.get_invoice(db, view.id, TODAY).status is Status.PAID
    # And a new client the next customer number.
    assert make_client(db, "Nachzügler GmbH").customer_number == f"C-{CLIENTS + 1:05d}"


# --------------------------------------------------------------------------- realism


def test_every_state_is_present(demo: Demo) -> None:
    for state in State:
        flt = InvoiceFilter(states=(state,), doc_types=(DocType.INVOICE,), today=TODAY)
        assert count_invoices(demo.db, flt) > 0, state
    credit = InvoiceFilter(doc_types=(DocType.CREDIT_NOTE,), today=TODAY)
    assert count_invoices(demo.db, credit) == demo.summary.credit_notes
    drafts = demo.sql("SELECT count(*), max(created_at) FROM invoices WHERE status = 'draft'")
    assert str(drafts[0][1]) >= str(TODAY - dt.timedelta(days=21))  # drafts are recent


def test_the_data_looks_like_a_small_business(demo: Demo) -> None:
    rates = {(str(c), _money(r)) for c, r in demo.sql("SELECT category, rate FROM invoice_taxes")}
    assert {("S", Decimal(19)), ("S", Decimal(7))} <= rates
    assert {c for c, r in rates if r == 0} & {"E", "Z", "O"}
    currencies = {str(c) for (c,) in demo.sql("SELECT DISTINCT currency FROM invoices")}
    assert "EUR" in currencies and currencies & {"CHF", "USD", "GBP"}
    bases = {str(b) for (b,) in demo.sql("SELECT DISTINCT price_basis FROM invoices")}
    assert bases == {"net", "gross"}
    lines_per_invoice = demo.sql(
        "SELECT count(*) FROM invoice_lines JOIN invoices i ON i.id = invoice_id "
        "WHERE i.doc_type = 'invoice' GROUP BY invoice_id"
    )
    counts = [int(n) for (n,) in lines_per_invoice]
    assert min(counts) >= 1 and max(counts) <= 8
    assert 4.3 <= sum(counts) / len(counts) <= 5.7
    assert demo.sql("SELECT count(*) FROM invoice_lines WHERE discount_percent IS NOT NULL")[0][0]
    assert demo.sql("SELECT count(*) FROM invoices WHERE discount_percent IS NOT NULL")[0][0]
    assert demo.sql("SELECT count(*) FROM invoice_allowances_charges WHERE is_charge")[0][0]
    assert demo.sql("SELECT count(*) FROM invoices WHERE cash_discount_rate IS NOT NULL")[0][0]
    assert demo.sql("SELECT count(*) FROM invoice_tags")[0][0]
    methods = {str(m) for (m,) in demo.sql("SELECT DISTINCT method FROM payments")}
    assert {"bank_transfer", "credit_note"} <= methods and len(methods) >= 4
    kinds = {str(k) for (k,) in demo.sql("SELECT DISTINCT kind FROM clients")}
    assert kinds == {"organisation", "person"}
    names = " ".join(str(n) for (n,) in demo.sql("SELECT name FROM clients"))
    assert re.search("[äöüßéèçÄÖÜ]", names)
    assert demo.sql("SELECT count(*) FROM clients WHERE due_days IS NOT NULL")[0][0]
    first = demo.sql("SELECT min(date) FROM invoices")[0][0]
    assert str(first) <= str(TODAY - dt.timedelta(days=600))


def test_a_company_profile_is_created_when_none_is_set(demo: Demo) -> None:
    company = settings.get_company(demo.db)
    assert company.name and company.city and company.currency == "EUR"
    assert re.fullmatch(r"DE\d{9}", company.vat_id)
    iban = company.iban
    assert re.fullmatch(r"DE\d{20}", iban)
    assert int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
    assert re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", company.bic)
    snapshot = invoices.get_invoice(demo.db, 1, TODAY).company_snapshot
    assert snapshot is None or snapshot["name"] == company.name


def test_an_existing_company_profile_is_kept(db: Database) -> None:
    generate_demo(db, clients=3, invoices=20, seed=3, today=TODAY)
    assert settings.get_company(db) == COMPANY
    rows = list_invoices(db, InvoiceFilter(today=TODAY), limit=20)
    issued = [r for r in rows if r.number]
    assert issued
    view = invoices.get_invoice(db, issued[0].id, TODAY)
    assert view.company_snapshot is not None and view.company_snapshot["name"] == COMPANY.name


def test_lists_and_reports_read_the_demo(demo: Demo) -> None:
    rows = list_invoices(demo.db, InvoiceFilter(today=TODAY), limit=50)
    assert len(rows) == 50
    assert summarize(demo.db, InvoiceFilter(today=TODAY)).count == INVOICES + (
        demo.summary.credit_notes
    )
    report = grouped_totals(demo.db, ["year"], InvoiceFilter(today=TODAY))
    assert [r.keys[0] for r in report.rows] == ["2024", "2025", "2026"]
    assert report.total.gross is not None and report.total.gross > 0


# --------------------------------------------------------------------------- refusals


def test_refuses_a_database_with_clients(db: Database) -> None:
    make_client(db)
    with pytest.raises(DomainError, match="new, empty database") as caught:
        generate_demo(db, clients=2, invoices=5, today=TODAY)
    assert caught.value.field == "database"


def test_refuses_to_run_twice(fresh: Demo) -> None:
    with pytest.raises(DomainError, match="already has 30 clients"):
        generate_demo(fresh.db, clients=2, invoices=5, today=TODAY)


@pytest.mark.parametrize(
    ("clients", "count", "field"),
    [(-1, 10, "clients"), (5, -1, "invoices"), (0, 10, "clients"), (5, 10**7, "invoices")],
)
def test_refuses_impossible_counts(db: Database, clients: int, count: int, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        generate_demo(db, clients=clients, invoices=count, today=TODAY)
    assert caught.value.field == field


def test_cancelling_writes_nothing(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "cancel.sqlite"))
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # after the first batch was inserted

    try:
        with pytest.raises(DemoCancelled):
            generate_demo(db, clients=5, invoices=2500, today=TODAY, cancelled=cancelled)
        with sqlite3.connect(tmp_path / "cancel.sqlite") as connection:
            for table in ("clients", "invoices", "payments", "audit_log", "number_sequences"):
                count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert count == 0, table
            assert connection.execute("SELECT count(*) FROM company_profile").fetchone()[0] == 0
        # A later run still works.
        assert generate_demo(db, clients=2, invoices=3, today=TODAY).invoices == 3
    finally:
        db.dispose()


def test_ids_of_deleted_records_are_not_given_out_again(db: Database, tmp_path: Path) -> None:
    client = make_client(db, "Kurzbesuch GmbH")
    draft = make_draft(db, client_id=client.id)
    invoices.delete_draft(db, draft.id)
    assert remove_client(db, client.id) == "deleted"
    path = db.path
    assert path is not None
    with sqlite3.connect(path) as connection:
        has_sequence = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone()[0]
        used = (
            dict(connection.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
            if (has_sequence)
            else {}
        )
    generate_demo(db, clients=3, invoices=10, seed=2, today=TODAY)
    with sqlite3.connect(path) as connection:
        for table in ("clients", "invoices"):
            first = connection.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
            assert first > used.get(table, 0), table


def test_timestamps_are_written_as_the_column_type_writes_them(demo: Demo) -> None:
    stamps = demo.sql("SELECT issued_at FROM invoices WHERE issued_at IS NOT NULL")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000000\+00:00", s) for (s,) in stamps)
    issued = demo.sql("SELECT id FROM invoices WHERE issued_at IS NOT NULL LIMIT 1")[0][0]
    view = invoices.get_invoice(demo.db, int(issued), TODAY)
    assert view.issued_at is not None and view.issued_at.utcoffset() == dt.timedelta(0)
    assert view.data.date is not None and view.issued_at.date() == view.data.date
