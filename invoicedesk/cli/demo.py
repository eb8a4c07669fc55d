"""``invoicedesk demo``: fill an empty database with sample clients, invoices and payments."""

from __future__ import annotations

import argparse
import sys

from invoicedesk.cli.common import EXIT_OK, SubParsers, add_command, open_db, whole_number
from invoicedesk.core.errors import DomainError

_OPTIONS = {"clients": "--clients", "invoices": "--invoices", "database": "--db"}


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "demo",
        _run,
        help="create demo data (default: in the separate demo database)",
        description=(
            "Fill an empty database with sample clients, products, invoices, credit notes "
            "and payments. Without --db (or $INVOICEDESK_DB) it uses the demo database "
            "beside the default one, never your real books. A database that already holds "
            "data is refused."
        ),
    )
    parser.add_argument("--clients", type=whole_number, default=25, metavar="N", help="default: 25")
    parser.add_argument(
        "--invoices", type=whole_number, default=200, metavar="N", help="default: 200"
    )
    parser.add_argument("--seed", type=whole_number, default=1, metavar="S", help="default: 1")


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rCreating demo data… {done}/{total}")
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
            field = _OPTIONS.get(exc.field or "", exc.field)
            raise DomainError(exc.message, field) from None
        finally:
            if show_progress:
                sys.stderr.write("\n")
                sys.stderr.flush()
    print(
        f"Created demo data in {args.db}: {summary.clients} clients, {summary.products} "
        f"products, {summary.invoices} invoices, {summary.credit_notes} credit notes, "
        f"{summary.payments} payments"
    )
    return EXIT_OK
