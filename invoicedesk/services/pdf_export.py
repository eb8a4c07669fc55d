"""Many PDFs into one folder, rendered on all cores.

The ids are cut into chunks; worker processes (started with "spawn": the GUI process
runs Qt threads, and a forked copy of those can deadlock) each open the database
once and turn a chunk into (file name, bytes) pairs. Issued documents that are
archived already are copied out as stored; the rest are rendered. This process writes
the files, chunk by chunk in the order given, and archives the PDFs of issued
documents that had none, in one write transaction per chunk.

Files are never overwritten: a name that exists gets " (2)", " (3)" … — except
when the existing file has exactly the same bytes, which then counts as written
(exporting the same issued invoices into the same folder twice changes nothing; drafts
and print versions are rendered afresh, with a new creation date, so they do add copies).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import StoredDocument
from invoicedesk.services.pdf_archive import INVOICE_PDF
from invoicedesk.services.pdf_build import Layout, load_invoice, load_invoices, read_layout
from invoicedesk.services.pdfs import RenderedPdf, resolve, store_missing

CHUNK = 25  # ids per task: small enough that cancelling answers within a second
# Starting the workers (a fresh interpreter each, importing ReportLab and SQLAlchemy) takes
# ~1.5 s, as long as rendering ~60 PDFs: an automatic export of fewer stays in this process.
FEW_RENDERINGS = 60
POLL_SECONDS = 0.1  # how often a waiting export asks is_cancelled()


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (invoice id, why)
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class _Item:
    """One invoice's PDF as a worker made it (or why it could not)."""

    invoice_id: int
    filename: str = ""
    content: bytes = b""
    template: str = ""
    archive: bool = False  # issued, but not archived yet: the parent stores these bytes
    error: str = ""


# --------------------------------------------------------------------------- rendering


def _render_items(
    db: Database, layout: Layout, ids: Sequence[int], print_version: bool
) -> list[_Item]:
    items = []
    with db.read() as session:
        found = load_invoices(session, ids)  # the chunk in a few queries, not a few per id
        for invoice_id in ids:
            try:
                invoice = found.get(invoice_id) or load_invoice(session, invoice_id)
                pdf, missing = resolve(session, invoice, layout, print_version=print_version)
            except DomainError as exc:
                items.append(_Item(invoice_id, error=exc.message))
            except Exception as exc:  # noqa: BLE001 - one bad invoice must not stop the rest
                items.append(_Item(invoice_id, error=f"{type(exc).__name__}: {exc}"))
            else:
                items.append(_Item(invoice_id, pdf.filename, pdf.content, pdf.template, missing))
    return items


_worker: tuple[Database, Layout] | None = None  # set in each worker process


def _init_worker(url: str, layout: Layout) -> None:
    global _worker
    # Ctrl-C is the parent's to handle; it shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = (Database(url), layout)  # no migrations: the parent opened it at head


def _worker_chunk(ids: list[int], print_version: bool) -> list[_Item]:
    assert _worker is not None, "the pool's initializer opens the database"
    db, layout = _worker
    return _render_items(db, layout, ids, print_version)


def _renderings(session: Session, ids: list[int], print_version: bool) -> int:
    """How many of ``ids`` need rendering (the rest are archived copies); stops counting
    past :data:`FEW_RENDERINGS`."""
    if print_version:
        return len(ids)
    count = 0
    for start in range(0, len(ids), 500):  # SQLite limits the parameters of one query
        part = ids[start : start + 500]
        archived = select(StoredDocument.invoice_id).where(
            StoredDocument.kind == INVOICE_PDF, StoredDocument.invoice_id.in_(part)
        )
        count += len(part) - len(set(session.scalars(archived)))
        if count > FEW_RENDERINGS:
            break
    return count


# --------------------------------------------------------------------------- writing


