"""Invoice search: every filter, SQL sorting by each key, paging, counts and footer sums.

One database is built for the module (the tests only read it):

=========  ========  ==========  =====================  =========  ==========================
invoice    client    date        lines (net)            state      extras
=========  ========  ==========  =====================  =========  ==========================
RE-…0001   Anna      2026-01-10  Design 100 + Hosting   overdue    part settled by CN-…0001,
                                 20, all 19 % = 120                tags web, title "Website
                                                                   relaunch"
RE-…0002   Anna      2026-02-05  200 @ 19 %             paid       bank transfer, label
                                                                   PO-7781, tags web + urgent
RE-…0003   Anna      2026-02-20  80 @ 19 %              cancelled
RE-…0004   Carla     2026-03-05  1000 @ 0 %, USD        open       due 2026-03-19
RE-…0005   bert      2026-03-10  50 @ 7 % + Hosting 20  part_paid  20.00 cash, intro
                                                                   "Quarterly maintenance"
RE-…0006   bert      2026-03-12  300 @ 19 %             open       note "Pay by SEPA"
CN-…0001   Anna      2026-03-14  Hosting 20 @ 19 %      paid       corrects RE-…0001, tag web
draft      Anna      —           10 @ 19 %              draft      title "Draft for Anna"
draft      bert      —           5 @ 19 %               draft
=========  ========  ==========  =====================  =========  ==========================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, State, Status
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, products, search
from invoicedesk.services.inputs import PaymentMethod, ProductInput
from invoicedesk.services.search import SORT_KEYS, InvoiceFilter, InvoiceRow
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, new_database, pay

D = Decimal


@dataclass(frozen=True)
class Books:
    db: Database
    ids: dict[str, int]  # invoice label ("A1", "CN" …) → id
    clients: dict[str, int]
    hosting: int  # product id

    def labels(self, rows: list[InvoiceRow]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[row.id] for row in rows]

    def find(self, today: dt.date = TODAY, **fields: Any) -> list[str]:
        """Labels of the invoices matching the filter, in id order."""
        flt = InvoiceFilter(today=today, **fields)
        return self.labels(search.list_invoices(self.db, flt, sort="id", descending=False))


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    db = new_database(tmp_path_factory.mktemp("search") / "books.sqlite")
    anna = make_client(db, "Anna Bau").id
    bert = make_client(db, "bert Consulting").id
    carla = make_client(db, "Carla Design", currency="USD").id
    hosting = products.create_product(
        db, ProductInput(name="Hosting", unit_price=D("20.00"), tax_rate=D("19"))
    ).id

    def hosted() -> Any:
        return line("1", "20.00", "19", name="Hosting", product_id=hosting)

    ids: dict[str, int] = {}
    ids["A1"] = issued_invoice(
        db,
        line("1", "100.00", name="Design"),
        hosted(),
        client_id=anna,
        date=dt.date(2026, 1, 10),
        title="Website relaunch",
        tags=("web",),
    ).id
    ids["A2"] = issued_invoice(
        db,
        line("1", "200.00"),
        client_id=anna,
        date=dt.date(2026, 2, 5),
        label="PO-7781",
        tags=("web", "urgent"),
    ).id
    pay(db, ids["A2"], "238.00", method=PaymentMethod.BANK_TRANSFER)
    ids["X"] = issued_invoice(db, line("1", "80.00"), client_id=anna, date=dt.date(2026, 2, 20)).id
    invoices.cancel(db, ids["X"])
    ids["C1"] = issued_invoice(
        db,
        line("1", "1000.00", "0"),
        client_id=carla,
        date=dt.date(2026, 3, 5),
        exchange_rate=D("0.9"),
    ).id
    ids["B1"] = issued_invoice(
        db,
        line("1", "50.00", "7", name="Maintenance"),
        hosted(),
        client_id=bert,
        date=dt.date(2026, 3, 10),
        intro="Quarterly maintenance",
    ).id
    pay(db, ids["B1"], "20.00", method=PaymentMethod.CASH)
    ids["B2"] = issued_invoice(
        db, line("1", "300.00"), client_id=bert, date=dt.date(2026, 3, 12), note="Pay by SEPA"
    ).id
    credit = invoices.create_credit_note(db, ids["A1"], [2])
    ids["CN"] = invoices.issue(db, credit.id, today=dt.date(2026, 3, 14)).id
    ids["D1"] = make_draft(db, line("1", "10.00"), client_id=anna, title="Draft for Anna").id
    ids["D2"] = make_draft(db, line("1", "5.00"), client_id=bert).id
    yield Books(db, ids, {"anna": anna, "bert": bert, "carla": carla}, hosting)
    db.dispose()


ALL = ["A1", "A2", "X", "C1", "B1", "B2", "CN", "D1", "D2"]


def test_the_data_set(books: Books) -> None:
    listed = search.list_invoices(books.db, InvoiceFilter(today=TODAY))
    rows = dict(zip(books.labels(listed), listed, strict=True))
    assert {label: (r.number, r.state) for label, r in rows.items()} == {
        "A1": ("RE-2026-0001", State.OVERDUE),
        "A2": ("RE-2026-0002", State.PAID),
        "X": ("RE-2026-0003", State.CANCELLED),
        "C1": ("RE-2026-0004", State.OPEN),
        "B1": ("RE-2026-0005", State.PART_PAID),
        "B2": ("RE-2026-0006", State.OPEN),
        "CN": ("CN-2026-0001", State.PAID),
        "D1": (None, State.DRAFT),
        "D2": (None, State.DRAFT),
    }
    a1 = rows["A1"]
    assert (a1.client_name, a1.date, a1.due_date, a1.currency) == (
        "Anna Bau",
        dt.date(2026, 1, 10),
        dt.date(2026, 1, 24),
        "EUR",
    )
    assert (a1.net, a1.gross, a1.open_amount) == (D("120.00"), D("142.80"), D("119.00"))
    assert a1.status is Status.PART_PAID
    assert a1.tags == ("web",)
    assert rows["A2"].tags == ("urgent", "web")
    assert a1.title == "Website relaunch"
    assert rows["CN"].doc_type is DocType.CREDIT_NOTE
    assert (rows["C1"].currency, rows["C1"].gross) == ("USD", D("1000.00"))


def test_no_filter_lists_everything(books: Books) -> None:
    assert books.find() == ALL


def test_filter_by_client(books: Books) -> None:
    assert books.find(client_id=books.clients["anna"]) == ["A1", "A2", "X", "CN", "D1"]
    assert books.find(client_id=books.clients["carla"]) == ["C1"]
    assert books.find(client_id=999) == []


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("RE-2026-000", ["A1", "A2", "X", "C1", "B1", "B2"]),
        ("re-2026-0004", ["C1"]),
        ("cn-", ["CN"]),
        ("0001", ["A1", "CN"]),
        ("  0006 ", ["B2"]),
        ("%", []),  # a literal percent sign, not a wildcard
        ("_", []),
    ],
)
def test_filter_by_number_substring(books: Books, number: str, expected: list[str]) -> None:
    assert books.find(number=number) == expected


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ((State.OVERDUE,), ["A1"]),
        ((State.OPEN,), ["C1", "B2"]),
        ((State.PART_PAID,), ["B1"]),  # A1 is part paid but shown (and found) as overdue
        ((State.PAID,), ["A2", "CN"]),
        ((State.CANCELLED,), ["X"]),
        ((State.DRAFT,), ["D1", "D2"]),
        ((State.OPEN, State.OVERDUE), ["A1", "C1", "B2"]),
        ((State.DRAFT, State.CANCELLED, State.PAID), ["A2", "X", "CN", "D1", "D2"]),
    ],
)
def test_filter_by_states_ored(
    books: Books, states: tuple[State, ...], expected: list[str]
) -> None:
    assert books.find(states=states) == expected


def test_overdue_follows_today(books: Books) -> None:
    later = dt.date(2026, 3, 25)  # C1 (due 03-19) and B1 (due 03-24) are late now
    assert books.find(today=later, states=(State.OVERDUE,)) == ["A1", "C1", "B1"]
    assert books.find(today=later, states=(State.OPEN,)) == ["B2"]
    assert books.find(today=dt.date(2026, 1, 24), states=(State.OVERDUE,)) == []


def test_built_queries_are_kept_per_day(books: Books) -> None:
    """The list, its count and its ids reuse queries built per filter; a filter equal but
    for its day (``today`` is not part of equality) must not get yesterday's overdue."""
    for today, overdue in ((TODAY, ["A1"]), (dt.date(2026, 3, 25), ["A1", "C1", "B1"])):
        flt = InvoiceFilter(today=today, states=(State.OVERDUE,))
        assert search.count_invoices(books.db, flt) == len(overdue)
        ids = search.row_ids(books.db, flt, sort="id", descending=False)
        assert books.labels(search.rows_by_id(books.db, ids, today=today)) == overdue
        for sort in ("date", "state"):
            rows = search.list_invoices(books.db, flt, sort=sort)
            assert sorted(books.labels(rows)) == sorted(overdue)


