"""Send by email…: where it is offered, the composed mail (client's addresses, the
template's text, the archived PDF), live checks of addresses and subject, switching
templates, attachments, and Send → queued → delivered by the runner to a real SMTP
server → "Sent" in the outbox."""

from __future__ import annotations

# The fixtures come from test_mail_support; as test arguments they shadow the import.
# ruff: noqa: F811
import pytest
import shiboken6
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from invoicedesk.services import mail_templates, outbox
from invoicedesk.services.mail_types import DocKind, MailState
from invoicedesk.ui.invoice_editor import open_invoice_editor
from invoicedesk.ui.invoices.page import InvoicesPage
from invoicedesk.ui.mail.compose_dialog import ComposeDialog, split_addresses
from invoicedesk.ui.mail.outbox_page import OutboxPage
from invoicedesk.ui.mail.runner import OutboxRunner
from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
from tests.factories import TODAY
from tests.mail_server import (  # noqa: F401 - fixtures
    SENDER,
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)
from tests.ui.test_mail_support import (  # noqa: F401 - fixtures
    CLIENT_MAIL,
    COPY_MAIL,
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
def page(qtbot, ctx, books, answers, memory_keyring):
    widget = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=10000)
    return widget


@pytest.fixture
def configured(ctx, mail_server):
    return configure(ctx.db, mail_server)


def choose(page: InvoicesPage, *ids: int) -> None:
    page.select_ids(list(ids))


def compose(qtbot, page: InvoicesPage, invoice_id: int) -> ComposeDialog:
    choose(page, invoice_id)
    with qtbot.wait_signal(page.mail_action.opened, timeout=20000) as opened:
        page.mail_action.action.trigger()
    return opened.args[0]  # deleted when closed; the ctx fixture closes what is left


def test_splitting_addresses():
    assert split_addresses(" a@x.de, b@y.de;c@z.de ,, ") == [" a@x.de", " b@y.de", "c@z.de "]
    assert split_addresses("") == []


def test_offered_for_one_issued_invoice_or_credit_note(page, books):
    action = page.mail_action.action
    assert action.shortcut().toString() == "Ctrl+M"
    assert action in page.actions() and action in page.toolbar.actions()
    choose(page, books["draft"])
    assert not action.isEnabled() and "select one issued" in action.toolTip()
    choose(page, books["invoice"])
    assert action.isEnabled()
    choose(page, books["credit_note"])
    assert action.isEnabled()
    choose(page, books["invoice"], books["credit_note"])
    assert not action.isEnabled()


def test_without_settings_it_offers_email_settings(qtbot, page, books, answers):
    choose(page, books["invoice"])
    page.mail_action.action.trigger()
    assert answers.asked == ["Email is not set up"]
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, EmailSettingsDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()


def test_the_mail_is_composed_from_client_template_and_pdf(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["invoice"])
    number = books["invoice_number"]
    assert dialog.windowTitle() == f"Send Invoice {number} by email"
    assert dialog.fields["to"].text() == CLIENT_MAIL
    assert dialog.fields["cc"].text() == COPY_MAIL
    assert dialog.fields["bcc"].text() == ""
    assert dialog.subject.text() == f"Invoice {number} from Muster Software GmbH"
    assert f"our invoice {number}" in dialog.body.toPlainText()
    assert dialog.template.currentText() == "Invoice (English)"
    (pdf,) = dialog.draft().attachments
    assert pdf.filename.endswith(".pdf") and number in pdf.filename
    assert pdf.content.startswith(b"%PDF")
    assert dialog.attachments.item(0).text().startswith(pdf.filename)
    assert dialog.send_button.isEnabled() and dialog.problem.isHidden()


def test_credit_notes_get_their_own_template(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["credit_note"])
    assert dialog.subject.text().startswith("Credit note ")
    assert dialog.template.currentText() == "Credit note (English)"


def test_a_bad_address_disables_send_with_a_message(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["invoice"])
    dialog.fields["cc"].setText(f"{COPY_MAIL}; nobody@")
    assert not dialog.send_button.isEnabled()
    message = dialog.boxes["cc"].message.text()
    assert "'nobody@' is not a valid e-mail address" in message
    assert dialog.boxes["cc"].has_error() and message in dialog.send_button.toolTip()
    assert dialog.problem.text() == message and dialog.problem.isVisible()
    dialog.fields["cc"].setText(f"{COPY_MAIL}; other@acme.example")
    assert dialog.send_button.isEnabled() and not dialog.boxes["cc"].has_error()
    assert dialog.draft().cc == (COPY_MAIL, "other@acme.example")
    dialog.fields["to"].clear()
    assert not dialog.send_button.isEnabled()
    assert dialog.problem.text() == "Enter at least one recipient."


