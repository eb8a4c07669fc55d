"""File › Settings: pages of settings saved together, on a real migrated database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings

from invoicedesk.services import settings as settings_service
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.language import LANGUAGE_KEY, locale_for, program_language, texts_language
from invoicedesk.ui.settings.dialog import SettingsDialog
from tests.factories import COMPANY

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def qsettings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialog(qtbot, db, qsettings) -> SettingsDialog:
    settings_service.update_company(db, replace(COMPANY, account_holder="", language="en"))
    shown = SettingsDialog(AppContext(db), settings=qsettings)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def page_title(dialog: SettingsDialog) -> str:
    return dialog.nav.currentItem().text()


def test_it_shows_the_stored_values_on_its_pages(dialog):
    assert [dialog.nav.item(i).text() for i in range(dialog.nav.count())] == [
        "Company", "Bank Account", "Invoices", "Numbering", "Documents", "Email", "Language",
    ]
    assert dialog.company.form.fields["name"].text() == COMPANY.name
    assert dialog.company.country.currentData() == COMPANY.country
    assert dialog.bank.form.fields["iban"].text() == COMPANY.iban
    assert dialog.numbering.form.fields["invoice"].text() == "RE-{year}-{seq:04}"
    assert "RE-" in dialog.numbering.previews["invoice"].text()
    assert dialog.defaults.price_basis is not None
    assert dialog.defaults.price_basis.currentData() == "net"


def test_ok_saves_every_page_in_one_go(dialog, db, qsettings, settle):
    dialog.company.form.fields["name"].setText("Werkstatt Berg GmbH")
    dialog.company.language.setCurrentIndex(dialog.company.language.findData("de"))
    dialog.bank.form.fields["bic"].setText("COBADEFFXXX")
    dialog.defaults.price_basis.setCurrentIndex(dialog.defaults.price_basis.findData("gross"))
    dialog.defaults.due_days.setValue(30)
    dialog.numbering.form.fields["credit_note"].setText("GS-{year}-{seq:04}")
    dialog.program_language.setCurrentIndex(dialog.program_language.findData("de"))
    dialog.save()
    settle()
    assert dialog.saved and not dialog.isVisible()
    company = settings_service.get_company(db)
    assert (company.name, company.language, company.bic) == ("Werkstatt Berg GmbH", "de",
                                                             "COBADEFFXXX")  # fmt: skip
    stored = settings_service.all_settings(db)
    assert stored["price_basis"] == "gross"
    assert stored["default_due_days"] == 30
    assert stored["number_patterns"]["credit_note"] == "GS-{year}-{seq:04}"
    assert program_language(qsettings) == "de"


def test_a_refused_value_brings_its_page_forward_and_nothing_is_saved(dialog, db, qsettings,
                                                                      settle):  # fmt: skip
    dialog.company.form.fields["name"].setText("Renamed GmbH")  # fine on its own
    dialog.bank.form.fields["iban"].setText("DE00 1234")
    dialog.nav.setCurrentRow(0)
    dialog.save()
    settle()
    assert dialog.isVisible() and not dialog.saved
    assert page_title(dialog) == "Bank Account"
    assert "IBAN" in dialog.bank.form.error.text()
    assert "c62828" in dialog.bank.form.fields["iban"].styleSheet()
    assert settings_service.get_company(db).name == COMPANY.name  # one transaction: none of it
    assert qsettings.value(LANGUAGE_KEY) is None


def test_a_refused_number_pattern_is_shown_on_the_numbering_page(dialog, settle):
    dialog.numbering.form.fields["client"].setText("K-{nope}")
    assert "K-{nope}" not in dialog.numbering.previews["client"].text()
    dialog.save()
    settle()
    assert page_title(dialog) == "Numbering"
    assert "c62828" in dialog.numbering.form.fields["client"].styleSheet()
    assert dialog.numbering.form.error.text()


def test_the_default_rate_must_be_one_of_the_rates_before_anything_is_sent(dialog, db):
    dialog.defaults.form.fields["tax_rates"].setText("19, 7")
    dialog.defaults.form.fields["default_tax_rate"].setText("16")
    dialog.save()
    assert page_title(dialog) == "Invoices"
    assert "one of the tax rates" in dialog.defaults.form.error.text()
    assert settings_service.all_settings(db)["default_tax_rate"] == "19"


def test_the_account_holder_is_prefilled_from_the_company_unless_typed(dialog, settle, db):
    assert dialog.bank.form.fields["account_holder"].text() == ""
    dialog.show_page("Bank Account")
    assert dialog.bank.form.fields["account_holder"].text() == COMPANY.name
    dialog.bank.form.fields["account_holder"].setText("Erika Muster")
    dialog.show_page("Company")
    dialog.company.form.fields["name"].setText("Other GmbH")
    dialog.show_page("Bank Account")
    assert dialog.bank.form.fields["account_holder"].text() == "Erika Muster"  # typed: kept
    dialog.save()
    settle()
    assert settings_service.get_company(db).account_holder == "Erika Muster"


def test_cancel_keeps_everything(dialog, db, qsettings):
    dialog.company.form.fields["name"].setText("Not Saved GmbH")
    dialog.program_language.setCurrentIndex(dialog.program_language.findData("en"))
    dialog.reject()
    assert settings_service.get_company(db).name == COMPANY.name
    assert qsettings.value(LANGUAGE_KEY) is None


def test_no_page_uses_a_mnemonic_letter_twice(dialog):
    from tests.ui.test_mnemonics import clashes

    for row in range(dialog.nav.count()):
        dialog.nav.setCurrentRow(row)
        assert clashes(dialog) == {}, page_title(dialog)


@pytest.mark.parametrize(
    ("language", "system", "expected"),
    [
        ("", "en_US", "en_US"),  # as the system
        ("de", "en_US", "de_DE"),  # no German for the US: the language's main locale
        ("en", "de_DE", "en_DE"),  # English in Germany: day first, decimal comma
        ("de", "de_AT", "de_AT"),  # the system already speaks it
        ("de", "C", "de_DE"),
    ],
)
def test_the_program_language_picks_a_locale_babel_and_qt_know(language, system, expected):
    assert locale_for(language, system) == expected


def test_a_german_system_keeps_english_texts_until_german_is_chosen_or_complete():
    assert texts_language("", "de_DE") == "en"  # the German catalogue is not complete yet
    assert texts_language("de", "de_DE") == "de_DE"  # chosen in the settings
    assert texts_language("", "en_GB") == "en_GB"


def test_the_texts_of_new_documents_are_edited_per_language(dialog, db, settle):
    from invoicedesk.services.document_texts import document_texts

    title, intro, _note = dialog.texts.edits["de"]
    assert title.text() == "Rechnung"
    intro.setPlainText("Wir berechnen Ihnen:")
    english_title = dialog.texts.edits["en"][0]
    english_title.setText("Bill")
    dialog.save()
    settle()
    assert document_texts(db, "de").intro == "Wir berechnen Ihnen:"
    assert document_texts(db, "en").title == "Bill"


def test_a_refused_text_shows_on_its_language_tab(dialog, db, settle):
    dialog.texts.edits["de"][0].setText("R" * 201)  # longer than a title may be
    dialog.nav.setCurrentRow(0)
    dialog.save()
    settle()
    assert page_title(dialog) == "Documents"
    assert dialog.texts.tabs.currentIndex() == 1  # Deutsch
    assert "c62828" in dialog.texts.edits["de"][0].styleSheet()
    assert dialog.texts.form.error.text()
    assert dialog.isVisible()


def test_restore_defaults_puts_the_shipped_texts_back(dialog):
    title, _intro, note = dialog.texts.edits["en"]
    title.setText("Something else")
    dialog.texts.restore("en")
    assert title.text() == "Invoice"
    assert note.toPlainText().startswith("If you have any questions about this invoice")
