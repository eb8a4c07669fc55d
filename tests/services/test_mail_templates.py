"""Mail templates: checked when saved, rendered from strings only, in the client's language
with money and dates as Babel writes them for the client's locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Reminder
from invoicedesk.services import invoices, mail_templates
from invoicedesk.services.inputs import ContactInput
from invoicedesk.services.mail_templates import PLACEHOLDERS, TemplateView
from invoicedesk.services.mail_types import TEMPLATE_KINDS, DocKind
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pay


def _german_client(db: Database) -> int:
    return make_client(
        db,
        "Müller GmbH",
        language="de",
        contacts=(ContactInput(first_name="Jana", last_name="Schmidt"),),
    ).id


def _english_client(db: Database) -> int:
    return make_client(db, "Acme Ltd", language="en").id


# --------------------------------------------------------------------------- checking


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Invoice {invoice.nmber}",
            "unknown placeholder {invoice.nmber} (did you mean {invoice.number}?) — use one of "
            "{greeting}, {client.name},",
        ),
        ("{invoice.__class__}", "unknown placeholder {invoice.__class__}"),
        ("{invoice.number.__class__.__mro__}", "unknown placeholder {invoice.number.__class__"),
        ("{invoice}", "unknown placeholder {invoice}"),
        ("{invoice[number]}", "unknown placeholder {invoice[number]}"),
        ("{0}", "unknown placeholder {0}"),
        ("{}", "empty placeholder {}"),
        ("{invoice.number!r}", "{invoice.number!r}: placeholders take no '!' or ':' formatting"),
        (
            "{invoice.number:>999999999}",
            "{invoice.number:>999999999}: placeholders take no '!' or ':' formatting",
        ),
        ("{invoice.gross:{invoice.number}}", "{invoice.gross:{invoice.number}}: placeholders"),
        ("Total } due", "a '{' or '}' without its partner"),
        ("Total { due", "a '{' or '}' without its partner"),
        ("{invoice.number", "a '{' or '}' without its partner"),
    ],
)
def test_validate_text_refuses(text: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        mail_templates.validate_text(text, "template.body")
    assert error.value.field == "template.body"
    assert error.value.message.startswith(message)


def test_validate_text_accepts() -> None:
    mail_templates.validate_text("{{literal}} braces, {invoice.number} and {greeting}", "x")
    for name in PLACEHOLDERS:
        mail_templates.validate_text("{" + name + "}", "x")


def test_built_in_templates_are_valid_and_complete() -> None:
    for (name, language), (kind, subject, body) in mail_templates.BUILT_IN.items():
        assert name == kind.value and language in ("en", "de")
        mail_templates.validate_text(subject, "subject")
        mail_templates.validate_text(body, "body")
        assert "\n" not in subject
    assert {key for key in mail_templates.BUILT_IN} == {
        (kind.value, language) for kind in TEMPLATE_KINDS for language in ("en", "de")
    }


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (("friendly", "invoice", "en", "Hi {invoice.nmber}", "x"), "template.subject", "unknown"),
        (("friendly", "invoice", "en", "Hi", "{client.__init__}"), "template.body", "unknown"),
        (("friendly", "invoice", "en", "Hi\nBcc: x@y.example", "x"), "template.subject", "must"),
        (("friendly", "invoice", "en", "", "x"), "template.subject", "is required"),
        (("friendly", "invoice", "en", "Hi", "  "), "template.body", "is required"),
        (("friendly", "invoice", "xx-nope", "Hi", "x"), "template.language", "'xx-nope' is not"),
        (("friendly", "letter", "en", "Hi", "x"), "template.doc_type", "'letter' is not one of"),
        (("", "invoice", "en", "Hi", "x"), "template.name", "a template name is"),
        (("a/b", "invoice", "en", "Hi", "x"), "template.name", "a template name is"),
        (("reminder", "invoice", "en", "Hi", "x"), "template.name", "the templates named"),
    ],
)
def test_save_refuses(db: Database, args: tuple[str, ...], field: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        mail_templates.save_template(db, *args)
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert not any(not view.built_in for view in mail_templates.list_templates(db))


def test_save_list_and_delete(db: Database) -> None:
    built_in = mail_templates.list_templates(db)
    assert [(v.name, v.language) for v in built_in] == [
        ("invoice", "de"),
        ("invoice", "en"),
        ("credit_note", "de"),
        ("credit_note", "en"),
        ("reminder", "de"),
        ("reminder", "en"),
    ]
    assert all(v.built_in for v in built_in)

    own = mail_templates.save_template(
        db, "invoice", DocKind.INVOICE, "EN", "Your invoice {invoice.number}", "Hello!\r\n"
    )
    assert own == TemplateView(
        "invoice",
        DocKind.INVOICE,
        "en",
        "Your invoice {invoice.number}",
        "Hello!",
        built_in=False,
        overrides_built_in=True,
    )
    friendly = mail_templates.save_template(db, "friendly", "invoice", "fr", "Facture", "Bonjour")
    assert not friendly.built_in and not friendly.overrides_built_in
    with pytest.raises(DomainError, match="the templates named 'friendly' are for invoices"):
        mail_templates.save_template(db, "friendly", "credit_note", "de", "x", "y")

    invoice_templates = mail_templates.list_templates(db, DocKind.INVOICE)
    assert [(v.name, v.language, v.built_in) for v in invoice_templates] == [
        ("friendly", "fr", False),
        ("invoice", "de", True),
        ("invoice", "en", False),
    ]
    # Saving again replaces the stored text.
    mail_templates.save_template(db, "friendly", "invoice", "fr", "Facture {invoice.number}", "B")
    assert len(mail_templates.list_templates(db, DocKind.INVOICE)) == 3

    mail_templates.delete_template(db, "invoice", "en")  # the built-in one comes back
    assert [v for v in mail_templates.list_templates(db) if v.name != "friendly"] == built_in
    with pytest.raises(DomainError, match="is a built-in template"):
        mail_templates.delete_template(db, "invoice", "en")
    with pytest.raises(NotFoundError, match="there is no template 'nope' in 'en'"):
        mail_templates.delete_template(db, "nope", "en")


# --------------------------------------------------------------------------- rendering


def test_render_english(db: Database) -> None:
    client = _english_client(db)
    invoice = issued_invoice(db, line("2", "50.00"), line("1", "1000.00"), client_id=client)
    subject, body = mail_templates.render(db, invoice.id)
    assert subject == "Invoice RE-2026-0001 from Muster Software GmbH"
    # An English client in Germany (the billing address is in Munich): en_DE money, dates.
    assert body == (
        "Dear Sir or Madam,\n\n"
        "Please find attached our invoice RE-2026-0001 of 16 Mar 2026 for 1.309,00\xa0€, "
        "due on 30 Mar 2026.\n\n"
        "If you have any questions, simply reply to this e-mail.\n\n"
        "Kind regards\nMuster Software GmbH"
    )


def test_render_german_with_contact(db: Database) -> None:
    invoice = issued_invoice(db, line("10", "123.45"), client_id=_german_client(db))
    subject, body = mail_templates.render(db, invoice.id)
    assert subject == "Rechnung RE-2026-0001 von Muster Software GmbH"
    assert body.startswith(
        "Guten Tag Jana Schmidt,\n\n"
        "anbei erhalten Sie unsere Rechnung RE-2026-0001 vom 16.03.2026 über 1.469,06\xa0€. "
        "Bitte überweisen Sie den Betrag bis zum 30.03.2026."
    )
    assert body.endswith("Mit freundlichen Grüßen\nMuster Software GmbH")
    # Another language on request; the money follows the template's language.
    subject, body = mail_templates.render(db, invoice.id, language="en")
    assert subject == "Invoice RE-2026-0001 from Muster Software GmbH"
    assert body.startswith("Dear Jana Schmidt,\n\n")
    assert "for 1.469,06\xa0€" in body


def test_render_in_the_clients_locale_and_currency(db: Database) -> None:
    from invoicedesk.services.inputs import AddressInput

    us = make_client(
        db,
        "Globex Inc.",
        language="en",
        addresses=(AddressInput(street="1 Main St", zip="10001", city="New York", country="US"),),
    )
    invoice = issued_invoice(
        db, line("1", "1234.5"), client_id=us.id, currency="USD", exchange_rate=Decimal("0.9")
    )
    _subject, body = mail_templates.render(db, invoice.id)
    assert "of Mar 16, 2026 for $1,469.06, due on Mar 30, 2026." in body


def test_placeholders_and_stored_templates(db: Database) -> None:
    client = _german_client(db)
    invoice = issued_invoice(db, line("1", "100.00"), client_id=client, title="Webdesign März")
    pay(db, invoice.id, "19.00")
    text = " | ".join("{" + name + "}" for name in PLACEHOLDERS if not name.startswith("rem"))
    mail_templates.save_template(db, "all", "invoice", "de", "{{{client.name}}}", text)
    subject, body = mail_templates.render(db, invoice.id, template="all")
    assert subject == "{Müller GmbH}"
    view = invoices.get_invoice(db, invoice.id)
    assert body.split(" | ") == [
        "Guten Tag Jana Schmidt",
        "Müller GmbH",
        view.customer_number,
        "Jana",
        "Schmidt",
        "Jana Schmidt",
        "RE-2026-0001",
        "16.03.2026",
        "30.03.2026",
        "119,00\xa0€",
        "119,00\xa0€",
        "100,00\xa0€",
        "19,00\xa0€",
        "EUR",
        "Webdesign März",
        "",  # credit_note.* stay empty for an invoice
        "",
        "",
        "",
        "Muster Software GmbH",
        "",
        "",
        "",
    ]
    # A set with only a French text is used for a German client (nothing better exists).
    mail_templates.save_template(db, "fr-only", "invoice", "fr", "Facture {invoice.number}", "x")
    assert mail_templates.render(db, invoice.id, template="fr-only")[0] == "Facture RE-2026-0001"
    with pytest.raises(
        DomainError, match=r"the template 'fr-only' has no text in 'de' \(it has fr"
    ):
        mail_templates.render(db, invoice.id, template="fr-only", language="de")
    with pytest.raises(NotFoundError, match="there is no mail template 'nope' \\(one of all, cr"):
        mail_templates.render(db, invoice.id, template="nope")


def test_values_never_reach_python_objects(db: Database) -> None:
    # A client name that looks like a placeholder stays text: values are not formatted again.
    client = make_client(db, "{invoice.__class__} {0} %s", language="en").id
    invoice = issued_invoice(db, client_id=client)
    mail_templates.save_template(db, "n", "invoice", "en", "{client.name}", "{client.name}")
    assert mail_templates.render(db, invoice.id, template="n") == (
        "{invoice.__class__} {0} %s",
        "{invoice.__class__} {0} %s",
    )


def test_render_credit_note(db: Database) -> None:
    invoice = issued_invoice(db, line("1", "200.00"), client_id=_german_client(db))
    draft = invoices.create_credit_note(db, invoice.id)
    credit = invoices.issue(db, draft.id, today=TODAY)
    subject, body = mail_templates.render(db, credit.id)
    assert subject == f"Rechnungskorrektur {credit.number} zur Rechnung RE-2026-0001"
    assert (
        f"anbei erhalten Sie unsere Rechnungskorrektur {credit.number} vom 16.03.2026 "
        "zur Rechnung RE-2026-0001 über 238,00\xa0€." in body
    )
    with pytest.raises(DomainError, match="the template 'invoice' is for invoices; .* is a credit"):
        mail_templates.render(db, credit.id, template="invoice")
    with pytest.raises(DomainError, match="'credit_note' is for credit notes; RE-2026-0001 is an"):
        mail_templates.render(db, invoice.id, template="credit_note")


def test_render_reminder(db: Database) -> None:
    invoice = issued_invoice(db, line("1", "100.00"), client_id=_english_client(db))
    pay(db, invoice.id, "19.00")
    with db.write() as session:
        reminder = Reminder(
            invoice_id=invoice.id,
            level=2,
            date=dt.date(2026, 4, 10),
            due_date=dt.date(2026, 4, 20),
            fee=Decimal("5.00"),
        )
        session.add(reminder)
        session.flush()
        reminder_id = reminder.id
    subject, body = mail_templates.render(db, invoice.id, reminder_id=reminder_id)
    assert subject == "Payment reminder: invoice RE-2026-0001"
    assert "was due on 30 Mar 2026, and 100,00\xa0€ of it is still open." in body
    mail_templates.save_template(
        db, "reminder", "reminder", "en", "Reminder {reminder.level}", "{reminder.total}"
    )
    assert mail_templates.render(db, invoice.id, reminder_id=reminder_id) == (
        "Reminder 2",
        "105,00\xa0€",
    )
    assert mail_templates.render(db, invoice.id, template="reminder") == ("Reminder", "")
    with pytest.raises(NotFoundError, match="there is no reminder 999"):
        mail_templates.render(db, invoice.id, reminder_id=999)


def test_render_text_previews_unsaved_text(db: Database) -> None:
    invoice = make_draft(db, client_id=_english_client(db))
    assert mail_templates.render_text(db, invoice.id, "{client.name}", "x {{y}}") == (
        "Acme Ltd",
        "x {y}",
    )
    with pytest.raises(DomainError, match="unknown placeholder"):
        mail_templates.render_text(db, invoice.id, "{nope}", "")
