"""What a document allows in which state: one table per document kind.

Each row of a kind's table is an action; each cell says, for one stored status,
whether the action is allowed — perhaps only while a named guard holds (cancel:
only while nothing is paid) — or why it is refused, in words the user can act on.
The GUI enables its actions by asking :func:`allows` / :func:`offers`; the services
refuse through :func:`require`, which raises :class:`ConflictError` with the cell's
message. A new kind of document (quote, deposit invoice, stored reminder) is a new
:class:`DocumentKind` member and a new entry in :data:`LIFECYCLES`, not new branches.

The table is keyed by the stored :class:`Status`. *Overdue* is derived from the due
date and allows what *open* or *part paid* allows; a rule that ever depends on it
becomes a guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

from invoicedesk.core.errors import ConflictError
from invoicedesk.core.kinds import KIND_NOUNS, DocumentKind, describe
from invoicedesk.core.lifecycle import UNPAID, Status
from invoicedesk.i18n import N_, tr


class Action(StrEnum):
    """What can be done to one document."""

    EDIT = "edit"  # change its content (lines, client, texts, terms)
    DELETE = "delete"  # remove it for good
    ISSUE = "issue"  # give it its number; afterwards it is final
    RECORD_PAYMENT = "record_payment"  # money received (on a credit note: refunded)
    REMOVE_PAYMENT = "remove_payment"  # take back a payment booked in error
    CANCEL = "cancel"
    UNCANCEL = "uncancel"
    CREATE_CREDIT_NOTE = "create_credit_note"  # correct it with a credit note
    CLONE = "clone"  # copy it into a new draft
    SEND = "send"  # by e-mail, with its archived PDF


class Guard(StrEnum):
    """A condition beyond the status that an allowed cell may depend on."""

    NOTHING_PAID = "nothing_paid"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the guards look at. ``None``: not known to the caller (then :func:`allows`
    answers optimistically and :func:`require` refuses to guess)."""

    paid: Decimal | None = None


