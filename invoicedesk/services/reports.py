"""Grouped totals: count, net, tax and gross by any ordered combination of dimensions.

Dimensions: client, status, day, week (ISO 8601, Monday first, "2026-W47"),
month ("2026-11"), year, currency, tax_rate. Amounts are in the company
currency (each invoice converted at its own exchange rate when it was saved),
except when grouping by tax_rate: that sums the frozen tax breakdown, in the
invoices' own currency, so ``currency`` is added as a dimension.
Credit notes count negative. Without a state filter, issued invoices that are
not cancelled are counted (drafts and cancelled ones are not turnover).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, case, cast, func, select
from sqlalchemy.types import Integer

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType
from invoicedesk.core.money import ROUNDING, minor_unit
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, InvoiceTax
from invoicedesk.db.types import SCALE, SCALE_DIGITS
from invoicedesk.services.search import InvoiceFilter, apply_filter, state_expression
from invoicedesk.services.settings import get_company_currency

DIMENSIONS = ("client", "status", "day", "week", "month", "year", "currency", "tax_rate")
TURNOVER_STATUSES = ("open", "part_paid", "paid")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One group: its key values (in ``group_by`` order) and its totals."""

    keys: tuple[str, ...]
    count: int
    # None only in the total of a tax-rate report whose rows are in several currencies.
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None


@dataclass(frozen=True, slots=True)
class Report:
    group_by: tuple[str, ...]
    # The currency of all amounts: the company's; grouped by tax rate, the invoices' own
    # currency when there is only one, else "" (see each row; the total then has no amounts).
    currency: str
    rows: tuple[ReportRow, ...]
    total: ReportRow


def _iso_week(date_column: Any) -> ColumnElement[str]:
    # The Thursday of the date's Monday-to-Sunday week decides the ISO year and week.
    thursday = func.date(date_column, "-3 days", "weekday 4")
    week = (cast(func.strftime("%j", thursday), Integer) - 1) / 7 + 1
    return func.printf("%s-W%02d", func.strftime("%Y", thursday), week)


def _dimension(name: str, today: dt.date) -> tuple[Any, list[Any]]:
    """The SQL expression of one dimension and the extra GROUP BY columns it needs."""
    if name == "client":
        return Client.name, [Client.id]
    if name == "status":
        return state_expression(today), []
    if name == "day":
        return func.strftime("%Y-%m-%d", Invoice.date), []
    if name == "week":
        return _iso_week(Invoice.date), []
    if name == "month":
        return func.strftime("%Y-%m", Invoice.date), []
    if name == "year":
        return func.strftime("%Y", Invoice.date), []
    if name == "currency":
        return Invoice.currency, []
    if name == "tax_rate":
        # Category and scaled rate, zero-padded so that the groups sort by rate.
        return func.printf("%s:%015d", InvoiceTax.category, InvoiceTax.rate), []
    raise DomainError(
        "cannot group by '{name}' (use {choices})",
        "group_by",
        params={"name": name, "choices": ", ".join(DIMENSIONS)},
    )


@lru_cache(maxsize=32)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def _money(raw: int | None, currency: str) -> Decimal:
    """A SUM over scaled-integer money columns as Decimal with the currency's decimals."""
    return Decimal(raw or 0).scaleb(-SCALE_DIGITS).quantize(_quantum(currency), ROUNDING)


def _key_text(dimension: str, value: object) -> str:
    if value is None:
        return ""
    if dimension == "tax_rate":
        category, scaled = str(value).split(":")
        rate = (Decimal(int(scaled)) / SCALE).normalize()
        return f"{rate:f}% {category}"
    return str(value)


