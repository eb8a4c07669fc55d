"""What happens to the demo's invoices after they are issued, played through the use cases.

Actions (payments, cancellations, credit notes, refunds) wait in a heap by date. Those
due are played in waves: a wave holds at most one action per document, so each bulk use
case sees each document once, and the credit notes of later waves are never dated
before those of earlier ones (their numbers follow their dates).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

from sqlalchemy.orm import Session

from invoicedesk.services.correction_batches import (
    CreditNoteRequest,
    cancel_many,
    create_credit_notes,
)
from invoicedesk.services.demo.people import at
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from invoicedesk.services.payments import record_payments


@dataclass(order=True, slots=True)
class Action:
    """Something that happens to an issued document, in date order."""

    date: dt.date
    order: int  # same-day order: payments before a credit note
    seq: int
    kind: str = field(compare=False)  # pay, cancel, credit
    key: int = field(compare=False)  # the document's id
    minute: int = field(compare=False)
    amount: Decimal | None = field(compare=False, default=None)  # None: what is open
    method: PaymentMethod = field(compare=False, default=PaymentMethod.BANK_TRANSFER)
    reference: str = field(compare=False, default="")
    positions: tuple[int, ...] = field(compare=False, default=())


class Story:
    """The actions still to come and what the use cases said about each document."""

    def __init__(self, session: Session, rng: Random, today: dt.date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        # (date, order, seq, action): the key an Action sorts by, compared as a tuple in C
        self.heap: list[tuple[dt.date, int, int, Action]] = []
        self.seq = 0
        self.open: dict[int, Decimal] = {}
        self.numbers: dict[int, str] = {}
        self.cancelled: set[int] = set()
        self.payments = 0
        self.credit_notes = 0

    def add(self, kind: str, key: int, date: dt.date, minute: int, **extra: object) -> None:
        if date > self.today:
            return
        self.seq += 1
        order = 1 if kind == "credit" else 0
        action = Action(date, order, self.seq, kind, key, minute, **extra)  # type: ignore[arg-type]
        heapq.heappush(self.heap, (date, order, self.seq, action))

    def reference(self, method: PaymentMethod, number: str) -> str:
        """What the bank statement says, as a bookkeeper would type it."""
        if method is PaymentMethod.BANK_TRANSFER:
            return number
        if method is PaymentMethod.PAYPAL:
            return f"PayPal {self.rng.getrandbits(48):012X}"
        if method is PaymentMethod.CARD:
            return f"Karte ****{self.rng.randint(1000, 9999)}"
        if method is PaymentMethod.DIRECT_DEBIT:
            return f"SEPA-Lastschrift {number}"
        if method is PaymentMethod.CASH:
            return f"Quittung {number}"
        return ""

    def play(self, before: dt.date | None) -> None:
        """Play every action dated before ``before`` (all when None)."""
        while self.heap and (before is None or self.heap[0][0] < before):
            due = []
            while self.heap and (before is None or self.heap[0][0] < before):
                due.append(heapq.heappop(self.heap)[3])
            waves: list[list[Action]] = []
            last: dict[int, int] = {}
            last_credit = 0
            for action in due:
                wave = last.get(action.key, -1) + 1
                if action.kind == "credit":
                    wave = last_credit = max(wave, last_credit)
                last[action.key] = wave
                while len(waves) <= wave:
                    waves.append([])
                waves[wave].append(action)
            for actions in waves:
                self._cancel([a for a in actions if a.kind == "cancel"])
                self._pay([a for a in actions if a.kind == "pay"])
                self._credit([a for a in actions if a.kind == "credit"])

    def _cancel(self, actions: list[Action]) -> None:
        if not actions:
            return
        ids = [a.key for a in actions]
        moments = [at(a.date, a.minute) for a in actions]
        cancel_many(self.session, ids, self.today, at=moments, archive=False)
        self.cancelled.update(ids)

    def _pay(self, actions: list[Action]) -> None:
        items, moments = [], []
        for action in actions:
            open_amount = self.open.get(action.key, Decimal(0))
            amount = open_amount if action.amount is None else min(action.amount, open_amount)
            if action.key in self.cancelled or amount <= 0:
                continue
            payment = PaymentInput(amount, action.date, action.method, action.reference)
            items.append((action.key, payment))
            moments.append(at(action.date, action.minute))
        if not items:
            return
        for done in record_payments(self.session, items, self.today, at=moments):
            self.open[done.invoice_id] = done.open_amount
            self.payments += 1

    def _credit(self, actions: list[Action]) -> None:
        actions = [a for a in actions if a.key not in self.cancelled]
        if not actions:
            return
        requests = [CreditNoteRequest(a.key, a.positions, a.date) for a in actions]
        moments = [at(a.date, a.minute) for a in actions]
        issued = create_credit_notes(self.session, requests, self.today, at=moments, archive=False)
        for action, note in zip(actions, issued, strict=True):
            self.credit_notes += 1
            settled = note.paid_amount
            if settled > 0:
                self.payments += 1
                self.open[action.key] = self.open.get(action.key, Decimal(0)) - settled
            self.open[note.id] = note.open_amount
            self.numbers[note.id] = note.number
            if note.open_amount > 0:
                refund = action.date + dt.timedelta(days=self.rng.randint(3, 25))
                reference = note.number
                self.add("pay", note.id, refund, action.minute + 10, reference=reference)