# Each guard: True (holds), False (fails), None (the facts it needs are unknown).
GUARDS: dict[Guard, Callable[[Facts], bool | None]] = {
    Guard.NOTHING_PAID: lambda facts: None if facts.paid is None else facts.paid == 0,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One cell of the table.

    ``message`` is the refusal (for an allowed cell: the refusal when its guard fails),
    formatted with ``{what}`` ("Invoice RE-2026-0042" / "This invoice"), ``{number}``
    and ``{kind}`` ("invoice"). ``offered`` False: allowed when asked for explicitly,
    but not offered in menus (more money for a paid invoice is an overpayment).
    """

    allowed: bool
    message: str = ""
    guard: Guard | None = None
    offered: bool = True


ALLOW = Verdict(True)


def refuse(message: str) -> Verdict:
    return Verdict(False, message)


def allow_if(guard: Guard, otherwise: str) -> Verdict:
    return Verdict(True, otherwise, guard)


StateKey: TypeAlias = Status | tuple[Status, ...]
Row: TypeAlias = Mapping[Status, Verdict]
Lifecycle: TypeAlias = Mapping[Action, Row]


def row(cells: Mapping[StateKey, Verdict]) -> dict[Status, Verdict]:
    """One action's cells; a key may group several states that share a verdict."""
    out: dict[Status, Verdict] = {}
    for key, verdict in cells.items():
        for status in key if isinstance(key, tuple) else (key,):
            if status in out:
                raise ValueError(f"{status} appears twice in one row")
            out[status] = verdict
    return out


# ---------------------------------------------------------------------------- the table

DRAFT, OPEN, PAID, CANCELLED = Status.DRAFT, Status.OPEN, Status.PAID, Status.CANCELLED
IN_FORCE = (*UNPAID, PAID)  # issued and not cancelled (UNPAID: open, part paid)
ISSUED = (*IN_FORCE, CANCELLED)
ALL_STATES = (DRAFT, *ISSUED)

# The messages are marked for the catalogue and translated when a refusal is given.
IS_ISSUED = N_(
    "{what} is issued and can no longer be edited — create a credit note "
    "or cancel it (if unpaid) instead"
)
IS_CANCELLED = N_(
    "{what} is cancelled and can no longer be edited — clone it into a new draft instead"
)
HAS_PAYMENTS = N_("{what} has payments and cannot be cancelled — create a credit note instead")

# What invoices and credit notes share; each kind's table below starts from it.
# fmt: off
_ISSUED_DOCUMENT: dict[Action, Row] = {
    Action.EDIT: row({
        DRAFT: ALLOW, IN_FORCE: refuse(IS_ISSUED), CANCELLED: refuse(IS_CANCELLED),
    }),
    Action.DELETE: row({
        DRAFT: ALLOW, IN_FORCE: refuse(IS_ISSUED), CANCELLED: refuse(IS_CANCELLED),
    }),
    Action.ISSUE: row({DRAFT: ALLOW, ISSUED: refuse(N_("{what} is already issued"))}),
    Action.RECORD_PAYMENT: row({
        DRAFT: refuse(N_("{what} is a draft — issue it before recording a payment")),
        UNPAID: ALLOW,
        PAID: Verdict(True, offered=False),  # only as an explicit overpayment
        CANCELLED: refuse(N_("{what} is cancelled — uncancel it before recording a payment")),
    }),
    Action.REMOVE_PAYMENT: row({
        DRAFT: refuse(N_("{what} is a draft and has no payments")),
        IN_FORCE: ALLOW,
        CANCELLED: refuse(N_("{number} is cancelled — uncancel it first")),
    }),
    Action.CANCEL: row({
        DRAFT: refuse(N_("A draft is not issued and cannot be cancelled — delete it instead")),
        OPEN: allow_if(Guard.NOTHING_PAID, HAS_PAYMENTS),
        (Status.PART_PAID, PAID): refuse(HAS_PAYMENTS),
        CANCELLED: refuse(N_("{what} is already cancelled")),
    }),
    Action.UNCANCEL: row({
        CANCELLED: ALLOW, (DRAFT, *IN_FORCE): refuse(N_("{what} is not cancelled")),
    }),
    Action.CREATE_CREDIT_NOTE: row({
        DRAFT: refuse(N_("A draft can still be edited — change it instead of correcting it")),
        IN_FORCE: ALLOW,
        CANCELLED: refuse(N_("{what} is cancelled — there is nothing to correct")),
    }),
    Action.CLONE: row({ALL_STATES: ALLOW}),
    Action.SEND: row({
        DRAFT: refuse(N_("issue the {kind} before sending it")),
        IN_FORCE: ALLOW,
        CANCELLED: refuse(N_("{number} is cancelled; a cancelled document is not sent")),
    }),
}

LIFECYCLES: dict[DocumentKind, Lifecycle] = {
    DocumentKind.INVOICE: _ISSUED_DOCUMENT,
    DocumentKind.CREDIT_NOTE: {
        **_ISSUED_DOCUMENT,
        # Credit notes correct invoices; nothing corrects a credit note.
        Action.CREATE_CREDIT_NOTE: row({ALL_STATES: refuse(N_("{what} is itself a credit note"))}),
    },
}
# fmt: on


# ---------------------------------------------------------------------------- queries


class Rulebook:
    """The table with its queries. The app uses the one built from :data:`LIFECYCLES`
    (the module functions below); tests build others."""

    def __init__(self, lifecycles: Mapping[DocumentKind, Lifecycle]) -> None:
        for kind, lifecycle in lifecycles.items():
            for action in Action:
                cells = lifecycle.get(action)
                if cells is None:
                    raise ValueError(f"{kind}: no row for {action}")
                missing = [s.value for s in Status if s not in cells]
                if missing:
                    raise ValueError(f"{kind} {action}: no verdict for {', '.join(missing)}")
                for status, verdict in cells.items():
                    if not verdict.allowed and not verdict.message:
                        raise ValueError(f"{kind} {action} {status}: refused without a message")
                    if verdict.guard is not None and not verdict.message:
                        raise ValueError(f"{kind} {action} {status}: guard without a message")
        self.lifecycles = dict(lifecycles)
        # Every cell by (kind, status, action) as given: StrEnum members hash and compare
        # as their values, so a stored string finds the cell without three enum lookups
        # (bulk work asks hundreds of thousands of times).
        self._cells: dict[tuple[str, str, str], Verdict] = {
            (kind.value, status.value, action.value): cells[status]
            for kind, lifecycle in self.lifecycles.items()
            for action, cells in lifecycle.items()
            for status in cells
        }

    @property
    def kinds(self) -> tuple[DocumentKind, ...]:
        return tuple(self.lifecycles)

    def verdict(self, kind: DocumentKind | str, status: Status | str, action: Action) -> Verdict:
        found = self._cells.get((kind, status, action))
        if found is not None:
            return found
        lifecycle = self.lifecycles.get(DocumentKind(kind))
        if lifecycle is None:
            raise ValueError(f"a {kind} has no lifecycle of its own")
        return lifecycle[Action(action)][Status(status)]

    def refusal(
        self,
        kind: DocumentKind | str,
        status: Status | str,
        action: Action,
        *,
        number: str | None = None,
        paid: Decimal | None = None,
    ) -> str | None:
        """Why ``action`` is refused, in the current language (None: allowed, or it depends
        on facts not given)."""
        verdict = self.verdict(kind, status, action)
        if verdict.allowed:
            if verdict.guard is None or GUARDS[verdict.guard](Facts(paid=paid)) is not False:
                return None
        return tr(verdict.message).format(**_message_params(kind, number))

    def allows(
        self,
        kind: DocumentKind | str,
        status: Status | str,
        action: Action,
        *,
        paid: Decimal | None = None,
    ) -> bool:
        """Whether ``action`` is allowed; a guard whose facts are not given counts as met."""
        return self.refusal(kind, status, action, paid=paid) is None

    def offers(
        self,
        kind: DocumentKind | str,
        status: Status | str,
        action: Action,
        *,
        paid: Decimal | None = None,
    ) -> bool:
        """Whether menus should offer ``action``: allowed, and not only on explicit request."""
        return self.verdict(kind, status, action).offered and self.allows(
            kind, status, action, paid=paid
        )

    def require(
        self,
        kind: DocumentKind | str,
        status: Status | str,
        action: Action,
        *,
        number: str | None = None,
        paid: Decimal | None = None,
        field: str | None = None,
    ) -> None:
        """Raise :class:`ConflictError` with the table's message unless ``action`` is
        allowed. Every fact a guard of the cell needs must be given."""
        verdict = self.verdict(kind, status, action)
        if verdict.allowed and verdict.guard is None:
            return  # (the common case, without asking refusal() for the same cell again)
        if verdict.guard is not None and GUARDS[verdict.guard](Facts(paid=paid)) is None:
            raise TypeError(f"{action} on a {kind} needs the facts of guard {verdict.guard}")
        if self.refusal(kind, status, action, number=number, paid=paid) is not None:
            raise ConflictError(verdict.message, field, params=_message_params(kind, number))


def _message_params(kind: DocumentKind | str, number: str | None) -> dict[str, object]:
    """What a refusal's message names: ``{what}``, ``{number}`` and ``{kind}``."""
    kind = DocumentKind(kind)
    return {"what": describe(kind, number), "number": number or "", "kind": tr(KIND_NOUNS[kind])}


RULES = Rulebook(LIFECYCLES)
RECORD_KINDS: tuple[DocumentKind, ...] = RULES.kinds  # kinds stored with a lifecycle


def allows(
    kind: DocumentKind | str, status: Status | str, action: Action, *, paid: Decimal | None = None
) -> bool:
    """Whether a ``kind`` document in ``status`` allows ``action`` (see :class:`Rulebook`)."""
    return RULES.allows(kind, status, action, paid=paid)


def offers(
    kind: DocumentKind | str, status: Status | str, action: Action, *, paid: Decimal | None = None
) -> bool:
    """Whether menus offer ``action`` for a ``kind`` document in ``status``."""
    return RULES.offers(kind, status, action, paid=paid)


def refusal(
    kind: DocumentKind | str,
    status: Status | str,
    action: Action,
    *,
    number: str | None = None,
    paid: Decimal | None = None,
) -> str | None:
    """The user-facing reason ``action`` is refused, or None."""
    return RULES.refusal(kind, status, action, number=number, paid=paid)


def require(
    kind: DocumentKind | str,
    status: Status | str,
    action: Action,
    *,
    number: str | None = None,
    paid: Decimal | None = None,
    field: str | None = None,
) -> None:
    """Raise ConflictError with the table's message unless ``action`` is allowed."""
    RULES.require(kind, status, action, number=number, paid=paid, field=field)
