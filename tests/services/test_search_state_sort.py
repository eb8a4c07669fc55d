"""The list sorted by state: pages and all ids in exactly the order of a full sort by
(state, id), both directions, through any offset, with filters and search terms (the
service walks the states one stored status at a time; services/search.py, _state_parts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from invoicedesk.core.lifecycle import DocType, State
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, search
from invoicedesk.services.search import InvoiceFilter, InvoiceRow
from tests.factories import TODAY, issued_invoice, make_client, make_draft, new_database, pay


@dataclass(frozen=True)
class Listed:
    db: Database
    anna: int


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Listed]:
    db = new_database(tmp_path_factory.mktemp("state") / "states.sqlite")
    anna = make_client(db, "Anna Bau").id
    bert = make_client(db, "Bert Holz").id
    issued: list[int] = []
    for i in range(18):  # every 4 days back: the older ones are past their 14 days
        client = anna if i % 3 else bert
        day = TODAY - dt.timedelta(days=4 * i)
        issued.append(issued_invoice(db, client_id=client, date=day, today=day).id)
    for invoice_id in issued[1::4]:
        pay(db, invoice_id, "50.00")  # part paid: overdue when old, else part paid
    for invoice_id in issued[2::4]:
        pay(db, invoice_id, "119.00")  # paid
    for invoice_id in issued[3::8]:
        invoices.cancel(db, invoice_id, today=TODAY)
    credit = invoices.create_credit_note(db, issued[4], [1])
    invoices.issue(db, credit.id, today=TODAY)
    for client in (anna, bert, anna):
        make_draft(db, client_id=client)
    yield Listed(db, anna)
    db.dispose()


def _full_sort(rows: list[InvoiceRow], descending: bool) -> list[int]:
    return [r.id for r in sorted(rows, key=lambda r: (r.state.value, r.id), reverse=descending)]


def test_the_data_has_every_state_and_overdue_from_both_statuses(listed: Listed) -> None:
    rows = search.list_invoices(listed.db, InvoiceFilter(today=TODAY), limit=1000)
    assert {r.state for r in rows} == set(State)
    overdue = {r.status.value for r in rows if r.state is State.OVERDUE}
    assert overdue == {"open", "part_paid"}
    # A credit note is never overdue, even long past its date.
    assert any(r.doc_type is DocType.CREDIT_NOTE and r.state is not State.OVERDUE for r in rows)


@pytest.mark.parametrize("share", [0, 10**9], ids=["matches-drive", "rows-checked"])
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(
    "fields",
    [{}, {"client_id": "anna"}, {"search": "Anna"}, {"search": "an"}, {"number": "RE-2026"}],
    ids=["all", "client", "search", "short-search", "number"],
)
def test_pages_in_state_order_are_the_full_sort(
    listed: Listed,
    monkeypatch: pytest.MonkeyPatch,
    fields: dict[str, object],
    descending: bool,
    share: int,
) -> None:
    # Either way of answering the search index (the choice depends on how many match).
    monkeypatch.setattr(search, "PAGE_PROBE_SHARE", share)
    monkeypatch.setattr(search, "ALL_PROBE_SHARE", share)
    if fields.get("client_id"):
        fields = {**fields, "client_id": listed.anna}
    flt = InvoiceFilter(today=TODAY, **fields)  # type: ignore[arg-type]
    every = search.list_invoices(listed.db, flt, sort="id", descending=False, limit=1000)
    expected = _full_sort(every, descending)
    assert len(expected) >= 8  # the filter leaves several states to walk through

    pages = [
        search.list_invoices(
            listed.db, flt, sort="state", descending=descending, limit=3, offset=offset
        )
        for offset in range(0, len(expected) + 3, 3)
    ]
    assert [r.id for page in pages for r in page] == expected
    assert pages[-1] == []
    assert search.row_ids(listed.db, flt, sort="state", descending=descending) == expected
