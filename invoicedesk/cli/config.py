"""``invoicedesk config get|set|set-password|forget-password``: the settings from the shell.

``config set KEY VALUE`` takes the SMTP account's keys (``smtp.host`` …, checked as the
settings dialog checks them) and the general settings (``default_due_days``,
``pdf_accent_color`` …; lists and mappings as JSON). The SMTP password is never a
setting: ``config set-password smtp`` reads it from the terminal without echo (or one
line from standard input) and stores it in the system keyring.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING, Any

from invoicedesk.cli.common import (
    EXIT_OK,
    PROG,
    SubParsers,
    add_command,
    add_group,
    open_db,
    refield,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr

if TYPE_CHECKING:
    from invoicedesk.services.mail_types import SmtpAccount

PASSWORD_ENV = "INVOICEDESK_SMTP_PASSWORD"  # the password for one run, where no keyring works
ACCOUNTS = ("smtp",)


def register(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "config", help=tr("show and change settings, store the password"))

    parser = add_command(
        group,
        "get",
        _get,
        help=tr("print one setting's value, or every setting"),
        description=tr(
            "With KEY: print its value alone. Without: every SMTP setting and general "
            "setting, one 'KEY  VALUE' line each, and where the SMTP password is kept."
        ),
    )
    parser.add_argument("key", nargs="?", metavar="KEY", help=tr("e.g. smtp.host"))
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help=tr("default: table")
    )

    parser = add_command(
        group,
        "set",
        _set,
        help=tr("change one setting (checked first); prints the value as stored"),
        description=tr(
            "Keys: smtp.host, smtp.port, smtp.security (starttls, ssl, none), smtp.username, "
            "smtp.sender, smtp.sender_name, smtp.reply_to, smtp.bcc_self, "
            "smtp.allow_insecure, smtp.pinned_certificate, and the general settings "
            "('{prog} config get' lists them; lists and mappings as JSON)."
        ).format(prog=PROG),
    )
    parser.add_argument("key", metavar="KEY")
    parser.add_argument("value", metavar="VALUE")

    parser = add_command(
        group,
        "set-password",
        _set_password,
        help=tr("store the SMTP password in the system keyring (read without echo)"),
        description=tr(
            "Reads the password from the terminal without showing it (or one line from "
            "standard input) and stores it in the system keyring for the account's user, "
            "host and port. Where no keyring works nothing is stored: then '{prog} mail' "
            "reads ${env} or asks on each run."
        ).format(prog=PROG, env=PASSWORD_ENV),
    )
    parser.add_argument("account", choices=ACCOUNTS, help="smtp")

    parser = add_command(
        group,
        "forget-password",
        _forget_password,
        help=tr("remove the SMTP password from the keyring"),
    )
    parser.add_argument("account", choices=ACCOUNTS, help="smtp")


# --------------------------------------------------------------------------- get / set


def _general_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _get(args: argparse.Namespace) -> int:
    from invoicedesk.services import mail_settings, settings

    with open_db(args) as db:
        account = mail_settings.get_account(db)
        values = mail_settings.config_text(account)
        general = settings.all_settings(db)
    values.update({key: _general_text(value) for key, value in general.items()})
    if args.key is not None:
        if args.key not in values:
            raise DomainError(
                "unknown setting '{key}' (one of {keys})", "KEY", code="unknown_setting",
                params={"key": args.key, "keys": ", ".join(values)},
            )  # fmt: skip
        print(values[args.key])
        return EXIT_OK
    if args.format == "json":
        from invoicedesk.cli.output import print_json

        print_json({**mail_settings.config_values(account), **general})
        return EXIT_OK
    width = max(len(key) for key in values)
    for key, text in values.items():
        print(f"{key:<{width}}  {text}".rstrip())
    if account.username:
        print("# " + tr("password: {state}").format(state=_password_state(account)))
    return EXIT_OK


def _password_state(account: SmtpAccount) -> str:
    from invoicedesk.services import secrets

    usable, sentence = secrets.keyring_status()
    if not usable:
        return tr("{sentence} The command line reads ${env} or asks.").format(
            sentence=sentence, env=PASSWORD_ENV
        )
    if account.host and secrets.get_password(account):
        # The service's English sentence shortened; in another language it stays whole.
        return sentence.replace("The password is kept", "stored", 1)
    return tr("not stored yet ('{prog} config set-password smtp')").format(prog=PROG)


def _general_value(key: str, text: str, default: Any) -> Any:
    """The text of a general setting as the type its default has."""
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise DomainError(
            "'{value}' is not true or false", key, code="not_boolean", params={"value": text}
        )
    if isinstance(default, int):
        try:
            return int(text.strip())
        except ValueError:
            raise DomainError(
                "'{value}' is not a whole number", key, code="not_integer", params={"value": text}
            ) from None
    if isinstance(default, list | dict):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            example = '["19", "7", "0"]' if isinstance(default, list) else '{"invoice": "..."}'
            raise DomainError(
                "not JSON ({reason}); e.g. {example}", key, code="not_json",
                params={"reason": exc.msg, "example": example},
            ) from None  # fmt: skip
    return text


def _set(args: argparse.Namespace) -> int:
    from invoicedesk.services import mail_settings, settings

    key = args.key.strip()
    with open_db(args) as db:
        if key in mail_settings.CONFIG_KEYS or key.startswith("smtp."):
            print(mail_settings.set_config(db, key, args.value))
            return EXIT_OK
        if key not in settings.DEFAULTS:
            known = ", ".join((*mail_settings.CONFIG_KEYS, *settings.DEFAULTS))
            raise DomainError(
                "unknown setting '{key}' (one of {keys})", "KEY", code="unknown_setting",
                params={"key": key, "keys": known},
            )  # fmt: skip
        value = _general_value(key, args.value, settings.DEFAULTS[key])
        try:
            stored = settings.set_setting(db, key, value)
        except DomainError as exc:
            raise refield(exc, key) from None
    print(_general_text(stored))
    return EXIT_OK


# --------------------------------------------------------------------------- password


def password_prompt(account: SmtpAccount) -> str:
    return tr("SMTP password for {user} at {host}: ").format(
        user=account.username, host=account.host
    )


def read_password(prompt: str) -> str:
    """The password typed at the terminal (no echo), or the first line of standard input
    when it is not a terminal (``printf '%s\\n' "$PW" | invoicedesk config set-password``)."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(prompt)
        except EOFError:
            return ""
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _set_password(args: argparse.Namespace) -> int:
    from invoicedesk.services import mail_settings, secrets

    with open_db(args) as db:
        account = mail_settings.get_account(db)
    if not account.host:
        raise DomainError(
            "set the server first ('{prog} config set smtp.host …', smtp.port, smtp.username): "
            "the password is stored for that account",
            "smtp.host",
            code="no_server",
            params={"prog": PROG},
        )
    if not account.username:
        raise DomainError(
            "set smtp.username first: without a user name the server is used without a login",
            "smtp.username",
            code="no_username",
        )
    usable, _sentence = secrets.keyring_status()
    if not usable:
        raise _no_keyring()
    password = read_password(password_prompt(account))
    if not password:
        raise DomainError("no password given; nothing was stored", "password", code="no_password")
    if not secrets.store_password(account, password):
        raise _no_keyring()
    print(
        tr("Stored the SMTP password for {account} in the system keyring.").format(
            account=secrets.account_key(account)
        )
    )
    return EXIT_OK


def _no_keyring() -> DomainError:
    return DomainError(
        "no keyring backend is available on this system, so the password was not stored; "
        "'{prog} mail' and '{prog} outbox run' read it from ${env} "
        "or ask for it on each run",
        "password",
        code="no_keyring",
        params={"prog": PROG, "env": PASSWORD_ENV},
    )


def _forget_password(args: argparse.Namespace) -> int:
    from invoicedesk.services import mail_settings, secrets

    with open_db(args) as db:
        account = mail_settings.get_account(db)
    secrets.forget_password(account)
    print(
        tr("Removed the SMTP password for {account} from the keyring.").format(
            account=secrets.account_key(account)
        )
    )
    return EXIT_OK
