"""``invoicedesk payments add|list``: book money received (or refunded), list payments."""

from __future__ import annotations

import argparse

from invoicedesk.cli.common import (
    EXIT_OK,
    PAYMENT_METHODS,
    SubParsers,
    add_command,
    add_format,
    add_group,
    client_id,
    invoice_id,
    money,
    open_db,
    parse_amount,
    parse_date,
    parse_methods,
    refield,
)
from invoicedesk.cli.output import print_rows, state_text
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr

COLUMNS = (
    "id",
    "date",
    "invoice",
    "doc_type",
    "client",
    "amount",
    "currency",
    "method",
    "reference",
    "note",
    "overpayment",
)
TABLE_COLUMNS = ("id", "date", "invoice", "client", "amount", "currency", "method", "reference")
# Service field names → the options that gave them.
_OPTIONS = {
    "amount": "--amount",
    "method": "--method",
    "reference": "--reference",
    "note": "--note",
}


def register(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "payments", help=tr("record and list payments"))

    parser = add_command(
        group,
        "add",
        _add,
        help=tr("record a payment for an issued invoice (a refund for a credit note)"),
    )
    parser.add_argument("ref", metavar="REF", help=tr("invoice number or id"))
    parser.add_argument("--amount", required=True, metavar="X", help=tr("e.g. 17.26"))
    parser.add_argument(
        "--method",
        choices=PAYMENT_METHODS,
        default="bank_transfer",
        help=tr("default: bank_transfer"),
    )
    parser.add_argument("--date", metavar="DATE", help=tr("YYYY-MM-DD (default: today)"))
    parser.add_argument("--reference", default="", metavar="TEXT")
    parser.add_argument("--note", default="", metavar="TEXT")
    parser.add_argument(
        "--overpayment",
        action="store_true",
        help=tr("allow more than the open amount (booked as an overpayment)"),
    )

    parser = add_command(group, "list", _list, help=tr("list payments, newest first"))
    parser.add_argument("--client", metavar="REF", help=tr("client id, customer number or name"))
    parser.add_argument("--invoice", metavar="REF", help=tr("invoice number or id"))
    parser.add_argument(
        "--method",
        action="append",
        metavar="METHOD",
        help=tr("{methods}; repeat or give a comma list (any of them)").format(
            methods=", ".join((*PAYMENT_METHODS, "credit_note"))
        ),
    )
    parser.add_argument("--from", dest="date_from", metavar="DATE", help=tr("on or after"))
    parser.add_argument("--to", dest="date_to", metavar="DATE", help=tr("on or before"))
    add_format(parser)


def _add(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices, payments
    from invoicedesk.services.inputs import PaymentInput, PaymentMethod

    amount = parse_amount(args.amount, "--amount")
    date = parse_date(args.date, "--date")
    with open_db(args) as db:
        target = invoice_id(db, args.ref)
        try:
            payment = payments.record_payment(
                db,
                target,
                PaymentInput(
                    amount=amount,
                    date=date,
                    method=PaymentMethod(args.method),
                    reference=args.reference,
                    note=args.note,
                    allow_overpayment=args.overpayment,
                ),
            )
        except DomainError as exc:
            raise refield(exc, _OPTIONS.get(exc.field or "", exc.field)) from None
        view = invoices.get_invoice(db, target)
    currency = view.data.currency or "EUR"
    if view.doc_type.value == "credit_note":
        text = (
            tr("Recorded refund of {amount} for {number} ({client}) on {date} as overpayment; "
               "now {state}, open {open}")
            if payment.is_overpayment
            else tr("Recorded refund of {amount} for {number} ({client}) on {date}; "
                    "now {state}, open {open}")
        )  # fmt: skip
    else:
        text = (
            tr("Recorded payment of {amount} for {number} ({client}) on {date} as overpayment; "
               "now {state}, open {open}")
            if payment.is_overpayment
            else tr("Recorded payment of {amount} for {number} ({client}) on {date}; "
                    "now {state}, open {open}")
        )  # fmt: skip
    print(
        text.format(
            amount=money(payment.amount, currency), number=view.number, client=view.client_name,
            date=payment.date, state=state_text(view.state.value),
            open=money(view.open_amount, currency),
        )
    )  # fmt: skip
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from invoicedesk.core.money import round_money
    from invoicedesk.services import payments

    date_from = parse_date(args.date_from, "--from")
    date_to = parse_date(args.date_to, "--to")
    with open_db(args) as db:
        methods = parse_methods(args.method, (*PAYMENT_METHODS, "credit_note"))
        client = client_id(db, args.client) if args.client else None
        invoice = invoice_id(db, args.invoice, "--invoice") if args.invoice else None
        rows = []
        offset = 0
        while True:  # every matching payment, a page at a time
            page = payments.list_payments(
                db,
                client_id=client,
                invoice_id=invoice,
                methods=methods,
                date_from=date_from,
                date_to=date_to,
                limit=500,
                offset=offset,
            )
            rows.extend(page)
            if len(page) < 500:
                break
            offset += 500
    data = [
        {
            "id": row.payment.id,
            "date": row.payment.date,
            "invoice": row.invoice_number,
            "doc_type": row.doc_type,
            "client": row.client_name,
            "amount": round_money(row.payment.amount, row.currency),
            "currency": row.currency,
            "method": row.payment.method.value,
            "reference": row.payment.reference,
            "note": row.payment.note,
            "overpayment": row.payment.is_overpayment,
        }
        for row in rows
    ]
    print_rows(data, TABLE_COLUMNS if args.format == "table" else COLUMNS, args.format)
    return EXIT_OK
