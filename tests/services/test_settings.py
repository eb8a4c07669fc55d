"""Company profile and settings: defaults, validation naming the field, what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.core.numbering import DEFAULT_PATTERNS
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import settings
from invoicedesk.services.settings import CompanyData
from tests.factories import COMPANY


def test_company_profile_round_trip(db: Database) -> None:
    assert settings.get_company(db) == COMPANY


def test_company_is_normalised(db: Database) -> None:
    stored = settings.update_company(
        db,
        CompanyData(
            name="Muster GmbH",
            currency="chf",
            iban="de89 3704 0044 0532 0130 00",
            bic="cobade ffxxx",
        ),
    )
    assert (stored.currency, stored.iban, stored.bic) == (
        "CHF",
        "DE89370400440532013000",
        "COBADEFFXXX",
    )
    assert settings.get_company(db) == stored


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (CompanyData(name="  "), "company.name", "the company name is required"),
        (CompanyData(name="X", currency="EURO"), "company.currency", "'EURO' is not an ISO 4217"),
    ],
)
def test_company_validation(db: Database, data: CompanyData, field: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        settings.update_company(db, data)
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert settings.get_company(db) == COMPANY


def test_fresh_database_has_no_company_and_default_settings(tmp_path: Path) -> None:
    fresh = open_database(str(tmp_path / "fresh.sqlite"))
    try:
        assert settings.get_company(fresh) == CompanyData()
        assert settings.all_settings(fresh) == settings.DEFAULTS
        assert settings.all_settings(fresh)["number_patterns"] == DEFAULT_PATTERNS
    finally:
        fresh.dispose()


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("default_due_days", 30, 30),
        ("default_due_days", 0, 0),
        ("tax_rates", ["19.00", "7.5", "0.00"], ["19", "7.5", "0"]),
        ("tax_rates", [19, 7], ["19", "7"]),
        ("default_tax_rate", "7.50", "7.5"),
        ("default_tax_rate", "0.0", "0"),
        ("price_basis", "gross", "gross"),
        (
            "document_texts",
            {"de": {"title": " Rechnung Nr. {number} "}},
            {
                **settings.DEFAULTS["document_texts"],
                "de": {
                    **settings.DEFAULTS["document_texts"]["de"],
                    "title": "Rechnung Nr. {number}",
                },
            },
        ),
        (
            "number_patterns",
            {"invoice": "INV{seq}"},
            {**DEFAULT_PATTERNS, "invoice": "INV{seq}"},
        ),
    ],
)
def test_valid_settings_are_stored_normalised(
    db: Database, key: str, value: Any, stored: Any
) -> None:
    assert settings.set_setting(db, key, value) == stored
    assert settings.all_settings(db)[key] == stored


def test_setting_can_be_changed_again(db: Database) -> None:
    settings.set_setting(db, "default_due_days", 30)
    settings.set_setting(db, "default_due_days", 10)
    assert settings.all_settings(db)["default_due_days"] == 10


@pytest.mark.parametrize(
    ("key", "value", "field", "message"),
    [
        ("default_due_days", 366, "settings.default_due_days", "due days must be a whole number"),
        ("default_due_days", True, "settings.default_due_days", "due days must be a whole number"),
        ("default_due_days", "14", "settings.default_due_days", "due days must be a whole number"),
        ("tax_rates", [], "settings.tax_rates", "give at least one tax rate"),
        ("tax_rates", "19", "settings.tax_rates", "give at least one tax rate"),
        ("tax_rates", ["19", "abc"], "settings.tax_rates[1]", "'abc' is not a number"),
        ("tax_rates", ["-7"], "settings.tax_rates[0]", "-7 must not be negative"),
        ("tax_rates", ["100"], "settings.tax_rates[0]", "100 is too large"),
        ("tax_rates", ["7.125"], "settings.tax_rates[0]", "7.125 has more than 2 decimal"),
        ("tax_rates", [19.0], "settings.tax_rates[0]", "give the number as a string"),
        ("default_tax_rate", 7.5, "settings.default_tax_rate", "give the number as a string"),
        ("price_basis", "brutto", "settings.price_basis", "price basis is 'net' or 'gross'"),
        (
            "document_texts",
            {"de": {"intro": 5}},
            "settings.document_texts.de.intro",
            "expected text",
        ),
        ("document_texts", {"fr": {}}, "settings.document_texts", "unknown language 'fr'"),
        ("number_patterns", "RE{seq}", "settings.number_patterns", "expected a mapping"),
        (
            "number_patterns",
            {"quote": "Q{seq}"},
            "settings.number_patterns",
            "unknown document type 'quote'",
        ),
        (
            "number_patterns",
            {"invoice": "RE-{year}"},
            "settings.number_patterns.invoice",
            "the pattern needs a {seq} placeholder",
        ),
        (
            "number_patterns",
            {"credit_note": "{day}-{seq}"},
            "settings.number_patterns.credit_note",
            "unknown placeholder {day}",
        ),
        (
            "number_patterns",
            {"client": "K{seq:x}"},
            "settings.number_patterns.client",
            "placeholder {seq:x} — only widths like :04",
        ),
        (
            "number_patterns",
            {"product": "P{seq"},
            "settings.number_patterns.product",
            "'P{seq' is not a valid pattern",
        ),
        (
            "number_patterns",
            {"invoice": "   "},
            "settings.number_patterns.invoice",
            "a number pattern is required",
        ),
        (
            "number_patterns",
            {"invoice": "INVOICE-NUMBER-{year}-{seq:06}X"},
            "settings.number_patterns.invoice",
            "the pattern is too long",
        ),
        ("no_such_setting", 1, "settings", "unknown setting 'no_such_setting'"),
    ],
)
def test_invalid_settings_are_refused(
    db: Database, key: str, value: Any, field: str, message: str
) -> None:
    before = settings.all_settings(db)
    with pytest.raises(DomainError) as error:
        settings.set_setting(db, key, value)
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert settings.all_settings(db) == before


def test_one_bad_pattern_keeps_all_patterns(db: Database) -> None:
    settings.set_setting(db, "number_patterns", {"invoice": "A{seq}"})
    with pytest.raises(DomainError):
        settings.set_setting(db, "number_patterns", {"invoice": "B{seq}", "client": "nope"})
    assert settings.all_settings(db)["number_patterns"]["invoice"] == "A{seq}"
