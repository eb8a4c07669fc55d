"""Values prefilled from the company, changeable: the e-mail sender (Email Settings) and the
bank account's holder (the setup wizard)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from invoicedesk.services import mail_settings, settings
from invoicedesk.services.mail_types import SmtpAccount
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
from invoicedesk.ui.setup_wizard import SetupWizard
from tests.factories import COMPANY

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx(db) -> AppContext:
    settings.update_company(db, replace(COMPANY, email="office@muster.example"))
    return AppContext(db)


def test_a_new_mail_account_sends_as_the_company(qtbot, ctx):
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.sender.text() == "office@muster.example"
    assert dialog.sender_name.text() == "Muster Software GmbH"
    dialog.sender.setText("billing@muster.example")  # a default, not a rule
    assert dialog.account().sender == "billing@muster.example"


def test_a_stored_sender_is_kept(qtbot, ctx):
    mail_settings.save_account(
        ctx.db,
        SmtpAccount(host="smtp.muster.example", sender="billing@muster.example", sender_name=""),
    )
    dialog = EmailSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.sender.text() == "billing@muster.example"
    assert dialog.sender_name.text() == ""  # left empty on purpose: not filled in again


def test_the_account_holder_is_the_company_unless_typed(qtbot, ctx):
    wizard = SetupWizard(ctx, offer_demo=False)
    qtbot.addWidget(wizard)
    wizard.show()
    name = wizard.company_page.fields["name"]
    holder = wizard.bank_page.fields["account_holder"]
    assert holder.text() == ""
    wizard.next()
    assert wizard.currentPage() is wizard.bank_page
    assert holder.text() == "Muster Software GmbH"

    wizard.back()
    name.setText("Muster Consulting GmbH")  # renamed: the prefill follows
    wizard.next()
    assert holder.text() == "Muster Consulting GmbH"

    holder.setText("Erika Muster")  # typed: kept
    wizard.back()
    name.setText("Muster AG")
    wizard.next()
    assert holder.text() == "Erika Muster"
    assert wizard.company_data().account_holder == "Erika Muster"


def test_a_stored_account_holder_is_not_replaced(qtbot, ctx):
    settings.update_company(ctx.db, replace(COMPANY, account_holder="Erika Muster"))
    wizard = SetupWizard(ctx, offer_demo=False)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.bank_page.fields["account_holder"].text() == "Erika Muster"