def test_credit_notes_are_never_overdue(books: Books) -> None:
    # CN was due on its issue date; it is settled anyway, and would not count as overdue.
    assert "CN" not in books.find(today=dt.date(2027, 1, 1), states=(State.OVERDUE,))


def test_filter_by_document_type(books: Books) -> None:
    assert books.find(doc_types=(DocType.CREDIT_NOTE,)) == ["CN"]
    assert books.find(doc_types=(DocType.INVOICE,)) == [x for x in ALL if x != "CN"]
    assert books.find(doc_types=(DocType.INVOICE, DocType.CREDIT_NOTE)) == ALL


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (PaymentMethod.BANK_TRANSFER, ["A2"]),
        (PaymentMethod.CASH, ["B1"]),
        (PaymentMethod.CREDIT_NOTE, ["A1"]),
        (PaymentMethod.PAYPAL, []),
    ],
)
def test_filter_by_payment_method(books: Books, method: PaymentMethod, expected: list[str]) -> None:
    assert books.find(payment_methods=(method,)) == expected


def test_filter_by_several_payment_methods_takes_any(books: Books) -> None:
    found = books.find(payment_methods=(PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER))
    assert sorted(found) == ["A2", "B1"]


def test_filter_by_date_range(books: Books) -> None:
    assert books.find(date_from=dt.date(2026, 2, 5), date_to=dt.date(2026, 3, 5)) == [
        "A2",
        "X",
        "C1",
    ]
    assert books.find(date_from=dt.date(2026, 3, 12)) == ["B2", "CN"]
    assert books.find(date_to=dt.date(2026, 1, 31)) == ["A1"]
    assert books.find(date_from=dt.date(2026, 3, 14), date_to=dt.date(2026, 3, 14)) == ["CN"]


