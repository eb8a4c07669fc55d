"""Default document texts per language: reading, saving, the old single-set keys, and the
texts on PDFs (sample, credit notes, an empty title) in the document language."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest
from sqlalchemy import select

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Setting
from invoicedesk.services import clients, invoices, pdfs, settings
from invoicedesk.services.document_texts import (
    DEFAULT_TEXTS,
    DocumentTexts,
    document_texts,
    update_document_texts,
)
from tests.factories import COMPANY, TODAY, issued_invoice, line, make_client, pdf_words

DE, EN = DEFAULT_TEXTS["de"], DEFAULT_TEXTS["en"]
OLD_INTRO = "Thank you for your order. We invoice you as follows:"
OLD_NOTE = "Please pay the amount due by the due date."


def _rows(db: Database) -> dict[str, object]:
    with db.read() as session:
        return {row.key: row.value for row in session.scalars(select(Setting))}


def _store_old_keys(db: Database, **values: str) -> None:
    """What an older version wrote: one set of texts under ``default_title`` and so on."""
    with db.write() as session:
        for key, value in values.items():
            session.add(Setting(key=key, value=value))


def test_each_language_has_its_own_defaults(db: Database) -> None:
    assert document_texts(db, "de") == DE
    assert DE == DocumentTexts(
        "Rechnung",
        "Vielen Dank für Ihren Auftrag. Wir stellen Ihnen folgende Leistungen in Rechnung:",
        "Bei Fragen zu dieser Rechnung stehen wir Ihnen gern zur Verfügung.",
    )
    assert document_texts(db, "en").title == "Invoice"
    assert document_texts(db, "de_AT") == document_texts(db, "de-CH") == DE
    assert document_texts(db, "fr") == document_texts(db, "") == EN  # as the PDF labels


def test_the_default_notes_do_not_repeat_the_payment_request(db: Database) -> None:
    """The PDF prints "Please transfer … by …" right above the note."""
    for language, request in (("en", "Please transfer"), ("de", "Bitte überweisen Sie")):
        client = make_client(db, f"Client {language}", language=language)
        texts = document_texts(db, language)
        view = issued_invoice(
            db, client_id=client.id, title=texts.title, intro=texts.intro, note=texts.note
        )
        words = pdf_words(pdfs.pdf_for(db, view.id).content)
        assert texts.note in words and texts.intro in words
        assert words.count(request) == 1
        assert "due date" not in texts.note and "Fälligkeit" not in texts.note


def test_saving_one_language_keeps_the_other(db: Database) -> None:
    stored = update_document_texts(
        db, "de", DocumentTexts(" Rechnung {number} ", "Hallo,\r\nanbei:", "Danke!")
    )
    assert stored == DocumentTexts("Rechnung {number}", "Hallo,\nanbei:", "Danke!")
    assert document_texts(db, "de") == stored
    assert document_texts(db, "en") == EN
    assert settings.all_settings(db)["document_texts"]["de"]["title"] == "Rechnung {number}"


@pytest.mark.parametrize(
    ("language", "texts", "field", "message"),
    [
        ("de", DocumentTexts("x" * 201), "settings.document_texts.de.title", "is too long (201"),
        ("en", DocumentTexts(intro="x" * 10_001), "settings.document_texts.en.intro", "is too"),
        ("en", DocumentTexts(note="a\x00b"), "settings.document_texts.en.note", ""),
        ("en", DocumentTexts(title="a\nb"), "settings.document_texts.en.title", ""),
        ("fr", DocumentTexts(), "settings.document_texts.fr", "texts are kept for en or de"),
    ],
)
def test_invalid_texts_are_refused_and_nothing_is_stored(
    db: Database, language: str, texts: DocumentTexts, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as error:
        update_document_texts(db, language, texts)
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert "document_texts" not in _rows(db)


def test_changed_old_texts_become_the_company_languages(db: Database) -> None:
    settings.update_company(db, replace(COMPANY, language="de"))
    _store_old_keys(
        db, default_title="Rechnung", default_intro=OLD_INTRO, default_note="Zahlbar sofort."
    )
    # The changed title and note stay, as German texts; the untouched intro is the new default.
    assert document_texts(db, "de") == DocumentTexts("Rechnung", DE.intro, "Zahlbar sofort.")
    assert document_texts(db, "en") == EN
    assert settings.all_settings(db)["document_texts"]["de"]["note"] == "Zahlbar sofort."
    assert "default_title" not in settings.all_settings(db)

    # Saving English writes both sets and drops the old keys, keeping the German texts.
    update_document_texts(db, "en", replace(EN, title="Bill"))
    rows = _rows(db)
    assert not {"default_title", "default_intro", "default_note"} & set(rows)
    assert document_texts(db, "de") == DocumentTexts("Rechnung", DE.intro, "Zahlbar sofort.")
    assert document_texts(db, "en") == replace(EN, title="Bill")


def test_untouched_old_texts_give_the_new_defaults(db: Database) -> None:
    _store_old_keys(db, default_title="Invoice", default_intro=OLD_INTRO, default_note=OLD_NOTE)
    assert document_texts(db, "en") == EN
    assert document_texts(db, "en").note != OLD_NOTE
    assert document_texts(db, "de") == DE


def test_setting_the_whole_value_drops_the_old_keys(db: Database) -> None:
    _store_old_keys(db, default_note="Custom note")
    stored = settings.set_setting(db, "document_texts", {"de": {"note": "Eigene Notiz"}})
    assert set(stored["de"]) == {"title", "intro", "note"}  # stored whole
    assert stored["en"] == asdict(EN)  # a language left out keeps its default
    assert (stored["de"]["title"], stored["de"]["note"]) == ("Rechnung", "Eigene Notiz")
    assert "default_note" not in _rows(db)
    assert document_texts(db, "de").note == "Eigene Notiz"


def test_sample_pdf_texts_follow_the_company_language(db: Database) -> None:
    english = pdf_words(pdfs.sample_pdf(db, {}))
    assert EN.intro in english and EN.note in english
    settings.update_company(db, replace(COMPANY, language="de"))
    update_document_texts(db, "de", replace(DE, note="Wir freuen uns auf die nächste Runde."))
    german = pdf_words(pdfs.sample_pdf(db, {}))
    assert DE.title in german and DE.intro in german
    assert "Wir freuen uns auf die nächste Runde." in german
    assert "Thank you" not in german and "Invoice" not in german


def test_an_empty_title_prints_the_kind_in_the_document_language(db: Database) -> None:
    german = make_client(db, "Müller GmbH", language="de")
    view = issued_invoice(db, client_id=german.id, title="")
    words = pdf_words(pdfs.pdf_for(db, view.id).content)
    assert "Rechnung RE-2026-0001" in words and "Invoice" not in words
    english = issued_invoice(db, client_id=make_client(db, "Acme Ltd").id, title="")
    assert "Invoice RE-2026-0002" in pdf_words(pdfs.pdf_for(db, english.id).content)


@pytest.mark.parametrize(
    ("language", "title", "intro", "foreign"),
    [
        ("en", "Credit note CN-2026-0001 for invoice RE-2026-0001", "We credit you", "Rechnung"),
        (
            "de",
            "Rechnungskorrektur CN-2026-0001 zur Rechnung RE-2026-0001",
            "Wir schreiben",
            "Credit",
        ),
    ],
)
def test_credit_notes_are_in_the_clients_language(
    db: Database, language: str, title: str, intro: str, foreign: str
) -> None:
    client = make_client(db, "Client", language=language)
    original = issued_invoice(db, line(name="Design"), client_id=client.id)
    credit = invoices.create_credit_note(db, original.id, issue=True, today=TODAY)
    assert credit.data.intro.startswith(intro)
    words = pdf_words(pdfs.pdf_for(db, credit.id).content)
    assert title in words and intro in words
    assert foreign not in words


def test_a_credit_note_follows_the_clients_language_as_it_is_now(db: Database) -> None:
    """The invoice went out in English; the client is German now, and so is the credit note's
    PDF (its labels and title) — its intro must not stay English."""
    client = make_client(db, "Müller GmbH", language="en")
    original = issued_invoice(db, line(name="Design"), client_id=client.id)
    clients.update_client(db, client.id, replace(client.data, language="de"))
    credit = invoices.create_credit_note(db, original.id, issue=True, today=TODAY)
    words = pdf_words(pdfs.pdf_for(db, credit.id).content)
    assert "Rechnungskorrektur CN-2026-0001" in words
    assert credit.data.intro.startswith("Wir schreiben Ihnen")
    assert "We credit you" not in words
