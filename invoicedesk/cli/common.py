"""Building blocks of the commands: registering, opening the database, parsing options.

Only the standard library is imported at module level; SQLAlchemy and the
services load inside the functions, so ``invoicedesk --help`` stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, NoReturn

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.i18n import tr

if TYPE_CHECKING:
    from invoicedesk.services.books import Books
    from invoicedesk.services.inputs import PaymentMethod
    from invoicedesk.services.search import InvoiceFilter

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    SubParsers = argparse._SubParsersAction

__all__ = [
    "DB_ENV",
    "DEBUG_ENV",
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TEMPFAIL",
    "LINE_LIMIT",
    "QUOTE_LIMIT",
    "PAYMENT_METHODS",
    "PROG",
    "STATES",
    "Handler",
    "OneLineParser",
    "Registrar",
    "SubParsers",
    "add_command",
    "add_filter_options",
    "add_format",
    "add_group",
    "build_filter",
    "client_id",
    "invoice_id",
    "money",
    "open_db",
    "parse_amount",
    "parse_date",
    "parse_methods",
    "read_text",
    "refield",
    "split_list",
    "whole_number",
]

PROG = "invoicedesk"
DB_ENV = "INVOICEDESK_DB"
DEBUG_ENV = "INVOICEDESK_DEBUG"  # set to 1 to get tracebacks of internal errors
MAX_INTEGER = 2**63 - 1  # the largest integer SQLite stores (ids, limits, offsets)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_ERROR = 2
EXIT_TEMPFAIL = 75  # the environment failed (database locked, disk full): try again
EXIT_INTERRUPTED = 130
QUOTE_LIMIT = 60  # an error line quotes at most this much of the input
LINE_LIMIT = 1000  # and is never longer than this

# A command handler gets the parsed arguments and returns the exit code.
Handler = Callable[[argparse.Namespace], int]
# A registrar adds one (or a group of) subcommand(s) to the top-level subparsers.
Registrar = Callable[[SubParsers], None]

STATES = ("draft", "open", "overdue", "part_paid", "paid", "cancelled")
DOC_TYPES = ("invoice", "credit_note")
PAYMENT_METHODS = ("cash", "bank_transfer", "paypal", "card", "direct_debit", "other")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- parsers


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit 2), no usage dump."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(message.split())
        # "error:" stays English (scripts look for it), as argparse's own words do.
        line = tr("{message} (see {prog} --help)").format(message=text, prog=self.prog)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {line}\n")


def _common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts after its name too (``invoicedesk totals x --db y``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help=db_help(),
    )
    return common


def db_help() -> str:
    text = tr("the database file or SQLAlchemy URL (default: ${env}, else the user data dir)")
    return text.format(env=DB_ENV)


def add_command(
    subparsers: SubParsers,
    name: str,
    handler: Handler,
    *,
    help: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` running ``handler``; returns its parser for the arguments.

    Works for nested groups too (see :func:`add_group`).
    """
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description or help,
        parents=[_common_options()],
    )
    parser.set_defaults(handler=handler)
    return parser


def add_group(subparsers: SubParsers, name: str, *, help: str) -> SubParsers:
    """A command with subcommands (``invoicedesk invoices list``); returns their subparsers.

    Without a subcommand the group fails with one line naming its commands.
    """
    parser = add_command(subparsers, name, _missing_subcommand, help=help)
    group = parser.add_subparsers(title=tr("commands"), metavar="COMMAND")
    parser.set_defaults(group_choices=group.choices, group_name=name)
    return group


def _missing_subcommand(args: argparse.Namespace) -> int:
    names = ", ".join(args.group_choices)
    raise DomainError(
        "choose a command: {commands}", args.group_name, code="missing_command",
        params={"commands": names},
    )  # fmt: skip


def whole_number(text: str) -> int:
    """argparse type for ids, limits and counts: 0 … MAX_INTEGER, ASCII digits only."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_INTEGER:
        shown = value if len(value) <= 24 else value[:20] + "…"
        text = tr("'{value}' is not a whole number from 0 to {max}")
        raise argparse.ArgumentTypeError(text.format(value=shown, max=MAX_INTEGER))
    return int(value)


def add_format(
    parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json", "csv")
) -> None:
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=tr("output format: {choices} (default: {default})").format(
            choices=", ".join(choices), default=choices[0]
        ),
    )


def read_text(path: str) -> str:
    """The UTF-8 text of file ``path``, or of standard input for ``-``.

    A byte-order mark is dropped. Unreadable files and text that is not UTF-8
    raise a DomainError naming the file.
    """
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        # The system's own words for the failure (Python gives them in English).
        raise DomainError(
            "{reason}", name, code="unreadable", params={"reason": exc.strerror or str(exc)}
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            "not UTF-8 text (byte {byte})", name, code="not_utf8", params={"byte": exc.start + 1}
        ) from None


# --------------------------------------------------------------------------- values


def parse_date(value: str | None, option: str) -> dt.date | None:
    """An ISO date ``YYYY-MM-DD`` (None stays None)."""
    if value is None:
        return None
    text = value.strip()
    if not _DATE.fullmatch(text):
        raise DomainError(
            "'{value}' is not a date in the form YYYY-MM-DD", option, code="date_format",
            params={"value": value},
        )  # fmt: skip
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "'{value}' is not a valid date", option, code="date_invalid", params={"value": value}
        ) from None


def parse_amount(value: str, option: str) -> Decimal:
    from invoicedesk.core.money import parse_decimal

    return parse_decimal(value, option, allow_negative=False)


def money(amount: Decimal, currency: str) -> str:
    """``17.26 EUR``: the amount with the currency's decimals and its code."""
    from invoicedesk.core.money import plain

    return plain(amount, currency)


