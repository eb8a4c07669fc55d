"""settings.configure: the set-up wizard's save, all or nothing."""

from __future__ import annotations

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.services import settings
from invoicedesk.services.settings import CompanyData


def test_configure_saves_profile_settings_and_logo_together(db):
    settings.configure(
        db,
        CompanyData(name="Atelier Lumière", iban="fr76 3000 6000 0112 3456 7890 189"),
        {"tax_rates": ["20", "5.5", "0"], "default_tax_rate": "20", "default_due_days": 30},
        b"\x89PNG fake",
    )
    company = settings.get_company(db)
    assert company.iban == "FR7630006000011234567890189"
    assert settings.all_settings(db)["tax_rates"] == ["20", "5.5", "0"]
    assert settings.all_settings(db)["default_due_days"] == 30
    assert settings.get_logo(db) == b"\x89PNG fake"


def test_a_bad_value_anywhere_writes_nothing(db):
    before = settings.get_company(db)
    with pytest.raises(DomainError) as error:
        settings.configure(
            db,
            CompanyData(name="Changed", bic="XX"),
            {"default_due_days": 30},
        )
    assert error.value.field == "company.bic"
    with pytest.raises(DomainError) as error:
        settings.configure(db, CompanyData(name="Changed"), {"number_patterns": {"invoice": "X"}})
    assert error.value.field == "settings.number_patterns.invoice"
    assert settings.get_company(db) == before
    assert settings.all_settings(db)["default_due_days"] == 14


def test_logo_is_kept_unless_given(db):
    settings.configure(db, CompanyData(name="A"), {}, b"logo")
    settings.configure(db, CompanyData(name="B"), {})
    assert settings.get_logo(db) == b"logo"
    settings.configure(db, CompanyData(name="B"), {}, None)
    assert settings.get_logo(db) is None
