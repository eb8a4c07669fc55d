"""PDF file names: the pattern is checked when saved; what it gives is a safe file name on
Windows, macOS and Linux; the PDF layout settings are validated naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import settings
from invoicedesk.services.pdf_build import language_of, locale_of, paper_for
from invoicedesk.services.pdf_names import (
    NameFields,
    fill_pattern,
    sanitize_stem,
    validate_filename_pattern,
)


@pytest.mark.parametrize(
    "pattern",
    ["{type}_{number}", " {year}-{number} {client} ", "{customer_number}_{date}", "fixed"],
)
def test_valid_patterns(pattern: str) -> None:
    assert validate_filename_pattern(pattern) == pattern.strip()


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "a file name pattern is required"),
        ("   ", "a file name pattern is required"),
        ("{type}_{nummer}", "unknown placeholder {nummer}"),
        ("{}", "unknown placeholder {}"),
        ("{date.year}", "unknown placeholder {date.year}"),
        ("{number:>10}", "placeholder {number} takes no format"),
        ("{number!r}", "placeholder {number} takes no format"),
        ("{type", "'{type' is not a valid pattern"),
        ("x" * 201, "the pattern is too long"),
    ],
)
def test_invalid_patterns(pattern: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        validate_filename_pattern(pattern)
    assert error.value.field == "settings.pdf_filename_pattern"
    assert error.value.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invoice_RE-2026-0001", "Invoice_RE-2026-0001"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("tab\there\nnewline\x00nul\x7f", "tab here newline_nul"),
        ("trailing dots...  ", "trailing dots"),
        ("  ..hidden", "hidden"),
        ("Invoice__", "Invoice"),  # an empty placeholder at the end
        ("CON", "_CON"),
        ("lpt1.backup", "_lpt1.backup"),
        ("CONSULTING", "CONSULTING"),
        ("NUL .txt", "_NUL .txt"),  # Windows ignores the blank: still the device
        ("conout$", "_conout$"),
        ("x\u202efdp.exe", "xfdp.exe"),  # a bidi override would show "xexe.pdf"
        ("in\u200bvisible", "invisible"),  # zero-width space
        ("", "document"),
        ("???", "document"),
        ("Müller", "Müller"),
        ("Mu\u0308ller", "Müller"),  # decomposed (as macOS writes it) becomes composed
    ],
)
def test_sanitize(text: str, expected: str) -> None:
    assert sanitize_stem(text) == expected


def test_sanitize_limits_length_and_bytes() -> None:
    assert len(sanitize_stem("x" * 400)) == 150
    emoji = sanitize_stem("😀" * 100)  # four bytes each
    assert len(emoji.encode("utf-8")) <= 240
    assert sanitize_stem("a" * 149 + " b") == "a" * 149  # no blank left at the cut


def test_fill_pattern() -> None:
    fields = NameFields(
        type="Credit note",
        number="CN/2026/7",
        client="Müller: GmbH",
        customer_number="C-00001",
        date=dt.date(2026, 3, 16),
    )
    assert fill_pattern("{type}_{number}", fields) == "Credit-note_CN_2026_7.pdf"
    assert (
        fill_pattern("{year} {date} {client} {customer_number}", fields)
        == "2026 2026-03-16 Müller_ GmbH C-00001.pdf"
    )
    draft = NameFields(type="Invoice", number="Draft-7")
    assert fill_pattern("{type}_{number}_{date}", draft) == "Invoice_Draft-7.pdf"
    # A pattern stored before it was checked falls back to the default.
    assert fill_pattern("{nonsense}", draft) == "Invoice_Draft-7.pdf"


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("pdf_template", "modern", "modern"),
        ("pdf_accent_color", " #a1b2c3", "#A1B2C3"),
        ("pdf_font", "Noto Serif", "Noto Serif"),
        ("pdf_paper", "Letter", "Letter"),
        ("pdf_paper", "auto", "auto"),
        ("pdf_filename_pattern", " {number} {client} ", "{number} {client}"),
        ("pdf_show_qr", False, False),
        ("pdf_contact", "  Erika  Mustermann\n", "Erika Mustermann"),
    ],
)
def test_pdf_settings_are_stored(db: Database, key: str, value: Any, stored: Any) -> None:
    assert settings.set_setting(db, key, value) == stored
    assert settings.all_settings(db)[key] == stored


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pdf_template", "fancy", "the template is 'classic' or 'modern'"),
        ("pdf_accent_color", "blue", "'blue' is not a colour in the form #RRGGBB"),
        ("pdf_accent_color", "#12345", "'#12345' is not a colour"),
        ("pdf_font", "Comic Sans", "the font is one of Noto Sans, Noto Serif"),
        ("pdf_paper", "A5", "the paper size is one of auto, A4, Letter"),
        ("pdf_filename_pattern", "{type}-{id}", "unknown placeholder {id}"),
        ("pdf_show_qr", "yes", "expected true or false"),
        ("pdf_contact", "x" * 61, "keep the contact to 60 characters"),
        ("pdf_template", 1, "expected text"),
    ],
)
def test_pdf_settings_are_validated(db: Database, key: str, value: Any, message: str) -> None:
    with pytest.raises(DomainError) as error:
        settings.set_setting(db, key, value)
    assert error.value.field == f"settings.{key}"
    assert error.value.message.startswith(message)
    assert settings.all_settings(db)[key] == settings.DEFAULTS[key]


def test_paper_auto_follows_the_company_country() -> None:
    assert paper_for("auto", "US").value == "Letter"
    assert paper_for("auto", "ca").value == "Letter"
    assert paper_for("auto", "DE").value == "A4"
    assert paper_for("auto", "").value == "A4"
    assert paper_for("Letter", "DE").value == "Letter"
    assert paper_for("A4", "US").value == "A4"


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("de", "AT", ("de", "de_AT")),
        ("DE", "CH", ("de", "de_CH")),
        ("en", "GB", ("en", "en_GB")),
        ("en", "", ("en", "en")),
        ("de", "ZZ", ("de", "de")),  # Babel does not know it: the language alone
        ("fr", "FR", ("en", "en_FR")),  # no French labels: English, in France
        ("de-DE", "DE", ("de", "de_DE")),
        ("", "DE", ("en", "en_DE")),
    ],
)
def test_language_and_locale(language: str, country: str, expected: tuple[str, str]) -> None:
    lang = language_of(language)
    assert (lang, locale_of(lang, country)) == expected
