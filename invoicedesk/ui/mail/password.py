"""The SMTP password, asked for once per session where none is stored.

The password lives in the system keyring (``services.secrets``); where no keyring
works, or none holds it yet, the user is asked once and it is kept in memory until
the app quits (``remember_for_session``). ``ask_password`` is a module function so
tests can answer it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from invoicedesk.i18n import tr
from invoicedesk.services import secrets
from invoicedesk.services.mail_types import SmtpAccount


def needed(account: SmtpAccount) -> bool:
    """Whether the server wants a login (no user name: no password either)."""
    return bool(account.username)


def available(account: SmtpAccount) -> bool:
    """Whether sending can go ahead without asking."""
    return not needed(account) or secrets.get_password(account) is not None


def ask_password(parent: QWidget | None, account: SmtpAccount) -> str | None:
    """Ask for the password of ``account``; None: cancelled."""
    usable, status = secrets.keyring_status()
    who = tr("{user} at {host}").format(user=account.username, host=account.host)
    if usable:
        text = tr(
            "No password is stored for {who}.\n\nEnter it to send now; it is kept until "
            "InvoiceDesk quits. To keep it in your system keyring, enter it under "
            "File › Email Settings…"
        ).format(who=who)
    else:
        text = tr(
            "{status}\n\nEnter the password for {who}; it is kept until InvoiceDesk quits "
            "and asked for again next time."
        ).format(status=status, who=who)
    value, accepted = QInputDialog.getText(
        parent, tr("Email password"), text, QLineEdit.EchoMode.Password
    )
    return value if accepted and value else None


def ask_for_session(parent: QWidget | None, account: SmtpAccount) -> bool:
    """Ask for the password and keep it for this session; False: the user declined."""
    value = ask_password(parent, account)
    if value is None:
        return False
    secrets.remember_for_session(account, value)
    return True


def ensure(parent: QWidget | None, account: SmtpAccount) -> bool:
    """Make the password available for this session, asking if needed; False: the user
    declined."""
    return available(account) or ask_for_session(parent, account)