def split_list(values: Sequence[str] | None) -> list[str]:
    """Values of a repeatable option that may also be comma lists: ``--state a,b --state c``."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def refield(exc: DomainError, field: str | None) -> DomainError:
    """``exc`` naming ``field`` (the option a person typed) instead of the service's name
    for it: its template, values and code stay, so it still reads in the current language."""
    return type(exc)(exc.template, field, code=exc.code, params=exc.params)


# --------------------------------------------------------------------------- database


@contextmanager
def open_db(args: argparse.Namespace, *, create: bool = False) -> Iterator[Books]:
    """The database of ``--db`` (or ``$INVOICEDESK_DB``, or the default file), opened and
    upgraded; disposed at the end.

    Without ``create`` a SQLite file that does not exist is an error (a typo in
    ``--db`` must not silently create an empty database).
    """
    from invoicedesk.config import resolve_database
    from invoicedesk.services.books import open_existing

    db = open_existing(resolve_database(getattr(args, "db", None)), create=create, field="--db")
    try:
        yield db
    finally:
        db.dispose()


def client_id(db: Books, ref: str, option: str = "--client") -> int:
    """The id of the client ``ref`` names: its id, customer number or exact name."""
    from invoicedesk.services.clients import find_client

    try:
        return find_client(db, ref.strip()).id
    except DomainError as exc:
        raise refield(exc, option) from None


def invoice_id(db: Books, ref: str, option: str | None = None) -> int:
    """The id of the invoice ``ref`` names: its number (any case) or its id."""
    from invoicedesk.services.invoices import resolve_ref

    try:
        return resolve_ref(db, ref)
    except DomainError as exc:
        raise refield(exc, option or exc.field) from None


# --------------------------------------------------------------------------- invoice filters


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The invoice filters shared by ``invoices list`` and ``report``."""
    group = parser.add_argument_group(tr("filters"))
    group.add_argument("--client", metavar="REF", help=tr("client id, customer number or name"))
    group.add_argument("--number", metavar="TEXT", help=tr("part of the invoice number"))
    group.add_argument(
        "--state",
        action="append",
        metavar="STATE",
        help=tr("{states}; repeat or give a comma list (any of them)").format(
            states=", ".join(STATES)
        ),
    )
    group.add_argument(
        "--type", dest="doc_type", choices=DOC_TYPES, help=tr("invoice or credit_note")
    )
    group.add_argument(
        "--method",
        action="append",
        metavar="METHOD",
        help=tr(
            "{methods}; has a payment by this method; repeat or give a comma list (any of them)"
        ).format(methods=", ".join(PAYMENT_METHODS)),
    )
    group.add_argument("--from", dest="date_from", metavar="DATE", help=tr("dated on or after"))
    group.add_argument("--to", dest="date_to", metavar="DATE", help=tr("dated on or before"))
    group.add_argument("--text", metavar="TEXT", help=tr("in title, label, intro or note"))
    group.add_argument(
        "--search", metavar="TEXT", help=tr("in number, client name or number, title, label, note")
    )
    group.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help=tr("has this tag; repeat or give a comma list (all of them)"),
    )
    group.add_argument("--product", metavar="NUMBER", help=tr("has a line of this product"))
    group.add_argument("--currency", metavar="CODE", help=tr("in this currency"))


def parse_states(values: Sequence[str] | None) -> tuple[str, ...]:
    states = []
    for value in split_list(values):
        state = value.lower()
        if state not in STATES:
            raise DomainError(
                "'{value}' is not a state (one of {states})", "--state", code="unknown_state",
                params={"value": value, "states": ", ".join(STATES)},
            )  # fmt: skip
        if state not in states:
            states.append(state)
    return tuple(states)


def parse_methods(
    values: Sequence[str] | None, allowed: Sequence[str]
) -> tuple[PaymentMethod, ...]:
    """Payment methods of a repeatable ``--method`` that also takes comma lists."""
    from invoicedesk.services.inputs import PaymentMethod

    methods: list[PaymentMethod] = []
    for value in split_list(values):
        method = value.lower()
        if method not in allowed:
            raise DomainError(
                "'{value}' is not a payment method (one of {methods})", "--method",
                code="unknown_method", params={"value": value, "methods": ", ".join(allowed)},
            )  # fmt: skip
        if PaymentMethod(method) not in methods:
            methods.append(PaymentMethod(method))
    return tuple(methods)


def build_filter(db: Books, args: argparse.Namespace) -> InvoiceFilter:
    """The :class:`~invoicedesk.services.search.InvoiceFilter` the filter options describe."""
    from invoicedesk.core.lifecycle import DocType, State
    from invoicedesk.core.money import validate_currency
    from invoicedesk.services.products import find_product
    from invoicedesk.services.search import InvoiceFilter

    states = parse_states(args.state)
    date_from = parse_date(args.date_from, "--from")
    date_to = parse_date(args.date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise DomainError(
            "{start} lies after --to {end}", "--from", code="date_range",
            params={"start": date_from, "end": date_to},
        )  # fmt: skip
    product_id = None
    if args.product is not None:
        product = find_product(db, args.product)
        if product is None:
            raise NotFoundError(
                "no product with number '{number}'", "--product", params={"number": args.product}
            )
        product_id = product.id
    return InvoiceFilter(
        client_id=client_id(db, args.client) if args.client is not None else None,
        number=args.number or "",
        states=tuple(State(s) for s in states),
        doc_types=(DocType(args.doc_type),) if args.doc_type else (),
        payment_methods=parse_methods(args.method, PAYMENT_METHODS),
        date_from=date_from,
        date_to=date_to,
        text=args.text or "",
        search=args.search or "",
        tags=tuple(split_list(args.tag)),
        product_id=product_id,
        currency=validate_currency(args.currency, "--currency") if args.currency else None,
    )
