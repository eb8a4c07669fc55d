"""The business's SMTP account: read, checked and stored in the settings table.

Each field is one row of ``settings`` under its key (``smtp.host``, ``smtp.port`` …),
kept apart from :data:`invoicedesk.services.settings.DEFAULTS` so that the general
settings (and their exports) never carry the mail account along. The password is
not here: it lives in the operating system's keyring (:mod:`.secrets`), under a key
made of user name, host and port; when one of them changes, the password moves along.

:func:`save_account` (the settings dialog) checks a whole account and stores it in one
transaction; :func:`set_config` (``invoicedesk config set``) changes one key from text,
checked the same way against the rest of the stored account.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import idna
from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Setting
from invoicedesk.i18n import N_
from invoicedesk.services import secrets
from invoicedesk.services.mail_message import check_addresses
from invoicedesk.services.mail_types import Security, SmtpAccount

CONFIG_KEYS = (
    "smtp.host",
    "smtp.port",
    "smtp.security",
    "smtp.username",
    "smtp.sender",
    "smtp.sender_name",
    "smtp.reply_to",
    "smtp.bcc_self",
    "smtp.allow_insecure",
    "smtp.pinned_certificate",
)

# What each key means, for `invoicedesk config get` and the documentation.
DESCRIPTIONS: dict[str, str] = {
    "smtp.host": "the SMTP server's host name, e.g. smtp.example.com",
    "smtp.port": "the server's port: 587 for starttls, 465 for ssl",
    "smtp.security": "starttls, ssl or none (none needs smtp.allow_insecure true)",
    "smtp.username": "the login name (empty: the server needs no login)",
    "smtp.sender": "the From address, e.g. billing@example.com",
    "smtp.sender_name": "the name shown with the From address",
    "smtp.reply_to": "where replies go, if not to the From address",
    "smtp.bcc_self": "true: a blind copy of every message to the From address",
    "smtp.allow_insecure": "true: accept security none (password and invoices unencrypted)",
    "smtp.pinned_certificate": "sha256:<64 hex> of a self-signed server certificate",
}

_FIELD = {key: key.removeprefix("smtp.") for key in CONFIG_KEYS}
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)
_HEX = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

INSECURE_WARNING = N_(
    "without encryption the connection sends your password and invoices unencrypted; "
    "tick the explicit warning to accept"
)


# --------------------------------------------------------------------------- checks


def checked_address(value: str, field: str, *, required: bool = False) -> str:
    """``value`` as a normalised e-mail address (domain in lower case), "" when empty
    and not ``required``; a DomainError naming ``field`` otherwise.

    Checked exactly as the outbox checks it when a mail is queued
    (:func:`~.mail_message.check_addresses`: no SMTPUTF8, so a name before the @ with
    accents is refused here already, with the same message)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise DomainError(
                "enter an e-mail address (e.g. billing@example.com)", field, code="required"
            )
        return ""
    (address,) = check_addresses([text], field)
    return address


def wire_host(host: str) -> str:
    """The host name as DNS and TLS get it: IDNA 2008 (UTS 46) A-labels, so "straße.example"
    is "xn--strae-oqa.example" (Python's own "idna" codec is IDNA 2003 and would make it
    "strasse.example", someone else's name). An IP address, or a name that cannot be
    encoded, is returned as it is."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return host


def _host(value: str, field: str) -> str:
    host = value.strip()
    if "://" in host:
        raise DomainError(
            "give the host name only, without '{scheme}://' (e.g. smtp.example.com)",
            field,
            params={"scheme": host.split("://")[0]},
        )
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if ":" in host:
        raise DomainError(
            "'{host}' contains a port: give the host here and the port as smtp.port",
            field,
            params={"host": host},
        )
    try:
        ascii_host = idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        ascii_host = ""
    labels = ascii_host.split(".")
    if not ascii_host or len(ascii_host) > 253 or not all(map(_HOST_LABEL.fullmatch, labels)):
        raise DomainError(
            "'{host}' is not a host name (e.g. smtp.example.com)",
            field,
            code="host_invalid",
            params={"host": host},
        )
    return host.rstrip(".").lower()


def _port(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise DomainError(
            "the port is a number from 1 to 65535 (usually 587 for starttls, 465 for ssl)",
            field,
            code="port_invalid",
        )
    return value


def _security(value: object, field: str) -> Security:
    try:
        return Security(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Security)
        raise DomainError(
            "'{value}' is not one of {allowed}", field, params={"value": value, "allowed": allowed}
        ) from None


def _line(value: str, field: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise DomainError("expected text", field)
    text = value.strip()
    if _CONTROL.search(text):
        raise DomainError("must be one line without control characters", field)
    if len(text) > max_length:
        raise DomainError(
            "is too long ({length} characters, at most {max_length})",
            field,
            code="too_long",
            params={"length": len(text), "max_length": max_length},
        )
    return text


def normalise_fingerprint(value: str, field: str = "smtp.pinned_certificate") -> str:
    """``"sha256:<64 lower-case hex>"`` from what a person pastes: with or without the
    ``sha256:`` prefix, colons or spaces, any case (``openssl x509 -fingerprint -sha256``
    prints ``sha256 Fingerprint=AB:CD:…``). "" stays "" (trust the system's CAs)."""
    text = value.strip()
    if not text:
        return ""
    lowered = text.lower()
    for prefix in ("sha256 fingerprint=", "sha256:", "sha256="):
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
            break
    digits = re.sub(r"[\s:]", "", lowered)
    if not _HEX.fullmatch(digits):
        raise DomainError(
            "a certificate fingerprint is 'sha256:' followed by 64 hex digits "
            "(colons allowed), e.g. from 'openssl x509 -noout -fingerprint -sha256'",
            field,
        )
    return f"sha256:{digits}"


def _checked(account: SmtpAccount, *, insecure_message: str = INSECURE_WARNING) -> SmtpAccount:
    """Every field checked and normalised (required fields are checked by the caller)."""
    for name in ("bcc_self", "allow_insecure"):
        if not isinstance(getattr(account, name), bool):
            raise DomainError("expected true or false", f"smtp.{name}")
    account = replace(
        account,
        host=_host(account.host, "smtp.host"),
        port=_port(account.port, "smtp.port"),
        security=_security(account.security, "smtp.security"),
        username=_line(account.username, "smtp.username", 200),
        sender=checked_address(account.sender, "smtp.sender"),
        sender_name=_line(account.sender_name, "smtp.sender_name", 100),
        reply_to=checked_address(account.reply_to, "smtp.reply_to"),
        pinned_certificate=normalise_fingerprint(account.pinned_certificate),
    )
    if account.security is Security.NONE and not account.allow_insecure:
        raise DomainError(insecure_message, "smtp.security", code="insecure_connection")
    return account


def validated_account(account: SmtpAccount) -> SmtpAccount:
    """``account`` checked and normalised as :func:`save_account` stores it (for unsaved
    input, e.g. a connection test from the settings dialog)."""
    account = _checked(account)
    if not account.host:
        raise DomainError("enter the SMTP server's host name (e.g. smtp.example.com)", "smtp.host")
    if not account.sender:
        raise DomainError(
            "enter the address your invoices come from (e.g. billing@example.com)", "smtp.sender"
        )
    return account


def is_configured(account: SmtpAccount) -> bool:
    """Whether the account says enough to send: a server and a From address."""
    return bool(account.host.strip() and account.sender.strip())


# --------------------------------------------------------------------------- storage


def config_values(account: SmtpAccount) -> dict[str, object]:
    """Every key of the account with its value as stored (numbers, booleans, text)."""
    values = {key: getattr(account, name) for key, name in _FIELD.items()}
    values["smtp.security"] = account.security.value
    return values


def _from_stored(stored: Mapping[str, object]) -> SmtpAccount:
    """The account from stored values; a value of the wrong type (edited by hand) falls
    back to its default instead of breaking every screen that reads the account."""
    default = SmtpAccount()
    values: dict[str, Any] = {}
    for key, name in _FIELD.items():
        if key not in stored:
            continue
        value, fallback = stored[key], getattr(default, name)
        if name == "security":
            try:
                values[name] = Security(str(value))
            except ValueError:
                continue
        elif type(value) is type(fallback):
            values[name] = value
    return replace(default, **values)


def read_account(session: Session) -> SmtpAccount:
    """The stored account (defaults for keys never set), inside a transaction."""
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(CONFIG_KEYS)))
    return _from_stored({key: value for key, value in rows})


