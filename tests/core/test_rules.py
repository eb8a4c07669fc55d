"""The rules table: every kind × status × action has an answer, refusals say what to do."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicedesk.core import rules
from invoicedesk.core.errors import ConflictError
from invoicedesk.core.kinds import KIND_LABELS, DocumentKind, describe
from invoicedesk.core.lifecycle import DOC_TYPE_LABELS, DocType, Status
from invoicedesk.core.rules import (
    ALLOW,
    LIFECYCLES,
    RECORD_KINDS,
    Action,
    Guard,
    Rulebook,
    allows,
    offers,
    refusal,
    refuse,
    require,
    row,
)

D, OP, PP, P, C = Status.DRAFT, Status.OPEN, Status.PART_PAID, Status.PAID, Status.CANCELLED
INV, CN = DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE

# The whole table at a glance: where each action is allowed (nothing paid on open ones).
ALLOWED = {
    INV: {
        Action.EDIT: {D},
        Action.DELETE: {D},
        Action.ISSUE: {D},
        Action.RECORD_PAYMENT: {OP, PP, P},
        Action.REMOVE_PAYMENT: {OP, PP, P},
        Action.CANCEL: {OP},
        Action.UNCANCEL: {C},
        Action.CREATE_CREDIT_NOTE: {OP, PP, P},
        Action.CLONE: {D, OP, PP, P, C},
        Action.SEND: {OP, PP, P},
    },
}
ALLOWED[CN] = {**ALLOWED[INV], Action.CREATE_CREDIT_NOTE: set()}


def test_stored_values_are_unchanged() -> None:
    # In the database, the JSON format and on the command line: never rename them.
    assert [k.value for k in DocumentKind] == ["invoice", "credit_note", "cancellation", "reminder"]
    assert RECORD_KINDS == (INV, CN)
    assert set(KIND_LABELS) == set(DocumentKind)


def test_the_old_enum_names_are_the_one_enum() -> None:
    from invoicedesk.pdf import model
    from invoicedesk.services import mail_types

    assert DocType is DocumentKind and DOC_TYPE_LABELS is KIND_LABELS
    assert mail_types.DocKind is DocumentKind and model.DocumentKind is DocumentKind
    assert set(mail_types.TEMPLATE_KINDS) == {INV, CN, DocumentKind.REMINDER}


@pytest.mark.parametrize("kind", RECORD_KINDS)
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_cell_has_an_answer(kind: DocumentKind, status: Status, action: Action) -> None:
    verdict = rules.RULES.verdict(kind, status, action)
    expected = status in ALLOWED[kind][action]
    assert allows(kind, status, action, paid=Decimal(0)) is expected
    if expected:
        assert refusal(kind, status, action, number="X-1", paid=Decimal(0)) is None
        require(kind, status, action, number="X-1", paid=Decimal(0))
    else:
        message = refusal(kind, status, action, number="X-1", paid=Decimal(0))
        assert message and "{" not in message  # every placeholder filled
        with pytest.raises(ConflictError) as error:
            require(kind, status, action, number="X-1", paid=Decimal(0))
        assert error.value.message == message
    assert verdict.allowed or verdict.message


def test_strings_work_where_the_database_gives_strings() -> None:
    assert allows("invoice", "draft", Action.ISSUE)
    assert not allows("credit_note", "open", Action.CREATE_CREDIT_NOTE)


@pytest.mark.parametrize(
    ("kind", "status", "action", "number", "message"),
    [
        (INV, OP, Action.EDIT, "RE-1", "Invoice RE-1 is issued and can no longer be edited — "
         "create a credit note or cancel it (if unpaid) instead"),
        (INV, C, Action.DELETE, "RE-1", "Invoice RE-1 is cancelled and can no longer be edited — "
         "clone it into a new draft instead"),
        (INV, OP, Action.ISSUE, "RE-1", "Invoice RE-1 is already issued"),
        (INV, D, Action.RECORD_PAYMENT, None,
         "This invoice is a draft — issue it before recording a payment"),
        (INV, C, Action.RECORD_PAYMENT, "RE-1",
         "Invoice RE-1 is cancelled — uncancel it before recording a payment"),
        (INV, C, Action.REMOVE_PAYMENT, "RE-1", "RE-1 is cancelled — uncancel it first"),
        (INV, D, Action.CANCEL, None,
         "A draft is not issued and cannot be cancelled — delete it instead"),
        (INV, PP, Action.CANCEL, "RE-1",
         "Invoice RE-1 has payments and cannot be cancelled — create a credit note instead"),
        (INV, C, Action.CANCEL, "RE-1", "Invoice RE-1 is already cancelled"),
        (INV, OP, Action.UNCANCEL, "RE-1", "Invoice RE-1 is not cancelled"),
        (INV, D, Action.CREATE_CREDIT_NOTE, None,
         "A draft can still be edited — change it instead of correcting it"),
        (INV, C, Action.CREATE_CREDIT_NOTE, "RE-1",
         "Invoice RE-1 is cancelled — there is nothing to correct"),
        (CN, P, Action.CREATE_CREDIT_NOTE, "CN-1", "Credit note CN-1 is itself a credit note"),
        (INV, D, Action.SEND, None, "issue the invoice before sending it"),
        (CN, D, Action.SEND, None, "issue the credit note before sending it"),
        (INV, C, Action.SEND, "RE-1", "RE-1 is cancelled; a cancelled document is not sent"),
    ],
)  # fmt: skip
def test_refusals_say_what_to_do_instead(
    kind: DocumentKind, status: Status, action: Action, number: str | None, message: str
) -> None:
    assert refusal(kind, status, action, number=number, paid=Decimal(0)) == message


def test_cancel_is_guarded_by_nothing_paid() -> None:
    assert allows(INV, OP, Action.CANCEL, paid=Decimal(0))
    assert not allows(INV, OP, Action.CANCEL, paid=Decimal("0.01"))
    assert refusal(INV, OP, Action.CANCEL, number="RE-1", paid=Decimal("-5")) == (
        "Invoice RE-1 has payments and cannot be cancelled — create a credit note instead"
    )
    assert rules.RULES.verdict(INV, OP, Action.CANCEL).guard is Guard.NOTHING_PAID
    # A list that does not know what was paid enables it; the service must know.
    assert allows(INV, OP, Action.CANCEL)
    with pytest.raises(TypeError, match="nothing_paid"):
        require(INV, OP, Action.CANCEL, number="RE-1")


def test_require_names_the_field() -> None:
    with pytest.raises(ConflictError) as error:
        require(INV, D, Action.SEND, field="invoice")
    assert error.value.field == "invoice"


def test_a_paid_invoice_takes_money_only_when_asked_for() -> None:
    # More money for a paid invoice is an overpayment: allowed, not offered in menus.
    assert allows(INV, P, Action.RECORD_PAYMENT) and not offers(INV, P, Action.RECORD_PAYMENT)
    assert offers(INV, PP, Action.RECORD_PAYMENT)
    assert not offers(INV, C, Action.RECORD_PAYMENT)


@pytest.mark.parametrize("kind", [DocumentKind.CANCELLATION, DocumentKind.REMINDER])
def test_kinds_without_a_lifecycle_are_not_asked(kind: DocumentKind) -> None:
    with pytest.raises(ValueError, match="no lifecycle"):
        allows(kind, D, Action.EDIT)


def _reminder_lifecycle() -> dict[Action, dict[Status, rules.Verdict]]:
    """What a stored reminder might allow: edited as a draft, sent once issued."""
    never = refuse("{what} cannot do that")
    table = {action: row({tuple(Status): never}) for action in Action}
    table[Action.EDIT] = row({D: ALLOW, (OP, PP, P, C): refuse("{what} was sent already")})
    table[Action.ISSUE] = row({D: ALLOW, (OP, PP, P, C): refuse("{what} is already issued")})
    table[Action.SEND] = row({(OP, PP, P): ALLOW, (D, C): refuse("issue the {kind} first")})
    return table


def test_adding_a_kind_is_a_row() -> None:
    book = Rulebook({**LIFECYCLES, DocumentKind.REMINDER: _reminder_lifecycle()})
    assert book.kinds == (INV, CN, DocumentKind.REMINDER)
    assert book.allows(DocumentKind.REMINDER, D, Action.EDIT)
    assert not book.allows(DocumentKind.REMINDER, OP, Action.CANCEL)
    assert book.refusal(DocumentKind.REMINDER, D, Action.SEND) == "issue the reminder first"
    assert book.refusal(DocumentKind.REMINDER, OP, Action.EDIT, number="MA-7") == (
        "Reminder MA-7 was sent already"
    )
    # The other kinds answer as before.
    assert book.allows(INV, D, Action.ISSUE) and not book.allows(CN, P, Action.CREATE_CREDIT_NOTE)


def test_an_incomplete_row_is_refused_when_the_table_is_built() -> None:
    table = _reminder_lifecycle()
    table[Action.SEND] = row({D: ALLOW})
    with pytest.raises(ValueError, match="send: no verdict for open, part_paid, paid"):
        Rulebook({DocumentKind.REMINDER: table})
    table = _reminder_lifecycle()
    del table[Action.CLONE]
    with pytest.raises(ValueError, match="no row for clone"):
        Rulebook({DocumentKind.REMINDER: table})
    table = _reminder_lifecycle()
    table[Action.CLONE] = row({tuple(Status): refuse("")})
    with pytest.raises(ValueError, match="refused without a message"):
        Rulebook({DocumentKind.REMINDER: table})
    with pytest.raises(ValueError, match="twice"):
        row({D: ALLOW, (D, OP): ALLOW})


def test_describe_names_the_document() -> None:
    assert describe(INV, "RE-1") == "Invoice RE-1"
    assert describe("credit_note", None) == "This credit note"
