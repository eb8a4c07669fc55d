"""The ``invoicedesk`` command: starts the desktop app, or runs a subcommand.

``invoicedesk`` without a subcommand opens the GUI; ``invoicedesk totals FILE``
and the other subcommands work without it. Exit codes: 0 success, 1 an
unexpected internal error, 2 a user error (bad input, unreadable file, bad
usage), 75 the environment failed and trying again may work (the database stayed
locked by another program, the disk is full), 130 interrupted. A user error
prints exactly one line on stderr,
``invoicedesk: error: <field>: <message>``, and nothing on stdout.

Adding a command (see also :mod:`invoicedesk.cli`)::

    # invoicedesk/cli/things.py
    from invoicedesk.cli.common import SubParsers, add_command, open_db

    def register(subparsers: SubParsers) -> None:
        parser = add_command(subparsers, "things", _run, help="…")
        parser.add_argument("--year", type=int)

    def _run(args: argparse.Namespace) -> int:
        from invoicedesk.services import reports  # heavy imports inside the handler
        with open_db(args) as db:                 # raise DomainError for user errors
            ...
        return 0

then add ``things.register`` to :func:`commands` below. ``args.db`` holds the
``--db`` value (or ``$INVOICEDESK_DB``, or ``None``); groups of subcommands
use ``common.add_group``. Usage errors are one line too (``OneLineParser``).
The building blocks live in :mod:`invoicedesk.cli.common` (re-exported here).
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import re
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO, cast

from invoicedesk import __version__
from invoicedesk.cli.common import (
    DB_ENV,
    DEBUG_ENV,
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    LINE_LIMIT,
    PROG,
    QUOTE_LIMIT,
    Handler,
    OneLineParser,
    Registrar,
    SubParsers,
    add_command,
    db_help,
    read_text,
    refield,
)
from invoicedesk.core.errors import DomainError, EnvironmentFailure
from invoicedesk.i18n import tr

__all__ = [
    "commands",
    "DB_ENV",
    "DEBUG_ENV",
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "Handler",
    "Registrar",
    "SubParsers",
    "add_command",
    "build_parser",
    "main",
    "read_text",
]


# --------------------------------------------------------------------------- totals


def _register_totals(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "totals",
        _run_totals,
        help=tr("compute the totals of a JSON invoice (no database needed)"),
        description=tr(
            'Read a JSON invoice ({"invoice": {...}} or the bare object) and print its '
            "totals as JSON. See docs/json-format.md."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE", help=tr("the invoice file, or - for standard input")
    )


def _run_totals(args: argparse.Namespace) -> int:
    from invoicedesk.cli.output import print_json
    from invoicedesk.core.totals import compute_totals
    from invoicedesk.services import json_format

    document = json_format.loads_document(read_text(args.file))
    if isinstance(document, dict) and len(document) == 1:
        (key,) = document
        if key == "invoice":
            document = document[key]
        elif key == "client":
            raise DomainError(
                "the totals command reads an invoice, not a client", key, code="not_an_invoice"
            )
        elif key == "product":
            raise DomainError(
                "the totals command reads an invoice, not a product", key, code="not_an_invoice"
            )
    invoice = json_format.parse_invoice(document, "invoice")
    for index, line in enumerate(invoice.lines):
        if line.from_product:  # filled from the product only when stored
            missing = ", ".join(sorted(line.from_product & {"name", "tax_rate", "unit_price"}))
            field = f"invoice.line_items[{index}]"
            raise DomainError(
                "is required ({fields}: the totals command reads no products)",
                field,
                code="required",
                params={"fields": missing},
            )
    try:
        totals = compute_totals(json_format.invoice_to_document(invoice))
    except DomainError as exc:
        raise refield(exc, json_format.document_field_path(exc.field, invoice)) from None
    print_json(totals.to_json())
    return EXIT_OK


# --------------------------------------------------------------------------- registry


def commands() -> list[Registrar]:
    """Every subcommand, in the order `invoicedesk --help` lists them. Add yours here.
    Imported only when the parser is built: a start of the app needs none of them."""
    from invoicedesk.cli import (
        backup,
        catalog,
        config,
        data,
        demo,
        invoices,
        mail,
        payments,
        pdf,
        report,
        selfcheck,
    )

    return [
        _register_totals,
        data.register_import,
        data.register_export,
        invoices.register,
        pdf.register,
        mail.register,
        payments.register,
        report.register,
        catalog.register_clients,
        catalog.register_products,
        demo.register,
        config.register,
        backup.register,
        selfcheck.register,
    ]


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description=tr("Desktop invoicing. Without a command, opens the app."),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=os.environ.get(DB_ENV) or None,
        help=db_help(),
    )
    subparsers = cast(
        SubParsers,
        parser.add_subparsers(title=tr("commands"), dest="command", metavar="COMMAND"),
    )
    for register in commands():
        register(subparsers)
    return parser


def run_gui(db: str | None) -> int:
    """Open the desktop app on database ``db`` (None: the default database)."""
    # The app collects garbage on its GUI thread (ui/gc_guard.py); off from here on, the
    # automatic collector would walk the heap again and again while the modules load.
    gc.disable()
    try:
        from invoicedesk.ui.app import run  # Qt loads only when the GUI starts

        result = run(db)
    finally:
        gc.enable()  # the app has closed
    return result if isinstance(result, int) else EXIT_OK


_LONG_QUOTE = re.compile(r"'([^'\n]{" + str(QUOTE_LIMIT + 1) + r",})'")


def _one_line(text: str) -> str:
    """The message on one line, with long quoted input cut to an excerpt (an error about a
    100 KB argument must not repeat it) and the whole line bounded."""
    text = " ".join(text.splitlines())
    text = _LONG_QUOTE.sub(lambda m: f"'{m.group(1)[:QUOTE_LIMIT - 1]}…'", text)
    if len(text) > LINE_LIMIT:
        text = text[: LINE_LIMIT - 1] + "…"
    return text


def _fail(message: str, stream: TextIO) -> None:
    stream.write(_one_line(f"{PROG}: {message}") + "\n")
    stream.flush()


def _prepare_streams() -> None:
    # Machine-readable output is UTF-8 everywhere (also on Windows pipes);
    # error lines must never fail to print, whatever the console can show.
    for stream, encoding in ((sys.stdout, "utf-8"), (sys.stderr, None)):
        if isinstance(stream, io.TextIOWrapper):
            try:
                stream.reconfigure(encoding=encoding, errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - already written to
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    _prepare_streams()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments or (len(arguments) == 2 and arguments[0] == "--db" and arguments[1]
                         and not arguments[1].startswith("-")):  # fmt: skip
        # Only the app: it starts without building the parser of every command.
        return run_gui(arguments[1] if arguments else os.environ.get(DB_ENV) or None)
    from invoicedesk.i18n import use_environment_language

    use_environment_language()  # messages in the environment's language (LANG …)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version and usage errors (argparse printed them)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return run_gui(args.db)  # sets up the log file and the crash dialog itself
    from invoicedesk.logs import log, log_file, setup_logging

    setup_logging()
    try:
        return handler(args)
    except DomainError as exc:
        where = f"{exc.field}: " if exc.field else ""
        _fail(f"error: {where}{exc.message}", sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _fail(tr("interrupted"), sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`invoicedesk ... | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except EnvironmentFailure as exc:
        log.warning("Command %r: %s", args.command, exc.message)
        _fail(f"error: {exc.message}", sys.stderr)
        return exc.exit_code
    except Exception as exc:
        from invoicedesk.services.books import environment_failure  # SQLAlchemy: not for --version

        failure = environment_failure(exc)
        if failure is not None:  # a disk full while writing a file, say
            log.warning("Command %r: %s", args.command, failure.message, exc_info=exc)
            _fail(f"error: {failure.message}", sys.stderr)
            return failure.exit_code
        log.exception("Command %r failed", args.command)
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        detail = tr("{kind}: {error} (the traceback is in {path}; please report this)").format(
            kind=type(exc).__name__, error=exc, path=log_file()
        )
        _fail(f"internal error: {detail}", sys.stderr)  # "internal error:" stays, as "error:"
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
