"""``invoicedesk invoices …``: list, show, issue, cancel, uncancel, clone, credit-note."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import TYPE_CHECKING

from invoicedesk.cli.common import (
    EXIT_OK,
    MAX_INTEGER,
    SubParsers,
    add_command,
    add_filter_options,
    add_format,
    add_group,
    build_filter,
    invoice_id,
    money,
    open_db,
    refield,
)
from invoicedesk.cli.output import print_json, print_rows, state_text
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import N_, tr

if TYPE_CHECKING:
    from invoicedesk.services.invoices import InvoiceView
    from invoicedesk.services.search import InvoiceRow

SORT_KEYS = ("number", "client", "date", "due_date", "state", "net", "gross", "open", "id")
TABLE_COLUMNS = (
    "id",
    "number",
    "doc_type",
    "client",
    "date",
    "due_date",
    "state",
    "currency",
    "net",
    "gross",
    "open",
)
COLUMNS = (*TABLE_COLUMNS[:4], "client_id", *TABLE_COLUMNS[4:], "title", "tags")


def register(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "invoices", help=tr("list, show, issue and correct invoices"))

    parser = add_command(group, "list", _list, help=tr("list invoices (filter, sort, page)"))
    add_filter_options(parser)
    parser.add_argument("--sort", choices=SORT_KEYS, default="date", help=tr("default: date"))
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--desc", dest="descending", action="store_true", default=True, help=tr("newest first")
    )
    order.add_argument("--asc", dest="descending", action="store_false", help=tr("oldest first"))
    parser.add_argument("--limit", type=int, metavar="N", help=tr("at most N rows (default: all)"))
    parser.add_argument("--offset", type=int, default=0, metavar="N", help=tr("skip N rows"))
    add_format(parser)

    parser = add_command(group, "show", _show, help=tr("show one invoice with lines and payments"))
    parser.add_argument("ref", metavar="REF", help=tr("invoice number or id"))
    add_format(parser, ("table", "json"))

    for name, handler, text in (
        ("issue", _issue, N_("issue a draft: number, dates and totals are fixed")),
        ("cancel", _cancel, N_("cancel an issued invoice without payments")),
        ("uncancel", _uncancel, N_("undo a cancellation")),
        ("clone", _clone, N_("copy an invoice into a new draft")),
    ):
        parser = add_command(group, name, handler, help=tr(text))
        parser.add_argument("ref", metavar="REF", help=tr("invoice number or id (drafts: id)"))

    parser = add_command(
        group, "credit-note", _credit_note, help=tr("create a credit note for an issued invoice")
    )
    parser.add_argument("ref", metavar="REF", help=tr("the invoice number or id"))
    parser.add_argument(
        "--lines", metavar="N,M", help=tr("only these lines (1-based positions; default: all)")
    )
    parser.add_argument("--issue", action="store_true", help=tr("issue the credit note right away"))


# --------------------------------------------------------------------------- list


def _row(row: InvoiceRow) -> dict[str, object]:
    return {
        "id": row.id,
        "number": row.number,
        "doc_type": row.doc_type.value,
        "client": row.client_name,
        "client_id": row.client_id,
        "date": row.date,
        "due_date": row.due_date,
        "state": row.state.value,
        "currency": row.currency,
        "net": row.net,
        "gross": row.gross,
        "open": row.open_amount,
        "title": row.title,
        "tags": list(row.tags),
    }


def _list(args: argparse.Namespace) -> int:
    from invoicedesk.services import search

    for option, value in (("--limit", args.limit), ("--offset", args.offset)):
        if value is not None and value < 0:
            raise DomainError("must be 0 or more", option, code="too_small")
        if value is not None and value > MAX_INTEGER:
            raise DomainError(
                "must be at most {max}", option, code="too_large", params={"max": MAX_INTEGER}
            )
    with open_db(args) as db:
        flt = build_filter(db, args)
        limit = args.limit
        if limit is None:
            limit = max(search.count_invoices(db, flt) - args.offset, 0)
        rows = []
        if limit:
            rows = search.list_invoices(
                db, flt, sort=args.sort, descending=args.descending, limit=limit, offset=args.offset
            )
    data = [_row(row) for row in rows]
    if args.format == "json":
        print_rows(data, COLUMNS, "json")
        return EXIT_OK
    for item in data:
        item["tags"] = "; ".join(item["tags"])  # type: ignore[arg-type]
        if args.format == "table":  # a person reads it: the state in words
            item["state"] = state_text(str(item["state"]))
    print_rows(data, TABLE_COLUMNS if args.format == "table" else COLUMNS, args.format)
    return EXIT_OK


# --------------------------------------------------------------------------- show


def _show(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices, settings, transfer

    with open_db(args) as db:
        view = invoices.get_invoice(db, invoice_id(db, args.ref))
        company_currency = settings.get_company(db).currency
    if args.format == "json":
        print_json({"invoice": transfer.invoice_json(view, company_currency)})
    else:
        _print_invoice(view)
    return EXIT_OK


def _print_invoice(view: InvoiceView) -> None:
    from invoicedesk.core.money import round_money
    from invoicedesk.services.transfer import price_text

    data = view.data
    currency = data.currency or "EUR"
    heading = (
        tr("Credit note {number} (id {id}) — {state}")
        if view.doc_type.value == "credit_note"
        else tr("Invoice {number} (id {id}) — {state}")
    )
    out = sys.stdout
    out.write(
        heading.format(number=_number(view), id=view.id, state=state_text(view.state.value)) + "\n"
    )
    facts = [
        (tr("Client:"), f"{view.client_name} ({view.customer_number})"),
        (tr("Date:"), str(data.date or "")),
        (tr("Due date:"), str(data.due_date or "")),
        (tr("Currency:"), currency),
        (tr("Title:"), data.title),
        (tr("Tags:"), "; ".join(data.tags)),
        (tr("Corrects:"), view.corrects_number or ""),
        (tr("Credit notes:"), ", ".join(view.credit_note_numbers)),
    ]
    amounts = [
        (tr("Net:"), view.net),
        (tr("Tax:"), view.tax),
        (tr("Gross:"), view.gross),
        (tr("Due:"), view.amount_due),
        (tr("Paid:"), view.paid_amount),
        (tr("Open:"), view.open_amount),
    ]
    column = max(14, *(len(label) + 1 for label, _ in (*facts, *amounts)))
    for label, value in facts:
        if value:
            out.write(f"{label:<{column}}{' '.join(value.split())}\n")
    out.write("\n")
    lines = [
        {
            "pos": i + 1,
            "name": line.name,
            "quantity": line.quantity.normalize() if line.quantity else line.quantity,
            "unit": line.unit,
            "unit_price": Decimal(price_text(line.unit_price)),
            "tax": f"{line.tax_rate.normalize():f}% {line.tax_category.value}",
            "net": total.net_amount,
        }
        for i, (line, total) in enumerate(zip(data.lines, view.totals.lines, strict=True))
    ]
    print_rows(lines, ("pos", "name", "quantity", "unit", "unit_price", "tax", "net"), "table")
    out.write("\n")
    width = max(len(money(amount, currency)) for _, amount in amounts)
    for label, amount in amounts:
        out.write(f"{label:<{column}}{money(amount, currency):>{width}}\n")
    if view.payments:
        out.write("\n")
        payments = [
            {
                "date": p.date,
                "amount": round_money(p.amount, currency),
                "method": p.method.value,
                "reference": p.reference,
                "overpayment": p.is_overpayment,
            }
            for p in view.payments
        ]
        print_rows(payments, ("date", "amount", "method", "reference", "overpayment"), "table")


# --------------------------------------------------------------------------- lifecycle


def _number(view: InvoiceView) -> str:
    """``RE-2026-0001``, or ``draft 7`` before it has a number."""
    return view.number or tr("draft {id}").format(id=view.id)


def _what(view: InvoiceView) -> str:
    """``RE-2026-0001 for Müller GmbH`` (``credit note CN-…``, ``draft 7``)."""
    what = (
        tr("credit note {number} for {client}")
        if view.doc_type.value == "credit_note"
        else tr("{number} for {client}")
    )
    return what.format(number=_number(view), client=view.client_name)


def _gross(view: InvoiceView) -> str:
    return money(view.gross, view.data.currency or "EUR")


def _open(view: InvoiceView) -> str:
    return money(view.open_amount, view.data.currency or "EUR")


def _issue(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices

    with open_db(args) as db:
        view = invoices.issue(db, invoice_id(db, args.ref))
    if view.doc_type.value == "invoice":
        text = tr("Issued {what}, gross {gross}, due {due}").format(
            what=_what(view), gross=_gross(view), due=view.data.due_date
        )
    else:
        text = tr("Issued {what}, gross {gross}").format(what=_what(view), gross=_gross(view))
    print(text)
    return EXIT_OK


def _cancel(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices

    with open_db(args) as db:
        view = invoices.cancel(db, invoice_id(db, args.ref))
    print(tr("Cancelled {what}, gross {gross}").format(what=_what(view), gross=_gross(view)))
    return EXIT_OK


def _uncancel(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices

    with open_db(args) as db:
        view = invoices.uncancel(db, invoice_id(db, args.ref))
    print(
        tr("Uncancelled {what}: {state}, open {open}").format(
            what=_what(view), state=state_text(view.state.value), open=_open(view)
        )
    )
    return EXIT_OK


def _clone(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices

    with open_db(args) as db:
        source = invoices.get_invoice(db, invoice_id(db, args.ref))
        view = invoices.clone(db, source.id)
    print(
        tr("Cloned {source} into draft {id} for {client}, gross {gross}").format(
            source=_number(source), id=view.id, client=view.client_name, gross=_gross(view)
        )
    )
    return EXIT_OK


def _positions(text: str | None) -> list[int] | None:
    if text is None:
        return None
    positions = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise DomainError(
                "'{value}' is not a line position (1, 2, …)", "--lines", code="line_position",
                params={"value": part},
            )  # fmt: skip
        positions.append(int(part))
    return positions


def _credit_note(args: argparse.Namespace) -> int:
    from invoicedesk.services import invoices

    positions = _positions(args.lines)
    with open_db(args) as db:
        source_id = invoice_id(db, args.ref)
        try:
            draft = invoices.create_credit_note(db, source_id, positions, issue=args.issue)
        except DomainError as exc:
            raise refield(exc, "--lines" if exc.field == "lines" else exc.field) from None
        source = draft.corrects_number or args.ref
        if not args.issue:
            print(
                tr("Created credit note draft {id} for {source} ({client}), gross {gross}").format(
                    id=draft.id, source=source, client=draft.client_name, gross=_gross(draft)
                )
            )
            return EXIT_OK
        view = draft  # created and issued in one transaction
        original = invoices.get_invoice(db, source_id)
    print(
        tr(
            "Issued credit note {number} for {source} ({client}), gross {gross}; "
            "{original} is {state}, open {open}"
        ).format(
            number=view.number, source=source, client=view.client_name, gross=_gross(view),
            original=original.number, state=state_text(original.state.value),
            open=_open(original),
        )
    )  # fmt: skip
    return EXIT_OK