def test_reversed_date_range_is_refused(books: Books) -> None:
    with pytest.raises(DomainError, match="start date lies after the end date") as error:
        books.find(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 2, 1))
    assert error.value.field == "date_from"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RELAUNCH", ["A1"]),  # title
        ("po-7781", ["A2"]),  # label
        ("quarterly", ["B1"]),  # intro
        ("sepa", ["B2"]),  # note
        ("invoice RE-2026-0001", ["CN"]),  # the credit note's title and intro
        ("Design", []),  # line names and client names are not free text
    ],
)
def test_filter_by_free_text(books: Books, text: str, expected: list[str]) -> None:
    assert books.find(text=text) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (("web",), ["A1", "A2", "CN"]),  # the credit note keeps its invoice's tags
        (("WEB",), ["A1", "A2", "CN"]),
        (("web", "urgent"), ["A2"]),  # every tag is required
        (("urgent", "nope"), []),
    ],
)
def test_filter_by_tags(books: Books, tags: tuple[str, ...], expected: list[str]) -> None:
    assert books.find(tags=tags) == expected


def test_filter_by_product(books: Books) -> None:
    assert books.find(product_id=books.hosting) == ["A1", "B1", "CN"]
    assert books.find(product_id=999) == []


def test_filter_by_currency(books: Books) -> None:
    assert books.find(currency="usd") == ["C1"]
    assert books.find(currency="EUR") == [x for x in ALL if x != "C1"]
    assert books.find(currency="CHF") == []


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        ("BERT", ["B1", "B2", "D2"]),  # client name
        ("c-00003", ["C1"]),  # customer number
        ("re-2026-0006", ["B2"]),  # number
        ("relaunch", ["A1"]),  # title
        ("7781", ["A2"]),  # label
        ("sepa", ["B2"]),  # note
        ("draft for", ["D1"]),
        ("quarterly", []),  # the intro is not searched by the box
    ],
)
def test_search_box(books: Books, box: str, expected: list[str]) -> None:
    assert books.find(search=box) == expected


