"""``invoicedesk demo``: fill an empty database with sample clients, invoices and payments."""

from __future__ import annotations

import argparse
import sys

from invoicedesk.cli.common import (
    EXIT_OK,
    SubParsers,
    add_command,
    open_db,
    refield,
    whole_number,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr

_OPTIONS = {"clients": "--clients", "invoices": "--invoices", "database": "--db"}


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "demo",
        _run,
        help=tr("create demo data (default: in the separate demo database)"),
        description=tr(
            "Fill an empty database with sample clients, products, invoices, credit notes "
            "and payments. Without --db (or $INVOICEDESK_DB) it uses the demo database "
            "beside the default one, never your real books. A database that already holds "
            "data is refused."
        ),
    )
    for option, default, metavar in (("--clients", 25, "N"), ("--invoices", 200, "N"),
                                     ("--seed", 1, "S")):  # fmt: skip
        parser.add_argument(
            option, type=whole_number, default=default, metavar=metavar,
            help=tr("default: {value}").format(value=default),
        )  # fmt: skip


def _progress(done: int, total: int) -> None:
    sys.stderr.write("\r" + tr("Creating demo data… {done}/{total}").format(done=done, total=total))
    sys.stderr.flush()


def _run(args: argparse.Namespace) -> int:
    from invoicedesk.config import demo_database
    from invoicedesk.services.demo import generate_demo

    if args.db is None:
        args.db = str(demo_database())
    show_progress = sys.stderr.isatty()
    with open_db(args, create=True) as db:
        try:
            summary = generate_demo(
                db,
                clients=args.clients,
                invoices=args.invoices,
                seed=args.seed,
                progress=_progress if show_progress else None,
            )
        except DomainError as exc:  # name the options, not the service's parameters
            raise refield(exc, _OPTIONS.get(exc.field or "", exc.field)) from None
        finally:
            if show_progress:
                sys.stderr.write("\n")
                sys.stderr.flush()
    print(
        tr(
            "Created demo data in {db}: {clients} clients, {products} products, {invoices} "
            "invoices, {credit_notes} credit notes, {payments} payments"
        ).format(
            db=args.db, clients=summary.clients, products=summary.products,
            invoices=summary.invoices, credit_notes=summary.credit_notes,
            payments=summary.payments,
        )
    )  # fmt: skip
    return EXIT_OK
