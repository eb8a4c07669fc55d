"""The durable outbox: mail is queued in the database first, then delivered, exactly once.

:func:`queue` checks a draft, builds the message once and commits its bytes (with
its Message-ID) before anything touches the network; a crash after that loses
nothing. :func:`deliver_due` sends what is due over one connection. Each message is
marked ``sending`` in a committed transaction of its own just before it is handed
over, and ``sent`` (with the invoice's sent date and an audit entry) in one more
after the server confirmed it, so after a crash a message is either still queued
(never handed over: sent later), ``sending`` (:func:`recover_interrupted` makes it
``unknown`` at start-up) or done.

Retries never send a message twice: only failures *before* the data was handed
over are retried (4xx, refused or lost connections), with growing delays. A
connection lost *after* the whole message went out leaves it ``unknown``; the
person checks and resends or cancels. 5xx answers and messages larger than the
server accepts are ``failed`` and never retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from secrets import token_hex
from typing import Protocol

from email_validator import EmailNotValidError
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, defer

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.rules import Action, allows
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice, OutgoingMail, Setting
from invoicedesk.db.types import utcnow
from invoicedesk.i18n import N_, tr
from invoicedesk.services.audit import record
from invoicedesk.services.mail_message import (
    build_message,
    check_addresses,
    check_header,
    message_bytes,
    wire_address,
)
from invoicedesk.services.mail_types import (
    DeliveryReport,
    MailDraft,
    MailState,
    OutboxEntry,
    SmtpAccount,
)
from invoicedesk.services.smtp import MailError, SmtpConnection, megabytes, too_big_message

log = logging.getLogger(__name__)

# The wait after the n-th failed attempt: 1, 5, 15, 60 minutes, then every 4 hours.
RETRY_DELAYS = tuple(dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
# Attempt 17 comes 49 hours after the first: a message still failing then is given up.
MAX_ATTEMPTS = 17
MAX_SUBJECT = 300
# Reasons stored on the mail in English (data); translated where a view is made.
INTERRUPTED = N_("the app stopped while sending; check your Sent folder, then resend or cancel")
DOCUMENT_CANCELLED = N_("the invoice was cancelled after this mail was queued; it was not sent")
NO_CONTENT = N_("the message was stored without its content")
STOPPED_BEFORE = N_(
    "sending was interrupted before the message went out; it waits for the next run"
)
# A ``sending`` claim older than this is stale whoever holds it (another machine, a pid
# reused since). Far longer than any send takes: each network step waits at most
# SmtpAccount.timeout (30 s), and a message of the largest size (25 MB of attachments)
# takes minutes even over a slow uplink. Should a send still outlast it, recovery calls
# the mail unknown, and the sender's own confirmation turns it into sent after all.
CLAIM_LEASE = dt.timedelta(minutes=30)
# The largest message the server announced (EHLO SIZE), remembered per server so that
# queue() can refuse a message that is too big before it ever goes out.
SIZE_SETTING = "outbox.size_limit"
_SEPARATOR = ", "


class Connection(Protocol):
    """What deliver_due needs of a connection (:class:`SmtpConnection` is the real one).

    A connection may also have ``data_started`` (bool): whether the last ``send`` began to
    transmit the message's data. Without it, any unexpected error in ``send`` is taken
    to mean the message may have gone out.
    """

    size_limit: int | None

    @property
    def is_open(self) -> bool: ...

    def open(self) -> None: ...

    def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str: ...

    def close(self) -> None: ...


ConnectionFactory = Callable[[SmtpAccount, str | None], Connection]


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, …)."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


# --------------------------------------------------------------------------- queueing


def checked_draft(draft: MailDraft, account: SmtpAccount) -> tuple[MailDraft, SmtpAccount]:
    """The draft and account with every address and header checked and normalised, or a
    DomainError naming the field. Nothing user-typed reaches a header unchecked."""
    if not account.sender.strip():
        raise DomainError("enter the sender address in the mail settings", "smtp.sender")
    (sender,) = check_addresses([account.sender], "smtp.sender")
    reply_to = check_addresses([account.reply_to], "smtp.reply_to")[0] if account.reply_to else ""
    account = replace(
        account,
        sender=sender,
        sender_name=check_header(account.sender_name, "smtp.sender_name").strip(),
        reply_to=reply_to,
    )
    to = check_addresses(draft.to, "to")
    if not to:
        raise DomainError("add at least one recipient", "to")
    subject = check_header(draft.subject, "subject").strip()
    if len(subject) > MAX_SUBJECT:
        raise DomainError(
            "keep the subject to {max_subject} characters",
            "subject",
            params={"max_subject": MAX_SUBJECT},
        )
    for index, attachment in enumerate(draft.attachments):
        where = f"attachments[{index}]"
        if not attachment.filename.strip():
            raise DomainError("an attachment needs a file name", where)
        check_header(attachment.filename, "attachment's file name")
        maintype, _, subtype = attachment.mime_type.partition("/")
        if not (maintype and subtype) or not attachment.mime_type.isascii():
            raise DomainError(
                "'{mime_type}' is not a MIME type",
                where,
                params={"mime_type": attachment.mime_type},
            )
        check_header(attachment.mime_type, where)
    draft = replace(
        draft,
        to=to,
        cc=check_addresses(draft.cc, "cc"),
        bcc=check_addresses(draft.bcc, "bcc"),
        subject=subject,
    )
    return draft, account


def queue(db: Database, draft: MailDraft, account: SmtpAccount) -> OutboxEntry:
    """Check ``draft``, build its message once and store it as ``queued`` (committed).

    Raises DomainError (nothing is stored) for a bad address, a line break in a
    header, or a message larger than the server is known to accept.
    """
    draft, account = checked_draft(draft, account)
    data = message_bytes(build_message(draft, account))
    message_id = _message_id(data)
    bcc = draft.bcc
    if account.bcc_self and account.sender.casefold() not in {a.casefold() for a in bcc}:
        bcc = (*bcc, account.sender)  # shown in the outbox: a blind copy goes there
    with db.write() as session:
        limit = _known_size_limit(session, account)
        if limit is not None and len(data) > limit:
            raise DomainError(
                "the message is {size} and {where} accepts at most {limit}; "
                "send fewer or smaller attachments",
                "attachments",
                code="too_big",
                params={
                    "size": megabytes(len(data)),
                    "where": f"{account.host}:{account.port}",
                    "limit": megabytes(limit),
                },
            )
        number = None
        if draft.invoice_id is not None:
            invoice = session.get(Invoice, draft.invoice_id)
            if invoice is None:
                raise NotFoundError(
                    "invoice {invoice_id} does not exist",
                    "invoice_id",
                    params={"invoice_id": draft.invoice_id},
                )
            number = invoice.number
        row = OutgoingMail(
            invoice_id=draft.invoice_id,
            reminder_id=draft.reminder_id,
            to_addrs=_SEPARATOR.join(draft.to),
            cc_addrs=_SEPARATOR.join(draft.cc),
            bcc_addrs=_SEPARATOR.join(bcc),
            subject=draft.subject,
            body=draft.body,
            attachment_ids=[],
            status=MailState.QUEUED.value,
            message_id=message_id,
            sender=wire_address(account.sender),  # the envelope's form: IDNA domain
            eml=data,
            size=len(data),
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        record(
            session,
            "mail",
            row.id,
            "queued",
            f"Queued for {_SEPARATOR.join(draft.to)}",
            to_state=MailState.QUEUED.value,
        )
        return _entry(row, number)


def _message_id(data: bytes) -> str:
    head = data.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode("ascii")
    raise AssertionError("build_message always sets a Message-ID")


def _server_key(account: SmtpAccount) -> str:
    return f"{account.host.lower()}:{account.port}"


def _known_size_limit(session: Session, account: SmtpAccount) -> int | None:
    stored = session.get(Setting, SIZE_SETTING)
    value = stored.value if stored is not None else None
    if isinstance(value, dict) and value.get("server") == _server_key(account):
        size = value.get("size")
        return size if isinstance(size, int) and size > 0 else None
    return None


def _remember_size_limit(db: Database, account: SmtpAccount, size: int | None) -> None:
    value = {"server": _server_key(account), "size": size}
    with db.read() as session:
        stored = session.get(Setting, SIZE_SETTING)
        if stored is not None and stored.value == value:
            return
    with db.write() as session:
        stored = session.get(Setting, SIZE_SETTING)
        if stored is None:
            session.add(Setting(key=SIZE_SETTING, value=value))
        else:
            stored.value = value


# --------------------------------------------------------------------------- claims

_token: tuple[int, str] | None = None


def _host_name() -> str:
    return (socket.gethostname() or "localhost")[:60]


def claim_token() -> str:
    """This process's mark on the mail it is sending: "host:pid:random" (a new one after
    a fork). Written with ``sending``; every later change of that row checks it."""
    global _token
    pid = os.getpid()
    if _token is None or _token[0] != pid:
        _token = (pid, f"{_host_name()}:{pid}:{token_hex(8)}")
    return _token[1]


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill() would end the process there: the lease alone decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, under another user
        return True
    return True


def _claim_is_stale(row: OutgoingMail, now: dt.datetime) -> bool:
    """Whether the process that marked ``row`` sending is gone: the claim is older than
    :data:`CLAIM_LEASE`, or it was made on this machine by a process that has ended."""
    if row.last_attempt_at is None or row.last_attempt_at <= now - CLAIM_LEASE:
        return True
    host, _, rest = row.claimed_by.rpartition(":")[0].rpartition(":")
    if not host or host != _host_name() or not rest.isdigit() or int(rest) <= 0:
        return False  # another machine (or no claim at all): only the lease can tell
    return not _pid_alive(int(rest))


def _claimed(token: str, *states: MailState) -> ColumnElement[bool]:
    """Rows this process claimed and that are still in one of ``states``."""
    return and_(
        OutgoingMail.claimed_by == token,
        OutgoingMail.status.in_([s.value for s in states or (MailState.SENDING,)]),
    )


# --------------------------------------------------------------------------- delivery


@dataclass
class _Tally:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    error: str = ""

    def add(self, mail_id: int, state: MailState) -> None:
        {
            MailState.SENT: self.sent,
            MailState.QUEUED: self.retrying,
            MailState.FAILED: self.failed,
            MailState.UNKNOWN: self.unknown,
        }[state].append(mail_id)

    def report(self) -> DeliveryReport:
        return DeliveryReport(
            sent=tuple(self.sent),
            retrying=tuple(self.retrying),
            failed=tuple(self.failed),
            unknown=tuple(self.unknown),
            error=self.error,
        )


def _due_filter(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        OutgoingMail.status == MailState.QUEUED.value,
        or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now),
    )


def _configured_account(db: Database) -> SmtpAccount:
    from invoicedesk.services.mail_settings import get_account

    return get_account(db)


def deliver_due(
    db: Database,
    *,
    password_provider: Callable[[SmtpAccount], str | None],
    now: dt.datetime | None = None,
    connection_factory: ConnectionFactory = SmtpConnection,
    limit: int | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    account: SmtpAccount | None = None,
) -> DeliveryReport:
    """Send every queued message that is due, over one connection; returns what happened.

    ``now`` fixes the clock (tests); ``account`` defaults to the stored mail settings.
    ``is_cancelled`` is asked before each message: a cancelled run stops between
    messages, and what was not handed over stays queued. A run that cannot connect
    says why in ``DeliveryReport.error``; problems with the settings themselves (no
    server, no password) leave the messages untouched.
    """
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else utcnow
    with db.read() as session:
        query = select(OutgoingMail.id).where(_due_filter(clock())).order_by(OutgoingMail.id)
        pending = list(session.scalars(query.limit(limit) if limit is not None else query))
    if not pending:
        return DeliveryReport()
    account = account if account is not None else _configured_account(db)
    tally = _Tally()
    try:
        password = password_provider(account)
    except Exception as exc:  # noqa: BLE001 - a keyring failure is reported, not a crash
        tally.error = f"the password could not be read: {exc}"
        return tally.report()
    connection: Connection | None = None
    try:
        while pending:
            if is_cancelled is not None and is_cancelled():
                break
            if connection is None:
                connection = connection_factory(account, password)
                try:
                    connection.open()
                except DomainError as exc:
                    tally.error = exc.message
                    break
                except MailError as exc:
                    # Nothing was handed over: everything still pending waits its turn.
                    tally.error = exc.message
                    _attempt_failed(db, pending, exc, clock(), tally, claimed=False)
                    connection = None
                    break
                _remember_size_limit(db, account, connection.size_limit)
            _deliver_one(db, connection, pending.pop(0), clock, tally)
            if not connection.is_open:  # dropped: the next message gets a new connection
                connection = None
    finally:
        if connection is not None:
            connection.close()
    log.info(
        "outbox: %d sent, %d retrying, %d failed, %d unknown",
        len(tally.sent),
        len(tally.retrying),
        len(tally.failed),
        len(tally.unknown),
    )
    return tally.report()


def _deliver_one(
    db: Database,
    connection: Connection,
    mail_id: int,
    clock: Callable[[], dt.datetime],
    tally: _Tally,
) -> None:
    # 1. Claim: SENDING with our token, committed before a byte goes out. The write
    #    transaction holds SQLite's write lock, so a second process cannot claim it too.
    token = claim_token()
    with db.write() as session:
        row = session.get(OutgoingMail, mail_id)
        if row is None or row.status != MailState.QUEUED.value:
            return  # cancelled, or taken by another run in between
        now = clock()
        row.attempts += 1
        row.last_attempt_at = now
        if row.eml is None:
            _finish(session, row, MailState.FAILED, NO_CONTENT)
            tally.add(mail_id, MailState.FAILED)
            return
        document = (
            session.execute(
                select(Invoice.doc_type, Invoice.status).where(Invoice.id == row.invoice_id)
            ).first()
            if row.invoice_id is not None
            else None
        )
        if document is not None and not allows(document.doc_type, document.status, Action.SEND):
            # Cancelled since it was queued: it must not reach the client as a bill to pay.
            _finish(session, row, MailState.FAILED, DOCUMENT_CANCELLED)
            tally.add(mail_id, MailState.FAILED)
            return
        limit = connection.size_limit
        if limit is not None and row.size > limit:
            message = too_big_message(row.size, limit, None)
            _finish(session, row, MailState.FAILED, message)
            tally.add(mail_id, MailState.FAILED)
            return
        try:
            sender, recipients = _envelope(row)
        except _Unsendable as exc:
            _finish(session, row, MailState.FAILED, str(exc))
            tally.add(mail_id, MailState.FAILED)
            return
        row.status = MailState.SENDING.value
        row.claimed_by = token
        data = row.eml
    # 2. Hand it over.
    try:
        reply = connection.send(data, sender, recipients)
    except MailError as exc:
        _attempt_failed(db, [mail_id], exc, clock(), tally, claimed=True)
        return
    except Exception as exc:
        if not getattr(connection, "data_started", True):
            # Nothing of the message went out (an encoding error, a bug before DATA): it
            # cannot have arrived, so not "unknown". It fails, and the run goes on over a
            # new connection (this one is in no known state).
            log.exception("outbox: mail %d could not be handed over", mail_id)
            connection.close()
            error = MailError(f"the message could not be handed over: {exc}")
            _attempt_failed(db, [mail_id], error, clock(), tally, claimed=True)
            return
        # Not knowing how far it got, it may have gone out: never send it again on our own.
        with db.write() as session:
            row = _own_row(session, mail_id, token)
            if row is not None:
                _finish(session, row, MailState.UNKNOWN, INTERRUPTED)
        raise
    except BaseException:
        # Ctrl+C, SystemExit: never leave the mark behind. Before the data started nothing
        # can have arrived: queued again (due now). After: it may have, so unknown.
        started = getattr(connection, "data_started", True)
        with db.write() as session:
            row = _own_row(session, mail_id, token)
            if row is not None:
                if started:
                    _finish(session, row, MailState.UNKNOWN, INTERRUPTED)
                else:
                    _finish(session, row, MailState.QUEUED, STOPPED_BEFORE)
        raise
    # 3. Sent: the row, the invoice and the audit log in one transaction — if the row is
    #    still ours. "unknown" by a recovery that took our claim for stale is corrected:
    #    the server confirmed it.
    with db.write() as session:
        row = _own_row(session, mail_id, token, MailState.SENDING, MailState.UNKNOWN)
        if row is None:
            log.warning("outbox: mail %d was sent, but changed meanwhile; left as it is", mail_id)
        else:
            row.server_reply = reply
            row.sent_at = clock()
            _finish(session, row, MailState.SENT, "")
            _mark_document_sent(session, row)
    tally.add(mail_id, MailState.SENT)


def _own_row(session: Session, mail_id: int, token: str, *states: MailState) -> OutgoingMail | None:
    """The row ``mail_id`` if this process claimed it and it is in ``states`` (sending)."""
    query = select(OutgoingMail).where(OutgoingMail.id == mail_id, _claimed(token, *states))
    return session.scalars(query).one_or_none()


class _Unsendable(Exception):
    """An envelope address that cannot go over SMTP without SMTPUTF8."""


def _wire(address: str) -> str:
    """The envelope form (IDNA domain, ASCII) of a stored address, or _Unsendable."""
    try:
        address = wire_address(address)
    except EmailNotValidError:
        pass  # checked when queued; the server will judge it
    if not address.isascii():
        raise _Unsendable(
            f"the address {address} cannot be sent: the part before the @ is not ASCII, which "
            "needs SMTPUTF8 on every server on the way; use another address"
        )
    return address


def _envelope(row: OutgoingMail) -> tuple[str, tuple[str, ...]]:
    """The envelope sender and recipients in their wire form (IDNA domains, ASCII)."""
    result: list[str] = []
    for address in _split(row.to_addrs) + _split(row.cc_addrs) + _split(row.bcc_addrs):
        address = _wire(address)
        if address.casefold() not in {a.casefold() for a in result}:
            result.append(address)
    return _wire(row.sender), tuple(result)


def _attempt_failed(
    db: Database,
    mail_ids: Sequence[int],
    exc: MailError,
    now: dt.datetime,
    tally: _Tally,
    *,
    claimed: bool,
) -> None:
    """Record a failed attempt (one transaction): unknown, failed, or queued again later.

    ``claimed``: the messages were marked sending and this was their own attempt;
    else the connection could not be opened for them.
    """
    mine = _claimed(claim_token()) if claimed else OutgoingMail.status == MailState.QUEUED.value
    with db.write() as session:
        rows = session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.id.in_(mail_ids), mine)
            .order_by(OutgoingMail.id)
        ).all()
        for row in rows:
            if not claimed:
                row.attempts += 1
                row.last_attempt_at = now
            row.server_reply = exc.reply
            error = exc.message
            if exc.uncertain:
                state = MailState.UNKNOWN
            elif claimed and not exc.temporary:
                # Refused for this message. A connection that could not be opened (even a
                # refused login or certificate) says nothing about the message: that waits.
                state = MailState.FAILED
            elif row.attempts >= MAX_ATTEMPTS:
                state = MailState.FAILED
                error = f"still failing after {row.attempts} attempts in two days: {error}"
            else:
                state = MailState.QUEUED
                row.next_attempt_at = now + retry_delay(row.attempts)
            _finish(session, row, state, error)
            tally.add(row.id, state)


def _finish(session: Session, row: OutgoingMail, state: MailState, error: str) -> None:
    before = row.status
    row.status = state.value
    row.error = error
    if state is not MailState.QUEUED:
        row.next_attempt_at = None
    if state is MailState.QUEUED:
        return  # a retry is not a change anyone needs in the history
    summary = {
        MailState.SENT: f"Sent to {row.to_addrs}",
        MailState.FAILED: f"Not sent: {error}",
        MailState.UNKNOWN: f"Perhaps not sent: {error}",
        MailState.CANCELLED: "Cancelled",
    }.get(state, state.value)
    record(session, "mail", row.id, state.value, summary, from_state=before, to_state=state.value)


def _mark_document_sent(session: Session, row: OutgoingMail) -> None:
    """The invoice was sent: its sent date and recipients, and an entry in its history."""
    if row.invoice_id is None:
        return
    invoice = session.get(Invoice, row.invoice_id)
    if invoice is None:
        return
    visible = _split(row.to_addrs) + _split(row.cc_addrs)
    details: dict[str, object] = {
        "mail_id": row.id,
        "to": _split(row.to_addrs),
        "cc": _split(row.cc_addrs),
        "bcc": _split(row.bcc_addrs),
        "message_id": row.message_id,
    }
    if row.reminder_id is not None:
        details["reminder_id"] = row.reminder_id
        summary = f"Reminder sent by e-mail to {_SEPARATOR.join(visible)}"
        record(session, "invoice", invoice.id, "reminder_sent", summary, details=details)
        return
    invoice.sent_at = row.sent_at
    invoice.sent_to = _SEPARATOR.join(visible)
    summary = f"Sent by e-mail to {_SEPARATOR.join(visible)}"
    record(session, "invoice", invoice.id, "sent", summary, details=details)


def recover_interrupted(db: Database, *, now: dt.datetime | None = None) -> int:
    """Messages left ``sending`` by a process that is gone become ``unknown`` (they may
    have gone out; never resent on our own). Returns how many.

    Safe while other processes send: a claim is taken only when it is stale — made on
    this machine by a process that has ended, or older than :data:`CLAIM_LEASE` (the
    only test for a claim from another machine, and on Windows).
    """
    moment = now if now is not None else utcnow()
    with db.write() as session:
        rows = session.scalars(
            select(OutgoingMail).where(OutgoingMail.status == MailState.SENDING.value)
        ).all()
        stale = [row for row in rows if _claim_is_stale(row, moment)]
        for row in stale:
            _finish(session, row, MailState.UNKNOWN, INTERRUPTED)
        return len(stale)


# --------------------------------------------------------------------------- the list


def _split(text: str) -> tuple[str, ...]:
    return tuple(a for a in text.split(_SEPARATOR) if a) if text else ()


def _entry(row: OutgoingMail, invoice_number: str | None) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        state=MailState(row.status),
        invoice_id=row.invoice_id,
        invoice_number=invoice_number,
        to=_split(row.to_addrs),
        cc=_split(row.cc_addrs),
        bcc=_split(row.bcc_addrs),
        subject=row.subject,
        message_id=row.message_id,
        size=row.size,
        attempts=row.attempts,
        created_at=row.created_at,
        last_attempt_at=row.last_attempt_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        error=tr(row.error) if row.error else "",
        server_reply=row.server_reply,
    )


def _state_values(states: Sequence[MailState]) -> list[str]:
    return [MailState(s).value for s in states]


def list_outbox(
    db: Database,
    *,
    states: Sequence[MailState] = (),
    invoice_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[OutboxEntry]:
    """Outbox entries, newest first, optionally of some states or of one invoice."""
    query = (
        select(OutgoingMail, Invoice.number)
        .outerjoin(Invoice, Invoice.id == OutgoingMail.invoice_id)
        .options(defer(OutgoingMail.eml), defer(OutgoingMail.body))
        .order_by(OutgoingMail.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if states:
        query = query.where(OutgoingMail.status.in_(_state_values(states)))
    if invoice_id is not None:
        query = query.where(OutgoingMail.invoice_id == invoice_id)
    with db.read() as session:
        return [_entry(row, number) for row, number in session.execute(query)]


def count_outbox(db: Database, states: Sequence[MailState] = ()) -> int:
    query = select(func.count()).select_from(OutgoingMail)
    if states:
        query = query.where(OutgoingMail.status.in_(_state_values(states)))
    with db.read() as session:
        return int(session.scalar(query) or 0)


def due_count(db: Database, now: dt.datetime | None = None) -> int:
    """How many queued messages are due now (for a status bar)."""
    query = select(func.count()).select_from(OutgoingMail).where(_due_filter(now or utcnow()))
    with db.read() as session:
        return int(session.scalar(query) or 0)


def _get(session: Session, mail_id: int) -> OutgoingMail:
    row = session.get(OutgoingMail, mail_id)
    if row is None:
        raise NotFoundError("mail {mail_id} does not exist", "mail_id", params={"mail_id": mail_id})
    return row


def _invoice_number(session: Session, row: OutgoingMail) -> str | None:
    if row.invoice_id is None:
        return None
    return session.scalar(select(Invoice.number).where(Invoice.id == row.invoice_id))


def cancel(db: Database, mail_id: int) -> OutboxEntry:
    """Queued, failed or unknown → cancelled (kept in the list, never sent)."""
    with db.write() as session:
        row = _get(session, mail_id)
        state = MailState(row.status)
        if state is MailState.SENDING:
            raise ConflictError(
                "the message is being sent right now and cannot be cancelled", code="sending_now"
            )
        if state is MailState.SENT:
            raise ConflictError(
                "the message was sent already and cannot be cancelled", code="already_sent"
            )
        if state is not MailState.CANCELLED:
            _finish(session, row, MailState.CANCELLED, "")
        return _entry(row, _invoice_number(session, row))


def _changed_meanwhile(row: OutgoingMail, expected: MailState) -> ConflictError:
    """The row is no longer in the state the person decided on (a stale list)."""
    state = MailState(row.status)
    if state is MailState.SENT:
        return ConflictError(
            "this mail was sent in the meantime; it was not queued again", code="already_sent"
        )
    if state is MailState.SENDING:
        return ConflictError("this mail is being sent right now", code="sending_now")
    return ConflictError(
        "this mail changed in the meantime (it is {state} now, not {expected}); look at it again "
        "before you decide",
        params={"state": state.value, "expected": expected.value},
    )


def resend(
    db: Database,
    mail_id: int,
    *,
    expected: MailState | None = None,
    allow_sent: bool = False,
) -> OutboxEntry:
    """Failed, unknown or cancelled → queued now, with the same bytes and Message-ID (the
    person decided). A sent mail only with ``allow_sent`` (a second copy, confirmed).

    ``expected``: the state the person saw when deciding. When the row is in another
    state by now (a list shown a while ago; the outbox delivered it meanwhile), nothing
    changes and a ConflictError says so — a mail delivered in the meantime never goes
    out twice because of a stale confirmation. A queued mail is made due now (as
    :func:`send_now`).
    """
    with db.write() as session:
        row = _get(session, mail_id)
        state = MailState(row.status)
        if expected is not None and state is not MailState(expected):
            raise _changed_meanwhile(row, MailState(expected))
        if state is MailState.SENDING:
            raise ConflictError("the message is being sent right now", code="sending_now")
        if state is MailState.SENT and not allow_sent:
            raise ConflictError(
                "the message was sent already; sending it a second time needs your explicit "
                "confirmation",
                code="already_sent",
            )
        if row.eml is None:
            raise ConflictError("the message was stored without its content; compose it again")
        if state is MailState.QUEUED:
            row.next_attempt_at = None
            return _entry(row, _invoice_number(session, row))
        row.status = MailState.QUEUED.value
        row.attempts = 0
        row.next_attempt_at = None
        row.error = ""
        row.server_reply = ""
        record(
            session,
            "mail",
            row.id,
            "resent",
            "Queued again",
            from_state=state.value,
            to_state=MailState.QUEUED.value,
        )
        return _entry(row, _invoice_number(session, row))


def send_now(db: Database, mail_id: int) -> OutboxEntry:
    """A queued mail waiting for its next attempt → due now (the outbox's next run takes
    it). Anything but a queued mail raises ConflictError: it was sent, failed or
    cancelled in the meantime, and :func:`resend` is the person's other decision."""
    with db.write() as session:
        row = _get(session, mail_id)
        if row.status != MailState.QUEUED.value:
            raise _changed_meanwhile(row, MailState.QUEUED)
        row.next_attempt_at = None
        return _entry(row, _invoice_number(session, row))


def eml_bytes(db: Database, mail_id: int) -> bytes:
    """The message exactly as queued and sent (an .eml file)."""
    with db.read() as session:
        row = _get(session, mail_id)
        if row.eml is None:
            raise ConflictError("the message was stored without its content")
        return row.eml