def test_filters_combine_with_and(books: Books) -> None:
    anna = books.clients["anna"]
    assert books.find(client_id=anna, tags=("web",), states=(State.PAID,)) == ["A2", "CN"]
    assert books.find(search="bert", states=(State.DRAFT,)) == ["D2"]
    assert books.find(product_id=books.hosting, doc_types=(DocType.INVOICE,)) == ["A1", "B1"]


# --------------------------------------------------------------------------- sorting

_SORT_VALUE: dict[str, Callable[[InvoiceRow], Any]] = {
    "number": lambda r: r.number,
    "client": lambda r: r.client_name.casefold(),  # NOCASE collation
    "date": lambda r: r.date,
    "due_date": lambda r: r.due_date,
    "state": lambda r: r.state.value,
    "net": lambda r: r.net,
    "gross": lambda r: r.gross,
    "open": lambda r: r.open_amount,
    "id": lambda r: r.id,
}


def _expected_order(rows: list[InvoiceRow], sort: str, descending: bool) -> list[int]:
    """Rows with a value sorted by it (ties by id, same direction), rows without one last."""
    key = _SORT_VALUE[sort]
    valued = [r for r in rows if key(r) is not None]
    empty = [r for r in rows if key(r) is None]
    valued.sort(key=lambda r: (key(r), r.id), reverse=descending)
    empty.sort(key=lambda r: r.id, reverse=descending)
    return [r.id for r in valued + empty]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_sorting_by_each_key(books: Books, sort: str, descending: bool) -> None:
    flt = InvoiceFilter(today=TODAY)
    rows = search.list_invoices(books.db, flt, sort=sort, descending=descending)
    assert len(rows) == len(ALL)
    assert [r.id for r in rows] == _expected_order(rows, sort, descending)
    assert search.row_ids(books.db, flt, sort=sort, descending=descending) == [r.id for r in rows]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", ["number", "date", "due_date"])
def test_drafts_come_last_either_way(books: Books, sort: str, descending: bool) -> None:
    rows = search.list_invoices(
        books.db, InvoiceFilter(today=TODAY), sort=sort, descending=descending
    )
    assert books.labels(rows)[-2:] == (["D2", "D1"] if descending else ["D1", "D2"])


def test_default_sort_is_newest_first(books: Books) -> None:
    rows = search.list_invoices(books.db, InvoiceFilter(today=TODAY))
    assert books.labels(rows) == ["CN", "B2", "B1", "C1", "X", "A2", "A1", "D2", "D1"]


def test_sort_by_number_ascending(books: Books) -> None:
    rows = search.list_invoices(
        books.db, InvoiceFilter(today=TODAY), sort="number", descending=False
    )
    assert books.labels(rows) == ["CN", "A1", "A2", "X", "C1", "B1", "B2", "D1", "D2"]


def test_sort_by_client_ignores_case(books: Books) -> None:
    rows = search.list_invoices(
        books.db, InvoiceFilter(today=TODAY), sort="client", descending=False
    )
    assert [r.client_name for r in rows] == ["Anna Bau"] * 5 + ["bert Consulting"] * 3 + [
        "Carla Design"
    ]


def test_unknown_sort_key_is_refused(books: Books) -> None:
    with pytest.raises(DomainError, match="cannot sort by 'amount'") as error:
        search.list_invoices(books.db, sort="amount")
    assert error.value.field == "sort"


# --------------------------------------------------------------------------- paging, counting


