"""The core's errors in German: amounts, number patterns, tax rates, discounts, the
lifecycle's refusals and the database's failures read in German with their values, still
name their field and carry their code; in English they read as before. Every error raised
in core, pdf and db is an English template with its values in ``params``.
"""

from __future__ import annotations

import ast
import pickle
import re
import sqlite3
import string
from collections.abc import Iterator
from decimal import Decimal

import pytest

from invoicedesk.core import rules
from invoicedesk.core.document import Discount
from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.core.kinds import DocumentKind, describe
from invoicedesk.core.lifecycle import Status
from invoicedesk.core.money import parse_decimal, validate_currency
from invoicedesk.core.numbering import validate_pattern
from invoicedesk.core.totals.validation import check_figure, check_tax, discount_value
from invoicedesk.db.failures import environment_failure
from invoicedesk.i18n import N_, set_language
from invoicedesk.pdf.render import PdfLayoutError
from tests.test_translations import ROOT

AREA = ("invoicedesk/core", "invoicedesk/pdf", "invoicedesk/db")
ERROR_CLASSES = {"DomainError", "NotFoundError", "ConflictError", "PdfLayoutError"}


@pytest.fixture
def german() -> Iterator[None]:
    assert set_language("de") == "de"
    yield
    set_language("en")


def raised(call, *args, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_bad_amount_reads_in_german_with_its_value(german):
    error = raised(parse_decimal, "12,5x", "line_items[0].unit_price")
    assert error.message == "„12,5x“ ist keine Zahl"
    assert (error.field, error.code) == ("line_items[0].unit_price", "not_a_number")
    error = raised(parse_decimal, "2000000000000", "payment.amount")
    # The limit is grouped as German writes numbers.
    assert error.message == "2000000000000 ist zu groß (Grenze: 1.000.000.000.000)"
    assert (error.field, error.code) == ("payment.amount", "too_large")
    error = raised(parse_decimal, "-3", "quantity", allow_negative=False)
    assert (error.message, error.code) == ("-3 darf nicht negativ sein", "negative")
    error = raised(validate_currency, "EURO", "client.currency")
    assert "„EURO“ ist kein Währungscode" in error.message
    assert (error.field, error.code) == ("client.currency", "currency_unknown")


def test_a_bad_number_pattern_reads_in_german(german):
    error = raised(validate_pattern, "RE-{foo}-{seq}", "numbering.invoice")
    assert error.message == (
        "unbekannter Platzhalter {foo} – verwenden Sie {year}, {yy}, {month} und {seq}"
    )
    assert (error.field, error.code) == ("numbering.invoice", "pattern_placeholder_unknown")
    error = raised(validate_pattern, "RE-{year}")
    assert error.message.startswith("das Nummernformat braucht den Platzhalter {seq}")
    assert (error.field, error.code) == ("number_pattern", "pattern_needs_seq")


def test_a_bad_tax_rate_reads_in_german(german):
    error = raised(check_tax, None, Decimal("119"), "line_items[2]", default_category=True)
    assert error.message == "der USt.-Satz 119 muss unter 100 % liegen"
    assert (error.field, error.code) == ("line_items[2].tax_rate", "tax_rate_too_high")
    error = raised(check_tax, "E", Decimal("7"), "line_items[0]", default_category=False)
    # The category's name is translated too.
    assert error.message == "Kategorie E (steuerbefreit) braucht einen USt.-Satz von 0, nicht 7"
    assert error.code == "tax_rate_not_zero"


def test_a_discount_over_100_percent_reads_in_german(german):
    error = raised(discount_value, Discount(percent=Decimal("150")), "line_items[1].discount")
    assert error.message == "der Prozentsatz 150 muss zwischen 0 und 100 liegen"
    assert (error.field, error.code) == ("line_items[1].discount", "percent_out_of_range")
    error = raised(check_figure, N_("amount due"), Decimal("5E+12"))
    assert "„Zahlbetrag“ der Rechnung" in error.message and error.code == "too_large"


def test_a_refusal_names_the_document_in_german(german):
    assert describe(DocumentKind.INVOICE, "RE-1") == "Rechnung RE-1"
    assert describe("credit_note", None) == "Diese Gutschrift"
    with pytest.raises(ConflictError) as caught:
        rules.require("invoice", Status.OPEN, rules.Action.EDIT, number="RE-7", field="lines")
    assert caught.value.message.startswith("Rechnung RE-7 ist ausgestellt und kann nicht")
    assert (caught.value.field, caught.value.code) == ("lines", "conflict")
    assert rules.refusal("invoice", Status.DRAFT, rules.Action.SEND) == (
        "stellen Sie die Rechnung aus, bevor Sie sie versenden"
    )


def test_a_database_failure_reads_in_german(german):
    failure = environment_failure(sqlite3.OperationalError("database is locked"), 12)
    assert failure is not None
    assert failure.message.startswith("die Datenbank wird von einem anderen Programm verwendet")
    assert "12 s lang gesperrt" in failure.message


def test_the_error_crosses_processes_whole_and_reads_in_the_language_of_the_moment(german):
    error = raised(parse_decimal, "1.23456", "line_items[0].quantity", places=4)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.message == "1.23456 hat mehr als 4 Nachkommastellen"
    assert (copy.field, copy.code, copy.params) == (error.field, "too_many_decimals", error.params)
    set_language("en")
    assert copy.message == "1.23456 has more than 4 decimal places"


def test_in_english_the_errors_read_as_before():
    assert str(raised(parse_decimal, "2000000000000", "x")) == (
        "x: 2000000000000 is too large (limit 1,000,000,000,000)"
    )
    assert (
        raised(validate_pattern, "RE-{seq:x}").message
        == "placeholder {seq:x} — only widths like :04"
    )
    assert rules.refusal("credit_note", Status.CANCELLED, rules.Action.CANCEL) == (
        "This credit note is already cancelled"
    )
    assert PdfLayoutError("the PDF could not be laid out", "pdf").code == "pdf_layout"


# ------------------------------------------------------ every error is a template


def _modules() -> Iterator[str]:
    for folder in AREA:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT))
    yield from ("invoicedesk/config.py", "invoicedesk/logs.py")


def _error_calls(module: str) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ERROR_CLASSES and node.args:
                yield node


def _placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("module", list(_modules()))
def test_every_error_is_an_english_template_with_its_values_in_params(module):
    for call in _error_calls(module):
        template = call.args[0]
        where = f"{module}:{call.lineno}"
        # No f-string, no tr(), no formatting: the catalogue needs the template itself.
        assert not isinstance(template, (ast.JoinedStr, ast.Call, ast.BinOp)), where
        params = next((k.value for k in call.keywords if k.arg == "params"), None)
        if isinstance(template, ast.Constant) and isinstance(params, ast.Dict):
            keys = {k.value for k in params.keys if isinstance(k, ast.Constant)}
            assert _placeholders(template.value) == keys, where
        elif isinstance(template, ast.Constant):
            # Without params the template is shown as written (literal braces allowed).
            assert params is None, where


def test_the_german_templates_keep_the_english_placeholders():
    from tests.test_translations import _tool

    for message in _tool().read_catalog("de", "core"):
        if message.id and message.string:
            assert set(re.findall(r"\{\w+", message.id)) == set(
                re.findall(r"\{\w+", message.string)
            ), message.id
