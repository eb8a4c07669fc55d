"""Batch export: worker processes render, this process writes the files and archives what
was missing; progress after each chunk; cancelling stops early; files are never replaced."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import StoredDocument
from invoicedesk.services import invoices, pdfs
from invoicedesk.services.pdf_export import ExportResult, export_pdfs, write_new_file
from tests.factories import TODAY, line, make_client, make_draft, pdf_text


def _archived_count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(StoredDocument)) or 0)


@pytest.fixture
def thirty(db: Database) -> list[int]:
    """30 documents: 10 issued with an archived PDF, 15 issued without (as demo data has
    them), 5 drafts."""
    client = make_client(db).id
    ids = []
    for i in range(30):
        draft = make_draft(
            db, line("1", f"{100 + i}.00", name=f"Service {i:02d}"), client_id=client
        )
        ids.append(draft.id)
        if i < 25:
            invoices.issue(db, draft.id, today=TODAY)
    with db.write() as session:  # forget the archive of 15 of them
        session.execute(delete(StoredDocument).where(StoredDocument.invoice_id.in_(ids[10:25])))
    return ids


def test_export_with_two_processes(db: Database, thirty: list[int], tmp_path: Path) -> None:
    archived_before = {i: pdfs.archived_pdf(db, i) for i in thirty[:10]}
    seen: list[tuple[int, int]] = []
    result = export_pdfs(
        db, thirty, tmp_path / "out", jobs=2, progress=lambda d, t: seen.append((d, t))
    )
    assert not result.cancelled and result.failed == []
    assert len(result.written) == 30
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in result.written
    )
    for i, (invoice_id, path) in enumerate(zip(thirty, result.written, strict=True)):
        text = pdf_text(path.read_bytes())
        assert f"Service {i:02d}" in text
        if i < 25:
            number = f"RE-2026-{i + 1:04d}"
            assert path.name == f"Invoice_{number}.pdf" and number in text
            # Each issued invoice's file is its archived PDF, byte for byte.
            archived = pdfs.archived_pdf(db, invoice_id)
            assert archived is not None and archived.content == path.read_bytes()
        else:
            assert path.name == f"Invoice_Draft-{invoice_id}.pdf"
    for before in archived_before.values():  # copied out, not rendered again
        assert before is not None
        assert (tmp_path / "out" / before.filename).read_bytes() == before.content
    assert _archived_count(db) == 25  # the 15 missing ones archived, drafts never
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert seen[-1] == (30, 30) and {t for _, t in seen} == {30}


def test_cancel_from_the_progress_callback_on_a_worker_thread(
    db: Database, thirty: list[int], tmp_path: Path
) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        stop.set()

    out = tmp_path / "out"
    results: list[ExportResult] = []

    def task() -> None:  # as the GUI runs it: on a worker thread
        results.append(
            export_pdfs(db, thirty, out, jobs=2, progress=progress, is_cancelled=stop.is_set)
        )

    worker = threading.Thread(target=task)
    worker.start()
    worker.join(timeout=60)
    (result,) = results
    assert result.cancelled
    assert seen and len(seen) == 1 and seen[0] < 30
    assert len(result.written) == seen[0] < 30
    assert len(list(out.iterdir())) == seen[0]


def test_export_in_process_and_print_version(
    db: Database, thirty: list[int], tmp_path: Path
) -> None:
    """One job renders in the calling thread; print versions are fresh and never archived."""
    before = _archived_count(db)
    result = export_pdfs(db, thirty[:3] + thirty[-2:], tmp_path, jobs=1, print_version=True)
    assert len(result.written) == 5 and not result.failed
    archived = pdfs.archived_pdf(db, thirty[0])
    assert archived is not None and result.written[0].read_bytes() != archived.content
    assert _archived_count(db) == before


def test_files_are_never_replaced(db: Database, thirty: list[int], tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    first = export_pdfs(db, thirty[:2], tmp_path, jobs=1)
    # The same export again finds identical files: nothing new.
    again = export_pdfs(db, thirty[:2], tmp_path, jobs=1)
    assert again.written == first.written
    assert len(list(tmp_path.iterdir())) == 2
    # A different file under the name gets company.
    first.written[0].write_bytes(b"someone else's file")
    third = export_pdfs(db, thirty[:1], tmp_path, jobs=1)
    assert third.written[0].name == "Invoice_RE-2026-0001 (2).pdf"
    assert first.written[0].read_bytes() == b"someone else's file"


def test_write_new_file(tmp_path: Path) -> None:
    taken: set[str] = set()
    a = write_new_file(tmp_path, "A.pdf", b"1", taken)
    b = write_new_file(tmp_path, "a.pdf", b"2", taken)  # same name on Windows and macOS
    c = write_new_file(tmp_path, "A.pdf", b"3", taken)
    assert [p.name for p in (a, b, c)] == ["A.pdf", "a (2).pdf", "A (3).pdf"]
    assert write_new_file(tmp_path, "A.pdf", b"1", set()) == a  # identical: reused


def test_failures_are_reported_not_raised(db: Database, tmp_path: Path) -> None:
    draft = make_draft(db, line())
    result = export_pdfs(db, [draft.id, 999, draft.id], tmp_path, jobs=1)
    assert [p.name for p in result.written] == [f"Invoice_Draft-{draft.id}.pdf"]
    assert result.failed == [(999, "there is no invoice with id 999")]
    assert export_pdfs(db, [], tmp_path) == type(result)()
    with pytest.raises(DomainError):
        export_pdfs(db, [draft.id], tmp_path, jobs=0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(DomainError):
        export_pdfs(db, [draft.id], tmp_path / "file")


def test_few_renderings_stay_in_this_process(
    db: Database, thirty: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting workers costs more than rendering a handful or copying archived PDFs."""
    import invoicedesk.services.pdf_export as pdf_export

    def no_pool(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no worker processes for this")

    monkeypatch.setattr(pdf_export, "ProcessPoolExecutor", no_pool)
    result = export_pdfs(db, thirty, tmp_path / "out")  # 20 renderings, 10 copies
    assert len(result.written) == 30 and not result.failed
    assert len(export_pdfs(db, thirty, tmp_path / "again").written) == 30  # 5 renderings
