"""Document numbers: sequential, gapless, reset per period, never lowered, safe across processes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import Status
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice, NumberSequence
from invoicedesk.services import invoices, numbering, settings
from tests.factories import TODAY, issued_invoice, make_client, make_draft


def _numbers(db: Database) -> list[str]:
    with db.read() as session:
        query = select(Invoice.number).where(Invoice.number.is_not(None)).order_by(Invoice.id)
        return [n for n in session.scalars(query) if n]


def _next_value(db: Database, doc_type: str, period: str) -> int | None:
    with db.read() as session:
        return session.scalar(
            select(NumberSequence.next_value).where(
                NumberSequence.doc_type == doc_type, NumberSequence.period == period
            )
        )


def test_numbers_are_sequential_and_gapless(db: Database) -> None:
    client_id = make_client(db).id
    numbers = [issued_invoice(db, client_id=client_id).number for _ in range(3)]
    assert numbers == ["RE-2026-0001", "RE-2026-0002", "RE-2026-0003"]
    assert _next_value(db, "invoice", "2026") == 4


def test_drafts_and_deleted_drafts_take_no_number(db: Database) -> None:
    client_id = make_client(db).id
    for _ in range(3):
        invoices.delete_draft(db, make_draft(db, client_id=client_id).id)
    make_draft(db, client_id=client_id)
    assert issued_invoice(db, client_id=client_id).number == "RE-2026-0001"


def test_issue_order_not_creation_order_decides(db: Database) -> None:
    client_id = make_client(db).id
    first, second = (make_draft(db, client_id=client_id) for _ in range(2))
    assert invoices.issue(db, second.id, today=TODAY).number == "RE-2026-0001"
    assert invoices.issue(db, first.id, today=TODAY).number == "RE-2026-0002"


def test_sequence_restarts_each_year_with_year_pattern(db: Database) -> None:
    client_id = make_client(db).id

    def number_on(date: dt.date) -> str | None:
        return issued_invoice(db, client_id=client_id, date=date).number

    assert number_on(dt.date(2026, 12, 31)) == "RE-2026-0001"
    assert number_on(dt.date(2027, 1, 1)) == "RE-2027-0001"
    assert number_on(dt.date(2027, 1, 2)) == "RE-2027-0002"
    assert number_on(dt.date(2026, 12, 30)) == "RE-2026-0002"  # late invoice for the old year


def test_issue_date_from_today_decides_the_year(db: Database) -> None:
    draft = make_draft(db)
    issued = invoices.issue(db, draft.id, today=dt.date(2031, 1, 5))
    assert issued.number == "RE-2031-0001"


def test_monthly_pattern_restarts_each_month(db: Database) -> None:
    settings.set_setting(db, "number_patterns", {"invoice": "R{yy}{month:02}-{seq:03}"})
    client_id = make_client(db).id
    numbers = [
        issued_invoice(db, client_id=client_id, date=date).number
        for date in (dt.date(2026, 3, 31), dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    ]
    assert numbers == ["R2603-001", "R2603-002", "R2604-001"]


def test_pattern_without_period_never_restarts(db: Database) -> None:
    settings.set_setting(db, "number_patterns", {"invoice": "INV{seq}"})
    client_id = make_client(db).id
    numbers = [
        issued_invoice(db, client_id=client_id, date=date).number
        for date in (dt.date(2026, 12, 31), dt.date(2027, 1, 1))
    ]
    assert numbers == ["INV1", "INV2"]


def test_credit_notes_have_their_own_sequence(db: Database) -> None:
    first = issued_invoice(db)
    issued_invoice(db, client_id=first.client_id)
    credit = invoices.create_credit_note(db, first.id)
    assert invoices.issue(db, credit.id, today=TODAY).number == "CN-2026-0001"
    assert issued_invoice(db, client_id=first.client_id).number == "RE-2026-0003"


def test_peek_does_not_consume(db: Database) -> None:
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0001"
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0001"
    assert issued_invoice(db).number == "RE-2026-0001"
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0002"
    assert numbering.peek_next_number(db, "invoice", dt.date(2027, 1, 1)) == "RE-2027-0001"
    assert numbering.peek_next_number(db, "credit_note", TODAY) == "CN-2026-0001"


def test_peek_creates_no_sequence_row(db: Database) -> None:
    numbering.peek_next_number(db, "invoice", TODAY)
    assert _next_value(db, "invoice", "2026") is None


def test_set_next_value_raises_the_sequence(db: Database) -> None:
    issued_invoice(db)
    assert numbering.set_next_value(db, "invoice", 100, TODAY) == "RE-2026-0100"
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0100"
    assert issued_invoice(db).number == "RE-2026-0100"
    assert numbering.set_next_value(db, "invoice", 101, TODAY) == "RE-2026-0101"  # same: allowed


def test_set_next_value_never_lowers(db: Database) -> None:
    client_id = make_client(db).id
    for _ in range(3):
        issued_invoice(db, client_id=client_id)
    with pytest.raises(DomainError) as error:
        numbering.set_next_value(db, "invoice", 2, TODAY)
    assert error.value.field == "next_number"
    assert error.value.message == (
        "the next number can only be raised: 3 is already used (next is RE-2026-0004)"
    )
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0004"


@pytest.mark.parametrize("value", [0, -5])
def test_set_next_value_needs_a_positive_whole_number(db: Database, value: int) -> None:
    with pytest.raises(DomainError, match="at least 1"):
        numbering.set_next_value(db, "invoice", value, TODAY)


def test_set_next_value_for_another_year_leaves_this_year_alone(db: Database) -> None:
    assert numbering.set_next_value(db, "invoice", 50, dt.date(2027, 1, 1)) == "RE-2027-0050"
    assert issued_invoice(db).number == "RE-2026-0001"


def test_failed_issue_does_not_consume_a_number(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = make_draft(db)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    # The audit entry is written after the number is drawn: fail there.
    monkeypatch.setattr(invoices, "record", fail)
    with pytest.raises(OSError, match="disk full"):
        invoices.issue(db, draft.id, today=TODAY)
    monkeypatch.undo()

    after = invoices.get_invoice(db, draft.id)
    assert (after.status, after.number, after.data.date) == (Status.DRAFT, None, None)
    assert _next_value(db, "invoice", "2026") is None
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0001"
    assert invoices.issue(db, draft.id, today=TODAY).number == "RE-2026-0001"


def test_number_taken_after_a_pattern_change_is_skipped(db: Database) -> None:
    first = issued_invoice(db)  # RE-2026-0001 from the yearly sequence
    settings.set_setting(db, "number_patterns", {"invoice": "RE-2026-{seq:04}"})  # no period
    draft = make_draft(db, client_id=first.client_id)
    # The new sequence starts at 1, meets the existing RE-2026-0001 and passes it by.
    assert invoices.issue(db, draft.id, today=TODAY).number == "RE-2026-0002"
    assert _numbers(db) == ["RE-2026-0001", "RE-2026-0002"]


# --------------------------------------------------------------------------- two processes

_ISSUER = textwrap.dedent(
    """
    import datetime as dt
    import sys
    import time

    from invoicedesk.db.engine import open_database
    from invoicedesk.services.invoices import issue

    db = open_database(sys.argv[1], upgrade=False)
    ids = [int(i) for i in sys.argv[2].split(",")]
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for invoice_id in ids:
        print(invoice_id, issue(db, invoice_id, today=dt.date(2026, 3, 16)).number, flush=True)
        time.sleep(0.01)  # let the other process in between: the transactions interleave
    db.dispose()
    """
)


def test_two_processes_issuing_at_once_get_unique_consecutive_numbers(
    db: Database, tmp_path: Path
) -> None:
    assert db.path is not None
    client_id = make_client(db).id
    drafts = [make_draft(db, client_id=client_id).id for _ in range(30)]
    script = tmp_path / "issuer.py"
    script.write_text(_ISSUER, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(db.path), ",".join(map(str, drafts[i::2]))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:  # both start issuing at the same moment
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err

    issued: dict[int, str] = {}
    for out, _err in outputs:
        per_process = [line.split() for line in out.splitlines()]
        numbers = [number for _id, number in per_process]
        assert numbers == sorted(numbers)  # each process saw its own numbers increase
        issued.update({int(invoice_id): number for invoice_id, number in per_process})

    expected = [f"RE-2026-{n:04d}" for n in range(1, 31)]
    assert sorted(issued.values()) == expected
    assert sorted(issued) == drafts
    with db.read() as session:
        stored = {i: n for i, n in session.execute(select(Invoice.id, Invoice.number))}
    assert stored == issued
    assert _next_value(db, "invoice", "2026") == 31
