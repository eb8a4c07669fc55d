"""Company profile and application settings (tax rates, due days, number patterns, texts).

The default texts of new documents, one set per language, are the setting
``document_texts``; :mod:`invoicedesk.services.document_texts` reads and writes them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import parse_decimal, validate_currency
from invoicedesk.core.numbering import DEFAULT_PATTERNS, validate_pattern
from invoicedesk.db.engine import Database
from invoicedesk.db.models import CompanyProfile, Setting
from invoicedesk.i18n import tr
from invoicedesk.pdf.model import FONT_FAMILIES, Template
from invoicedesk.services import document_texts, validation
from invoicedesk.services.pdf_names import DEFAULT_FILENAME_PATTERN, validate_filename_pattern

DEFAULTS: dict[str, Any] = {
    "default_due_days": 14,
    "tax_rates": ["19", "7", "0"],
    "default_tax_rate": "19",
    "price_basis": "net",
    # Title, intro and note of new documents per language (services.document_texts).
    document_texts.KEY: document_texts.default_setting(),
    "number_patterns": dict(DEFAULT_PATTERNS),
    # How PDFs look. Read when a PDF is rendered: an archived PDF keeps the look it had.
    "pdf_template": "classic",
    "pdf_accent_color": "#1F4E79",
    "pdf_font": "Noto Sans",
    "pdf_paper": "auto",  # Letter where the company's country uses it, else A4
    "pdf_filename_pattern": DEFAULT_FILENAME_PATTERN,
    "pdf_show_qr": True,
    # Who answers questions about an invoice: printed as "Contact" in the info block.
    "pdf_contact": "",
}

PAPER_CHOICES = ("auto", "A4", "Letter")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True, slots=True)
class CompanyData:
    """The company profile as the services hand it out and take it in."""

    name: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    vat_id: str = ""
    tax_number: str = ""
    registration: str = ""
    managing_director: str = ""
    bank_name: str = ""
    account_holder: str = ""
    iban: str = ""
    bic: str = ""
    currency: str = "EUR"
    language: str = "en"

    def snapshot(self) -> dict[str, object]:
        """The frozen copy stored on each issued invoice."""
        return asdict(self)


_COMPANY_FIELDS = [f.name for f in fields(CompanyData)]


def company_profile(session: Session) -> CompanyProfile:
    """The single company row, created with defaults on first use."""
    profile = session.get(CompanyProfile, 1)
    if profile is None:
        profile = CompanyProfile(id=1)
        session.add(profile)
        session.flush()
    return profile


def _company_data(profile: CompanyProfile) -> CompanyData:
    return CompanyData(**{name: getattr(profile, name) or "" for name in _COMPANY_FIELDS})


def get_company(db: Database) -> CompanyData:
    with db.read() as session:
        profile = session.get(CompanyProfile, 1)
        return _company_data(profile) if profile is not None else CompanyData()


def load_company(session: Session) -> CompanyData:
    return _company_data(company_profile(session))


def read_company(session: Session) -> CompanyData:
    """The company profile without creating its row (for read transactions)."""
    profile = session.get(CompanyProfile, 1)
    return _company_data(profile) if profile is not None else CompanyData()


def read_logo(session: Session) -> bytes | None:
    profile = session.get(CompanyProfile, 1)
    return profile.logo if profile is not None else None


def get_company_currency(session: Session) -> str:
    """The company currency without creating the profile row (reads stay reads)."""
    profile = session.get(CompanyProfile, 1)
    return profile.currency if profile is not None else "EUR"


def _checked_iban(iban: str) -> str:
    if not iban:
        return ""
    from schwifty import IBAN  # imported on use: it loads bank registries
    from schwifty.exceptions import (
        InvalidChecksumDigits,
        InvalidCountryCode,
        InvalidLength,
        SchwiftyException,
    )

    field = "company.iban"
    try:
        return str(IBAN(iban).compact)
    except InvalidChecksumDigits:
        raise DomainError(
            "'{iban}' is not a valid IBAN: its check digits do not match (a typing error?)",
            field,
            code="iban_checksum",
            params={"iban": iban},
        ) from None
    except InvalidLength:
        raise DomainError(
            "'{iban}' is not a valid IBAN: it has the wrong length for its country",
            field,
            code="iban_length",
            params={"iban": iban},
        ) from None
    except InvalidCountryCode:
        raise DomainError(
            "'{iban}' is not a valid IBAN: it does not begin with a known country code",
            field,
            code="iban_country",
            params={"iban": iban},
        ) from None
    except SchwiftyException as exc:
        raise DomainError(
            "'{iban}' is not a valid IBAN ({exc})",
            field,
            code="iban_invalid",
            params={"iban": iban, "exc": exc},
        ) from None


def _checked_bic(bic: str) -> str:
    if not bic:
        return ""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return str(BIC(bic).compact)
    except SchwiftyException as exc:
        raise DomainError(
            "'{bic}' is not a valid BIC ({exc})",
            "company.bic",
            code="bic_invalid",
            params={"bic": bic, "exc": exc},
        ) from None


def validated_company(data: CompanyData) -> CompanyData:
    """The profile with codes normalised, or a DomainError naming the field."""
    lengths = {"name": 200, "email": 200, "website": 200, "street": 200, "city": 100}
    texts = {
        name: validation.text(
            getattr(data, name), f"company.{name}", max_length=lengths.get(name, 100)
        )
        for name in _COMPANY_FIELDS
        if isinstance(getattr(data, name), str)
    }
    data = replace(data, **texts)
    data = replace(
        data,
        currency=validate_currency(data.currency, "company.currency"),
        country=validation.country(data.country, "company.country"),
        email=validation.email(data.email, "company.email"),
        iban=data.iban.replace(" ", "").upper(),
        bic=data.bic.replace(" ", "").upper(),
    )
    if not data.name.strip():
        raise DomainError("the company name is required", "company.name", code="required")
    return replace(data, iban=_checked_iban(data.iban), bic=_checked_bic(data.bic))


def update_company(db: Database, data: CompanyData) -> CompanyData:
    data = validated_company(data)
    with db.write() as session:
        _store_company(session, data)
    return data


def _store_company(session: Session, data: CompanyData) -> None:
    profile = company_profile(session)
    for name in _COMPANY_FIELDS:
        setattr(profile, name, getattr(data, name))


_KEEP = object()  # configure(): leave the logo as it is

MAX_LOGO_BYTES = 2_000_000


def configure(
    db: Database,
    company: CompanyData,
    settings: dict[str, Any],
    logo: bytes | None | object = _KEEP,
) -> CompanyData:
    """Save the company profile, settings and logo together (the set-up wizard): one
    transaction, so a bad value anywhere leaves everything as it was."""
    company = validated_company(company)
    checked = validated_settings(settings)
    if isinstance(logo, bytes) and len(logo) > MAX_LOGO_BYTES:
        raise DomainError("the logo is larger than 2 MB; use a smaller image", "company.logo")
    with db.write() as session:
        _store_company(session, company)
        for key, value in checked.items():
            _store_setting(session, key, value)
        if logo is not _KEEP:
            company_profile(session).logo = logo if isinstance(logo, bytes) else None
    return company


def get_logo(db: Database) -> bytes | None:
    with db.read() as session:
        return read_logo(session)


def is_configured(db: Database) -> bool:
    """Whether the company profile has been filled in (the first-start wizard ran)."""
    with db.read() as session:
        profile = session.get(CompanyProfile, 1)
        return profile is not None and bool(profile.name.strip())


def get_setting(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    if key == document_texts.KEY:
        return read_settings(session)[key]
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def all_settings(db: Database) -> dict[str, Any]:
    with db.read() as session:
        return read_settings(session)


def read_settings(session: Session) -> dict[str, Any]:
    """Every setting (stored value or default), read in one query."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    values = {key: stored.get(key, default) for key, default in DEFAULTS.items()}
    # Also from the single set of texts older versions stored under other keys.
    values[document_texts.KEY] = document_texts.effective_setting(session, stored)
    return values