def test_paging_walks_the_sorted_list(books: Books) -> None:
    flt = InvoiceFilter(today=TODAY)
    whole = search.list_invoices(books.db, flt, sort="gross")
    pages = [
        search.list_invoices(books.db, flt, sort="gross", limit=4, offset=offset)
        for offset in (0, 4, 8)
    ]
    assert [len(p) for p in pages] == [4, 4, 1]
    assert [r.id for page in pages for r in page] == [r.id for r in whole]
    assert search.list_invoices(books.db, flt, limit=4, offset=20) == []


@pytest.mark.parametrize(
    ("fields", "count"),
    [
        ({}, 9),
        ({"states": (State.DRAFT,)}, 2),
        ({"client_id": "anna"}, 5),
        ({"search": "bert", "states": (State.OPEN,)}, 1),
        ({"currency": "JPY"}, 0),
    ],
)
def test_count_invoices(books: Books, fields: dict[str, Any], count: int) -> None:
    if fields.get("client_id"):
        fields["client_id"] = books.clients[fields["client_id"]]
    flt = InvoiceFilter(today=TODAY, **fields)
    assert search.count_invoices(books.db, flt) == count
    assert len(search.list_invoices(books.db, flt, limit=1000)) == count


def test_summarize_turnover_with_credit_notes_negative(books: Books) -> None:
    flt = InvoiceFilter(
        today=TODAY, states=(State.OPEN, State.OVERDUE, State.PART_PAID, State.PAID)
    )
    summary = search.summarize(books.db, flt)
    assert summary.count == 6  # A1 A2 C1 B1 B2 CN: no drafts, not the cancelled one
    assert summary.by_currency == (
        # A1 + A2 + B1 + B2 − CN: net 120 + 200 + 70 + 300 − 20
        ("EUR", D("670.00"), D("791.30"), D("533.30")),
        ("USD", D("1000.00"), D("1000.00"), D("1000.00")),
    )


def test_summarize_credit_notes_alone(books: Books) -> None:
    summary = search.summarize(
        books.db, InvoiceFilter(today=TODAY, doc_types=(DocType.CREDIT_NOTE,))
    )
    assert summary.count == 1
    assert summary.by_currency == (("EUR", D("-20.00"), D("-23.80"), D("0.00")),)


def test_summarize_nothing(books: Books) -> None:
    assert search.summarize(books.db, InvoiceFilter(currency="JPY")) == search.Summary(0, ())


def test_rows_by_id_keeps_the_given_order(books: Books) -> None:
    wanted = [books.ids["B2"], books.ids["D1"], 9999, books.ids["A1"]]
    rows = search.rows_by_id(books.db, wanted, today=TODAY)
    assert books.labels(rows) == ["B2", "D1", "A1"]
    assert rows[2].state is State.OVERDUE
    assert search.rows_by_id(books.db, []) == []


def test_row_ids_apply_the_filter(books: Books) -> None:
    flt = InvoiceFilter(today=TODAY, states=(State.OPEN, State.OVERDUE))
    ids = search.row_ids(books.db, flt, sort="due_date", descending=False)
    assert [books.labels(search.rows_by_id(books.db, [i]))[0] for i in ids] == ["A1", "C1", "B2"]


def test_tags_are_case_insensitive_beyond_ascii(db: Database) -> None:
    client_id = make_client(db).id
    first = make_draft(db, client_id=client_id, tags=("Ärger",))
    second = make_draft(db, client_id=client_id, tags=("ärger",))
    assert second.data.tags == first.data.tags == ("Ärger",)
    found = search.list_invoices(db, InvoiceFilter(tags=("ÄRGER",)), sort="id", descending=False)
    assert [r.id for r in found] == [first.id, second.id]


def test_summarize_counts_cancelled_documents_but_never_sums_them(books: Books) -> None:
    everything = search.summarize(books.db, InvoiceFilter(today=TODAY))
    not_cancelled = search.summarize(
        books.db,
        InvoiceFilter(today=TODAY, states=tuple(s for s in State if s is not State.CANCELLED)),
    )
    assert everything.count == not_cancelled.count + 1
    assert everything.by_currency == not_cancelled.by_currency
    cancelled = search.summarize(books.db, InvoiceFilter(today=TODAY, states=(State.CANCELLED,)))
    assert cancelled.count == 1
    assert all(amount == 0 for row in cancelled.by_currency for amount in row[1:])
