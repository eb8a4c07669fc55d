"""``invoicedesk report``: count, net, tax and gross grouped by client, month, …"""

from __future__ import annotations

import argparse
from decimal import Decimal

from invoicedesk.cli.common import (
    EXIT_OK,
    SubParsers,
    add_command,
    add_filter_options,
    add_format,
    build_filter,
    open_db,
    refield,
    split_list,
)
from invoicedesk.cli.output import print_json, print_rows
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr

DIMENSIONS = ("client", "status", "day", "week", "month", "year", "currency", "tax_rate")
AMOUNTS = ("net", "tax", "gross")


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "report",
        _run,
        help=tr("totals grouped by client, status, day, week, month, year, currency or tax rate"),
        description=tr(
            "Count, net, tax and gross of the filtered invoices per group, in the company "
            "currency (grouped by tax_rate: in each invoice's currency). Credit notes count "
            "negative; without --state, issued invoices that are not cancelled are counted."
        ),
    )
    parser.add_argument(
        "--group-by",
        default="month",
        metavar="DIMS",
        help=tr("comma list of {dimensions} (default: month)").format(
            dimensions=", ".join(DIMENSIONS)
        ),
    )
    add_filter_options(parser)
    add_format(parser)


def _rounded(amount: Decimal | None, currency: str) -> Decimal | None:
    from invoicedesk.core.money import round_money

    if amount is None or not currency:
        return amount
    return round_money(amount, currency)


def _run(args: argparse.Namespace) -> int:
    from invoicedesk.services import reports

    with open_db(args) as db:
        flt = build_filter(db, args)
        try:
            report = reports.grouped_totals(db, split_list([args.group_by]), flt)
        except DomainError as exc:
            raise refield(exc, "--group-by" if exc.field == "group_by" else exc.field) from None
    dims = list(report.group_by)
    rows: list[dict[str, object]] = []
    currencies = set()
    for row in report.rows:
        keys = dict(zip(dims, row.keys, strict=True))
        currency = report.currency or keys.get("currency", "")
        currencies.add(currency)
        item: dict[str, object] = {**keys, "count": row.count}
        item.update((name, _rounded(getattr(row, name), currency)) for name in AMOUNTS)
        rows.append(item)
    # Grouped by tax rate the rows are in their own currencies: no sum across currencies.
    total_currency = report.currency or (next(iter(currencies)) if len(currencies) == 1 else "")
    total: dict[str, object] = {"count": report.total.count}
    for name in AMOUNTS:
        value = getattr(report.total, name)
        total[name] = _rounded(value, total_currency) if total_currency or not rows else None
    columns = [*dims, "count", *AMOUNTS]
    if args.format == "json":
        print_json(
            {
                "group_by": dims,
                "currency": report.currency or None,
                "rows": rows,
                "total": total,
            }
        )
    elif args.format == "csv":
        print_rows(rows, columns, "csv")
    else:
        label = {dims[0]: tr("Total"), **dict.fromkeys(dims[1:], "")}
        print_rows([*rows, {**label, **total}], columns, "table")
        if report.currency:
            print(tr("Amounts in {currency}.").format(currency=report.currency))
    return EXIT_OK
