"""The services' errors in German: each is an English template with its values apart, so
it reads in the program's language with the values filled in, still names its field and
carries a code a program can tell it apart by; and a refused value reaches a German dialog
in German."""

from __future__ import annotations

# The fixture comes from test_translations; as a test argument it shadows the import.
# ruff: noqa: F811
import ast
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

import tests.test_translations as translations
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import set_language
from invoicedesk.services import clients, invoices, mail_settings, payments, settings
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from invoicedesk.services.validation import invalid_character
from tests.factories import COMPANY, TODAY, client_input, issued_invoice, make_client, make_draft
from tests.test_translations import ROOT, _literal_texts, german  # noqa: F401 - a fixture

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SERVICES = sorted(
    str(path.relative_to(ROOT)) for path in (ROOT / "invoicedesk" / "services").rglob("*.py")
)
ERROR_CLASSES = {"DomainError", "NotFoundError", "ConflictError", "PdfLayoutError"}


@pytest.fixture
def in_german() -> Iterator[None]:
    set_language("de")
    yield
    set_language("en")


def _error_templates(path: str) -> Iterator[str]:
    """Every error raised in ``path`` whose message is not a plain English template."""
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        if name in ERROR_CLASSES and not (
            isinstance(first, ast.Constant) or isinstance(first, ast.Name)
        ):
            yield f"{path}:{node.lineno} {ast.unparse(first)}"


@pytest.mark.parametrize("module", SERVICES)
def test_a_service_raises_templates_and_passes_no_literal_text_to_a_widget(module, monkeypatch):
    assert list(_error_templates(module)) == []
    # A literal template is the right form for an error here: only the other calls count.
    calls = {k: v for k, v in translations.TEXT_CALLS.items() if k != "DomainError"}
    monkeypatch.setattr(translations, "TEXT_CALLS", calls)
    assert list(_literal_texts(ROOT / module)) == []


def refusal(call, *args, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_settings_errors_read_in_german_with_their_values(db, in_german):
    error = refusal(settings.update_company, db, replace(COMPANY, iban="DE00370400440532013000"))
    assert (error.field, error.code) == ("company.iban", "iban_checksum")
    assert error.message == (
        "„DE00370400440532013000“ ist keine gültige IBAN: die Prüfziffern stimmen nicht "
        "(ein Tippfehler?)"
    )
    error = refusal(settings.validated_settings, {"no_such_key": 1})
    assert (error.field, error.code) == ("settings", "unknown_setting")
    assert error.message == "unbekannte Einstellung „no_such_key“"
    assert str(error) == "settings: unbekannte Einstellung „no_such_key“"


def test_invoice_rules_read_in_german(db, in_german):
    draft = make_draft(db)
    error = refusal(invoices.create_draft, db, replace(
        invoices.InvoiceInput(client_id=draft.client_id, lines=()),
        due_date=TODAY - dt.timedelta(days=400), date=TODAY,
    ))  # fmt: skip
    assert error.field == "invoice.due_date"
    assert error.code == "due_before_issue"
    assert error.message == "die Fälligkeit liegt vor dem Rechnungsdatum"
    empty = invoices.create_draft(db, invoices.InvoiceInput(client_id=draft.client_id, lines=()))
    error = refusal(invoices.issue, db, empty.id, today=TODAY)
    assert (error.field, error.code) == ("invoice.line_items", "no_lines")
    assert error.message == "fügen Sie vor dem Festschreiben mindestens eine Position hinzu"
    error = refusal(invoices.issue, db, 987654, today=TODAY)
    assert (error.field, error.code) == ("invoice", "invoice_not_found")
    assert error.message == "es gibt keine Rechnung mit der ID 987654"


def test_payment_and_client_errors_read_in_german_with_their_values(db, in_german):
    invoice = issued_invoice(db)  # 119.00 EUR open
    error = refusal(payments.record_payment, db, invoice.id, PaymentInput(
        amount=Decimal("500"), date=TODAY, method=PaymentMethod.BANK_TRANSFER), TODAY)  # fmt: skip
    assert (error.field, error.code) == ("amount", "overpayment")
    assert error.message.startswith("500.00 EUR ist mehr als der offene Betrag 119.00 EUR von ")
    assert invoice.number and invoice.number in error.message
    assert "Überzahlung" in error.message
    error = refusal(payments.record_payment, db, invoice.id, PaymentInput(
        amount=Decimal("10"), date=TODAY + dt.timedelta(days=3),
        method=PaymentMethod.BANK_TRANSFER), TODAY)  # fmt: skip
    assert (error.field, error.code) == ("date", "date_in_future")
    assert "liegt in der Zukunft" in error.message
    taken = make_client(db, "Berg GmbH", customer_number="K-0100")
    error = refusal(clients.create_client, db, client_input("Tal AG", customer_number="K-0100"))
    assert error.code == "number_taken" and error.field == "client.customer_number"
    assert error.message == "die Kundennummer K-0100 ist bereits vergeben"
    clients.archive_client(db, taken.id)
    error = refusal(make_draft, db, client_id=taken.id)
    assert error.code == "client_archived"
    assert "ist archiviert – stellen Sie ihn zuerst wieder her" in error.message
    error = refusal(clients.create_client, db, client_input(""))
    assert (error.field, error.code) == ("client.name", "required")
    assert error.message == "ein Kunde braucht einen Namen"


def test_mail_settings_errors_read_in_german(db, in_german):
    error = refusal(mail_settings.set_config, db, "smtp.port", "99999")
    assert error.field == "smtp.port"
    assert error.code == "port_invalid"
    assert error.message == (
        "der Port ist eine Zahl von 1 bis 65535 (meist 587 für starttls, 465 für ssl)"
    )
    error = refusal(mail_settings.set_config, db, "smtp.port", "fünf")
    assert (error.field, error.code) == ("smtp.port", "port_invalid")
    assert error.message.startswith("„fünf“ ist keine Portnummer (1 bis 65535;")
    error = refusal(mail_settings.set_config, db, "smtp.colour", "blue")
    assert (error.field, error.code) == ("config", "unknown_setting")
    assert error.message.startswith("unbekannte Einstellung „smtp.colour“ (eine von smtp.")


def test_a_terse_fragment_still_continues_the_field_name_in_german(in_german):
    from invoicedesk.ui.clients.field_errors import phrase

    assert phrase("Name", DomainError("is required", "client.name").message) == (
        "Name ist erforderlich."
    )
    assert invalid_character("a\x00b") == (
        "darf kein Steuerzeichen enthalten: U+0000 an Position 2 (dieses Feld hat eine Zeile)"
    )


def test_in_english_the_errors_read_as_before(db):
    error = refusal(settings.validated_settings, {"no_such_key": 1})
    assert error.message == "unknown setting 'no_such_key'"
    error = refusal(clients.create_client, db, client_input(""))
    assert error.message == "a client needs a name"


def test_a_refused_iban_shows_in_german_in_the_settings_dialog(german, qtbot, db, tmp_path):
    from PySide6.QtCore import QSettings

    from invoicedesk.ui.context import AppContext
    from invoicedesk.ui.settings.dialog import SettingsDialog

    settings.update_company(db, replace(COMPANY, account_holder="", language="en"))
    dialog = SettingsDialog(
        AppContext(db), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.bank.form.fields["iban"].setText("DE00370400440532013000")
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.bank.form.error.text()))
    text = dialog.bank.form.error.text()
    assert "ist keine gültige IBAN: die Prüfziffern stimmen nicht" in text
    assert "DE00370400440532013000" in text
    assert not dialog.saved
