"""The SMTP account: every key checked, stored in one transaction, set one key at a time."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import mail_settings, settings
from invoicedesk.services.mail_message import check_addresses
from invoicedesk.services.mail_settings import CONFIG_KEYS
from invoicedesk.services.mail_types import Security, SmtpAccount
from tests.services.test_secrets import MemoryKeyring, memory_keyring, use_keyring

# Changing host, port or user moves the password: never in the machine's real keyring.
pytestmark = pytest.mark.usefixtures("memory_keyring")
__all__ = ["MemoryKeyring", "memory_keyring", "use_keyring"]  # fixtures used by name

ACCOUNT = SmtpAccount(
    host="smtp.muster.example",
    port=587,
    security=Security.STARTTLS,
    username="billing",
    sender="billing@muster.example",
    sender_name="Muster Software GmbH",
)
FINGERPRINT = "sha256:" + "ab" * 32


def _rows(db: Database) -> dict[str, str]:
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as con:
        query = "SELECT key, CAST(value AS TEXT) FROM settings WHERE key LIKE 'smtp.%'"
        return dict(con.execute(query))


def test_fresh_account_is_empty_and_not_configured(db: Database) -> None:
    account = mail_settings.get_account(db)
    assert account == SmtpAccount()
    assert not mail_settings.is_configured(account)


def test_save_and_read_back(db: Database) -> None:
    stored = mail_settings.save_account(
        db,
        replace(
            ACCOUNT,
            host=" SMTP.Muster.Example ",
            sender="billing@MUSTER.example",
            reply_to="office@muster.example",
            bcc_self=True,
            pinned_certificate="SHA256:" + ":".join(["AB"] * 32),
        ),
    )
    assert stored == replace(
        ACCOUNT,
        reply_to="office@muster.example",
        bcc_self=True,
        pinned_certificate=FINGERPRINT,
    )
    assert mail_settings.get_account(db) == stored
    assert mail_settings.is_configured(stored)
    assert set(_rows(db)) == set(CONFIG_KEYS)
    # The general settings never carry the mail account along (exports, the wizard).
    assert not any(key.startswith("smtp") for key in settings.all_settings(db))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"host": ""}, "smtp.host", "enter the SMTP server's host name"),
        (
            {"host": "smtp://mail.example"},
            "smtp.host",
            "give the host name only, without 'smtp://'",
        ),
        ({"host": "mail.example:587"}, "smtp.host", "'mail.example:587' contains a port"),
        ({"host": "mail example"}, "smtp.host", "'mail example' is not a host name"),
        ({"host": "-mail.example"}, "smtp.host", "'-mail.example' is not a host name"),
        ({"port": 0}, "smtp.port", "the port is a number from 1 to 65535"),
        ({"port": 65536}, "smtp.port", "the port is a number from 1 to 65535"),
        ({"sender": ""}, "smtp.sender", "enter the address your invoices come from"),
        ({"sender": "billing"}, "smtp.sender", "'billing' is not a valid e-mail address"),
        ({"sender": "Billing <b@x.example>"}, "smtp.sender", "'Billing <b@x.example>' is not"),
        ({"reply_to": "a@@b.example"}, "smtp.reply_to", "'a@@b.example' is not a valid e-mail"),
        ({"sender_name": "Muster\r\nBcc: x@y.example"}, "smtp.sender_name", "must be one line"),
        ({"username": "a\nb"}, "smtp.username", "must be one line"),
        ({"security": "tls"}, "smtp.security", "'tls' is not one of starttls, ssl, none"),
        (
            {"security": Security.NONE},
            "smtp.security",
            "without encryption the connection sends your password and invoices unencrypted; "
            "tick the explicit warning to accept",
        ),
        ({"pinned_certificate": "sha256:abc"}, "smtp.pinned_certificate", "a certificate"),
        ({"pinned_certificate": "sha1:" + "ab" * 20}, "smtp.pinned_certificate", "a certificate"),
        ({"bcc_self": "yes"}, "smtp.bcc_self", "expected true or false"),
    ],
)
def test_save_refuses(db: Database, change: dict[str, object], field: str, message: str) -> None:
    mail_settings.save_account(db, ACCOUNT)
    with pytest.raises(DomainError) as error:
        mail_settings.save_account(db, replace(ACCOUNT, **change))  # type: ignore[arg-type]
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert mail_settings.get_account(db) == ACCOUNT  # nothing of it was stored


@pytest.mark.parametrize("address", ["jürgen@muster.example", "billing", "a@@b.example"])
def test_the_settings_check_addresses_as_the_outbox_does(db: Database, address: str) -> None:
    with pytest.raises(DomainError) as queued:
        check_addresses([address], "smtp.sender")
    with pytest.raises(DomainError) as saved:
        mail_settings.save_account(db, replace(ACCOUNT, sender=address))
    assert saved.value.message == queued.value.message
    assert saved.value.field == "smtp.sender"


def test_an_international_sender_domain_is_accepted_by_both(db: Database) -> None:
    stored = mail_settings.save_account(db, replace(ACCOUNT, sender="Rechnung@Bücher.Example"))
    assert stored.sender == "Rechnung@bücher.example"
    assert check_addresses([stored.sender], "smtp.sender") == (stored.sender,)


def test_insecure_only_when_accepted(db: Database) -> None:
    account = replace(ACCOUNT, security=Security.NONE, port=25, allow_insecure=True)
    assert mail_settings.save_account(db, account) == account


@pytest.mark.parametrize(
    ("host", "stored"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("mail.example.", "mail.example"),
        ("Mäil.Example", "mäil.example"),
        ("Straße.Example", "straße.example"),
        ("localhost", "localhost"),
    ],
)
def test_hosts(db: Database, host: str, stored: str) -> None:
    assert mail_settings.save_account(db, replace(ACCOUNT, host=host)).host == stored


@pytest.mark.parametrize(
    ("host", "wire"),
    [
        ("straße.example", "xn--strae-oqa.example"),  # IDNA 2003 made it strasse.example
        ("mäil.example", "xn--mil-qla.example"),
        ("smtp.example.com.", "smtp.example.com"),
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
    ],
)
def test_wire_host_is_idna_2008(host: str, wire: str) -> None:
    assert mail_settings.wire_host(host) == wire


@pytest.mark.parametrize(
    "text",
    [
        "sha256:" + "ab" * 32,
        "ab" * 32,
        "SHA256:" + "AB" * 32,
        "sha256 Fingerprint=" + ":".join(["AB"] * 32),
        "  sha256:" + " ".join(["ab"] * 32) + " ",
    ],
)
def test_fingerprint_normalised(text: str) -> None:
    assert mail_settings.normalise_fingerprint(text) == FINGERPRINT
    assert mail_settings.normalise_fingerprint("  ") == ""


def test_set_config_one_key_at_a_time(db: Database) -> None:
    assert mail_settings.set_config(db, "smtp.sender", "Billing@Muster.EXAMPLE") == (
        "Billing@muster.example"
    )
    assert mail_settings.set_config(db, "smtp.host", "smtp.muster.example") == "smtp.muster.example"
    assert mail_settings.set_config(db, "smtp.port", " 465 ") == "465"
    assert mail_settings.set_config(db, "smtp.security", "SSL") == "ssl"
    assert mail_settings.set_config(db, "smtp.bcc_self", "yes") == "true"
    assert mail_settings.set_config(db, "smtp.pinned_certificate", "AB" * 32) == FINGERPRINT
    assert mail_settings.set_config(db, "smtp.sender_name", "  Muster GmbH ") == "Muster GmbH"
    account = mail_settings.get_account(db)
    assert account == SmtpAccount(
        host="smtp.muster.example",
        port=465,
        security=Security.SSL,
        sender="Billing@muster.example",
        sender_name="Muster GmbH",
        bcc_self=True,
        pinned_certificate=FINGERPRINT,
    )
    assert mail_settings.is_configured(account)
    text = mail_settings.config_text(account)
    assert list(text) == list(CONFIG_KEYS)
    assert text["smtp.port"] == "465" and text["smtp.allow_insecure"] == "false"
    # JSON values of their own type: the port is a number, the flags booleans.
    assert _rows(db)["smtp.port"] == "465" and _rows(db)["smtp.bcc_self"] == "true"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("smtp.port", "abc", "'abc' is not a port number (1 to 65535"),
        ("smtp.port", "0", "the port is a number from 1 to 65535"),
        ("smtp.port", "70000", "the port is a number from 1 to 65535"),
        ("smtp.bcc_self", "maybe", "'maybe' is not true or false"),
        ("smtp.security", "tls", "'tls' is not one of starttls, ssl, none"),
        (
            "smtp.security",
            "none",
            "security none sends your password and invoices unencrypted; "
            "to accept that, set smtp.allow_insecure true first",
        ),
        ("smtp.sender", "nobody", "'nobody' is not a valid e-mail address"),
        ("smtp.host", "a b", "'a b' is not a host name"),
        ("smtp.pinned_certificate", "xyz", "a certificate fingerprint is 'sha256:'"),
    ],
)
def test_set_config_refuses(db: Database, key: str, value: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        mail_settings.set_config(db, key, value)
    assert error.value.field == key
    assert error.value.message.startswith(message)
    assert _rows(db) == {}


def test_set_config_unknown_key_lists_the_keys(db: Database) -> None:
    with pytest.raises(DomainError) as error:
        mail_settings.set_config(db, "smtp.hots", "x")
    assert error.value.message == f"unknown setting 'smtp.hots' (one of {', '.join(CONFIG_KEYS)})"


def test_insecure_by_config_in_the_right_order(db: Database) -> None:
    assert mail_settings.set_config(db, "smtp.allow_insecure", "true") == "true"
    assert mail_settings.set_config(db, "smtp.security", "none") == "none"
    with pytest.raises(DomainError, match="set smtp.security to starttls or ssl first"):
        mail_settings.set_config(db, "smtp.allow_insecure", "false")
    assert mail_settings.set_config(db, "smtp.security", "starttls") == "starttls"
    assert mail_settings.set_config(db, "smtp.allow_insecure", "false") == "false"


def test_hand_edited_values_fall_back_to_defaults(db: Database) -> None:
    mail_settings.save_account(db, ACCOUNT)
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as con, con:
        con.execute("UPDATE settings SET value = '\"many\"' WHERE key = 'smtp.port'")
        con.execute("UPDATE settings SET value = '\"quantum\"' WHERE key = 'smtp.security'")
    assert mail_settings.get_account(db) == replace(ACCOUNT, port=587, security=Security.STARTTLS)
