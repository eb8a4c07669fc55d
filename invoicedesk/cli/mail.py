"""``invoicedesk mail REF`` and ``invoicedesk outbox list|run|cancel|resend``: send invoices
by e-mail.

``mail`` composes the mail of an issued invoice (the client's addresses, the template in
the client's language, the archived PDF), queues it in the outbox and delivers what is
due once. The outbox is durable: what was not sent stays queued, and ``outbox run``
(or the app) tries again later. Both first recover mail left ``sending`` by a process
that is gone (``unknown``: check, then ``outbox resend`` or ``outbox cancel``).

The password comes from the system keyring (``config set-password smtp``), else from
``$INVOICEDESK_SMTP_PASSWORD``, else it is asked for at the terminal. It is never
printed, logged or part of an error line.

Exit codes beyond the usual ones: 75 (``EX_TEMPFAIL``, as sendmail uses it) when the
mail is queued but could not be sent yet and will be tried again (for ``outbox run``:
see :func:`run_exit_code`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from invoicedesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    PROG,
    SubParsers,
    add_command,
    add_format,
    add_group,
    invoice_id,
    open_db,
    read_text,
    refield,
    split_list,
    whole_number,
)
from invoicedesk.cli.config import PASSWORD_ENV, password_prompt, read_password
from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.i18n import N_, ntr, tr

if TYPE_CHECKING:
    from invoicedesk.services.books import Books
    from invoicedesk.services.mail_types import (
        DeliveryReport,
        MailState,
        OutboxEntry,
        SmtpAccount,
    )

EXIT_QUEUED = 75  # queued, not sent yet: tried again later (sysexits EX_TEMPFAIL)
STATES = ("queued", "sending", "sent", "failed", "cancelled", "unknown")
OPEN_STATES = ("queued", "sending", "failed", "unknown")  # what `outbox list` shows by default
COLUMNS = ("id", "state", "to", "subject", "time", "error")
JSON_COLUMNS = (
    "id",
    "state",
    "invoice",
    "to",
    "cc",
    "bcc",
    "subject",
    "size",
    "attempts",
    "created_at",
    "last_attempt_at",
    "next_attempt_at",
    "sent_at",
    "error",
    "server_reply",
)
LOOKUP_PAGE = 200


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "mail",
        _mail,
        help=tr("send an issued invoice by e-mail (through the outbox)"),
        description=tr(
            "Compose the mail of invoice REF (to the client's addresses unless --to is "
            "given; text from the template in the client's language; the archived PDF "
            "attached), queue it in the outbox and deliver what is due. Exit 75: queued, "
            "but not sent yet (tried again by 'outbox run' or the app)."
        ),
    )
    parser.add_argument("ref", metavar="REF", help=tr("invoice number or id"))
    for option, what in (
        ("--to", N_("recipient (repeat or give a comma list)")),
        ("--cc", N_("copy to (repeat or give a comma list)")),
        ("--bcc", N_("blind copy to (repeat or give a comma list)")),
    ):
        parser.add_argument(option, action="append", metavar="ADDR", help=tr(what))
    parser.add_argument("--template", metavar="NAME", help=tr("the mail template set to use"))
    parser.add_argument(
        "--subject",
        metavar="TEXT",
        help=tr("the subject instead of the template's (placeholders such as {example})").format(
            example="{invoice.number}"
        ),
    )
    parser.add_argument(
        "--body",
        metavar="TEXT",
        help=tr("the text instead of the template's (placeholders too; - reads standard input)"),
    )
    parser.add_argument(
        "--attach", action="append", metavar="FILE", help=tr("attach a file too (repeatable)")
    )
    parser.add_argument(
        "--queue-only", action="store_true", help=tr("only queue it ('outbox run' sends it)")
    )

    group = add_group(subparsers, "outbox", help=tr("list the outbox or deliver what is due"))
    parser = add_command(
        group,
        "list",
        _list,
        help=tr("list outgoing mail (by default what is not sent yet or needs attention)"),
    )
    parser.add_argument(
        "--state",
        action="append",
        metavar="STATE",
        help=tr("{states}; repeat or give a comma list").format(states=", ".join(STATES)),
    )
    parser.add_argument("--all", action="store_true", help=tr("every state, sent ones too"))
    add_format(parser)
    add_command(
        group, "run", _run, help=tr("deliver the mail that is due now and print the result")
    )
    parser = add_command(
        group, "cancel", _cancel, help=tr("cancel a queued, failed or unknown mail (never sent)")
    )
    parser.add_argument(
        "id", metavar="ID", type=whole_number, help=tr("the mail's id in 'outbox list'")
    )
    parser = add_command(
        group,
        "resend",
        _resend,
        help=tr("queue a failed, unknown or cancelled mail again ('outbox run' sends it)"),
        description=tr(
            "Queue mail ID again with the very same message. A mail that was sent already "
            "is only sent a second time with --sent."
        ),
    )
    parser.add_argument(
        "id", metavar="ID", type=whole_number, help=tr("the mail's id in 'outbox list'")
    )
    parser.add_argument(
        "--sent", action="store_true", help=tr("also resend a mail that was sent already")
    )


# --------------------------------------------------------------------------- password


def password_provider(account: SmtpAccount) -> str | None:
    """The password for ``account``: keyring (or this run's memory), else
    ``$INVOICEDESK_SMTP_PASSWORD``, else asked at the terminal (once per run)."""
    from invoicedesk.services import secrets

    password = secrets.get_password(account) or os.environ.get(PASSWORD_ENV) or None
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        password = read_password(password_prompt(account))
        if password:
            secrets.remember_for_session(account, password)
    return password or None


def _require_account(db: Books) -> SmtpAccount:
    from invoicedesk.services import mail_settings

    account = mail_settings.get_account(db)
    if not mail_settings.is_configured(account):
        raise DomainError(
            "set up the mail server first: '{prog} config set smtp.host smtp.example.com', "
            "smtp.sender, smtp.username, then 'config set-password smtp'",
            "smtp",
            code="mail_not_set_up",
            params={"prog": PROG},
        )
    return account


# --------------------------------------------------------------------------- mail


def _addresses(values: Sequence[str] | None, option: str) -> tuple[str, ...]:
    from invoicedesk.services.mail_compose import checked_addresses

    return checked_addresses(split_list(values), option)


def _mail(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from invoicedesk.services import mail_compose, outbox

    with open_db(args) as db:
        account = _require_account(db)
        target = invoice_id(db, args.ref, "REF")
        to = _addresses(args.to, "--to")
        cc = _addresses(args.cc, "--cc")
        bcc = _addresses(args.bcc, "--bcc")
        body = read_text("-") if args.body == "-" else args.body
        draft = mail_compose.compose_for_invoice(
            db, target, template=args.template, to=to, subject=args.subject, body=body
        )
        if args.cc is not None:
            draft = replace(draft, cc=cc)
        if bcc:
            draft = replace(draft, bcc=bcc)
        if args.attach:
            draft = mail_compose.add_files(draft, [Path(p) for p in args.attach])
        entry_id = outbox.queue(db, draft, account).id
        if args.queue_only:
            print(
                tr("Queued {what} for {to} (outbox #{id}; '{prog} outbox run' sends it)").format(
                    what=_name(db, target), to=", ".join(draft.to), id=entry_id, prog=PROG
                )
            )
            return EXIT_OK
        _recover(db)
        report = outbox.deliver_due(db, password_provider=password_provider)
        entry = _entry(db, entry_id)
    return _result(report, entry_id, entry)


def _name(db: Books, target: int) -> str:
    from invoicedesk.services.invoices import get_invoice

    return get_invoice(db, target).display_number


def _all_entries(db: Books, states: Sequence[MailState] = ()) -> list[OutboxEntry]:
    """Every outbox entry of ``states`` (all: empty), newest first, page by page."""
    from invoicedesk.services import outbox

    entries: list[OutboxEntry] = []
    while True:
        page = outbox.list_outbox(db, states=states, limit=LOOKUP_PAGE, offset=len(entries))
        entries += page
        if len(page) < LOOKUP_PAGE:
            return entries


def _entry(db: Books, entry_id: int) -> OutboxEntry | None:
    """The entry ``entry_id`` (a run touches recent mail: searched from the newest)."""
    from invoicedesk.services import outbox

    offset = 0
    while True:
        page = outbox.list_outbox(db, limit=LOOKUP_PAGE, offset=offset)
        for entry in page:
            if entry.id == entry_id:
                return entry
        if len(page) < LOOKUP_PAGE:
            return None
        offset += LOOKUP_PAGE


def _what(entry: OutboxEntry | None, entry_id: int) -> str:
    if entry is None:
        return f"outbox #{entry_id}"  # also a field name: the same in every language
    return entry.invoice_number or f"outbox #{entry_id}"


def _why(entry: OutboxEntry | None, report: DeliveryReport) -> str:
    parts = []
    if entry is not None and entry.error:
        parts.append(entry.error)
    elif report.error:
        parts.append(report.error)
    if entry is not None and entry.server_reply and entry.server_reply not in " ".join(parts):
        parts.append(tr("the server replied: {reply}").format(reply=entry.server_reply))
    return " ".join(" — ".join(parts).split()) or tr("no reason was given")


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _result(report: DeliveryReport, entry_id: int, entry: OutboxEntry | None) -> int:
    what = _what(entry, entry_id)
    others = len([i for i in report.sent if i != entry_id])
    if entry_id in report.sent:
        to = ", ".join(entry.to) if entry is not None else ""
        text = tr("Sent {what} to {to}") if to else tr("Sent {what}")
        text = text.format(what=what, to=to)
        if others:
            more = ntr(" (and {n} more queued mail)", " (and {n} more queued mail)", others)
            text += more.format(n=others)
        print(text)
        return EXIT_OK
    if entry_id in report.failed:
        raise DomainError(
            "not sent: {reason}", what, code="mail_failed", params={"reason": _why(entry, report)}
        )
    if entry_id in report.unknown:
        raise DomainError(
            "the connection broke after the message was handed over, so it may or may not "
            "have arrived ({reason}); check with the recipient, then resend or "
            "cancel it in the outbox",
            what,
            code="mail_unknown",
            params={"reason": _why(entry, report)},
        )
    when = _local(entry.next_attempt_at) if entry is not None else ""
    text = (
        tr("not sent yet — {reason}; it stays in the outbox and is tried again from {when} "
           "('{prog} outbox run' or the app)")
        if when
        else tr("not sent yet — {reason}; it stays in the outbox and is tried again later "
                "('{prog} outbox run' or the app)")
    )  # fmt: skip
    reason = _why(entry, report)
    sys.stderr.write(f"{PROG}: {what}: {text.format(reason=reason, when=when, prog=PROG)}\n")
    return EXIT_QUEUED


# --------------------------------------------------------------------------- outbox


def _states(args: argparse.Namespace) -> tuple[str, ...] | None:
    if args.all:
        if args.state:
            raise DomainError("give --all or --state, not both", "--all", code="exclusive")
        return None
    if not args.state:
        return OPEN_STATES
    states = []
    for value in split_list(args.state):
        state = value.lower()
        if state not in STATES:
            raise DomainError(
                "'{value}' is not a state (one of {states})", "--state", code="unknown_state",
                params={"value": value, "states": ", ".join(STATES)},
            )  # fmt: skip
        if state not in states:
            states.append(state)
    return tuple(states)


def _time(entry: OutboxEntry) -> dt.datetime | None:
    """The moment that matters for the entry's state."""
    state = str(entry.state)
    if state == "sent":
        return entry.sent_at
    if state == "queued":
        return entry.next_attempt_at or entry.created_at
    return entry.last_attempt_at or entry.created_at


def _list(args: argparse.Namespace) -> int:
    from invoicedesk.cli.output import print_rows, state_text
    from invoicedesk.services.mail_types import MailState

    states = _states(args)
    with open_db(args) as db:
        wanted = tuple(MailState(s) for s in states) if states is not None else ()
        entries = _all_entries(db, wanted)
    rows = [
        {
            "id": entry.id,
            "state": str(entry.state) if args.format != "table" else state_text(str(entry.state)),
            "invoice": entry.invoice_number,
            "to": ", ".join(entry.to) if args.format != "json" else list(entry.to),
            "cc": list(entry.cc),
            "bcc": list(entry.bcc),
            "subject": entry.subject,
            "size": entry.size,
            "attempts": entry.attempts,
            "created_at": entry.created_at,
            "last_attempt_at": entry.last_attempt_at,
            "next_attempt_at": entry.next_attempt_at,
            "sent_at": entry.sent_at,
            "time": _local(_time(entry)),
            "error": " ".join((entry.error or entry.server_reply).split()),
            "server_reply": entry.server_reply,
        }
        for entry in entries
    ]
    print_rows(rows, JSON_COLUMNS if args.format == "json" else COLUMNS, args.format)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from invoicedesk.services import outbox

    with open_db(args) as db:
        _recover(db)
        report = outbox.deliver_due(db, password_provider=password_provider)
        touched = (*report.sent, *report.retrying, *report.failed, *report.unknown)
        entries = {i: _entry(db, i) for i in touched}
    print(
        tr("Sent {sent}, to be retried {retrying}, failed {failed}, unknown {unknown}").format(
            sent=len(report.sent), retrying=len(report.retrying), failed=len(report.failed),
            unknown=len(report.unknown),
        )
    )  # fmt: skip
    for i in report.sent:
        entry = entries[i]
        to = ", ".join(entry.to) if entry else ""
        print(("  " + tr("sent {what} to {to}").format(what=_what(entry, i), to=to)).rstrip())
    problems = [(i, tr("to be retried")) for i in report.retrying]
    problems += [(i, tr("failed")) for i in report.failed]
    problems += [(i, tr("may or may not have arrived")) for i in report.unknown]
    for i, what in problems:
        reason = _why(entries[i], report)
        sys.stderr.write(f"{PROG}: error: {_what(entries[i], i)}: {what}: {reason}\n")
    if report.error and not problems:
        sys.stderr.write(f"{PROG}: error: {' '.join(report.error.split())}\n")
    return run_exit_code(report)


def run_exit_code(report: DeliveryReport) -> int:
    """One exit code per outcome of ``outbox run``: 2 when a mail needs a person (failed
    for good, or unknown), else 75 when mail waits to be tried again (a 4xx reply, the
    server unreachable), else 0 (all sent, or nothing was due)."""
    if report.failed or report.unknown:
        return EXIT_ERROR
    if report.retrying or report.error:
        return EXIT_QUEUED
    return EXIT_OK


def _recover(db: Books) -> None:
    """Mail left ``sending`` by a process that is gone becomes ``unknown`` (safe while
    another process sends: its claim is left alone)."""
    from invoicedesk.services import outbox

    recovered = outbox.recover_interrupted(db)
    if recovered:
        text = ntr(
            "{n} mail left 'sending' by a stopped run may or may not have arrived (now "
            "'unknown'); check, then '{prog} outbox resend ID' or '{prog} outbox cancel ID'",
            "{n} mails left 'sending' by a stopped run may or may not have arrived (now "
            "'unknown'); check, then '{prog} outbox resend ID' or '{prog} outbox cancel ID'",
            recovered,
        )
        sys.stderr.write(f"{PROG}: {text.format(n=recovered, prog=PROG)}\n")


def _cancel(args: argparse.Namespace) -> int:
    from invoicedesk.services import outbox

    with open_db(args) as db:
        try:
            entry = outbox.cancel(db, args.id)
        except DomainError as exc:
            raise refield(exc, f"outbox #{args.id}") from None
    print(
        tr("Cancelled {what} (outbox #{id}); it will not be sent").format(
            what=_what(entry, entry.id), id=entry.id
        )
    )
    return EXIT_OK


def _resend(args: argparse.Namespace) -> int:
    from invoicedesk.services import outbox
    from invoicedesk.services.mail_types import MailState

    where = f"outbox #{args.id}"
    with open_db(args) as db:
        seen = _entry(db, args.id)
        if seen is not None and seen.state is MailState.SENT and not args.sent:
            raise ConflictError(
                "it was sent already; add --sent to send it a second time", where,
                code="already_sent",
            )  # fmt: skip
        try:
            # expected: what was just read, so a mail sent in between is not sent again
            entry = outbox.resend(
                db,
                args.id,
                expected=seen.state if seen is not None else None,
                allow_sent=args.sent,
            )
        except DomainError as exc:
            raise refield(exc, where) from None
    print(
        tr("Queued {what} (outbox #{id}) again; '{prog} outbox run' sends it").format(
            what=_what(entry, entry.id), id=entry.id, prog=PROG
        )
    )
    return EXIT_OK