def test_what_was_typed_is_shown_as_written_not_as_html(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["invoice"])
    dialog.fields["cc"].setText("<b>boss</b>")
    message = dialog.boxes["cc"].message.text()
    assert "<b>boss</b>" in message and QtGui.Qt.mightBeRichText(message)
    labels = [dialog.note, dialog.problem, *(box.message for box in dialog.boxes.values())]
    assert {label.textFormat() for label in labels} == {Qt.TextFormat.PlainText}
    tip = dialog.send_button.toolTip()  # a tooltip has no format: the text is escaped
    assert "&lt;b&gt;boss&lt;/b&gt;" in tip and "<b>" not in tip


def test_line_breaks_in_headers_are_refused(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["invoice"])
    dialog.subject.setFocus()
    dialog.subject.selectAll()
    QApplication.clipboard().setText("Invoice\r\nBcc: evil@attacker.example")
    dialog.subject.paste()  # a line edit takes a pasted line break as it is
    assert "\n" in dialog.subject.text()
    assert not dialog.send_button.isEnabled()
    assert dialog.boxes["subject"].message.text() == ("Line breaks are not allowed in the subject.")
    dialog.subject.setText("Invoice")
    assert dialog.send_button.isEnabled()
    dialog.fields["to"].setText(f"{CLIENT_MAIL}\nBcc: evil@attacker.example")
    assert not dialog.send_button.isEnabled()
    assert "Line breaks are not allowed in the To field" in dialog.problem.text()


def test_another_template_fills_in_its_text_asking_before_discarding(
    qtbot, ctx, page, books, configured, answers
):
    mail_templates.save_template(
        ctx.db, "friendly", DocKind.INVOICE, "en", "Hi from {company.name}",
        "Hello {client.name},\n\nhere is {invoice.number}.",
    )  # fmt: skip
    dialog = compose(qtbot, page, books["invoice"])
    labels = [dialog.template.itemText(i) for i in range(dialog.template.count())]
    assert labels == ["friendly (English)", "Invoice (German)", "Invoice (English)"]
    assert dialog.template.currentIndex() == 2  # the client's language, else English
    dialog.template.setCurrentIndex(0)
    assert answers.asked == []  # nothing was changed: nothing to ask
    assert dialog.subject.text() == "Hi from Muster Software GmbH"
    assert dialog.body.toPlainText().startswith("Hello Acme GmbH,")
    dialog.body.setPlainText("My own words")
    answers.confirm = False
    dialog.template.setCurrentIndex(1)
    assert answers.asked == ["Use another template"]
    assert dialog.template.currentIndex() == 0 and dialog.body.toPlainText() == "My own words"
    answers.confirm = True
    dialog.template.setCurrentIndex(1)
    assert dialog.subject.text().startswith("Rechnung ")


def test_files_are_added_after_the_pdf_and_removed(
    qtbot, page, books, configured, answers, tmp_path
):
    extra = tmp_path / "terms.txt"
    extra.write_text("Our terms")
    answers.files = [extra]
    dialog = compose(qtbot, page, books["invoice"])
    dialog.add_button.click()
    names = [a.filename for a in dialog.draft().attachments]
    assert names[1] == "terms.txt" and names[0].endswith(".pdf")
    assert dialog.attach_label.text().startswith("Attachments: 2 files")
    dialog.attachments.setCurrentRow(1)
    dialog.remove_button.click()
    assert [a.filename for a in dialog.draft().attachments] == names[:1]
    answers.files = [tmp_path / "missing.pdf"]
    dialog.add_button.click()
    assert "missing.pdf: there is no such file" in dialog.problem.text()


def test_a_client_without_an_address_gets_a_mail_to_fill_in(qtbot, page, books, configured):
    dialog = compose(qtbot, page, books["no_mail"])
    assert "Quiet Ltd has no e-mail address" in dialog.note.text() and dialog.note.isVisible()
    assert dialog.fields["to"].text() == "" and not dialog.send_button.isEnabled()
    assert dialog.fields["to"].hasFocus() or dialog.focusWidget() is dialog.fields["to"]
    dialog.fields["to"].setText("boss@quiet.example")
    assert dialog.send_button.isEnabled()