def get_account(db: Database) -> SmtpAccount:
    """The stored SMTP account (an empty one before it is set up)."""
    with db.read() as session:
        return read_account(session)


def _store(session: Session, values: Mapping[str, object]) -> None:
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def save_account(db: Database, account: SmtpAccount) -> SmtpAccount:
    """Check every field of ``account`` and store them all in one transaction; returns
    the account as stored (normalised). A DomainError names the first bad field
    (``smtp.host`` …) and nothing is stored."""
    account = validated_account(account)
    with db.write() as session:
        previous = read_account(session)
        _store(session, config_values(account))
    secrets.move_password(previous, account)
    return account


# --------------------------------------------------------------------------- one key


def _boolean(text: str, field: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise DomainError("'{text}' is not true or false", field, params={"text": text})


def _integer(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(
            "'{text}' is not a port number (1 to 65535; usually 587 for starttls, 465 for ssl)",
            field,
            code="port_invalid",
            params={"text": text},
        ) from None


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "port": _integer,
    "bcc_self": _boolean,
    "allow_insecure": _boolean,
    "security": _security,
}


def config_text(account: SmtpAccount) -> dict[str, str]:
    """Every key of the account as the text ``invoicedesk config get`` prints."""
    text: dict[str, str] = {}
    for key, value in config_values(account).items():
        text[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return text


def set_config(db: Database, key: str, value: str) -> str:
    """Set one key of the account from text (``invoicedesk config set smtp.port 587``);
    returns the value as stored, as text. Checked like :func:`save_account` except that
    host and sender may still be missing (they are set one at a time)."""
    if key not in CONFIG_KEYS:
        raise DomainError(
            "unknown setting '{key}' (one of {choices})",
            "config",
            code="unknown_setting",
            params={"key": key, "choices": ", ".join(CONFIG_KEYS)},
        )
    if not isinstance(value, str):
        raise DomainError("expected text", key)
    name = _FIELD[key]
    parse = _PARSERS.get(name)
    typed: Any = parse(value, key) if parse is not None else value
    with db.write() as session:
        current = read_account(session)
        if name == "allow_insecure" and not typed and current.security is Security.NONE:
            raise DomainError(
                "the connection is unencrypted (smtp.security none); "
                "set smtp.security to starttls or ssl first",
                key,
                code="insecure_connection",
            )
        account = _checked(
            replace(current, **{name: typed}),
            insecure_message=N_(
                "security none sends your password and invoices unencrypted; "
                "to accept that, set smtp.allow_insecure true first"
            ),
        )
        stored = config_values(account)
        _store(session, {key: stored[key]})
    secrets.move_password(current, account)
    return config_text(account)[key]


__all__ = [
    "CONFIG_KEYS",
    "DESCRIPTIONS",
    "checked_address",
    "config_text",
    "config_values",
    "get_account",
    "is_configured",
    "normalise_fingerprint",
    "read_account",
    "save_account",
    "set_config",
    "validated_account",
    "wire_host",
]
