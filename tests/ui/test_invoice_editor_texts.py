"""A new invoice's title, intro and note follow the document language (the client's, else the
company's); choosing a client of another language swaps the texts nobody touched."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
from dataclasses import replace

from invoicedesk.services import invoices, pdfs, settings
from invoicedesk.services.document_texts import DEFAULT_TEXTS
from tests.factories import COMPANY, make_client, pdf_words
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    ctx,
    open_editor,
    type_in_cell,
)

DE, EN = DEFAULT_TEXTS["de"], DEFAULT_TEXTS["en"]


def _texts(editor):
    form = editor.texts
    return form.title.text(), form.intro.toPlainText(), form.note.toPlainText()


def test_a_german_clients_new_invoice_is_saved_with_german_texts(qtbot, db, open_editor, settle):
    client = make_client(db, "Müller GmbH", language="de")
    editor = open_editor(client_id=client.id)
    assert (
        _texts(editor)
        == (DE.title, DE.intro, DE.note)
        == (
            "Rechnung",
            "Vielen Dank für Ihren Auftrag. Wir stellen Ihnen folgende Leistungen in Rechnung:",
            "Bei Fragen zu dieser Rechnung stehen wir Ihnen gern zur Verfügung.",
        )
    )
    type_in_cell(qtbot, editor, 0, "name", "Beratung")
    type_in_cell(qtbot, editor, 0, "unit_price", "100")
    editor.ops.save.trigger()
    settle()
    data = invoices.get_invoice(db, editor.invoice_id).data
    assert (data.title, data.intro, data.note) == (DE.title, DE.intro, DE.note)
    words = pdf_words(pdfs.pdf_for(db, editor.invoice_id).content)
    assert DE.intro in words and DE.note in words and "Rechnung" in words
    assert "Invoice" not in words and "Thank you" not in words


def test_without_a_client_the_company_language_gives_the_texts(db, open_editor):
    settings.update_company(db, replace(COMPANY, language="de"))
    make_client(db, "Acme Ltd", language="en")
    assert _texts(open_editor()) == (DE.title, DE.intro, DE.note)


def test_choosing_a_client_of_another_language_swaps_the_untouched_texts(db, open_editor):
    english = make_client(db, "Acme Ltd", language="en")
    german = make_client(db, "Müller GmbH", language="de")
    austrian = make_client(db, "Huber KG", language="de-AT")
    editor = open_editor()  # the company writes English
    assert _texts(editor) == (EN.title, EN.intro, EN.note)
    editor.header.set_client_id(german.id)
    assert _texts(editor) == (DE.title, DE.intro, DE.note)
    assert editor.current.input.note == DE.note  # what a save would send
    editor.header.set_client_id(austrian.id)  # German too: nothing to swap
    assert _texts(editor) == (DE.title, DE.intro, DE.note)
    editor.header.set_client_id(english.id)
    assert _texts(editor) == (EN.title, EN.intro, EN.note)


def test_texts_the_user_typed_stay_when_the_client_changes(qtbot, db, open_editor):
    english = make_client(db, "Acme Ltd", language="en")
    german = make_client(db, "Müller GmbH", language="de")
    editor = open_editor(client_id=english.id)
    editor.texts.intro.setPlainText("As agreed on the phone:")
    editor.texts.title.setText("Invoice – Project Apollo")
    editor.header.set_client_id(german.id)
    # Only the note was left as it came; the typed title and intro stay as typed.
    assert _texts(editor) == ("Invoice – Project Apollo", "As agreed on the phone:", DE.note)
