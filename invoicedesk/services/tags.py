"""Tags shared by clients and invoices (case-insensitive, created on first use)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.db.models import Tag
from invoicedesk.db.models.client import tag_key
from invoicedesk.services import validation


def clean_tags(names: Iterable[str], field: str = "tags") -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) tag names in their given order."""
    seen: dict[str, str] = {}
    for index, raw in enumerate(names):
        if not isinstance(raw, str):
            raise DomainError("tags are text", f"{field}[{index}]")
        name = " ".join(validation.plain_text(raw, f"{field}[{index}]").split())
        if not name:
            continue
        if len(name) > 60:
            raise DomainError("a tag has at most 60 characters", f"{field}[{index}]")
        seen.setdefault(tag_key(name), name)
    return list(seen.values())


def resolve_tags(session: Session, names: Iterable[str], field: str = "tags") -> list[Tag]:
    """The Tag rows for ``names``, creating the missing ones."""
    wanted = clean_tags(names, field)
    if not wanted:
        return []
    keys = [tag_key(name) for name in wanted]
    existing = {tag.key: tag for tag in session.scalars(select(Tag).where(Tag.key.in_(keys)))}
    result = []
    for name, key in zip(wanted, keys, strict=True):
        tag = existing.get(key)
        if tag is None:
            tag = Tag(name=name, key=key)
            session.add(tag)
            existing[key] = tag
        result.append(tag)
    return result
