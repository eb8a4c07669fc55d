"""Bulk use cases: issuing in the same go writes what drafting and then issuing write."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from invoicedesk.core.document import CashDiscountTerms
from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import invoice_batches
from invoicedesk.services.bulk_rows import Json, PausedCollector, _json, _scaled, _scaled_column
from invoicedesk.services.inputs import InvoiceInput
from tests.factories import TODAY, invoice_input, line, make_client

D = Decimal
MOMENT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables the bulk use cases write (the search index aside)."""
    assert db.path is not None
    tables = ("invoices", "invoice_lines", "invoice_taxes", "invoice_allowances_charges",
              "invoice_tags", "audit_log", "number_sequences", "sqlite_sequence")  # fmt: skip
    with closing(sqlite3.connect(db.path)) as connection:
        return {
            t: connection.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables
        }


def _inputs(client_id: int) -> list[InvoiceInput]:
    """Dated and undated ones (an undated one counts its cash discount from the issue)."""
    cash = CashDiscountTerms(D("2"), 10)
    return [
        invoice_input(client_id, line("2", "50.00"), date=TODAY, tags=("Projekt",)),
        invoice_input(client_id, line("1", "80.00", "7"), line("3", "9.99")),  # stays a draft
        invoice_input(client_id, line("1", "120.00"), cash_discount=cash),  # undated, issued
        invoice_input(client_id, line("4", "25.00"), date=TODAY - dt.timedelta(days=3)),
    ]


@pytest.fixture
def twin(tmp_path: Path, db: Database) -> Iterator[Database]:
    """A second file with the same company and one client, made the same way as ``db``."""
    make_client(db)
    assert db.path is not None
    db.dispose()
    shutil.copyfile(db.path, tmp_path / "twin.sqlite")
    other = open_database(str(tmp_path / "twin.sqlite"))
    yield other
    other.dispose()


def test_issuing_at_once_writes_the_rows_of_drafting_then_issuing(
    db: Database, twin: Database
) -> None:
    issue = [True, False, True, True]
    moments = [MOMENT + dt.timedelta(minutes=i) for i in range(4)]
    issue_at = [MOMENT + dt.timedelta(hours=1, minutes=i) for i in range(3)]

    with db.write() as session:
        drafts = invoice_batches.add_drafts(session, _inputs(1), at=moments)
        chosen = [d for d, wanted in zip(drafts, issue, strict=True) if wanted]
        one_by_one = invoice_batches.issue_many(session, chosen, TODAY, at=issue_at, archive=False)
    with twin.write() as session:
        _, at_once = invoice_batches.add_invoices(
            session, _inputs(1), issue, TODAY, at=moments, issue_at=issue_at, archive=False
        )

    assert at_once == one_by_one
    assert [i.number for i in at_once] == ["RE-2026-0001", "RE-2026-0002", "RE-2026-0003"]
    assert _rows(twin) == _rows(db)
    with closing(sqlite3.connect(twin.path or "")) as connection:
        taxes = connection.execute(
            "SELECT count(*) FROM invoice_taxes WHERE invoice_id = 3"
        ).fetchone()[0]
    assert taxes == 1  # the undated draft's tax row gave way to the issued one


def test_a_refused_input_is_named_by_the_caller(db: Database) -> None:
    client = make_client(db)
    bad = invoice_input(client.id, line("1", "10.00", "7.123"))
    located: list[int] = []

    def locate(index: int, error: DomainError) -> Exception:
        located.append(index)
        return DomainError(error.message, f"file[{index}]")

    with pytest.raises(DomainError) as error, db.write() as session:
        invoice_batches.add_drafts(session, [invoice_input(client.id), bad], located=locate)
    assert located == [1]
    assert error.value.field == "file[1]"


def test_bulk_money_refuses_a_float_equal_to_a_known_amount() -> None:
    assert _scaled(D("1.5")) == 15_000  # now known
    with pytest.raises(TypeError):
        _scaled(1.5)
    assert _scaled(None) is None
    with pytest.raises(ValueError):
        _scaled(D("0.00001"))


def test_bulk_money_column_scales_each_value_and_refuses_floats() -> None:
    assert _scaled_column((D("1.5"), None, D("2.25"), D("1.50"))) == (15_000, None, 22_500, 15_000)
    with pytest.raises(TypeError):
        _scaled_column((D("1.5"), 1.5))  # 1.5 == D("1.5"), which is known now
    with pytest.raises(ValueError):
        _scaled_column((D("0.00001"),))
    assert _scaled_column((D("3.5"), D(7), D("-0"), D("1E+2"))) == (35_000, 70_000, 0, 1_000_000)
    with pytest.raises(ValueError):
        _scaled_column((D("3.5"), D("0.00001")))  # Decimals only, one with five places


def test_paused_collection_comes_back_and_leaves_a_paused_collector_alone() -> None:
    assert gc.isenabled()
    with PausedCollector() as collector:
        assert not gc.isenabled()
        collector.collect()  # collects the young generations, stays paused
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # as the GUI's collector on its own thread has it
    try:
        with PausedCollector() as collector:
            collector.collect()
            assert not collector.paused
        assert not gc.isenabled()  # not switched on behind the GUI's back
    finally:
        gc.enable()


def test_bulk_json_keeps_null_and_serialised_values() -> None:
    assert _json(None) is None
    assert _json({}) == "{}"
    assert _json(Json('{"a": 1}')) == '{"a": 1}'
    assert _json({"gross": "1.00"}) == '{"gross": "1.00"}'


def test_an_import_is_found_by_the_search_box_and_keeps_the_triggers(db: Database) -> None:
    import json

    from invoicedesk.services import invoices, search, transfer

    invoice = {
        "client": {"name": "Müller Metallbau", "customer_number": "K-7"},
        "title": "Wartung Hallentor",
        "line_items": [{"name": "Wartung", "quantity": "1", "unit_price": "90", "tax_rate": "19"}],
    }
    transfer.import_document(db, json.dumps({"invoices": [invoice, invoice]}))
    found = search.row_ids(db, search.InvoiceFilter(search="Hallentor"))
    assert sorted(found) == [1, 2]
    # The index is kept by triggers again after the import: a new draft is found too.
    draft = invoices.create_draft(db, invoice_input(1, title="Hallentor Nachtrag"))
    assert draft.id in search.row_ids(db, search.InvoiceFilter(search="Hallentor"))
