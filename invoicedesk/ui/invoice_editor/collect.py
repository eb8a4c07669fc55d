"""Reading the whole form into one ``InvoiceInput`` and asking the engine what it adds up to.

``collect`` runs on every change. It never refuses: unreadable rows are left
out of the input (and reported as problems), so the totals always show what
the valid part of the invoice comes to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import minor_unit
from invoicedesk.core.totals import Totals, compute_totals
from invoicedesk.services.inputs import InvoiceInput
from invoicedesk.services.invoices import document_of
from invoicedesk.ui import formatting
from invoicedesk.ui.invoice_editor.charges_model import ChargesModel, parse_charges
from invoicedesk.ui.invoice_editor.extras_form import ExtrasForm
from invoicedesk.ui.invoice_editor.header_form import HeaderForm
from invoicedesk.ui.invoice_editor.lines_model import LinesModel, parse_rows
from invoicedesk.ui.invoice_editor.parsing import Problem, target_of
from invoicedesk.ui.invoice_editor.texts_form import TextsForm


@dataclass(frozen=True, slots=True)
class Collected:
    """The form read once: the input (best effort when there are problems), its totals."""

    input: InvoiceInput
    problems: tuple[Problem, ...]
    totals: Totals | None
    line_rows: list[int]  # the table row of each input line
    charge_rows: list[int]  # the table row of each allowance or charge
    charge_kinds: list[bool]  # is_charge of each allowance or charge
    left_out: list[int]  # table rows the totals leave out until they are valid

    @property
    def line_count(self) -> int:
        return len(self.input.lines)

    def problem_of(self, error: DomainError) -> Problem:
        """Where a service's or the engine's error about this input belongs."""
        return target_of(
            error.field, error.message, self.line_rows, self.charge_rows, self.charge_kinds
        )


def collect(
    base: InvoiceInput,
    header: HeaderForm,
    texts: TextsForm,
    extras: ExtrasForm,
    lines: LinesModel,
    charges: ChargesModel,
) -> Collected:
    """``base`` (the loaded input: keeps what the form does not show) with the form's values."""
    head, problems = header.collect()
    places = minor_unit(head["currency"])
    lines.places = places
    charges.places = places
    items, line_rows, line_problems = parse_rows(lines.rows(), places)
    extra_items, charge_rows, charge_problems = parse_charges(charges.rows(), places)
    terms, term_problems = extras.collect(places)
    inp = replace(
        base,
        client=None,
        **head,
        **texts.collect(),
        **terms,
        lines=tuple(items),
        allowances_charges=tuple(extra_items),
    )
    found = problems + line_problems + charge_problems + term_problems
    kinds = [item.is_charge for item in extra_items]
    totals: Totals | None = None
    try:
        totals = compute_totals(document_of(inp))
    except DomainError as exc:
        found.append(target_of(exc.field, exc.message, line_rows, charge_rows, kinds))
    left_out = sorted({p.row for p in line_problems})
    return Collected(inp, tuple(found), totals, line_rows, charge_rows, kinds, left_out)


def shown_amounts(collected: Collected) -> tuple[dict[int, str], dict[int, str]]:
    """The engine's amount of each line and each allowance/charge, by table row, formatted.

    An allowance without a tax rate comes back from the engine split by rate; its
    parts are added up here for the one row it is in the table (adding engine
    results, not computing any).
    """
    totals = collected.totals
    if totals is None:
        return {}, {}
    lines = {
        row: formatting.money(line.net_amount, totals.currency)
        for line, row in zip(totals.lines, collected.line_rows, strict=True)
    }
    sums: dict[int, Decimal] = {}
    for entry in totals.allowances_charges:
        if entry.index >= 0:  # -1: the document discount, which has no row
            sums[entry.index] = sums.get(entry.index, Decimal(0)) + entry.amount
    charges = {
        collected.charge_rows[index]: formatting.money(amount, totals.currency)
        for index, amount in sums.items()
    }
    return lines, charges
