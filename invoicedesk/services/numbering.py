"""Gapless document numbers, drawn inside the issuing transaction.

The sequence row is advanced in the same transaction that writes the number
onto the document. Write transactions hold the database's write lock from
their first statement (``BEGIN IMMEDIATE``), so a concurrent issuer waits and
then reads the advanced value; a rollback returns the number with everything
else. Numbers are therefore unique, gapless and never reused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.core.numbering import format_number, period_key
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice, NumberSequence
from invoicedesk.db.storage import storage_of
from invoicedesk.services.settings import get_setting


def pattern_for(session: Session, doc_type: str) -> str:
    patterns: dict[str, str] = get_setting(session, "number_patterns")
    return patterns[doc_type]


def _sequence(session: Session, doc_type: str, period: str) -> NumberSequence:
    # Locked for the issuing transaction where the engine needs it (SQLite's write lock
    # is held already): concurrent issuers queue and never read the same next value.
    sequence = session.scalar(
        storage_of(session).locked(
            select(NumberSequence).where(
                NumberSequence.doc_type == doc_type, NumberSequence.period == period
            )
        )
    )
    if sequence is None:
        sequence = NumberSequence(doc_type=doc_type, period=period, next_value=1)
        session.add(sequence)
        session.flush()
    return sequence


def draw_number(
    session: Session, doc_type: str, date: dt.date, taken: set[str] | None = None
) -> str:
    """Take the next number of ``doc_type`` for ``date`` (call inside a write transaction).

    ``taken`` lets a caller skip numbers that already exist (imported documents
    that carry their own numbers); the skipped values are consumed, not reused.
    """
    pattern = pattern_for(session, doc_type)
    sequence = _sequence(session, doc_type, period_key(pattern, date))
    while True:
        value = sequence.next_value
        sequence.next_value = value + 1
        number = format_number(pattern, date, value)
        if taken is None or number not in taken:
            session.flush()
            return number


def draw_numbers(
    session: Session, doc_type: str, date: dt.date, count: int, taken: set[str] | None = None
) -> list[str]:
    """:func:`draw_number` ``count`` times, with one flush (bulk use cases)."""
    pattern = pattern_for(session, doc_type)
    sequence = _sequence(session, doc_type, period_key(pattern, date))
    drawn: list[str] = []
    while len(drawn) < count:
        value = sequence.next_value
        sequence.next_value = value + 1
        number = format_number(pattern, date, value)
        if taken is None or number not in taken:
            drawn.append(number)
    session.flush()
    return drawn


class NumberDraws:
    """Numbers for many documents of a bulk issue: ``draw_number`` for each, skipping
    numbers already on a document (after a change of pattern), as issuing one does. The
    sequence rows are read once; :meth:`prepare` looks up the numbers about to be drawn
    in one query instead of one per document."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.patterns: dict[str, str] = {}
        self.sequences: dict[tuple[str, str], NumberSequence] = {}
        self.taken: set[str] = set()  # on a document, or drawn in this batch
        self.checked: set[str] = set()

    def prepare(self, wanted: Sequence[tuple[str, dt.date]]) -> None:
        """Look up which of the numbers about to be drawn exist already."""
        counts: dict[tuple[str, str], tuple[int, dt.date]] = {}
        for doc_type, date in wanted:
            key = (doc_type, period_key(self._pattern(doc_type), date))
            counts[key] = (counts.get(key, (0, date))[0] + 1, date)
        candidates = []
        for (doc_type, period), (count, date) in counts.items():
            start = self._sequence(doc_type, period).next_value
            pattern = self.patterns[doc_type]
            candidates += [format_number(pattern, date, v) for v in range(start, start + count)]
        self.checked.update(candidates)
        for first in range(0, len(candidates), 500):
            chunk = candidates[first : first + 500]
            self.taken |= set(
                self.session.scalars(select(Invoice.number).where(Invoice.number.in_(chunk)))
            )

    def _pattern(self, doc_type: str) -> str:
        if doc_type not in self.patterns:
            self.patterns[doc_type] = pattern_for(self.session, doc_type)
        return self.patterns[doc_type]

    def _sequence(self, doc_type: str, period: str) -> NumberSequence:
        key = (doc_type, period)
        if key not in self.sequences:
            self.sequences[key] = _sequence(self.session, doc_type, period)
        return self.sequences[key]

    def draw(self, doc_type: str, date: dt.date) -> str:
        """The next free number of ``doc_type`` for ``date``."""
        pattern = self._pattern(doc_type)
        sequence = self._sequence(doc_type, period_key(pattern, date))
        while True:
            value = sequence.next_value
            sequence.next_value = value + 1
            number = format_number(pattern, date, value)
            if number in self.taken:
                continue
            if number not in self.checked:  # beyond the window looked up: ask
                found = select(Invoice.id).where(Invoice.number == number)
                if self.session.scalar(found) is not None:
                    continue
            self.taken.add(number)
            return number

    def finish(self) -> None:
        """Write the advanced sequences."""
        self.session.flush()


def peek_next_number(db: Database, doc_type: str, date: dt.date | None = None) -> str:
    """The number the next document of ``doc_type`` would get (nothing is reserved)."""
    date = date or dt.date.today()
    with db.read() as session:
        pattern = pattern_for(session, doc_type)
        sequence = session.scalar(
            select(NumberSequence).where(
                NumberSequence.doc_type == doc_type,
                NumberSequence.period == period_key(pattern, date),
            )
        )
        return format_number(pattern, date, sequence.next_value if sequence else 1)


def set_next_value(db: Database, doc_type: str, value: int, date: dt.date | None = None) -> str:
    """Raise the next sequence value of the current period; it can never go down.

    Returns the next number as it will be printed.
    """
    date = date or dt.date.today()
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise DomainError("the next number must be a whole number of at least 1", "next_number")
    with db.write() as session:
        pattern = pattern_for(session, doc_type)
        sequence = _sequence(session, doc_type, period_key(pattern, date))
        if value < sequence.next_value:
            raise DomainError(
                "the next number can only be raised: {used} is already used (next is {next})",
                "next_number",
                code="number_used",
                params={
                    "used": sequence.next_value - 1,
                    "next": format_number(pattern, date, sequence.next_value),
                },
            )
        sequence.next_value = value
        return format_number(pattern, date, value)


def highest_value(session: Session, doc_type: str) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(NumberSequence.next_value), 1)).where(
                NumberSequence.doc_type == doc_type
            )
        )
        or 1
    )
