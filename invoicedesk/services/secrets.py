"""The SMTP password: in the operating system's keyring, never anywhere else.

The password is never part of :class:`~.mail_types.SmtpAccount`, the database, a
settings file, a log line or an exception message. Where no usable keyring exists
(a Linux desktop without a Secret Service, a headless machine), the password is kept
in this process's memory for the session only and asked for again next time.

Keyring failures are caught here and turned into plain sentences without the
secret (and without chaining the original exception, whose text we do not control).
"""

from __future__ import annotations

import logging
import sys
import threading

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.logs import redact
from invoicedesk.services.mail_types import SmtpAccount

SERVICE = "InvoiceDesk SMTP"

log = logging.getLogger(__name__)

_session: dict[str, str] = {}
_session_lock = threading.Lock()

# Backends that "work" but are no keyring: they fail every call, drop every password,
# or write it to a file in plain text.
_NOT_A_KEYRING = frozenset(
    {
        "keyring.backends.fail.Keyring",
        "keyring.backends.null.Keyring",
        "keyrings.alt.file.PlaintextKeyring",
    }
)


def account_key(account: SmtpAccount) -> str:
    """The keyring user name the account's password is stored under."""
    return f"{account.username}@{account.host}:{account.port}"


def _class_name(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _backend() -> KeyringBackend | None:
    """The keyring backend if it can keep a secret safely, else None."""
    try:
        backend = keyring.get_keyring()
        if _class_name(backend) in _NOT_A_KEYRING or backend.priority <= 0:
            return None
    except Exception:  # a backend whose set-up or priority check fails is no keyring
        return None
    return backend


def _missing_sentence() -> str:
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        return tr(
            "No keyring backend is available on this system (no Secret Service such as "
            "GNOME Keyring or KWallet is running). You will be asked for the password once "
            "per session."
        )
    return tr(
        "No keyring backend is available on this system (the system keyring cannot be "
        "reached). You will be asked for the password once per session."
    )


def keyring_status() -> tuple[bool, str]:
    """(usable, a plain sentence about where the password is kept)."""
    backend = _backend()
    if backend is None:
        return False, _missing_sentence()
    name = str(getattr(backend, "name", "") or type(backend).__name__)
    return True, tr("The password is kept in the system keyring ({name}).").format(name=name)


def _reason(exc: BaseException, secret: str | None = None) -> str:
    """What went wrong, in words, with the secret blanked out should a backend echo it."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text


def _require_account(account: SmtpAccount) -> None:
    if not account.host.strip():
        raise DomainError("set up the SMTP server before its password", "smtp.host")


def remember_for_session(account: SmtpAccount, password: str) -> None:
    """Keep ``password`` in this process's memory until it ends (or is forgotten)."""
    redact(password)
    with _session_lock:
        _session[account_key(account)] = password


def _session_password(account: SmtpAccount) -> str | None:
    with _session_lock:
        return _session.get(account_key(account))


def _drop_session(account: SmtpAccount) -> None:
    with _session_lock:
        _session.pop(account_key(account), None)


def clear_session() -> None:
    """Forget every password kept in memory (e.g. when the app locks or between tests)."""
    with _session_lock:
        _session.clear()


def store_password(account: SmtpAccount, password: str) -> bool:
    """Store the account's password. True: it is in the keyring. False: no keyring works,
    so it is kept for this session only (process memory)."""
    _require_account(account)
    if not isinstance(password, str) or not password:
        raise DomainError("enter the password", "password")
    redact(password)  # whatever a backend or a server echoes, the log never shows it
    key = account_key(account)
    backend = _backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, key, password)
        except Exception as exc:  # locked, refused, D-Bus gone: keep it for the session
            log.warning(
                "The keyring did not store the SMTP password for %s (%s); "
                "it is kept for this session only",
                key,
                _reason(exc, password),
            )
        else:
            _drop_session(account)
            log.info("SMTP password for %s stored in the keyring", key)
            return True
    remember_for_session(account, password)
    return False


def get_password(account: SmtpAccount) -> str | None:
    """The account's password: from the keyring, else from this session's memory,
    else None (then ask the person).

    A password remembered for the session is newer than the keyring's (it is dropped
    whenever the keyring takes one), so it is looked at first.
    """
    if not account.host.strip():
        return None
    remembered = _session_password(account)
    if remembered is not None:
        return remembered
    backend = _backend()
    if backend is None:
        return None
    try:
        password = backend.get_password(SERVICE, account_key(account))
    except Exception as exc:
        log.warning("The keyring could not be read for %s (%s)", account_key(account), _reason(exc))
        return None
    if not password:
        return None
    redact(str(password))
    return str(password)


def forget_password(account: SmtpAccount) -> None:
    """Remove the account's password from the keyring and from this session's memory."""
    _drop_session(account)
    backend = _backend()
    if backend is None or not account.host.strip():
        return
    try:
        backend.delete_password(SERVICE, account_key(account))
    except PasswordDeleteError:
        pass  # there was none
    except Exception as exc:
        raise DomainError(
            "the keyring did not remove the password ({reason})",
            "password",
            params={"reason": _reason(exc)},
        ) from None


def move_password(old: SmtpAccount, new: SmtpAccount) -> None:
    """Keep the password when the account's host, port or user name change (they make up
    its keyring entry). Best effort: nothing to move, or a keyring that refuses, leaves
    the person to enter the password again."""
    if account_key(old) == account_key(new) or not old.host.strip() or not new.host.strip():
        return
    password = get_password(old)
    if password is None or get_password(new) is not None:
        return
    if not store_password(new, password):
        # Only in this session's memory: the old keyring entry is the one lasting copy.
        _drop_session(old)
        log.warning("The keyring did not take the moved password; %s stays", account_key(old))
        return
    try:
        forget_password(old)
    except DomainError as exc:
        log.warning("The old keyring entry %s stays (%s)", account_key(old), exc.message)


__all__ = [
    "SERVICE",
    "account_key",
    "clear_session",
    "forget_password",
    "get_password",
    "keyring_status",
    "move_password",
    "remember_for_session",
    "store_password",
]