def grouped_totals(
    db: Database, group_by: list[str] | tuple[str, ...], flt: InvoiceFilter | None = None
) -> Report:
    """Totals per group, sorted by the group keys; plus the grand total."""
    dims = [d.strip().lower() for d in group_by if d.strip()]
    if not dims:
        raise DomainError("name at least one dimension to group by", "group_by")
    if len(set(dims)) != len(dims):
        raise DomainError("each dimension can be named once", "group_by")
    for d in dims:
        if d not in DIMENSIONS:
            raise DomainError(
                "cannot group by '{d}' (use {choices})",
                "group_by",
                params={"d": d, "choices": ", ".join(DIMENSIONS)},
            )
    flt = flt or InvoiceFilter()
    # Without a state filter: the turnover, i.e. issued and not cancelled. Written as one
    # IN over the stored status (not the OR of four derived states) so indexes apply.
    turnover_only = not flt.states
    by_tax = "tax_rate" in dims
    if by_tax and "currency" not in dims:
        dims.append("currency")
    today = flt.today or dt.date.today()
    keys = []
    extra_group: list[Any] = []
    for d in dims:
        expression, extra = _dimension(d, today)
        keys.append(expression.label(d))
        extra_group.extend(extra)
    sign = case((Invoice.doc_type == DocType.CREDIT_NOTE.value, -1), else_=1)
    count: Any
    net: Any
    tax: Any
    gross: Any
    if by_tax:
        count = func.count(func.distinct(Invoice.id))
        net = func.sum(InvoiceTax.base * sign)
        tax = func.sum(InvoiceTax.amount * sign)
        gross = func.sum((InvoiceTax.base + InvoiceTax.amount) * sign)
    else:
        count = func.count()
        net = func.sum(Invoice.net_company * sign)
        gross = func.sum(Invoice.gross_company * sign)
        tax = gross - net
    query: Any = (
        select(*keys, count, net, tax, gross)
        .select_from(Invoice)
        .join(Client, Client.id == Invoice.client_id)
    )
    if by_tax:
        query = query.join(InvoiceTax, InvoiceTax.invoice_id == Invoice.id)
    query = apply_filter(query, flt, db.storage)
    if turnover_only:
        query = query.where(Invoice.status.in_(TURNOVER_STATUSES))
    query = query.group_by(*keys, *extra_group).order_by(*keys)
    with db.read() as session:
        rows: list[Any] = list(session.execute(query).all())
        company_currency = "" if by_tax else get_company_currency(session)
    n = len(dims)
    currency_at = dims.index("currency") if "currency" in dims else None

    # This loop runs once per group (31,880 for client × month over 100k invoices), so it
    # is kept lean. Amounts get the decimals of their currency (sums of rounded amounts).
    if by_tax:
        assert currency_at is not None
        report_rows = tuple(
            ReportRow(
                tuple(_key_text(d, v) for d, v in zip(dims, row[:n], strict=True)),
                row[n],
                _money(row[n + 1], row[currency_at]),
                _money(row[n + 2], row[currency_at]),
                _money(row[n + 3], row[currency_at]),
            )
            for row in rows
        )
    else:
        quantum = _quantum(company_currency)
        report_rows = tuple(
            ReportRow(
                tuple("" if v is None else v for v in row[:n]),
                row[n],
                Decimal(row[n + 1] or 0).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
                Decimal(row[n + 2] or 0).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
                Decimal(row[n + 3] or 0).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
            )
            for row in rows
        )
    if by_tax:  # an invoice with two rates is in two groups; count it once in the total
        with db.read() as session:
            everything = select(func.count()).select_from(Invoice).join(Client)
            counted = apply_filter(everything, flt, db.storage)
            if turnover_only:
                counted = counted.where(Invoice.status.in_(TURNOVER_STATUSES))
            total_count = int(session.scalar(counted) or 0)
    else:
        total_count = sum(r.count for r in report_rows)
    if by_tax:
        # Rows are in the invoices' own currencies: a total exists only within one currency.
        currencies = {r.keys[dims.index("currency")] for r in report_rows}
        company_currency = next(iter(currencies)) if len(currencies) == 1 else ""
    mixed = by_tax and not company_currency and bool(report_rows)

    def _sum(values: list[Decimal | None]) -> Decimal | None:
        return None if mixed else sum((v or Decimal(0) for v in values), Decimal(0))

    total = ReportRow(
        keys=("Total",) + ("",) * (n - 1),
        count=total_count,
        net=_sum([r.net for r in report_rows]),
        tax=_sum([r.tax for r in report_rows]),
        gross=_sum([r.gross for r in report_rows]),
    )
    return Report(tuple(dims), company_currency, report_rows, total)
