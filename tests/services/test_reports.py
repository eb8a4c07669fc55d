"""Grouped reports: each dimension, combinations, what counts as turnover, and filters.

One database for the module (read only). "Today" is 2027-01-10. Amounts are net/gross in EUR
(the company currency) unless grouped by tax rate.

======  ==========  ===========  ==========================  =================  ===========
doc     client      date         lines                       net / gross (EUR)  state
======  ==========  ===========  ==========================  =================  ===========
R1      Anna        2026-12-31   100 @ 19 %                  100 / 119          open
R2      Anna        2027-01-01   200 @ 7 %                   200 / 214          part_paid
R3      Bert        2027-01-04   50 @ 19 % + 50 @ 7 %        100 / 113          open
R4      Bert        2026-02-03   1000 @ 19 %                 1000 / 1190        paid
R5      Dollar Inc  2026-02-04   100 USD @ 0 % (rate 0.5)    50 / 50            overdue
CN      Bert        2026-02-10   credit note for R4          −1000 / −1190      open
(X)     Anna        2026-03-02   500 @ 19 %, cancelled       not counted
(D)     Anna        —            300 @ 19 %, draft           not counted
======  ==========  ===========  ==========================  =================  ===========

2026-12-31 is a Thursday and 2027-01-01 a Friday: both lie in ISO week 2026-W53.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.document import LineItem
from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import State
from invoicedesk.db.engine import Database
from invoicedesk.services import clients, invoices, reports
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.reports import Report, ReportRow
from invoicedesk.services.search import InvoiceFilter
from tests.factories import issued_invoice, line, make_client, make_draft, new_database, pay

D = Decimal
TODAY = dt.date(2027, 1, 10)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = new_database(tmp_path_factory.mktemp("reports") / "reports.sqlite")
    anna = make_client(database, "Anna").id
    bert = make_client(database, "Bert").id
    dollar = make_client(database, "Dollar Inc", currency="USD").id

    def issued(client_id: int, date: dt.date, *lines: LineItem, **fields: Any) -> int:
        return issued_invoice(database, *lines, client_id=client_id, date=date, **fields).id

    issued(anna, dt.date(2026, 12, 31), line("1", "100.00", "19"))
    r2 = issued(anna, dt.date(2027, 1, 1), line("1", "200.00", "7"))
    pay(database, r2, "14.00", date=dt.date(2027, 1, 2))
    issued(bert, dt.date(2027, 1, 4), line("1", "50.00", "19"), line("1", "50.00", "7"))
    r4 = issued(bert, dt.date(2026, 2, 3), line("1", "1000.00", "19"))
    pay(database, r4, "1190.00", method=PaymentMethod.CASH, date=dt.date(2026, 2, 5))
    issued(dollar, dt.date(2026, 2, 4), line("1", "100.00", "0"), exchange_rate=D("0.5"))
    credit = invoices.create_credit_note(database, r4)
    invoices.issue(database, credit.id, today=dt.date(2026, 2, 10))
    cancelled = issued(anna, dt.date(2026, 3, 2), line("1", "500.00", "19"))
    invoices.cancel(database, cancelled)
    make_draft(database, line("1", "300.00", "19"), client_id=anna)
    yield database
    database.dispose()


def group(db: Database, *dims: str, **fields: Any) -> Report:
    return reports.grouped_totals(db, list(dims), InvoiceFilter(today=TODAY, **fields))


def table(report: Report) -> list[tuple[object, ...]]:
    """Each row as (keys…, count, net, tax, gross)."""
    return [(*r.keys, r.count, r.net, r.tax, r.gross) for r in report.rows]


def test_by_client(db: Database) -> None:
    report = group(db, "client")
    assert report.group_by == ("client",)
    assert report.currency == "EUR"
    assert table(report) == [
        ("Anna", 2, D("300"), D("33"), D("333")),
        ("Bert", 3, D("100"), D("13"), D("113")),  # R3 + R4 − CN
        ("Dollar Inc", 1, D("50"), D("0"), D("50")),  # converted at 0.5
    ]
    assert report.total == ReportRow(("Total",), 6, D("450"), D("46"), D("496"))


def test_by_status_uses_the_effective_state(db: Database) -> None:
    assert table(group(db, "status")) == [
        ("open", 3, D("-800"), D("-158"), D("-958")),  # R1 + R3 − CN
        ("overdue", 1, D("50"), D("0"), D("50")),
        ("paid", 1, D("1000"), D("190"), D("1190")),
        ("part_paid", 1, D("200"), D("14"), D("214")),
    ]


def test_by_day(db: Database) -> None:
    assert [(r.keys, r.count, r.gross) for r in group(db, "day").rows] == [
        (("2026-02-03",), 1, D("1190")),
        (("2026-02-04",), 1, D("50")),
        (("2026-02-10",), 1, D("-1190")),
        (("2026-12-31",), 1, D("119")),
        (("2027-01-01",), 1, D("214")),
        (("2027-01-04",), 1, D("113")),
    ]


def test_by_week_year_boundary(db: Database) -> None:
    rows = {r.keys[0]: r for r in group(db, "week").rows}
    # Thursday 2026-12-31 and Friday 2027-01-01 both belong to ISO week 53 of 2026.
    assert rows["2026-W53"] == ReportRow(("2026-W53",), 2, D("300"), D("33"), D("333"))
    assert sum(r.count for r in rows.values()) == 6


def test_by_week_is_iso_and_in_order(db: Database) -> None:
    assert [(r.keys, r.count, r.net, r.gross) for r in group(db, "week").rows] == [
        (("2026-W06",), 2, D("1050"), D("1240")),  # Tuesday 02-03 and Wednesday 02-04
        (("2026-W07",), 1, D("-1000"), D("-1190")),
        (("2026-W53",), 2, D("300"), D("333")),
        (("2027-W01",), 1, D("100"), D("113")),  # Monday 2027-01-04 starts week 1
    ]


def test_by_month(db: Database) -> None:
    assert table(group(db, "month")) == [
        ("2026-02", 3, D("50"), D("0"), D("50")),  # R4 + R5 − CN
        ("2026-12", 1, D("100"), D("19"), D("119")),
        ("2027-01", 2, D("300"), D("27"), D("327")),
    ]


def test_by_year(db: Database) -> None:
    assert table(group(db, "year")) == [
        ("2026", 4, D("150"), D("19"), D("169")),
        ("2027", 2, D("300"), D("27"), D("327")),
    ]


def test_by_currency_in_company_currency(db: Database) -> None:
    assert table(group(db, "currency")) == [
        ("EUR", 5, D("400"), D("46"), D("446")),
        ("USD", 1, D("50"), D("0"), D("50")),
    ]


def test_by_tax_rate_in_the_invoice_currency(db: Database) -> None:
    report = group(db, "tax_rate")
    assert report.group_by == ("tax_rate", "currency")  # currency is added
    assert report.currency == ""
    assert table(report) == [
        ("7% S", "EUR", 2, D("250"), D("17.5"), D("267.5")),  # R2 200 + R3 50
        ("19% S", "EUR", 4, D("150"), D("28.5"), D("178.5")),  # R1 + R3 + R4 − CN
        ("0% Z", "USD", 1, D("100"), D("0"), D("100")),  # not converted
    ]
    # R3 has two rates but is one invoice.
    assert report.total.count == 6
    assert report.total.keys == ("Total", "")


def test_combination_year_then_client(db: Database) -> None:
    assert [(r.keys, r.count, r.gross) for r in group(db, "year", "client").rows] == [
        (("2026", "Anna"), 1, D("119")),
        (("2026", "Bert"), 2, D("0")),  # R4 and its credit note cancel out
        (("2026", "Dollar Inc"), 1, D("50")),
        (("2027", "Anna"), 1, D("214")),
        (("2027", "Bert"), 1, D("113")),
    ]


def test_combination_client_then_year(db: Database) -> None:
    report = group(db, "client", "year")
    assert [r.keys for r in report.rows] == [
        ("Anna", "2026"),
        ("Anna", "2027"),
        ("Bert", "2026"),
        ("Bert", "2027"),
        ("Dollar Inc", "2026"),
    ]
    assert report.total == ReportRow(("Total", ""), 6, D("450"), D("46"), D("496"))


def test_combination_with_tax_rate(db: Database) -> None:
    report = group(db, "client", "tax_rate")
    assert report.group_by == ("client", "tax_rate", "currency")
    assert [(r.keys, r.net) for r in report.rows] == [
        (("Anna", "7% S", "EUR"), D("200")),
        (("Anna", "19% S", "EUR"), D("100")),
        (("Bert", "7% S", "EUR"), D("50")),
        (("Bert", "19% S", "EUR"), D("50")),
        (("Dollar Inc", "0% Z", "USD"), D("100")),
    ]


def test_drafts_and_cancelled_are_not_turnover(db: Database) -> None:
    total = group(db, "year").total
    assert total.count == 6
    cancelled = group(db, "year", states=(State.CANCELLED,))
    assert table(cancelled) == [("2026", 1, D("500"), D("95"), D("595"))]
    drafts = group(db, "year", states=(State.DRAFT,))
    assert table(drafts) == [("", 1, D("300"), D("57"), D("357"))]  # no date yet


def test_combined_with_filters(db: Database) -> None:
    anna = group(db, "month", client_id=clients.find_client(db, "Anna").id)
    assert [(r.keys, r.gross) for r in anna.rows] == [
        (("2026-12",), D("119")),
        (("2027-01",), D("214")),
    ]
    overdue = group(db, "client", states=(State.OVERDUE,))
    assert [(r.keys, r.count) for r in overdue.rows] == [(("Dollar Inc",), 1)]
    dated = group(db, "day", date_from=dt.date(2027, 1, 1))
    assert [r.keys[0] for r in dated.rows] == ["2027-01-01", "2027-01-04"]
    assert group(db, "year", currency="JPY").rows == ()
    assert group(db, "year", currency="JPY").total == ReportRow(("Total",), 0, D(0), D(0), D(0))


def test_state_groups_follow_today(db: Database) -> None:
    later = reports.grouped_totals(db, ["status"], InvoiceFilter(today=dt.date(2027, 2, 1)))
    # R1, R2 and R3 are now past due; the credit note never is.
    assert [(r.keys, r.count) for r in later.rows] == [
        (("open",), 1),
        (("overdue",), 4),
        (("paid",), 1),
    ]


def test_dimension_names_are_trimmed_and_case_insensitive(db: Database) -> None:
    assert group(db, " Year ", "").group_by == ("year",)


@pytest.mark.parametrize(
    ("dims", "message"),
    [
        (("weekday",), "cannot group by 'weekday' (use client, status, day, week, month, year"),
        (("year", "bogus"), "cannot group by 'bogus'"),
        ((), "name at least one dimension"),
        (("  ",), "name at least one dimension"),
        (("year", "YEAR"), "each dimension can be named once"),
    ],
)
def test_bad_dimensions_are_refused(db: Database, dims: tuple[str, ...], message: str) -> None:
    with pytest.raises(DomainError) as error:
        reports.grouped_totals(db, dims)
    assert error.value.field == "group_by"
    assert error.value.message.startswith(message)
