"""How long the batch PDF export takes for 1,000 demo invoices on the process pool.

Run: ``python benchmarks/bench_pdf_batch.py [--invoices N] [--jobs N] [--keep DIR]``.
Demo invoices have no archived PDF yet, so the first export renders every issued one
and archives it (the slow path); a second export into a fresh folder copies the
archived PDFs out. The target (issue 11) is at most 12 s for 1,000 invoices on two free
cores. The floor printed next to it, measured in the same run: as many one-page
invoices drawn with plain ReportLab (``pdf_floor.py``, no database, no files) shared
out over the same number of cores without any start-up cost. Other programs on the
machine stretch the wall time, not the CPU time: both are printed, with the load
average. This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

from sqlalchemy import func, select

from invoicedesk.db.engine import open_database
from invoicedesk.db.models import Invoice, StoredDocument
from invoicedesk.services.demo import generate_demo
from invoicedesk.services.pdf_export import export_pdfs

TARGET_SECONDS = 12.0


def _children_cpu() -> float:
    if resource is None:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def floor_seconds(documents: int, jobs: int, runs: int = 40) -> tuple[float, float]:
    """Plain ReportLab drawing ``documents`` one-page invoices on ``jobs`` cores, wall and
    CPU: the median of ``runs`` in this process, times the documents, over the cores."""
    from bench_pdf import invoice
    from pdf_floor import floor_pdf, register_fonts

    register_fonts()
    page = invoice(4)
    floor_pdf(page)
    walls, cpus = [], []
    for number in range(runs):
        pdf = dataclasses.replace(page, number=f"RE-F-{number:05d}")
        wall, cpu = time.perf_counter(), time.process_time()
        floor_pdf(pdf)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    scale = documents / jobs
    return statistics.median(walls) * scale, statistics.median(cpus) * scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=None, help="default: one per core")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="invoicedesk-pdf-"))
    root.mkdir(parents=True, exist_ok=True)
    path = root / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(str(path))
    generate_demo(db, clients=args.clients, invoices=args.invoices, seed=1, today=dt.date.today())
    with db.read() as session:
        ids = list(session.scalars(select(Invoice.id).order_by(Invoice.id)))
    jobs = args.jobs or os.cpu_count() or 1
    load = _load()
    # Other programs running at the same time stretch the wall time, not the CPU time.
    print(f"documents: {len(ids):,} (demo: {args.invoices:,} invoices + credit notes)")
    print(f"jobs: {jobs} on {os.cpu_count()} CPUs (load average before: {load:.2f})")

    timings = []
    for run, label in enumerate(("render + archive", "archived copies")):
        out = root / f"out-{run}"
        shutil.rmtree(out, ignore_errors=True)
        if run:
            print(f"(load average before: {_load():.2f})")
        start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        result = export_pdfs(db, ids, out, jobs=args.jobs)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        children = _children_cpu() - children  # the workers, once they have exited
        timings.append(seconds)
        size = sum(p.stat().st_size for p in result.written)
        print(
            f"{label:17} {seconds:6.2f} s  {1000 * seconds / max(len(ids), 1):5.1f} ms/PDF  "
            f"{len(result.written):,} written, {len(result.failed)} failed, "
            f"{size / len(result.written) / 1024 if result.written else 0:.0f} KB average"
        )
        print(
            f"{'':17} CPU: this process {cpu:.2f} s, workers {children:.2f} s "
            f"({1000 * (cpu + children) / max(len(ids), 1):.1f} ms CPU/PDF)"
        )
        for invoice_id, reason in result.failed[:5]:
            print(f"  failed {invoice_id}: {reason}")
    with db.read() as session:
        archived = session.scalar(select(func.count()).select_from(StoredDocument))
    print(f"archived versions now: {archived:,}")
    floor, floor_cpu = floor_seconds(len(ids), jobs)
    target = TARGET_SECONDS * len(ids) / 1000
    print(
        f"floor: {len(ids):,} one-page invoices in plain ReportLab shared out over {jobs} "
        f"cores, measured now: {floor:.2f} s (CPU {floor_cpu:.2f} s) -> ratio "
        f"{timings[0] / floor:.2f}"
    )
    verdict = "met" if timings[0] <= target else "NOT MET (see the load average)"
    print(
        f"target: {TARGET_SECONDS:.0f} s per 1,000 on two free cores ({target:.1f} s) -> {verdict}"
    )
    db.dispose()
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
