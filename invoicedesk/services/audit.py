"""The audit log: every state change is written in the transaction that makes it."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.db.engine import Database
from invoicedesk.db.models import AuditEntry


@lru_cache(maxsize=1)
def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes and services
        return ""


def record(
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    summary: str,
    *,
    from_state: str = "",
    to_state: str = "",
    details: dict[str, object] | None = None,
) -> None:
    session.add(
        AuditEntry(
            entity=entity,
            entity_id=entity_id,
            action=action,
            summary=summary,
            from_state=from_state,
            to_state=to_state,
            details=details or {},
            actor=_actor(),
        )
    )


@dataclass(frozen=True, slots=True)
class AuditView:
    at: dt.datetime
    action: str
    summary: str
    from_state: str
    to_state: str
    actor: str


def history(db: Database, entity: str, entity_id: int) -> list[AuditView]:
    """The entries of one record, oldest first."""
    with db.read() as session:
        return audit_entries(session, entity, entity_id)


def audit_entries(session: Session, entity: str, entity_id: int) -> list[AuditView]:
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return [AuditView(r.at, r.action, r.summary, r.from_state, r.to_state, r.actor) for r in rows]
