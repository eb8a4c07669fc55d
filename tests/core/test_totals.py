"""The totals engine: the worked examples of docs/calculation.md, rules, format, validation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import ROUND_FLOOR, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.core.totals import (
    AllowanceChargeTotal,
    LineTotal,
    TaxTotal,
    Totals,
    compute_totals,
    format_rate,
)

D = Decimal
S, Z, E = TaxCategory.STANDARD, TaxCategory.ZERO, TaxCategory.EXEMPT
DOCS = Path(__file__).resolve().parents[2] / "docs" / "calculation.md"


def line(
    quantity: str | int,
    price: str | int,
    rate: str | int,
    category: TaxCategory = S,
    *,
    percent: str | int | None = None,
    amount: str | None = None,
) -> LineItem:
    discount = None
    if percent is not None or amount is not None:
        discount = Discount(
            percent=None if percent is None else D(percent),
            amount=None if amount is None else D(amount),
        )
    return LineItem(D(quantity), D(price), D(rate), category, discount)


def charge(amount: str, reason: str, rate: str | int | None = None) -> AllowanceCharge:
    return AllowanceCharge(
        True, Discount(amount=D(amount)), reason, None if rate is None else D(rate)
    )


def allowance_pct(
    percent: str | int, reason: str, rate: str | int | None = None
) -> AllowanceCharge:
    return AllowanceCharge(
        False, Discount(percent=D(percent)), reason, None if rate is None else D(rate)
    )


THREE_GROUPS = (line(3, "33.33", 19), line(1, "50", 7), line(1, "10", 0, E))


# id -> (document, expected totals (to_json strings), taxes as (category, rate, base, tax),
#        lines as (before, discount, net) or None, entries as (index, is_charge, cat, rate, amount))
Case = tuple[
    InvoiceDocument,
    dict[str, str],
    list[tuple[str, str, str, str]],
    list[tuple[str, str, str]] | None,
    list[tuple[int, bool, str, str, str]],
]

EXAMPLES: dict[str, Case] = {
    "ex1-one-line": (
        InvoiceDocument(lines=(line(10, "1.45", 19),)),
        {"line_total": "14.50", "net": "14.50", "tax": "2.76", "gross": "17.26", "due": "17.26"},
        [("S", "19", "14.50", "2.76")],
        [("14.50", "0.00", "14.50")],
        [],
    ),
    "ex2-line-discounts": (
        InvoiceDocument(
            lines=(
                line(3, "19.99", 19, percent=10),
                line(2, "25.00", 7, amount="5.00"),
                line("1.5", "3.333", 19),
            )
        ),
        {"line_total": "103.97", "net": "103.97", "tax": "14.35", "gross": "118.32"},
        [("S", "19", "58.97", "11.20"), ("S", "7", "45.00", "3.15")],
        [("59.97", "6.00", "53.97"), ("50.00", "5.00", "45.00"), ("5.00", "0.00", "5.00")],
        [],
    ),
    "ex3-summed-base": (
        InvoiceDocument(lines=(line(1, "0.13", 19),) * 3),
        {"net": "0.39", "tax": "0.07", "gross": "0.46"},
        [("S", "19", "0.39", "0.07")],
        None,
        [],
    ),
    "ex4a-spread-percent": (
        InvoiceDocument(lines=THREE_GROUPS, discount=Discount(percent=D(10))),
        {
            "line_total": "159.99",
            "allowances": "16.00",
            "net": "143.99",
            "tax": "20.25",
            "gross": "164.24",
        },
        [("S", "19", "89.99", "17.10"), ("S", "7", "45.00", "3.15"), ("E", "0", "9.00", "0.00")],
        None,
        [
            (-1, False, "S", "19", "10.00"),
            (-1, False, "S", "7", "5.00"),
            (-1, False, "E", "0", "1.00"),
        ],
    ),
    "ex4b-spread-amount": (
        InvoiceDocument(lines=THREE_GROUPS, discount=Discount(amount=D("10.00"))),
        {
            "line_total": "159.99",
            "allowances": "10.00",
            "net": "149.99",
            "tax": "21.09",
            "gross": "171.08",
        },
        [("S", "19", "93.74", "17.81"), ("S", "7", "46.87", "3.28"), ("E", "0", "9.38", "0.00")],
        None,
        [
            (-1, False, "S", "19", "6.25"),
            (-1, False, "S", "7", "3.13"),
            (-1, False, "E", "0", "0.62"),
        ],
    ),
    "ex5a-charge-own-group": (
        InvoiceDocument(lines=(line(1, 100, 7),), allowances_charges=(charge("4.90", "Ship", 19),)),
        {
            "line_total": "100.00",
            "charges": "4.90",
            "net": "104.90",
            "tax": "7.93",
            "gross": "112.83",
        },
        [("S", "19", "4.90", "0.93"), ("S", "7", "100.00", "7.00")],
        None,
        [(0, True, "S", "19", "4.90")],
    ),
    "ex5b-spread-charge-percent-allowance": (
        InvoiceDocument(
            lines=(line(1, 60, 19), line(1, 40, 7)),
            allowances_charges=(charge("3.00", "Packaging"), allowance_pct(5, "Loyalty", 19)),
        ),
        {
            "allowances": "3.00",
            "charges": "3.00",
            "net": "100.00",
            "tax": "14.05",
            "gross": "114.05",
        },
        [("S", "19", "58.80", "11.17"), ("S", "7", "41.20", "2.88")],
        None,
        [(0, True, "S", "19", "1.80"), (0, True, "S", "7", "1.20"), (1, False, "S", "19", "3.00")],
    ),
    "ex6-gross-basis": (
        InvoiceDocument(
            price_basis=PriceBasis.GROSS,
            lines=(line(2, "11.90", 19), line(1, "10.70", 7), line(3, "9.99", 19, percent=10)),
            allowances_charges=(charge("4.95", "Shipping", 19),),
        ),
        {
            "price_basis": "gross",
            "line_total": "61.47",
            "charges": "4.95",
            "net": "56.82",
            "tax": "9.60",
            "gross": "66.42",
        },
        [("S", "19", "46.82", "8.90"), ("S", "7", "10.00", "0.70")],
        [("23.80", "0.00", "23.80"), ("10.70", "0.00", "10.70"), ("29.97", "3.00", "26.97")],
        [(0, True, "S", "19", "4.95")],
    ),
    "ex7a-chf-adjustment-cash-discount": (
        InvoiceDocument(
            currency="CHF",
            lines=(line(3, "33.33", "7.7"),),
            adjustment=D("0.01"),
            cash_discount=CashDiscountTerms(D(2), 10),
            invoice_date=dt.date(2025, 3, 28),
        ),
        {"currency": "CHF", "net": "99.99", "tax": "7.70", "gross": "107.69"}
        | {"adjustment": "0.01", "due": "107.70"},
        [("S", "7.7", "99.99", "7.70")],
        None,
        [],
    ),
    "ex7b-prepaid": (
        InvoiceDocument(
            lines=(line(1, 1000, 19),), prepaid=D(500), cash_discount=CashDiscountTerms(D(3), 14)
        ),
        {"gross": "1190.00", "prepaid": "500.00", "due": "690.00"},
        [("S", "19", "1000.00", "190.00")],
        None,
        [],
    ),
    "ex8-jpy": (
        InvoiceDocument(currency="JPY", lines=(line(3, 1980, 10), line(7, 333, 8))),
        {"line_total": "8271", "net": "8271", "tax": "780", "gross": "9051", "prepaid": "0"},
        [("S", "10", "5940", "594"), ("S", "8", "2331", "186")],
        [("5940", "0", "5940"), ("2331", "0", "2331")],
        [],
    ),
    "ex9-kwd": (
        InvoiceDocument(currency="KWD", lines=(line(3, "0.8335", 5),)),
        {"net": "2.501", "tax": "0.125", "gross": "2.626", "allowances": "0.000"},
        [("S", "5", "2.501", "0.125")],
        None,
        [],
    ),
    "ex10a-cancelling-lines": (
        InvoiceDocument(
            lines=(line(1, "720.81", 19), line(1, "0.01", 19), line(-1, "720.81", 19))
            + (line(-1, "0.01", 19),)
        ),
        {"line_total": "0.00", "net": "0.00", "tax": "0.00", "gross": "0.00", "due": "0.00"},
        [("S", "19", "0.00", "0.00")],
        None,
        [],
    ),
    "ex10b-returns": (
        InvoiceDocument(
            lines=(line(-2, "19.99", 19, percent=10), line(1, "0.125", 19), line(-1, "0.125", 19))
        ),
        {"line_total": "-35.98", "net": "-35.98", "tax": "-6.84", "gross": "-42.82"},
        [("S", "19", "-35.98", "-6.84")],
        [("-39.98", "-4.00", "-35.98"), ("0.13", "0.00", "0.13"), ("-0.13", "0.00", "-0.13")],
        [],
    ),
}


@pytest.mark.parametrize("case", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_worked_examples(case: Case) -> None:
    doc, expected, taxes, lines, entries = case
    result = compute_totals(doc).to_json()
    assert {key: result[key] for key in expected} == expected
    assert [(t["category"], t["rate"], t["base"], t["amount"]) for t in result["taxes"]] == taxes
    if lines is not None:
        got = [(x["amount_before_discount"], x["discount"], x["net"]) for x in result["lines"]]
        assert got == lines
    got_entries = [
        (e["index"], e["is_charge"], e["category"], e["rate"], e["amount"])
        for e in result["allowances_charges"]
    ]
    assert got_entries == entries


def test_documented_figures_appear_in_the_docs() -> None:
    """Guards against the doc and the examples drifting apart."""
    text = DOCS.read_text(encoding="utf-8").replace("−", "-")
    for name, (_, expected, *_rest) in EXAMPLES.items():
        for key in ("gross", "due"):
            if key in expected:
                assert f"**{expected[key]}**" in text, f"{name}: {key} {expected[key]} not in docs"


def test_must_hold_ten_times_1_45() -> None:
    totals = compute_totals(InvoiceDocument(lines=(line(10, "1.45", 19),)))
    assert (totals.net, totals.tax, totals.gross) == (D("14.50"), D("2.76"), D("17.26"))


def test_cash_discount_with_date() -> None:
    doc = EXAMPLES["ex7a-chf-adjustment-cash-discount"][0]
    totals = compute_totals(doc)
    assert totals.cash_discount is not None
    assert totals.cash_discount.amount == D("2.15")
    assert totals.cash_discount.payable == D("105.55")
    assert totals.cash_discount.last_date == dt.date(2025, 4, 7)
    assert totals.to_json()["cash_discount"] == {
        "rate": "2",
        "days": 10,
        "amount": "2.15",
        "payable": "105.55",
        "last_date": "2025-04-07",
    }
    undated = compute_totals(EXAMPLES["ex7b-prepaid"][0]).to_json()["cash_discount"]
    assert undated == {
        "rate": "3",
        "days": 14,
        "amount": "20.70",
        "payable": "669.30",
        "last_date": None,
    }


# --------------------------------------------------------------------------- rules


def test_types_and_exponents() -> None:
    totals = compute_totals(EXAMPLES["ex4b-spread-amount"][0])
    assert isinstance(totals, Totals)
    assert all(isinstance(x, LineTotal) for x in totals.lines)
    assert all(isinstance(x, TaxTotal) for x in totals.taxes)
    assert all(isinstance(x, AllowanceChargeTotal) for x in totals.allowances_charges)
    amounts = [totals.line_total, totals.net, totals.tax, totals.gross, totals.due, totals.prepaid]
    amounts += [t.base for t in totals.taxes] + [x.net_amount for x in totals.lines]
    assert all(a.as_tuple().exponent == -2 for a in amounts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        totals.net = D(0)  # type: ignore[misc]


def test_empty_invoice_is_all_zeros() -> None:
    for currency, zero in (("EUR", "0.00"), ("JPY", "0"), ("KWD", "0.000")):
        result = compute_totals(InvoiceDocument(currency=currency)).to_json()
        for key in ("line_total", "allowances", "charges", "net", "tax", "gross", "due"):
            assert result[key] == zero
        assert result["taxes"] == result["lines"] == result["allowances_charges"] == []
        assert result["cash_discount"] is None


def test_to_json_format() -> None:
    result = compute_totals(EXAMPLES["ex5b-spread-charge-percent-allowance"][0]).to_json()
    assert list(result) == [
        "currency",
        "price_basis",
        "line_total",
        "allowances",
        "charges",
        "net",
        "tax",
        "gross",
        "prepaid",
        "adjustment",
        "due",
        "taxes",
        "lines",
        "allowances_charges",
        "cash_discount",
    ]
    assert result["currency"] == "EUR" and result["price_basis"] == "net"
    assert set(result["taxes"][0]) == {"rate", "category", "base", "amount"}
    assert result["lines"][0] == {
        "index": 0,
        "amount_before_discount": "60.00",
        "discount": "0.00",
        "net": "60.00",
    }
    assert result["allowances_charges"][2] == {
        "index": 1,
        "is_charge": False,
        "reason": "Loyalty",
        "rate": "19",
        "category": "S",
        "amount": "3.00",
    }
    json.dumps(result)  # serialisable as is


@pytest.mark.parametrize(
    ("rate", "text"),
    [("19", "19"), ("19.00", "19"), ("7.70", "7.7"), ("10", "10"), ("0.0", "0"), ("5.5", "5.5")],
)
def test_format_rate(rate: str, text: str) -> None:
    assert format_rate(D(rate)) == text


def test_rates_are_grouped_by_value_and_shown_plain() -> None:
    totals = compute_totals(
        InvoiceDocument(lines=(line(1, 10, "19.00"), line(1, 10, "19"), line(1, 10, "10.0")))
    )
    assert [(t.rate, t.base) for t in totals.taxes] == [(D(19), D("20.00")), (D(10), D("10.00"))]
    assert [t["rate"] for t in totals.to_json()["taxes"]] == ["19", "10"]
    assert str(totals.lines[0].tax_rate) == "19"


def test_taxes_sorted_by_rate_then_category() -> None:
    doc = InvoiceDocument(
        lines=(
            line(1, 1, 0, Z),
            line(1, 1, 7),
            line(1, 1, 0, TaxCategory.REVERSE_CHARGE),
            line(1, 1, 19),
            line(1, 1, 0, E),
        )
    )
    order = [(t.category.value, str(t.rate)) for t in compute_totals(doc).taxes]
    assert order == [("S", "19"), ("S", "7"), ("AE", "0"), ("E", "0"), ("Z", "0")]


def test_category_given_as_plain_string() -> None:
    doc = InvoiceDocument(lines=(LineItem(D(1), D(10), D(0), "E"),))  # type: ignore[arg-type]
    assert compute_totals(doc).taxes[0].category is TaxCategory.EXEMPT


def test_percent_discount_rounds_once_with_the_line() -> None:
    # 1 × 0.15 with 10 %: exact 0.135 → 0.14 (rounding the discount first would give 0.13).
    totals = compute_totals(InvoiceDocument(lines=(line(1, "0.15", 19, percent=10),)))
    assert totals.lines[0].net_amount == D("0.14")
    assert totals.lines[0].discount_amount == D("0.01")


def test_half_up_ties_away_from_zero() -> None:
    totals = compute_totals(InvoiceDocument(lines=(line(1, "0.005", 19), line(-1, "0.015", 19))))
    assert [x.net_amount for x in totals.lines] == [D("0.01"), D("-0.02")]


def test_no_negative_zero() -> None:
    doc = InvoiceDocument(lines=(line(-1, "0.001", 19), line(-1, 10, 0, E)))
    result = compute_totals(doc).to_json()
    assert "-0.00" not in json.dumps(result)
    assert result["lines"][0]["net"] == "0.00"
    assert result["taxes"][1]["amount"] == "0.00"


def test_callers_decimal_context_does_not_matter() -> None:
    doc = EXAMPLES["ex4b-spread-amount"][0]
    expected = compute_totals(doc)
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_FLOOR
        assert compute_totals(doc) == expected


def test_discount_entries_come_first() -> None:
    doc = InvoiceDocument(
        lines=(line(1, 100, 19),),
        allowances_charges=(charge("5.00", "Shipping", 19),),
        discount=Discount(percent=D(2)),
    )
    entries = compute_totals(doc).allowances_charges
    assert [(e.index, e.reason, e.amount) for e in entries] == [
        (-1, "Discount", D("2.00")),
        (0, "Shipping", D("5.00")),
    ]


def test_spread_percent_leaves_out_zero_parts_and_percent_does_not_compound() -> None:
    doc = InvoiceDocument(
        lines=(line(1, 100, 19), line(1, "0.04", 7)),
        allowances_charges=(allowance_pct(10, "A"), allowance_pct(10, "B")),
    )
    totals = compute_totals(doc)
    # 10 % of 0.04 is 0.004 → 0.00: no entry; both allowances take 10 % of the line total.
    assert [(e.index, e.tax_rate, e.amount) for e in totals.allowances_charges] == [
        (0, D(19), D("10.00")),
        (1, D(19), D("10.00")),
    ]
    assert totals.net == D("80.04")


def test_largest_remainder_tie_goes_to_higher_rate() -> None:
    doc = InvoiceDocument(
        lines=(line(1, 10, 7), line(1, 10, 19), line(1, 10, 0, Z)),
        discount=Discount(amount=D("0.01")),
    )
    entries = compute_totals(doc).allowances_charges
    assert [(e.tax_rate, e.amount) for e in entries] == [(D(19), D("0.01"))]


def test_spread_amount_exact_over_many_groups() -> None:
    rates = ["25", "21", "19", "10", "7", "5.5"]
    doc = InvoiceDocument(
        lines=tuple(line(1, "33.33", r) for r in rates), discount=Discount(amount=D("100.00"))
    )
    totals = compute_totals(doc)
    assert sum(e.amount for e in totals.allowances_charges) == D("100.00")
    assert sorted({e.amount for e in totals.allowances_charges}) == [D("16.66"), D("16.67")]


def test_spread_amount_rounds_the_given_amount_first() -> None:
    doc = InvoiceDocument(
        currency="JPY", lines=(line(1, 1000, 10),), discount=Discount(amount=D("99.5"))
    )
    assert compute_totals(doc).allowances == D(100)


def test_spread_over_negative_line_total() -> None:
    doc = InvoiceDocument(
        lines=(line(-1, 100, 19), line(-1, 50, 7)), discount=Discount(amount=D("-15.00"))
    )
    totals = compute_totals(doc)
    assert [e.amount for e in totals.allowances_charges] == [D("-10.00"), D("-5.00")]
    assert totals.net == D("-135.00")


def test_spread_zero_amount_without_lines_is_fine() -> None:
    totals = compute_totals(InvoiceDocument(discount=Discount(amount=D(0))))
    assert totals.allowances_charges == () and totals.due == D(0)


def test_charge_without_lines() -> None:
    totals = compute_totals(InvoiceDocument(allowances_charges=(charge("4.90", "Ship", 19),)))
    assert (totals.net, totals.tax, totals.gross) == (D("4.90"), D("0.93"), D("5.83"))


def test_allowance_category_defaults() -> None:
    doc = InvoiceDocument(
        lines=(line(1, 100, 19), line(1, 100, 0, Z)),
        allowances_charges=(
            AllowanceCharge(False, Discount(amount=D(1)), "a", D(19)),
            AllowanceCharge(False, Discount(amount=D(1)), "b", D(0)),
            AllowanceCharge(False, Discount(percent=D(50)), "c", D(0), E),
        ),
    )
    totals = compute_totals(doc)
    entries = [(e.tax_category, e.amount) for e in totals.allowances_charges]
    assert entries == [(S, D("1.00")), (Z, D("1.00")), (E, D("0.00"))]
    assert [(t.category, t.base) for t in totals.taxes] == [
        (S, D("99.00")),
        (E, D("0.00")),
        (Z, D("99.00")),
    ]


def test_gross_basis_spread_discount() -> None:
    doc = InvoiceDocument(
        price_basis=PriceBasis.GROSS,
        lines=(line(1, "119.00", 19), line(1, "107.00", 7)),
        discount=Discount(percent=D(10)),
    )
    totals = compute_totals(doc)
    assert (totals.line_total, totals.allowances) == (D("226.00"), D("22.60"))
    assert [(t.base, t.amount) for t in totals.taxes] == [
        (D("90.00"), D("17.10")),
        (D("90.00"), D("6.30")),
    ]
    assert (totals.net, totals.tax, totals.gross) == (D("180.00"), D("23.40"), D("203.40"))


def test_adjustment_changes_only_due() -> None:
    base = InvoiceDocument(lines=(line(1, 10, 19),))
    adjusted = dataclasses.replace(base, adjustment=D("-0.05"))
    a, b = compute_totals(base), compute_totals(adjusted)
    assert (a.net, a.tax, a.gross) == (b.net, b.tax, b.gross)
    assert b.due == a.due - D("0.05") == D("11.85")


# --------------------------------------------------------------------------- validation


def _doc(**changes: Any) -> InvoiceDocument:
    return dataclasses.replace(InvoiceDocument(lines=(line(1, 10, 19), line(1, 10, 7))), **changes)


def _with_line(index: int, **changes: Any) -> InvoiceDocument:
    lines = list(_doc().lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    return _doc(lines=tuple(lines))


BIG = D("1000000000000")
INVALID: dict[str, tuple[InvoiceDocument, str, str]] = {
    "currency": (_doc(currency="XYZ"), "currency", "ISO 4217"),
    "rate-100": (_with_line(1, tax_rate=D(100)), "line_items[1].tax_rate", "below 100"),
    "rate-negative": (_with_line(0, tax_rate=D(-1)), "line_items[0].tax_rate", "negative"),
    "rate-nan": (_with_line(0, tax_rate=D("NaN")), "line_items[0].tax_rate", "number"),
    "rate-snan": (_with_line(0, tax_rate=D("sNaN")), "line_items[0].tax_rate", "number"),
    "s-needs-rate": (_with_line(1, tax_rate=D(0)), "line_items[1].tax_rate", "above 0"),
    "e-needs-zero": (
        _with_line(1, tax_category=E),
        "line_items[1].tax_rate",
        "category E (exempt) needs a tax rate of 0",
    ),
    "ae-needs-zero": (
        _with_line(0, tax_category=TaxCategory.REVERSE_CHARGE),
        "line_items[0].tax_rate",
        "needs a tax rate of 0",
    ),
    "bad-category": (
        _with_line(0, tax_category="X", tax_rate=D(0)),
        "line_items[0].tax_category",
        "not a tax category",
    ),
    "quantity-huge": (_with_line(0, quantity=D("1E9")), "line_items[0].quantity", "too large"),
    "quantity-inf": (_with_line(0, quantity=D("Infinity")), "line_items[0].quantity", "number"),
    "quantity-nan": (_with_line(0, quantity=D("NaN")), "line_items[0].quantity", "number"),
    "price-huge": (_with_line(1, unit_price=-BIG), "line_items[1].unit_price", "too large"),
    "price-nan": (_with_line(1, unit_price=D("NaN")), "line_items[1].unit_price", "number"),
    "line-amount-huge": (
        _with_line(0, quantity=D(1000), unit_price=D("1E10")),
        "line_items[0]",
        "too large",
    ),
    "line-percent-101": (
        _with_line(0, discount=Discount(percent=D(101))),
        "line_items[0].discount",
        "between 0 and 100",
    ),
    "line-percent-negative": (
        _with_line(0, discount=Discount(percent=D(-1))),
        "line_items[0].discount",
        "between 0 and 100",
    ),
    "line-discount-both": (
        _with_line(0, discount=Discount(percent=D(1), amount=D(1))),
        "line_items[0].discount",
        "either",
    ),
    "line-discount-neither": (
        _with_line(0, discount=Discount()),
        "line_items[0].discount",
        "either",
    ),
    "line-discount-amount-huge": (
        _with_line(0, discount=Discount(amount=BIG)),
        "line_items[0].discount",
        "too large",
    ),
    "doc-discount-percent": (_doc(discount=Discount(percent=D(150))), "discount", "0 and 100"),
    "doc-discount-amount-huge": (_doc(discount=Discount(amount=BIG)), "discount", "too large"),
    "doc-discount-spread-zero-total": (
        _doc(lines=(line(1, 10, 19), line(-1, 10, 19)), discount=Discount(amount=D(5))),
        "discount",
        "line total is zero",
    ),
    "doc-discount-no-lines": (
        InvoiceDocument(discount=Discount(amount=D(5))),
        "discount",
        "line total is zero",
    ),
    "allowance-percent": (
        _doc(allowances_charges=(allowance_pct(-5, "x"),)),
        "allowances[0].percent",
        "0 and 100",
    ),
    "allowance-amount": (
        _doc(allowances_charges=(charge("1", "ok"), charge("1E12", "huge"))),
        "allowances[1].amount",
        "too large",
    ),
    "allowance-value-both": (
        _doc(allowances_charges=(AllowanceCharge(False, Discount(D(1), D(1))),)),
        "allowances[0].value",
        "either",
    ),
    "allowance-rate": (
        _doc(allowances_charges=(charge("1", "x", 100),)),
        "allowances[0].tax_rate",
        "below 100",
    ),
    "allowance-category-rate": (
        _doc(allowances_charges=(AllowanceCharge(True, Discount(amount=D(1)), "x", D(7), Z),)),
        "allowances[0].tax_rate",
        "category Z (zero rate) needs a tax rate of 0",
    ),
    "allowance-category-without-rate": (
        _doc(allowances_charges=(AllowanceCharge(True, Discount(amount=D(1)), "x", None, E),)),
        "allowances[0].tax_rate",
        "needs a tax rate",
    ),
    "allowance-spread-zero-total": (
        _doc(lines=(), allowances_charges=(charge("4.90", "Shipping"),)),
        "allowances[0].amount",
        "line total is zero",
    ),
    "prepaid-huge": (_doc(prepaid=BIG), "prepaid", "too large"),
    "prepaid-nan": (_doc(prepaid=D("NaN")), "prepaid", "number"),
    "adjustment-inf": (_doc(adjustment=D("-Infinity")), "adjustment", "number"),
    "total-huge": (
        _doc(lines=(line(1, "999999999999", 19), line(1, "999999999999", 19))),
        "line_items",
        "too large",
    ),
    "cash-discount-rate": (
        _doc(cash_discount=CashDiscountTerms(D(100), 10)),
        "cash_discount.rate",
        "below 100",
    ),
    "cash-discount-days": (
        _doc(cash_discount=CashDiscountTerms(D(2), -1)),
        "cash_discount.days",
        "between 0 and 365",
    ),
    "cash-discount-date-overflow": (
        _doc(cash_discount=CashDiscountTerms(D(2), 10), invoice_date=dt.date.max),
        "cash_discount.days",
        "out of range",
    ),
}


@pytest.mark.parametrize("case", INVALID.values(), ids=INVALID.keys())
def test_validation_names_the_field(case: tuple[InvoiceDocument, str, str]) -> None:
    doc, field, fragment = case
    with pytest.raises(DomainError) as info:
        compute_totals(doc)
    assert info.value.field == field
    assert fragment in info.value.message


def test_limits_are_exclusive_but_just_below_is_fine() -> None:
    doc = _with_line(0, quantity=D("999999999.9999"), unit_price=D("0.01"))
    assert compute_totals(doc).lines[0].net_amount == D("10000000.00")
    assert compute_totals(_with_line(1, tax_rate=D("99.99"))).taxes[0].rate == D("99.99")