def _same_file(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def write_new_file(folder: Path, filename: str, content: bytes, taken: set[str]) -> Path:
    """Write ``content`` as ``filename`` in ``folder`` without replacing any file:
    "Invoice_1 (2).pdf" where "Invoice_1.pdf" exists with other bytes. ``taken`` holds
    the names (case-folded) this export wrote already."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    counter = 1
    while True:
        name = filename if counter == 1 else f"{stem} ({counter}){dot}{suffix}"
        counter += 1
        if name.casefold() in taken:
            continue
        path = folder / name
        try:
            # O_EXCL: claimed atomically, so nothing another program wrote meanwhile is lost.
            handle = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            )
        except FileExistsError:
            if _same_file(path, content):
                taken.add(name.casefold())
                return path
            continue
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
        except BaseException:
            path.unlink(missing_ok=True)  # no half-written PDFs
            raise
        taken.add(name.casefold())
        return path


def _archive_missing(db: Database, items: list[_Item]) -> list[_Item]:
    """Store the PDFs of issued documents that had none (one transaction); where another
    process archived one meanwhile, that version is what gets written."""
    if not any(item.archive for item in items):
        return items
    out = []
    try:
        with db.write() as session:
            for item in items:
                if item.archive:
                    pdf = RenderedPdf(item.filename, item.content, item.template, archived=False)
                    stored = store_missing(session, item.invoice_id, pdf)
                    item = _Item(item.invoice_id, item.filename, stored.content, stored.template)
                out.append(item)
    except Exception as exc:  # noqa: BLE001 - e.g. the database is locked or read-only
        reason = f"its PDF could not be archived ({type(exc).__name__}: {exc})"
        return [_Item(i.invoice_id, error=reason) if i.archive else i for i in items]
    return out


def _finish(
    db: Database, items: list[_Item], folder: Path, result: ExportResult, taken: set[str]
) -> None:
    for item in _archive_missing(db, items):
        if item.error:
            result.failed.append((item.invoice_id, item.error))
            continue
        try:
            result.written.append(write_new_file(folder, item.filename, item.content, taken))
        except OSError as exc:
            result.failed.append((item.invoice_id, f"{item.filename}: {exc.strerror or exc}"))


# --------------------------------------------------------------------------- export


def export_pdfs(
    db: Database,
    invoice_ids: Sequence[int],
    out_dir: Path,
    *,
    jobs: int | None = None,
    print_version: bool = False,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the PDF of every invoice in ``invoice_ids`` into ``out_dir`` (created if missing).

    What each file holds is what :func:`~invoicedesk.services.pdfs.pdf_for` gives: the
    archived PDF of issued documents (archived first where missing), previews of
    drafts, fresh print renderings with ``print_version``. ``jobs`` worker processes
    render (default: one per core, or none when only a few PDFs need rendering).
    ``progress(done, total)`` follows each chunk; once ``is_cancelled()`` is true, no
    further chunk is started or written and the result says ``cancelled``. Safe to call
    from a worker thread of the GUI.
    """
    ids = list(dict.fromkeys(invoice_ids))  # each invoice once, in the order given
    result = ExportResult()
    if jobs is not None and jobs < 1:
        raise DomainError("give 1 or more worker processes", "jobs")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError(
            "cannot create the folder: {reason}",
            str(out_dir),
            params={"reason": exc.strerror or exc},
        ) from None
    if not ids:
        return result
    with db.read() as session:
        layout = read_layout(session)  # one look for the whole export
        if jobs is None and _renderings(session, ids, print_version) <= FEW_RENDERINGS:
            jobs = 1  # copies of archived PDFs and a few renderings: faster than starting workers
    if db.in_memory:
        jobs = 1  # an in-memory database exists in this process only
    workers = jobs or os.cpu_count() or 1
    size = max(1, min(CHUNK, math.ceil(len(ids) / (workers * 4))))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    workers = min(workers, len(chunks))
    taken: set[str] = set()
    cancelled = is_cancelled or (lambda: False)
    done = 0

    def finished(items: list[_Item]) -> None:
        nonlocal done
        _finish(db, items, out_dir, result, taken)
        done += len(items)
        if progress is not None:
            progress(done, len(ids))

    if workers == 1:
        for chunk in chunks:
            if cancelled():
                result.cancelled = True
                break
            finished(_render_items(db, layout, chunk, print_version))
        return result
    result.cancelled = _run_pool(db, layout, chunks, workers, print_version, finished, cancelled)
    return result


def _run_pool(
    db: Database,
    layout: Layout,
    chunks: list[list[int]],
    workers: int,
    print_version: bool,
    finished: Callable[[list[_Item]], None],
    cancelled: Callable[[], bool],
) -> bool:
    """Render ``chunks`` in ``workers`` processes and hand them to ``finished`` in order;
    True when cancelled."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(db.url, layout),
    )
    stopped = True
    try:
        pending: dict[Future[list[_Item]], int] = {
            pool.submit(_worker_chunk, chunk, print_version): index
            for index, chunk in enumerate(chunks)
        }
        ready: dict[int, list[_Item]] = {}
        next_index = 0
        while next_index < len(chunks):
            if cancelled():
                return True
            if next_index not in ready:
                completed, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in completed:
                    index = pending.pop(future)
                    try:
                        ready[index] = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker died (out of memory …)
                        reason = f"the export worker failed ({type(exc).__name__}: {exc})"
                        ready[index] = [_Item(i, error=reason) for i in chunks[index]]
                continue
            finished(ready.pop(next_index))
            next_index += 1
        stopped = False
        return False
    finally:
        # Cancelled (or failed): drop the chunks not started; running ones end by themselves.
        pool.shutdown(wait=True, cancel_futures=stopped)
