"""File › Email Settings…: saving and reloading, the password in the keyring (or for the
session without one), no encryption only with the explicit box, inline errors, the
certificate pin, and a test email against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

# The fixtures come from test_mail_support; as test arguments they shadow the import.
# ruff: noqa: F811
import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt

from invoicedesk.services import mail_settings, secrets
from invoicedesk.services.mail_types import Security
from invoicedesk.ui.clients.field_errors import FieldBox
from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
from tests.mail_server import (  # noqa: F401 - fixtures
    SENDER,
    Handler,
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)
from tests.ui.test_mail_support import (  # noqa: F401 - fixtures
    answers,
    books,
    books_file,
    configure,
    ctx,
    db,
    keep_keyring,
    memory_keyring,
    no_keyring,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def dialog(qtbot, ctx, answers):
    widget = EmailSettingsDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def fill(dialog: EmailSettingsDialog, **values: str) -> None:
    for name, value in values.items():
        getattr(dialog, name).setText(value)


def test_saves_in_one_go_and_shows_it_again(qtbot, ctx, memory_keyring, answers, settle):
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.security.currentData() == Security.STARTTLS and dialog.port.value() == 587
    fill(dialog, host="smtp.muster.example", username="billing", password="s3cret",
         sender_name="Muster Software", sender="billing@muster.example",
         reply_to="office@muster.example")  # fmt: skip
    dialog.security.setCurrentIndex(dialog.security.findData(Security.SSL))
    assert dialog.port.value() == 465  # followed the security, as it was the default
    dialog.bcc_self.setChecked(True)
    told: list[tuple[str, list]] = []
    ctx.bus.changed.connect(lambda kind, ids: told.append((kind, ids)))
    with qtbot.wait_signal(dialog.saved) as saved:
        dialog.accept()
        assert not dialog.ok_button.isEnabled() and dialog.is_busy()  # saving
    settle()
    assert saved.args == ["Email settings saved"]
    assert told == [("settings", [])]
    assert dialog.result() == dialog.DialogCode.Accepted
    account = mail_settings.get_account(ctx.db)
    assert (account.host, account.port, account.security) == ("smtp.muster.example", 465,
                                                              Security.SSL)  # fmt: skip
    assert (account.username, account.sender, account.reply_to, account.bcc_self) == (
        "billing", "billing@muster.example", "office@muster.example", True
    )  # fmt: skip
    assert secrets.get_password(account) == "s3cret"
    assert list(memory_keyring.passwords.values()) == ["s3cret"]  # in the keyring only

    again = EmailSettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.host.text() == "smtp.muster.example" and again.port.value() == 465
    assert again.sender_name.text() == "Muster Software" and again.bcc_self.isChecked()
    assert again.password.text() == ""  # never shown, only said to be there
    assert "stored" in again.password.placeholderText()
    assert again.keyring_note.text() == "The password is stored in your system keyring."


def test_without_a_keyring_says_so_and_keeps_the_password_for_the_session(
    qtbot, ctx, no_keyring, answers
):
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    usable, sentence = secrets.keyring_status()
    assert not usable and dialog.keyring_note.text() == sentence
    fill(dialog, host="smtp.muster.example", username="billing", password="s3cret",
         sender="billing@muster.example")  # fmt: skip
    with qtbot.wait_signal(dialog.saved) as saved:
        dialog.accept()
    assert "kept for this session only" in saved.args[0]
    assert secrets.get_password(mail_settings.get_account(ctx.db)) == "s3cret"


def test_forget_removes_the_stored_password(qtbot, ctx, memory_keyring, answers, settle):
    account = mail_settings.save_account(
        ctx.db, mail_settings.SmtpAccount(host="smtp.muster.example", username="billing",
                                          sender=SENDER),
    )  # fmt: skip
    assert secrets.store_password(account, "s3cret")
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.forget_button.isVisible()
    dialog.forget_button.click()
    assert not dialog.forget_button.isEnabled()  # forgetting
    settle()
    assert secrets.get_password(account) is None and memory_keyring.passwords == {}
    assert dialog.forget_button.isHidden() and dialog.password.placeholderText() == ""


def test_no_encryption_needs_the_explicit_box(qtbot, dialog, ctx, memory_keyring, settle):
    fill(dialog, host="mail.local", sender="billing@muster.example")
    assert dialog.insecure_warning.isHidden()
    dialog.security.setCurrentIndex(dialog.security.findData(Security.NONE))
    assert dialog.insecure_warning.isVisible() and dialog.allow_insecure.isVisible()
    assert "plain text" in dialog.insecure_warning.text()
    assert "c62828" in dialog.insecure_warning.styleSheet()
    assert not dialog.ok_button.isEnabled()
    assert "I understand" in dialog.ok_button.toolTip()
    dialog.allow_insecure.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    settle()
    account = mail_settings.get_account(ctx.db)
    assert account.security is Security.NONE and account.allow_insecure


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_stored(qtbot, dialog, ctx, settle):
    fill(dialog, host="smtp.muster.example", sender="not an address")
    dialog.accept()
    settle()
    box = dialog.errors.box("smtp.sender")
    assert box.has_error() and "not a valid e-mail address" in box.message.text()
    assert dialog.isVisible()
    assert not mail_settings.is_configured(mail_settings.get_account(ctx.db))
    assert dialog.ok_button.isEnabled()  # the save ended: it may be tried again
    fill(dialog, host="https://smtp.muster.example", sender="billing@muster.example")
    dialog.accept()
    settle()
    assert dialog.errors.box("smtp.host").has_error()
    assert not dialog.errors.box("smtp.sender").has_error()


def test_test_email_reaches_the_server(qtbot, dialog, mail_server, memory_keyring):
    account = mail_server.account()
    fill(dialog, host=account.host, sender=SENDER)
    dialog.port.setValue(account.port)
    dialog.security.setCurrentIndex(dialog.security.findData(Security.NONE))
    dialog.allow_insecure.setChecked(True)
    with qtbot.wait_signal(dialog.test_finished, timeout=15000) as finished:
        dialog.send_test()
    ok, text = finished.args
    assert ok, text
    assert text.startswith(f"Test email sent to {SENDER}.") and "250" in text
    assert dialog.test_result.text() == text
    (received,) = mail_server.received
    assert received.recipients == (SENDER,)
    assert received.message()["Subject"] == "InvoiceDesk test message"


def test_a_refused_recipient_shows_the_servers_exact_answer(
    qtbot, dialog, make_mail_server, memory_keyring, answers
):
    reply = "550 5.1.1 <nobody@acme.example>: Recipient address rejected: User unknown"
    server = make_mail_server(handler=Handler(reject={"nobody@acme.example": reply}))
    fill(dialog, host=server.host, sender=SENDER)
    dialog.port.setValue(server.port)
    dialog.security.setCurrentIndex(dialog.security.findData(Security.NONE))
    dialog.allow_insecure.setChecked(True)
    answers.recipient = "nobody@acme.example"
    with qtbot.wait_signal(dialog.test_finished, timeout=15000) as finished:
        dialog.send_test()
    ok, text = finished.args
    assert not ok
    assert f"The server answered: {reply}" in text
    assert "c62828" in dialog.test_result.styleSheet()


def test_the_servers_answer_is_shown_as_written_not_as_html(
    qtbot, dialog, make_mail_server, memory_keyring, answers
):
    reply = "550 5.1.1 <b>nobody</b> here: <nobody@acme.example> unknown"
    server = make_mail_server(handler=Handler(reject={"nobody@acme.example": reply}))
    fill(dialog, host=server.host, sender=SENDER)
    dialog.port.setValue(server.port)
    dialog.security.setCurrentIndex(dialog.security.findData(Security.NONE))
    dialog.allow_insecure.setChecked(True)
    answers.recipient = "nobody@acme.example"
    with qtbot.wait_signal(dialog.test_finished, timeout=15000) as finished:
        dialog.send_test()
    assert QtGui.Qt.mightBeRichText(finished.args[1])  # the automatic format would render it
    assert dialog.test_result.text() == finished.args[1] and reply in finished.args[1]
    labels = [dialog.test_result, dialog.keyring_note, dialog.banner]
    labels += [box.message for box in dialog.findChildren(FieldBox)]
    assert len(labels) > 8
    assert {label.textFormat() for label in labels} == {Qt.TextFormat.PlainText}


def test_a_wrong_password_shows_the_535_answer(
    qtbot, dialog, make_mail_server, tls_cert, memory_keyring
):
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    fill(dialog, host=server.host, sender=SENDER, username="billing", password="wrong",
         pinned=tls_cert.fingerprint)  # fmt: skip
    dialog.port.setValue(server.port)
    dialog.trust_pinned.setChecked(True)
    with qtbot.wait_signal(dialog.test_finished, timeout=15000) as finished:
        dialog.send_test()
    ok, text = finished.args
    assert not ok
    assert "The server answered: 535" in text
    assert server.received == []


def test_fetch_certificate_pins_it_after_asking(
    qtbot, dialog, make_mail_server, tls_cert, answers, ctx, settle
):
    server = make_mail_server(tls="starttls")
    fill(dialog, host=server.host, sender=SENDER)
    dialog.port.setValue(server.port)
    assert dialog.trust_system.isChecked() and not dialog.pinned.isEnabled()
    with qtbot.wait_signal(dialog.fetched, timeout=15000) as fetched:
        dialog.fetch_certificate()
    assert fetched.args == [tls_cert.fingerprint]
    assert answers.asked == ["Pin certificate"]
    assert dialog.trust_pinned.isChecked() and dialog.pinned.text() == tls_cert.fingerprint
    dialog.accept()
    settle()
    assert mail_settings.get_account(ctx.db).pinned_certificate == tls_cert.fingerprint


def test_system_trust_drops_the_pin(qtbot, ctx, answers, tls_cert, settle):
    mail_settings.save_account(
        ctx.db,
        mail_settings.SmtpAccount(host="smtp.muster.example", sender=SENDER,
                                  pinned_certificate=tls_cert.fingerprint),
    )  # fmt: skip
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.trust_pinned.isChecked() and dialog.pinned.text() == tls_cert.fingerprint
    dialog.trust_system.setChecked(True)
    dialog.accept()
    settle()
    assert mail_settings.get_account(ctx.db).pinned_certificate == ""
