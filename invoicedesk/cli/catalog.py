"""``invoicedesk clients list`` and ``invoicedesk products list``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TypeVar

from invoicedesk.cli.common import (
    EXIT_OK,
    SubParsers,
    add_command,
    add_format,
    add_group,
    money,
    open_db,
)
from invoicedesk.cli.output import print_rows
from invoicedesk.i18n import tr

CLIENT_COLUMNS = (
    "id",
    "customer_number",
    "name",
    "email",
    "city",
    "country",
    "invoices",
    "open",
    "overdue",
    "archived",
)
CLIENT_TABLE = CLIENT_COLUMNS[:-1]
PRODUCT_COLUMNS = (
    "id",
    "number",
    "name",
    "unit",
    "unit_price",
    "tax_rate",
    "tax_category",
    "price_basis",
    "archived",
)
PRODUCT_TABLE = PRODUCT_COLUMNS[:-1]
_PAGE = 500
_T = TypeVar("_T")


def _all(fetch: Callable[[int, int], Sequence[_T]]) -> Iterator[_T]:
    offset = 0
    while True:
        page = fetch(_PAGE, offset)
        yield from page
        if len(page) < _PAGE:
            return
        offset += _PAGE


def _add_list(
    group: SubParsers, handler: Callable[[argparse.Namespace], int], listing: str, search: str
) -> None:
    parser = add_command(group, "list", handler, help=listing)
    parser.add_argument("--search", default="", metavar="TEXT", help=search)
    parser.add_argument("--archived", action="store_true", help=tr("include archived ones"))
    add_format(parser)


def register_clients(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "clients", help=tr("list clients"))
    _add_list(group, _clients, tr("list clients, sorted by name"), tr("find clients by text"))


def register_products(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "products", help=tr("list products"))
    _add_list(group, _products, tr("list products, sorted by name"), tr("find products by text"))


def _clients(args: argparse.Namespace) -> int:
    from invoicedesk.core.money import round_money
    from invoicedesk.services.clients import list_clients

    with open_db(args) as db:
        views = list(
            _all(
                lambda limit, offset: list_clients(
                    db,
                    args.search,
                    include_archived=args.archived,
                    limit=limit,
                    offset=offset,
                )
            )
        )
    rows = []
    for view in views:
        address = view.billing_address
        row: dict[str, object] = {
            "id": view.id,
            "customer_number": view.customer_number,
            "name": view.name,
            "email": view.data.email,
            "city": address.city if address else "",
            "country": address.country if address else "",
            "invoices": view.invoice_count,
            "archived": view.archived,
        }
        if args.format == "json":  # per currency: {"EUR": "17.26"}
            row["open"] = {b.currency: round_money(b.open, b.currency) for b in view.balances}
            row["overdue"] = {b.currency: round_money(b.overdue, b.currency) for b in view.balances}
        else:
            row["open"] = "; ".join(money(b.open, b.currency) for b in view.balances)
            row["overdue"] = "; ".join(
                money(b.overdue, b.currency) for b in view.balances if b.overdue
            )
        rows.append(row)
    print_rows(rows, CLIENT_TABLE if args.format == "table" else CLIENT_COLUMNS, args.format)
    return EXIT_OK


def _products(args: argparse.Namespace) -> int:
    from invoicedesk.services.products import list_products
    from invoicedesk.services.transfer import price_text

    with open_db(args) as db:
        views = list(
            _all(
                lambda limit, offset: list_products(
                    db,
                    args.search,
                    include_archived=args.archived,
                    limit=limit,
                    offset=offset,
                )
            )
        )
    rows = [
        {
            "id": view.id,
            "number": view.number,
            "name": view.name,
            "unit": view.data.unit,
            "unit_price": Decimal(price_text(view.data.unit_price)),
            "tax_rate": view.data.tax_rate.normalize(),
            "tax_category": view.data.tax_category,
            "price_basis": view.data.price_basis.value,
            "archived": view.archived,
        }
        for view in views
    ]
    print_rows(rows, PRODUCT_TABLE if args.format == "table" else PRODUCT_COLUMNS, args.format)
    return EXIT_OK
