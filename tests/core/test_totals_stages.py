"""The stages of the totals engine, one at a time (``docs/calculation.md`` names them).

Each stage is a pure function over frozen data; these tests feed it hand-made
input and check its output. The whole pipeline is covered by test_totals.py and
test_totals_properties.py. Stages expect the engine's decimal context, which
``compute_totals`` sets; the autouse fixture sets it here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, localcontext
from typing import Any

import pytest

import invoicedesk.core.totals as totals_package
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
from invoicedesk.core.totals import compute_totals
from invoicedesk.core.totals.allowances import (
    AllowancesCharges,
    allowance_or_charge,
    allowances_and_charges,
    for_group,
    largest_remainder,
    spread_amount,
    spread_percent,
)
from invoicedesk.core.totals.context import (
    CONTEXT,
    Currency,
    TaxKey,
    canonical_rate,
    currency_of,
    group_order,
)
from invoicedesk.core.totals.lines import LineAmounts, line_amount, line_amounts
from invoicedesk.core.totals.payable import cash_discount, payable
from invoicedesk.core.totals.results import AllowanceChargeTotal, TaxTotal
from invoicedesk.core.totals.sums import DocumentTotals, document_totals
from invoicedesk.core.totals.taxes import group_tax, tax_breakdown
from invoicedesk.core.totals.validation import price_basis

D = Decimal
S, Z, E = TaxCategory.STANDARD, TaxCategory.ZERO, TaxCategory.EXEMPT
S19: TaxKey = (S, D(19))
S7: TaxKey = (S, D(7))
E0: TaxKey = (E, D(0))
EUR = Currency("EUR", 2, D("0.01"), D("0.00"))
JPY = Currency("JPY", 0, D(1), D(0))
KWD = Currency("KWD", 3, D("0.001"), D("0.000"))


@pytest.fixture(autouse=True)
def engine_context() -> Iterator[None]:
    with localcontext(CONTEXT):
        yield


def item(
    quantity: str | int, price: str | int, rate: str | int = 19, category: TaxCategory = S
) -> LineItem:
    return LineItem(D(quantity), D(price), D(rate), category)


def entry(
    key: TaxKey, amount: str, *, charge: bool = False, index: int = 0
) -> AllowanceChargeTotal:
    return AllowanceChargeTotal(index, charge, "x", key[1], key[0], D(amount))


def no_entries() -> AllowancesCharges:
    return allowances_and_charges(None, (), {}, EUR)


# --------------------------------------------------------------------------- public API


def test_the_public_api_is_unchanged() -> None:
    assert totals_package.__all__ == [
        "ALLOWANCES_FIELD",
        "DISCOUNT_REASON",
        "LINES_FIELD",
        "MAX_CASH_DISCOUNT_DAYS",
        "AllowanceChargeTotal",
        "CashDiscountTotal",
        "LineTotal",
        "TaxTotal",
        "Totals",
        "compute_totals",
        "format_rate",
    ]
    assert (
        totals_package.LINES_FIELD,
        totals_package.ALLOWANCES_FIELD,
        totals_package.DISCOUNT_REASON,
        totals_package.MAX_CASH_DISCOUNT_DAYS,
    ) == ("line_items", "allowances", "Discount", 365)
    for name in totals_package.__all__:
        assert getattr(totals_package, name) is not None


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize(
    ("rate", "canonical"), [("19.00", "19"), ("1E+1", "10"), ("-0", "0"), ("7.70", "7.7")]
)
def test_canonical_rate(rate: str, canonical: str) -> None:
    assert str(canonical_rate(D(rate))) == canonical


def test_groups_sort_by_rate_descending_then_category() -> None:
    keys: list[TaxKey] = [E0, S7, (Z, D(0)), S19, (TaxCategory.REVERSE_CHARGE, D(0))]
    assert [k[0].value for k in sorted(keys, key=group_order)] == ["S", "S", "AE", "E", "Z"]


def test_currency_of() -> None:
    assert currency_of("eur") == EUR
    assert currency_of("JPY") == JPY
    assert currency_of("KWD") == KWD
    with pytest.raises(DomainError) as info:
        currency_of("XYZ")
    assert info.value.field == "currency"


def test_currency_rounds_half_up_without_negative_zero() -> None:
    assert EUR.round(D("2.755")) == D("2.76")
    assert EUR.round(D("-2.755")) == D("-2.76")
    assert str(EUR.round(D("-0.004"))) == "0.00"
    assert str(JPY.round(D("186.48"))) == "186"


# --------------------------------------------------------------------------- stage 1: lines


def test_line_amount_rounds_the_line_and_its_percent_discount_once() -> None:
    line = dataclasses.replace(item(3, "19.99"), discount=Discount(percent=D(10)))
    result = line_amount(4, line, EUR)
    assert (result.index, result.tax_category, result.tax_rate) == (4, S, D(19))
    assert result.amount_before_discount == D("59.97")
    assert result.net_amount == D("53.97")  # round(59.97 − 5.997), not 59.97 − 6.00
    assert result.discount_amount == D("6.00")


def test_line_amount_of_a_return() -> None:
    line = dataclasses.replace(item(-2, "19.99"), discount=Discount(percent=D(10)))
    result = line_amount(0, line, EUR)
    assert (result.amount_before_discount, result.discount_amount, result.net_amount) == (
        D("-39.98"),
        D("-4.00"),
        D("-35.98"),
    )


def test_line_amount_fixed_discount_and_three_decimals() -> None:
    line = dataclasses.replace(item(3, "0.8335", 5), discount=Discount(amount=D("0.5")))
    result = line_amount(0, line, KWD)
    assert (result.amount_before_discount, result.net_amount) == (D("2.501"), D("2.001"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": D("1E9")}, "line_items[3].quantity"),
        ({"unit_price": D("NaN")}, "line_items[3].unit_price"),
        ({"tax_rate": D(7), "tax_category": E}, "line_items[3].tax_rate"),
        ({"discount": Discount()}, "line_items[3].discount"),
        ({"quantity": D(1000), "unit_price": D("1E10")}, "line_items[3]"),
    ],
)
def test_line_amount_names_the_line(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as info:
        line_amount(3, dataclasses.replace(item(1, 10), **changes), EUR)
    assert info.value.field == field


def test_line_amounts_sum_per_tax_group() -> None:
    result = line_amounts(
        [item(1, "10.00"), item(1, "5.00", 7), item(2, "0.13"), item(1, "1", 0, E)], EUR
    )
    assert [line.index for line in result.lines] == [0, 1, 2, 3]
    assert dict(result.groups) == {S19: D("10.26"), S7: D("5.00"), E0: D("1.00")}
    assert result.total == D("16.26")


def test_line_amounts_are_frozen() -> None:
    result = line_amounts([item(1, 1)], EUR)
    with pytest.raises(TypeError):
        result.groups[S7] = D(1)  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = D(0)  # type: ignore[misc]


def test_no_lines_is_a_zero_total_with_the_currencys_decimals() -> None:
    assert str(line_amounts([], KWD).total) == "0.000"


# --------------------------------------------------------------------------- stage 2: allowances


def test_largest_remainder_example_4b() -> None:
    assert largest_remainder(1000, [9999, 5000, 1000], "discount") == [625, 313, 62]


def test_largest_remainder_ties_go_to_the_earlier_group() -> None:
    assert largest_remainder(1, [1, 1], "discount") == [1, 0]
    assert largest_remainder(2, [1, 1, 1], "discount") == [1, 1, 0]


def test_largest_remainder_with_negative_weights_and_totals() -> None:
    assert largest_remainder(-1000, [-9999, -5000, -1000], "x") == [-625, -313, -62]
    assert sum(largest_remainder(-7, [3, 3, 1], "x")) == -7


def test_largest_remainder_over_a_zero_weight_sum() -> None:
    assert largest_remainder(0, [5, -5], "x") == [0, 0]
    with pytest.raises(DomainError) as info:
        largest_remainder(1, [5, -5], "allowances[2].amount")
    assert info.value.field == "allowances[2].amount"
    assert "line total is zero" in info.value.message


GROUPS = {S7: D("50.00"), E0: D("10.00"), S19: D("99.99")}  # in order of first use


def test_spread_percent_in_tax_order_each_part_rounded() -> None:
    parts = spread_percent(-1, False, "Discount", D(10), GROUPS, EUR)
    assert [(p.tax_rate, p.tax_category, p.amount) for p in parts] == [
        (D(19), S, D("10.00")),
        (D(7), S, D("5.00")),
        (D(0), E, D("1.00")),
    ]
    assert {(p.index, p.is_charge, p.reason) for p in parts} == {(-1, False, "Discount")}


def test_spread_percent_leaves_out_zero_parts() -> None:
    parts = spread_percent(0, True, "x", D(1), {S19: D("100.00"), S7: D("0.40")}, EUR)
    assert [(p.tax_rate, p.amount) for p in parts] == [(D(19), D("1.00"))]


def test_spread_amount_adds_up_exactly() -> None:
    parts = spread_amount(2, True, "Packaging", D("10.00"), GROUPS, EUR, "allowances[2].amount")
    assert [(p.tax_rate, p.amount) for p in parts] == [
        (D(19), D("6.25")),
        (D(7), D("3.13")),
        (D(0), D("0.62")),
    ]
    assert {(p.index, p.is_charge, p.reason) for p in parts} == {(2, True, "Packaging")}


def test_spread_amount_rounds_the_amount_first_and_leaves_out_zero_parts() -> None:
    parts = spread_amount(0, False, "x", D("0.014"), {S19: D(100), S7: D(1)}, EUR, "x")
    assert [(p.tax_rate, p.amount) for p in parts] == [(D(19), D("0.01"))]


def test_for_group_percentage_of_its_group_and_fixed_amount_as_given() -> None:
    percent = for_group(1, False, "Loyalty", S19, D(5), None, {S19: D("60.00")}, EUR)
    assert (percent.tax_rate, percent.amount) == (D(19), D("3.00"))
    fixed = for_group(0, True, "Shipping", S19, None, D("4.904"), {S7: D(100)}, EUR)
    assert fixed.amount == D("4.90")
    empty = for_group(0, True, "x", S19, D(10), None, {S7: D(100)}, EUR)
    assert str(empty.amount) == "0.00"  # kept, though zero: its group has no lines


def test_allowance_or_charge_category_defaults_from_the_rate() -> None:
    zero_rated = AllowanceCharge(True, Discount(amount=D(1)), "x", D(0))
    assert allowance_or_charge(0, zero_rated, {}, EUR)[0].tax_category is Z
    standard = AllowanceCharge(True, Discount(amount=D(1)), "x", D(19))
    assert allowance_or_charge(0, standard, {}, EUR)[0].tax_category is S


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (AllowanceCharge(False, Discount(percent=D(-5))), "allowances[1].percent"),
        (AllowanceCharge(True, Discount(amount=D("1E12"))), "allowances[1].amount"),
        (AllowanceCharge(True, Discount()), "allowances[1].value"),
        (AllowanceCharge(True, Discount(amount=D(1)), "x", None, E), "allowances[1].tax_rate"),
        (AllowanceCharge(True, Discount(amount=D(1)), "x", D(7), Z), "allowances[1].tax_rate"),
        ("shipping", "allowances[1]"),
    ],
)
def test_allowance_or_charge_names_the_entry(value: object, field: str) -> None:
    with pytest.raises(DomainError) as info:
        allowance_or_charge(1, value, GROUPS, EUR)  # type: ignore[arg-type]
    assert info.value.field == field


def test_allowances_and_charges_discount_first_then_entries_with_sums_per_group() -> None:
    result = allowances_and_charges(
        Discount(percent=D(10)),
        (
            AllowanceCharge(True, Discount(amount=D("3.00")), "Packaging"),
            AllowanceCharge(False, Discount(percent=D(5)), "Loyalty", D(19)),
            AllowanceCharge(True, Discount(amount=D("4.90")), "Shipping", D(25)),
        ),
        {S19: D("60.00"), S7: D("40.00")},
        EUR,
    )
    assert [(e.index, e.reason, e.tax_rate, e.amount) for e in result.entries] == [
        (-1, "Discount", D(19), D("6.00")),
        (-1, "Discount", D(7), D("4.00")),
        (0, "Packaging", D(19), D("1.80")),
        (0, "Packaging", D(7), D("1.20")),
        (1, "Loyalty", D(19), D("3.00")),
        (2, "Shipping", D(25), D("4.90")),
    ]
    assert dict(result.allowances) == {S19: D("9.00"), S7: D("4.00")}
    assert dict(result.charges) == {S19: D("1.80"), S7: D("1.20"), (S, D(25)): D("4.90")}


def test_document_discount_over_a_zero_line_total_names_discount() -> None:
    with pytest.raises(DomainError) as info:
        allowances_and_charges(Discount(amount=D(5)), (), {}, EUR)
    assert info.value.field == "discount"


# --------------------------------------------------------------------------- stage 3: taxes


def test_group_tax_net_basis() -> None:
    assert group_tax(S19, D("0.39"), False, EUR) == TaxTotal(S, D(19), D("0.39"), D("0.07"))
    assert group_tax((S, D(8)), D(2331), False, JPY) == TaxTotal(S, D(8), D(2331), D(186))


def test_group_tax_gross_basis_takes_the_tax_out() -> None:
    assert group_tax(S19, D("55.72"), True, EUR) == TaxTotal(S, D(19), D("46.82"), D("8.90"))
    assert group_tax(S7, D("10.70"), True, EUR) == TaxTotal(S, D(7), D("10.00"), D("0.70"))


def test_group_tax_of_a_negative_group() -> None:
    assert group_tax(S19, D("-35.98"), False, EUR).amount == D("-6.84")


def test_tax_breakdown_includes_groups_that_only_entries_have() -> None:
    entries = AllowancesCharges((entry((S, D(19)), "4.90", charge=True),), {}, {S19: D("4.90")})
    taxes = tax_breakdown({S7: D("100.00")}, entries, False, EUR)
    assert taxes == (
        TaxTotal(S, D(19), D("4.90"), D("0.93")),
        TaxTotal(S, D(7), D("100.00"), D("7.00")),
    )


def test_tax_breakdown_base_is_lines_minus_allowances_plus_charges() -> None:
    entries = AllowancesCharges((), {S19: D("3.00")}, {S19: D("1.80"), S7: D("1.20")})
    taxes = tax_breakdown({S19: D("60.00"), S7: D("40.00")}, entries, False, EUR)
    assert [(t.base, t.amount) for t in taxes] == [
        (D("58.80"), D("11.17")),
        (D("41.20"), D("2.88")),
    ]


def test_tax_breakdown_without_anything_is_empty() -> None:
    assert tax_breakdown({}, no_entries(), True, EUR) == ()


# --------------------------------------------------------------------------- stage 4: sums


def test_document_totals_are_sums_of_the_stages() -> None:
    entries = [entry(S19, "3.00"), entry(S19, "1.80", charge=True), entry(S7, "1.20", charge=True)]
    taxes = [TaxTotal(S, D(19), D("58.80"), D("11.17")), TaxTotal(S, D(7), D("41.20"), D("2.88"))]
    assert document_totals(D("100.00"), entries, taxes, EUR.zero) == DocumentTotals(
        line_total=D("100.00"),
        allowances=D("3.00"),
        charges=D("3.00"),
        net=D("100.00"),
        tax=D("14.05"),
        gross=D("114.05"),
    )


def test_empty_sums_carry_the_currencys_decimals() -> None:
    sums = document_totals(KWD.zero, [], [], KWD.zero)
    assert [str(x) for x in (sums.allowances, sums.charges, sums.net, sums.gross)] == ["0.000"] * 4


# --------------------------------------------------------------------------- stage 5: payable


def sums_of(gross: str) -> DocumentTotals:
    return DocumentTotals(D(gross), D("0.00"), D("0.00"), D(gross), D("0.00"), D(gross))


def test_payable_due_and_cash_discount_example_7a() -> None:
    sums = DocumentTotals(D("99.99"), D(0), D(0), D("99.99"), D("7.70"), D("107.69"))
    CHF = currency_of("CHF")
    result = payable(
        sums,
        CHF,
        prepaid=D(0),
        adjustment=D("0.01"),
        terms=CashDiscountTerms(D(2), 10),
        invoice_date=dt.date(2025, 3, 28),
    )
    assert (result.prepaid, result.adjustment, result.due) == (D("0.00"), D("0.01"), D("107.70"))
    assert result.cash_discount is not None
    assert (result.cash_discount.amount, result.cash_discount.payable) == (D("2.15"), D("105.55"))
    assert result.cash_discount.last_date == dt.date(2025, 4, 7)


def test_payable_rounds_prepaid_and_adjustment_as_given() -> None:
    result = payable(
        sums_of("100.00"),
        EUR,
        prepaid=D("10.005"),
        adjustment=D("-0.004"),
        terms=None,
        invoice_date=None,
    )
    assert (result.prepaid, str(result.adjustment), result.due) == (D("10.01"), "0.00", D("89.99"))
    assert result.cash_discount is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"prepaid": D("NaN")}, "prepaid"),
        ({"adjustment": D("1E12")}, "adjustment"),
        ({"prepaid": D("-999999999999"), "adjustment": D("999999999999")}, "line_items"),
        ({"terms": CashDiscountTerms(D(100), 10)}, "cash_discount.rate"),
        ({"terms": CashDiscountTerms(D(2), 366)}, "cash_discount.days"),
    ],
)
def test_payable_names_the_field(changes: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "prepaid": D(0),
        "adjustment": D(0),
        "terms": None,
        "invoice_date": None,
    } | changes
    with pytest.raises(DomainError) as info:
        payable(sums_of("10.00"), EUR, **arguments)  # type: ignore[arg-type]
    assert info.value.field == field


def test_cash_discount_without_invoice_date_has_no_last_date() -> None:
    result = cash_discount(CashDiscountTerms(D("3.00"), 14), None, D("690.00"), EUR)
    assert (str(result.rate), result.amount, result.payable) == ("3", D("20.70"), D("669.30"))
    assert result.last_date is None


def test_cash_discount_past_the_calendars_end() -> None:
    with pytest.raises(DomainError) as info:
        cash_discount(CashDiscountTerms(D(2), 10), dt.date.max, D(100), EUR)
    assert info.value.field == "cash_discount.days"


# --------------------------------------------------------------------------- the pipeline


def test_price_basis() -> None:
    assert price_basis("gross") is PriceBasis.GROSS
    assert price_basis(PriceBasis.NET) is PriceBasis.NET
    with pytest.raises(DomainError) as info:
        price_basis("NET")
    assert info.value.field == "price_basis"


def test_compute_totals_is_the_stages_in_order() -> None:
    doc = InvoiceDocument(
        price_basis=PriceBasis.GROSS,
        lines=(item(2, "11.90"), item(1, "10.70", 7), item(1, "5", 0, E)),
        allowances_charges=(AllowanceCharge(True, Discount(amount=D("4.95")), "Ship", D(19)),),
        discount=Discount(amount=D("1.00")),
        prepaid=D("10"),
        cash_discount=CashDiscountTerms(D(2), 10),
    )
    lines = line_amounts(doc.lines, EUR)
    entries = allowances_and_charges(doc.discount, doc.allowances_charges, lines.groups, EUR)
    taxes = tax_breakdown(lines.groups, entries, True, EUR)
    sums = document_totals(lines.total, entries.entries, taxes, EUR.zero)
    due = payable(
        sums,
        EUR,
        prepaid=doc.prepaid,
        adjustment=doc.adjustment,
        terms=doc.cash_discount,
        invoice_date=None,
    )
    totals = compute_totals(doc)
    assert isinstance(lines, LineAmounts)
    assert (totals.lines, totals.allowances_charges, totals.taxes) == (
        lines.lines,
        entries.entries,
        taxes,
    )
    assert (totals.line_total, totals.allowances, totals.charges) == (
        sums.line_total,
        sums.allowances,
        sums.charges,
    )
    assert (totals.net, totals.tax, totals.gross) == (sums.net, sums.tax, sums.gross)
    assert (totals.prepaid, totals.due, totals.cash_discount) == (
        due.prepaid,
        due.due,
        due.cash_discount,
    )


def test_ints_are_exact_and_floats_are_refused_whatever_came_before() -> None:
    """An int tax rate was refused until an equal Decimal pair had been cached, and a float
    quantity crashed with TypeError: an int rate counts as exact every time, floats are a
    DomainError naming the field."""
    with_int_rate = LineItem(quantity=Decimal(1), unit_price=Decimal(10), tax_rate=7)  # type: ignore[arg-type]
    assert compute_totals(InvoiceDocument(lines=(with_int_rate,))).tax == Decimal("0.70")
    good = LineItem(quantity=Decimal(1), unit_price=Decimal(10), tax_rate=Decimal(19))
    for bad, field in (
        (dataclasses.replace(good, tax_rate=19.0), "line_items[0].tax_rate"),  # type: ignore[arg-type]
        (dataclasses.replace(good, quantity=1.5), "line_items[0].quantity"),  # type: ignore[arg-type]
        (dataclasses.replace(good, unit_price=2.5), "line_items[0].unit_price"),  # type: ignore[arg-type]
    ):
        with pytest.raises(DomainError) as error:
            compute_totals(InvoiceDocument(currency="EUR", lines=(bad,)))
        assert error.value.field == field
