"""``invoicedesk pdf``: one invoice's PDF into a file, a new archived version, or many PDFs
into a folder (the filters of ``invoices list``, rendered on all cores)."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from invoicedesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    PROG,
    SubParsers,
    add_command,
    add_filter_options,
    build_filter,
    invoice_id,
    open_db,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ntr, tr

if TYPE_CHECKING:
    from invoicedesk.services.books import Books

TEMPLATES = ("classic", "modern")  # invoicedesk.pdf.model.Template, without importing it


MAX_JOBS = 256  # worker processes; more only exhausts the machine


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "pdf",
        _run,
        help=tr("write the PDF of an invoice, archive a new version, or export many PDFs"),
        description=tr(
            "With REF: write the invoice's archived PDF (drafts: a preview marked DRAFT) "
            "to FILE, by default into the current folder under the name the file name "
            "pattern gives; prints the path. Without REF: write the PDFs of all invoices "
            "the filters select into the folder --out (never replacing a file)."
        ),
    )
    parser.add_argument("ref", nargs="?", metavar="REF", help=tr("invoice number or id"))
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=tr("with REF: the file (or folder) to write")
    )
    parser.add_argument(
        "--template",
        choices=TEMPLATES,
        help=tr("with REF: a fresh copy in this look (not archived; with --new-version: archived)"),
    )
    parser.add_argument(
        "--print",
        dest="print_version",
        action="store_true",
        help=tr("a print version: no logo, no coloured areas (fresh copies, never archived)"),
    )
    parser.add_argument(
        "--new-version",
        action="store_true",
        help=tr("with REF: render the issued invoice again and archive it as its newest version"),
    )
    parser.add_argument("--out", metavar="DIR", help=tr("without REF: the folder to export into"))
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help=tr("worker processes for --out (default: one per core)"),
    )
    add_filter_options(parser)


def _run(args: argparse.Namespace) -> int:
    if args.ref is None:
        return _export(args)
    for option, given in (("--out", args.out), ("--jobs", args.jobs)):
        if given is not None:
            raise DomainError(
                "exports the invoices the filters select; give it without REF", option,
                code="needs_no_ref",
            )  # fmt: skip
    if args.new_version:
        return _new_version(args)
    return _single(args)


# --------------------------------------------------------------------------- one invoice


def _reject_filters(db: Books, args: argparse.Namespace) -> None:
    from invoicedesk.services.search import InvoiceFilter

    if build_filter(db, args) != InvoiceFilter():
        raise DomainError(
            "filters select invoices for --out DIR; with REF give none", "REF",
            code="filters_with_ref",
        )  # fmt: skip


def _single(args: argparse.Namespace) -> int:
    from invoicedesk.services import pdfs

    with open_db(args) as db:
        _reject_filters(db, args)
        target_id = invoice_id(db, args.ref)
        if args.template is not None:
            pdf = pdfs.render_preview(
                db, target_id, template=args.template, print_version=args.print_version
            )
        else:
            pdf = pdfs.pdf_for(db, target_id, print_version=args.print_version)
    path = Path(args.output) if args.output else Path.cwd()
    if path.is_dir():
        path = path / pdf.filename
    _write(path, pdf.content, args.output or str(path))
    print(path)
    return EXIT_OK


def _file_mode(path: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else what the
    user's umask gives a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _write(path: Path, content: bytes, shown: str) -> None:
    """Write ``content`` so that readers never see half a file (a file there is replaced)."""
    try:
        mode = _file_mode(path)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.chmod(temporary, mode)  # mkstemp makes it private (0600)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        # The system's own words for the failure (Python gives them in English).
        raise DomainError(
            "{reason}", shown, code="unwritable", params={"reason": exc.strerror or str(exc)}
        ) from None


def _new_version(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices, pdfs

    for option, given in (("-o", args.output), ("--print", args.print_version or None)):
        if given is not None:
            raise DomainError(
                "--new-version only archives; write the file with '{prog} pdf REF -o FILE'",
                option,
                code="archive_only",
                params={"prog": PROG},
            )
    with open_db(args) as db:
        _reject_filters(db, args)
        target_id = invoice_id(db, args.ref)
        version = pdfs.archive_new_version(db, target_id, template=args.template)
        number = invoices.get_invoice(db, target_id).display_number
    print(
        tr("Archived version {version} of {number} ({template}, {size}, {file})").format(
            version=version.version, number=number, template=version.template,
            size=_size(version.size), file=version.filename,
        )
    )  # fmt: skip
    return EXIT_OK


def _size(size: int) -> str:
    if size >= 1024:
        return tr("{size} KB").format(size=f"{size / 1024:.0f}")
    return ntr("{n} byte", "{n} bytes", size).format(n=size)


# --------------------------------------------------------------------------- many invoices


def _export(args: argparse.Namespace) -> int:
    from invoicedesk.services import search
    from invoicedesk.services.pdf_export import export_pdfs

    if args.out is None:
        raise DomainError(
            "give an invoice REF, or --out DIR to export the invoices the filters select", "pdf",
            code="ref_or_out",
        )  # fmt: skip
    for option, given in (
        ("-o", args.output),
        ("--template", args.template),
        ("--new-version", args.new_version or None),
    ):
        if given is not None:
            raise DomainError("works with one invoice (give its REF)", option, code="needs_ref")
    if args.jobs is not None and args.jobs < 1:
        raise DomainError("must be 1 or more", "--jobs", code="too_small")
    if args.jobs is not None and args.jobs > MAX_JOBS:
        raise DomainError(
            "must be at most {max}", "--jobs", code="too_large", params={"max": MAX_JOBS}
        )
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise DomainError("is a file, not a folder", args.out, code="not_a_folder")
    with open_db(args) as db:
        ids = search.row_ids(db, build_filter(db, args))
        result = export_pdfs(db, ids, out, jobs=args.jobs, print_version=args.print_version)
        failed_rows = {row.id: row for row in search.rows_by_id(db, [i for i, _ in result.failed])}
    written = len(result.written)
    print(ntr("Exported {n} PDF to {folder}", "Exported {n} PDFs to {folder}", written).format(
        n=written, folder=out
    ))  # fmt: skip
    for failed_id, reason in result.failed:
        row = failed_rows.get(failed_id)
        name = row.number if row and row.number else tr("draft {id}").format(id=failed_id)
        sys.stderr.write(f"{PROG}: error: {name}: {' '.join(reason.split())}\n")
    return EXIT_ERROR if result.failed else EXIT_OK