def validated_settings(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` checked and normalised as :func:`set_setting` would store them
    (for unsaved settings, e.g. the live preview of the PDF layout)."""
    checked = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            raise DomainError(
                "unknown setting '{key}'", "settings", code="unknown_setting", params={"key": key}
            )
        checked[key] = _validate(key, value)
    return checked


def _rate(value: Any, field: str) -> Decimal:
    return parse_decimal(value, field, places=2, maximum_abs=Decimal(100), allow_negative=False)


def _validate(key: str, value: Any) -> Any:
    field = f"settings.{key}"
    if key == "default_due_days":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
            raise DomainError(
                "due days must be a whole number from 0 to 365", field, code="due_days_range"
            )
    elif key == "tax_rates":
        if not isinstance(value, list) or not value:
            raise DomainError("give at least one tax rate", field)
        rates = [
            parse_decimal(
                v, f"{field}[{i}]", places=2, maximum_abs=Decimal(100), allow_negative=False
            )
            for i, v in enumerate(value)
        ]
        value = [f"{r.normalize():f}" for r in rates]
    elif key == "default_tax_rate":
        rate = _rate(value, field)
        value = f"{rate.normalize():f}"
    elif key == "price_basis":
        if value not in ("net", "gross"):
            raise DomainError("price basis is 'net' or 'gross'", field)
    elif key == "number_patterns":
        if not isinstance(value, dict):
            raise DomainError("expected a mapping of document type to pattern", field)
        merged = dict(DEFAULT_PATTERNS)
        for doc_type, pattern in value.items():
            if doc_type not in DEFAULT_PATTERNS:
                raise DomainError(
                    "unknown document type '{doc_type}'", field, params={"doc_type": doc_type}
                )
            merged[doc_type] = validate_pattern(pattern, f"{field}.{doc_type}")
        value = merged
    elif key == document_texts.KEY:
        value = document_texts.validated_setting(value, field)
    elif key.startswith("pdf_"):
        value = _validate_pdf(key, value, field)
    elif not isinstance(value, str):
        raise DomainError("expected text", field)
    return value


def _validate_pdf(key: str, value: Any, field: str) -> Any:
    if key == "pdf_show_qr":
        if not isinstance(value, bool):
            raise DomainError("expected true or false", field)
        return value
    if not isinstance(value, str):
        raise DomainError("expected text", field)
    if key == "pdf_template":
        choices = [t.value for t in Template]
        if value not in choices:
            raise DomainError(
                "the template is {choices}",
                field,
                params={"choices": tr(" or ").join(repr(c) for c in choices)},
            )
    elif key == "pdf_accent_color":
        if not _COLOR.fullmatch(value.strip()):
            raise DomainError(
                "'{value}' is not a colour in the form #RRGGBB", field, params={"value": value}
            )
        value = value.strip().upper()
    elif key == "pdf_font":
        if value not in FONT_FAMILIES:
            raise DomainError(
                "the font is one of {choices}", field, params={"choices": ", ".join(FONT_FAMILIES)}
            )
    elif key == "pdf_paper":
        if value not in PAPER_CHOICES:
            raise DomainError(
                "the paper size is one of {choices}",
                field,
                params={"choices": ", ".join(PAPER_CHOICES)},
            )
    elif key == "pdf_filename_pattern":
        value = validate_filename_pattern(value, field)
    elif key == "pdf_contact":
        value = " ".join(value.split())  # one line in the info block
        if len(value) > 60:
            raise DomainError("keep the contact to 60 characters (a name, perhaps a phone)", field)
    return value


def set_setting(db: Database, key: str, value: Any) -> Any:
    """Validate and store one setting; returns the value as stored."""
    if key not in DEFAULTS:
        raise DomainError(
            "unknown setting '{key}'", "settings", code="unknown_setting", params={"key": key}
        )
    value = _validate(key, value)
    with db.write() as session:
        _store_setting(session, key, value)
    return value


def _store_setting(session: Session, key: str, value: Any) -> None:
    if key == document_texts.KEY:
        document_texts.store(session, value)  # (drops the old single-set keys too)
        return
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