def test_send_queues_the_runner_delivers_and_the_outbox_shows_it_sent(
    qtbot, ctx, page, books, configured, mail_server, settle
):
    runner = OutboxRunner(ctx)
    outbox_view = OutboxPage(ctx)
    qtbot.addWidget(outbox_view)
    outbox_view.show()  # a hidden page reloads only when shown
    said: list[str] = []
    runner.status_message.connect(said.append)
    invoices_told: list[list[int]] = []
    ctx.bus.changed.connect(lambda kind, ids: invoices_told.append(ids) if kind == "invoice"
                            else None)  # fmt: skip
    dialog = compose(qtbot, page, books["invoice"])
    dialog.fields["bcc"].setText("archive@muster.example")
    mail_told: list[list[int]] = []
    ctx.bus.changed.connect(lambda kind, ids: mail_told.append(ids) if kind == "mail" else None)
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        dialog.send_button.click()
    settle()
    assert ran.args[0].report.sent
    assert mail_told and len(mail_told[0]) == 1  # the queued mail's id wakes the runner
    assert not shiboken6.isValid(dialog)  # closed (and deleted) once queued
    (received,) = mail_server.received
    message = received.message()
    number = books["invoice_number"]
    assert message["To"] == CLIENT_MAIL and message["Cc"] == COPY_MAIL and message["Bcc"] is None
    assert "archive@muster.example" in received.recipients
    assert message["Subject"] == f"Invoice {number} from Muster Software GmbH"
    assert [part.get_filename() for part in message.iter_attachments()][0].endswith(".pdf")
    assert said[-1] == f"Sent {number} to {CLIENT_MAIL}"
    assert [books["invoice"]] in invoices_told
    entry = outbox_view.model.entry(0)
    assert entry.state is MailState.SENT and entry.invoice_number == number
    assert outbox_view.counts.text() == "Nothing waiting to be sent"


def test_closing_while_queueing_waits_and_the_runner_still_delivers(
    qtbot, ctx, page, books, configured, mail_server, settle
):
    runner = OutboxRunner(ctx)
    dialog = compose(qtbot, page, books["invoice"])
    cancel = dialog.cancel_button
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        dialog.send_button.click()  # queued in a worker; its answer comes as an event
        assert dialog.is_busy() and dialog.send_button.text() == "Sending…"
        assert not cancel.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.reject()
        dialog.close()  # the window's close button
        assert dialog.isVisible() and dialog.is_busy()
    settle()
    assert ran.args[0].report.sent and len(mail_server.received) == 1
    assert not shiboken6.isValid(dialog)  # closed once queued


def test_a_dialog_gone_while_queueing_still_wakes_the_runner(
    qtbot, ctx, page, books, configured, mail_server, settle
):
    runner = OutboxRunner(ctx)
    dialog = compose(qtbot, page, books["invoice"])
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        dialog.send_button.click()
        shiboken6.delete(dialog)  # e.g. its window was closed meanwhile
    settle()
    assert ran.args[0].report.sent and len(mail_server.received) == 1


def test_what_the_outbox_refuses_is_shown_at_its_field_and_nothing_is_queued(
    qtbot, ctx, page, books, configured, settle
):
    dialog = compose(qtbot, page, books["invoice"])
    dialog.subject.setText("Invoice " + "x" * 400)  # longer than a subject may be
    assert dialog.send_button.isEnabled()
    dialog.send_button.click()
    assert not dialog.send_button.isEnabled()  # sending
    settle()
    assert dialog.isVisible() and not dialog.is_busy()
    assert dialog.boxes["subject"].has_error()
    assert dialog.problem.text() == "Not sent: Keep the subject to 300 characters."
    assert dialog.send_button.text() == "&Send"
    assert outbox.count_outbox(ctx.db) == 0


def test_without_a_keyring_the_password_is_asked_once_per_session(
    qtbot, ctx, books, answers, no_keyring, make_mail_server, tls_cert
):
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    configure(ctx.db, server, username="billing", pinned_certificate=tls_cert.fingerprint,
              allow_insecure=False)  # fmt: skip
    page = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
    runner = OutboxRunner(ctx)
    answers.password = "right"
    for expected in (1, 2):
        dialog = compose(qtbot, page, books["invoice"])
        with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
            dialog.send_button.click()
        assert ran.args[0].report.sent
        assert len(server.received) == expected
    assert answers.asked_password == 1  # the second mail used the session's password


def test_a_declined_password_keeps_the_dialog_open(
    qtbot, ctx, books, answers, no_keyring, make_mail_server, tls_cert
):
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    configure(ctx.db, server, username="billing", pinned_certificate=tls_cert.fingerprint,
              allow_insecure=False)  # fmt: skip
    page = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
    dialog = compose(qtbot, page, books["invoice"])
    dialog.send_button.click()
    assert answers.asked_password == 1 and dialog.isVisible()
    assert "password" in dialog.problem.text()
    assert outbox.count_outbox(ctx.db) == 0


def test_the_editor_offers_send_by_email_for_issued_documents(qtbot, ctx, books, answers):
    issued = open_invoice_editor(ctx, books["invoice"])
    qtbot.addWidget(issued)
    assert issued.mail.button.isVisible() and issued.mail.button.isEnabled()
    assert issued.mail.mail.action in issued.invoice_menu.actions()
    draft = open_invoice_editor(ctx, books["draft"])
    qtbot.addWidget(draft)
    assert not draft.mail.button.isVisible()
    assert not draft.mail.mail.action.isEnabled()
