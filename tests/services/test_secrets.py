"""The SMTP password: in the keyring when one works, in session memory when none does,
never in an exception or a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import mail_settings, secrets
from invoicedesk.services.mail_types import SmtpAccount
from tests.keyrings import MemoryKeyring

ACCOUNT = SmtpAccount(host="smtp.muster.example", port=587, username="billing")
PASSWORD = "s3cr3t-Pässwort!"


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses (the user dismissed the unlock prompt); its
    error text echoes what it was given, as a careless backend might."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"locked while reading {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"cannot store {password!r}: the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked(f"cannot delete {username}: locked")


# The backends register themselves with keyring when defined; keep them out of the list
# keyring picks its default from, so only the tests that set one ever use them.
KeyringBackend._classes.difference_update({MemoryKeyring, LockedKeyring})  # type: ignore[attr-defined]


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """Restore the process's keyring and session memory after the test."""
    previous = keyring.get_keyring()
    secrets.clear_session()
    try:
        yield
    finally:
        keyring.set_keyring(previous)
        secrets.clear_session()


@pytest.fixture
def memory_keyring(use_keyring: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(use_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())


def test_account_key() -> None:
    assert secrets.account_key(ACCOUNT) == "billing@smtp.muster.example:587"


def test_stored_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert secrets.keyring_status() == (
        True,
        f"The password is kept in the system keyring ({MemoryKeyring.name}).",
    )
    assert secrets.store_password(ACCOUNT, PASSWORD) is True
    assert memory_keyring.passwords == {(secrets.SERVICE, secrets.account_key(ACCOUNT)): PASSWORD}
    assert secrets.get_password(ACCOUNT) == PASSWORD
    # Another port is another account.
    other_port = SmtpAccount(host=ACCOUNT.host, username="billing", port=465)
    assert secrets.get_password(other_port) is None

    secrets.forget_password(ACCOUNT)
    assert memory_keyring.passwords == {}
    assert secrets.get_password(ACCOUNT) is None
    secrets.forget_password(ACCOUNT)  # forgetting twice is fine


def test_no_keyring_keeps_the_password_for_the_session(no_keyring: None) -> None:
    usable, sentence = secrets.keyring_status()
    assert not usable
    assert sentence.startswith("No keyring backend is available on this system (")
    assert sentence.endswith("You will be asked for the password once per session.")
    assert "Traceback" not in sentence and "keyring.backends" not in sentence

    assert secrets.get_password(ACCOUNT) is None
    assert secrets.store_password(ACCOUNT, PASSWORD) is False
    assert secrets.get_password(ACCOUNT) == PASSWORD
    secrets.forget_password(ACCOUNT)
    assert secrets.get_password(ACCOUNT) is None

    secrets.remember_for_session(ACCOUNT, "typed-once")
    assert secrets.get_password(ACCOUNT) == "typed-once"


def test_a_refusing_keyring_falls_back_without_leaking(
    use_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    keyring.set_keyring(LockedKeyring())
    caplog.set_level(logging.DEBUG)
    assert secrets.store_password(ACCOUNT, PASSWORD) is False
    assert secrets.get_password(ACCOUNT) == PASSWORD  # from the session
    secrets.clear_session()
    assert secrets.get_password(ACCOUNT) is None  # the read failed, logged, no exception
    with pytest.raises(DomainError) as error:
        secrets.forget_password(ACCOUNT)
    assert error.value.message == (
        "the keyring did not remove the password "
        "(cannot delete billing@smtp.muster.example:587: locked)"
    )
    assert error.value.__cause__ is None and error.value.__suppress_context__
    assert caplog.records, "the refusals are logged"
    for record in caplog.records:
        assert PASSWORD not in record.getMessage()
    assert "***" in caplog.text  # the backend's echo of the password was blanked


def test_the_session_copy_is_newer_than_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert secrets.store_password(ACCOUNT, "old") is True
    secrets.remember_for_session(ACCOUNT, "typed-just-now")
    assert secrets.get_password(ACCOUNT) == "typed-just-now"
    assert secrets.store_password(ACCOUNT, "new") is True  # the keyring takes it: no copy
    assert secrets.get_password(ACCOUNT) == "new"


def test_refused_input(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(DomainError, match="enter the password"):
        secrets.store_password(ACCOUNT, "")
    with pytest.raises(DomainError, match="set up the SMTP server"):
        secrets.store_password(SmtpAccount(), PASSWORD)
    assert secrets.get_password(SmtpAccount()) is None
    assert memory_keyring.passwords == {}


def test_the_password_moves_with_the_account(memory_keyring: MemoryKeyring, db: Database) -> None:
    account = mail_settings.save_account(
        db, replace(ACCOUNT, sender="billing@muster.example", port=587)
    )
    assert secrets.store_password(account, PASSWORD) is True
    mail_settings.set_config(db, "smtp.port", "465")
    moved = mail_settings.get_account(db)
    assert secrets.get_password(moved) == PASSWORD
    assert list(memory_keyring.passwords) == [(secrets.SERVICE, "billing@smtp.muster.example:465")]
    mail_settings.save_account(db, replace(moved, username="office"))
    assert list(memory_keyring.passwords) == [(secrets.SERVICE, "office@smtp.muster.example:465")]


def test_the_session_password_moves_too(no_keyring: None, db: Database) -> None:
    account = mail_settings.save_account(db, replace(ACCOUNT, sender="billing@muster.example"))
    secrets.remember_for_session(account, PASSWORD)
    mail_settings.set_config(db, "smtp.host", "mail.muster.example")
    assert secrets.get_password(mail_settings.get_account(db)) == PASSWORD
    assert secrets.get_password(account) is None


class ReadOnlyKeyring(MemoryKeyring):
    """Gives what it holds but refuses to store (a locked collection, say)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


KeyringBackend._classes.discard(ReadOnlyKeyring)  # type: ignore[attr-defined]


def test_the_old_entry_stays_when_the_new_one_is_only_in_memory(
    use_keyring: None, db: Database
) -> None:
    backend = ReadOnlyKeyring()
    keyring.set_keyring(backend)
    account = mail_settings.save_account(db, replace(ACCOUNT, sender="billing@muster.example"))
    backend.passwords[(secrets.SERVICE, secrets.account_key(account))] = PASSWORD

    mail_settings.set_config(db, "smtp.port", "465")

    assert secrets.get_password(mail_settings.get_account(db)) == PASSWORD  # this session
    # The app quits: the session copy is gone, the keyring's must not be.
    secrets.clear_session()
    assert backend.passwords == {(secrets.SERVICE, secrets.account_key(account)): PASSWORD}
