"""``invoicedesk import`` and ``invoicedesk export``: JSON in, JSON or CSV out."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from pathlib import Path

from invoicedesk.cli.common import EXIT_OK, PROG, SubParsers, add_command, open_db, read_text
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ntr, tr

KINDS = ("clients", "products", "invoices")


def register_import(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "import",
        _run_import,
        help=tr("import clients, products and invoices (as drafts) from a JSON file"),
        description=tr(
            "Import a JSON file (one record, an array of records, or an export) in one "
            "transaction: everything or, on any error, nothing. Invoices become drafts. "
            "See docs/json-format.md."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=tr("the JSON file, or - for standard input"))


# From this many records on, ``import`` says that it holds the database while it runs.
LONG_IMPORT = 2_000


def _run_import(args: argparse.Namespace) -> int:
    from invoicedesk.services import json_format, transfer

    text = read_text(args.file)  # read before opening (and maybe creating) the database
    records = json_format.read_records(json_format.loads_document(text))  # errors: nothing open
    if len(records) >= LONG_IMPORT:
        # One transaction (all or nothing) keeps the database locked until it ends: other
        # programs that write wait (and give up after their timeout with "try again").
        note = tr(
            "importing {count} records in one transaction; other programs cannot change this "
            "database until it is done (about a second per 2,000 invoices)"
        ).format(count=f"{len(records):,}")
        sys.stderr.write(f"{PROG}: {note}\n")
        sys.stderr.flush()
    with open_db(args, create=True) as db:
        summary = transfer.import_records(db, records)
    print(summary)
    return EXIT_OK


def register_export(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "export",
        _run_export,
        help=tr("export the database as JSON (everything) or CSV (one kind)"),
        description=tr(
            "Write clients, products and invoices as JSON (the import format, with read-only "
            "invoice details under 'readonly'), or one kind as CSV."
        ),
    )
    parser.add_argument(
        "--format", choices=("json", "csv"), default="json", help=tr("json (default) or csv")
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        help=tr("only this kind (CSV: default invoices; JSON: default all three)"),
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=tr("write to FILE (default: standard output)")
    )


def _run_export(args: argparse.Namespace) -> int:
    from invoicedesk.services import json_format, transfer

    with open_db(args) as db:
        if args.format == "csv":
            kind = args.kind or "invoices"
            text = transfer.export_csv(db, kind)
            counts = {kind: len(list(csv.reader(io.StringIO(text)))) - 1}
        else:
            kinds = (args.kind,) if args.kind else transfer.KINDS
            document = transfer.export_all(db, kinds)
            text = json_format.dumps_document(document)
            counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    _write_file(args.output, text)
    what = ", ".join(_counted(kind, n) for kind, n in counts.items())
    print(tr("Exported {what} to {file}").format(what=what, file=args.output))
    return EXIT_OK


def _counted(kind: str, n: int) -> str:
    """``3 clients``, ``1 invoice``."""
    if kind == "clients":
        return ntr("{n} client", "{n} clients", n).format(n=n)
    if kind == "products":
        return ntr("{n} product", "{n} products", n).format(n=n)
    return ntr("{n} invoice", "{n} invoices", n).format(n=n)


def _write_file(path: str, text: str) -> None:
    """Write ``text`` as UTF-8 so that readers never see half a file."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        # The system's own words for the failure (Python gives them in English).
        raise DomainError(
            "{reason}", path, code="unwritable", params={"reason": exc.strerror or str(exc)}
        ) from None
