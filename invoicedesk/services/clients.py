"""Clients: create, update, archive or delete, read, list with their open balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.money import validate_currency
from invoicedesk.db.engine import Database
from invoicedesk.db.models import (
    AuditEntry,
    Client,
    ClientAddress,
    ClientEmail,
    ContactPerson,
    Invoice,
    Tag,
)
from invoicedesk.db.models.client import tag_key
from invoicedesk.db.types import SCALE, utcnow
from invoicedesk.services import validation as check
from invoicedesk.services.audit import _actor, record
from invoicedesk.services.inputs import (
    AddressInput,
    AddressKind,
    ClientInput,
    ClientKind,
    ContactInput,
)
from invoicedesk.services.numbering import draw_number, draw_numbers
from invoicedesk.services.search import overdue_condition
from invoicedesk.services.tags import clean_tags, resolve_tags


@dataclass(frozen=True, slots=True)
class Balance:
    """What one client owes in one currency: open (all unpaid) and the overdue part."""

    currency: str
    open: Decimal
    overdue: Decimal


@dataclass(frozen=True, slots=True)
class ClientView:
    id: int
    customer_number: str
    data: ClientInput
    archived: bool
    invoice_count: int = 0
    balances: tuple[Balance, ...] = ()

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def billing_address(self) -> AddressInput | None:
        for address in self.data.addresses:
            if address.kind is AddressKind.BILLING:
                return address
        return self.data.addresses[0] if self.data.addresses else None


def _validated(inp: ClientInput, path: str = "client") -> ClientInput:
    try:
        kind = ClientKind(inp.kind)
    except ValueError:
        raise DomainError("is 'organisation' or 'person'", f"{path}.kind") from None
    name = check.text(inp.name, f"{path}.name", max_length=200)
    first = check.text(inp.first_name, f"{path}.first_name", max_length=100)
    last = check.text(inp.last_name, f"{path}.last_name", max_length=100)
    if not name and kind is ClientKind.PERSON:
        name = " ".join(part for part in (first, last) if part)
    if not name:
        raise DomainError("a client needs a name", f"{path}.name", code="required")
    addresses = []
    for i, a in enumerate(inp.addresses):
        p = f"{path}.addresses[{i}]"
        try:
            address_kind = AddressKind(a.kind)
        except ValueError:
            raise DomainError("is billing, delivery or other", f"{p}.kind") from None
        addresses.append(
            AddressInput(
                street=check.text(a.street, f"{p}.street", max_length=200),
                street2=check.text(a.street2, f"{p}.street2", max_length=200),
                zip=check.text(a.zip, f"{p}.zip", max_length=20),
                city=check.text(a.city, f"{p}.city", max_length=100),
                region=check.text(a.region, f"{p}.region", max_length=100),
                country=check.country(a.country, f"{p}.country"),
                kind=address_kind,
                recipient=check.text(a.recipient, f"{p}.recipient", max_length=200),
            )
        )
    contacts = []
    for i, c in enumerate(inp.contacts):
        p = f"{path}.contacts[{i}]"
        contact = ContactInput(
            first_name=check.text(c.first_name, f"{p}.first_name", max_length=100),
            last_name=check.text(c.last_name, f"{p}.last_name", max_length=100),
            email=check.email(c.email, f"{p}.email"),
            phone=check.text(c.phone, f"{p}.phone", max_length=50),
            role=check.text(c.role, f"{p}.role", max_length=100),
        )
        if not (contact.first_name or contact.last_name or contact.email):
            raise DomainError("a contact person needs a name or an e-mail address", p)
        contacts.append(contact)
    return replace(
        inp,
        kind=kind,
        name=name,
        customer_number=(
            check.text(inp.customer_number, f"{path}.customer_number", max_length=30) or None
            if inp.customer_number is not None
            else None
        ),
        first_name=first,
        last_name=last,
        email=check.email(inp.email, f"{path}.email"),
        emails=tuple(
            address
            for i, e in enumerate(inp.emails)
            if (address := check.email(e, f"{path}.emails[{i}]"))
        ),
        phone=check.text(inp.phone, f"{path}.phone", max_length=50),
        vat_id=check.text(inp.vat_id, f"{path}.vat_id", max_length=30).replace(" ", "").upper(),
        due_days=check.due_days(inp.due_days, f"{path}.due_days"),
        currency=(validate_currency(inp.currency, f"{path}.currency") if inp.currency else None),
        language=check.language(inp.language, f"{path}.language"),
        tags=tuple(clean_tags(inp.tags, f"{path}.tags")),
        notes=check.text(inp.notes, f"{path}.notes", max_length=10_000, multiline=True),
        addresses=tuple(addresses),
        contacts=tuple(contacts),
    )


def _apply(
    session: Session, client: Client, data: ClientInput, tags: dict[str, Tag] | None = None
) -> None:
    """Write the (validated) input onto the row; ``tags``: the Tag rows by key, when the
    caller looked them up for many clients at once."""
    client.kind = data.kind.value
    client.name = data.name
    client.first_name = data.first_name
    client.last_name = data.last_name
    client.email = data.email
    client.phone = data.phone
    client.vat_id = data.vat_id
    client.due_days = data.due_days
    client.currency = data.currency
    client.language = data.language
    client.notes = data.notes
    if tags is None:
        client.tags = resolve_tags(session, data.tags)
    else:
        client.tags = [tags[key] for key in dict.fromkeys(tag_key(t) for t in data.tags)]
    client.addresses = [
        ClientAddress(
            position=i,
            kind=a.kind.value,
            recipient=a.recipient,
            street=a.street,
            street2=a.street2,
            zip=a.zip,
            city=a.city,
            region=a.region,
            country=a.country,
        )
        for i, a in enumerate(data.addresses)
    ]
    client.contacts = [
        ContactPerson(
            position=i,
            first_name=c.first_name,
            last_name=c.last_name,
            email=c.email,
            phone=c.phone,
            role=c.role,
        )
        for i, c in enumerate(data.contacts)
    ]
    client.emails = [ClientEmail(position=i, email=e) for i, e in enumerate(data.emails)]


def _check_number_free(session: Session, number: str, own_id: int | None, field: str) -> None:
    other = session.scalar(select(Client.id).where(Client.customer_number == number))
    if other is not None and other != own_id:
        raise DomainError(
            "customer number {number} is already taken",
            field,
            code="number_taken",
            params={"number": number},
        )


def add_client(session: Session, inp: ClientInput, path: str = "client") -> Client:
    """Create a client inside the caller's transaction (used by imports and new drafts)."""
    data = _validated(inp, path)
    if data.customer_number:
        _check_number_free(session, data.customer_number, None, f"{path}.customer_number")
        number = data.customer_number
    else:
        taken = set(session.scalars(select(Client.customer_number)))
        number = draw_number(session, "client", dt.date.today(), taken)
    client = Client(customer_number=number)
    _apply(session, client, data)
    session.add(client)
    session.flush()
    record(session, "client", client.id, "created", f"Client {number} {data.name} created")
    return client


def add_clients(
    session: Session,
    inputs: Sequence[ClientInput],
    *,
    at: Sequence[dt.datetime | None] | None = None,
    paths: Sequence[str] | None = None,
) -> list[Client]:
    """Create many clients (``add_client`` for each) with one flush; ``at`` is each one's
    moment of creation (default: now); ``paths`` name each input in errors (default:
    ``clients[i]``)."""
    paths = paths or [f"clients[{i}]" for i in range(len(inputs))]
    validated = [_validated(inp, path) for inp, path in zip(inputs, paths, strict=True)]
    taken = set(session.scalars(select(Client.customer_number)))
    for index, data in enumerate(validated):
        if data.customer_number:
            if data.customer_number in taken:
                raise DomainError(
                    "customer number {customer_number} is already taken",
                    f"{paths[index]}.customer_number",
                    code="number_taken",
                    params={"customer_number": data.customer_number},
                )
            taken.add(data.customer_number)
    # The numbers the sequence gives, drawn together (one flush, not one per client).
    needed = sum(1 for data in validated if not data.customer_number)
    drawn = iter(draw_numbers(session, "client", dt.date.today(), needed, taken) if needed else [])
    numbers = [data.customer_number or next(drawn) for data in validated]
    # The tags of all of them, looked up (or created) once.
    tags = {tag.key: tag for tag in resolve_tags(session, [t for d in validated for t in d.tags])}
    clients = []
    for index, (data, number) in enumerate(zip(validated, numbers, strict=True)):
        moment = (at[index] if at is not None else None) or utcnow()
        client = Client(customer_number=number, created_at=moment, updated_at=moment)
        _apply(session, client, data, tags)
        session.add(client)
        clients.append(client)
    session.flush()
    for index, (client, data) in enumerate(zip(clients, validated, strict=True)):
        moment = (at[index] if at is not None else None) or utcnow()
        summary = f"Client {client.customer_number} {data.name} created"
        entry = AuditEntry(entity="client", entity_id=client.id, action="created", at=moment,
                           summary=summary, from_state="", to_state="", details={},
                           actor=_actor())  # fmt: skip
        session.add(entry)
    session.flush()
    return clients


def create_client(db: Database, inp: ClientInput) -> ClientView:
    with db.write() as session:
        client = add_client(session, inp)
        return _view(client)


def _load(session: Session, client_id: int) -> Client:
    client = session.get(
        Client,
        client_id,
        options=[
            selectinload(Client.addresses),
            selectinload(Client.contacts),
            selectinload(Client.emails),
            selectinload(Client.tags),
        ],
    )
    if client is None:
        raise NotFoundError(
            "there is no client with id {client_id}",
            "client_id",
            code="client_not_found",
            params={"client_id": client_id},
        )
    return client


def update_client(db: Database, client_id: int, inp: ClientInput) -> ClientView:
    """Replace a client's data. Issued invoices keep the address they were issued with."""
    data = _validated(inp)
    with db.write() as session:
        client = _load(session, client_id)
        if data.customer_number and data.customer_number != client.customer_number:
            _check_number_free(session, data.customer_number, client.id, "client.customer_number")
            client.customer_number = data.customer_number
        _apply(session, client, data)
        record(session, "client", client.id, "updated", f"Client {client.customer_number} updated")
        session.flush()
        return _view(client)


def archive_client(db: Database, client_id: int, archived: bool = True) -> ClientView:
    """Hide a client from pickers and lists (or bring it back); its invoices stay."""
    with db.write() as session:
        client = _load(session, client_id)
        client.archived_at = utcnow() if archived else None
        action = "archived" if archived else "restored"
        record(session, "client", client.id, action, f"Client {client.customer_number} {action}")
        return _view(client)


def remove_client(db: Database, client_id: int) -> str:
    """Delete a client without invoices; archive one with invoices. Returns what was done."""
    with db.write() as session:
        client = _load(session, client_id)
        count = session.scalar(select(func.count()).where(Invoice.client_id == client_id)) or 0
        if count:
            client.archived_at = utcnow()
            record(
                session,
                "client",
                client.id,
                "archived",
                f"Client {client.customer_number} archived ({count} invoices keep it)",
            )
            return "archived"
        record(session, "client", client.id, "deleted", f"Client {client.customer_number} deleted")
        session.delete(client)
        return "deleted"


def _view(client: Client, balances: tuple[Balance, ...] = (), count: int = 0) -> ClientView:
    data = ClientInput(
        name=client.name,
        kind=ClientKind(client.kind),
        customer_number=client.customer_number,
        first_name=client.first_name,
        last_name=client.last_name,
        email=client.email,
        emails=tuple(e.email for e in client.emails),
        phone=client.phone,
        vat_id=client.vat_id,
        due_days=client.due_days,
        currency=client.currency,
        language=client.language,
        tags=tuple(t.name for t in client.tags),
        notes=client.notes,
        addresses=tuple(
            AddressInput(
                street=a.street,
                street2=a.street2,
                zip=a.zip,
                city=a.city,
                region=a.region,
                country=a.country,
                kind=AddressKind(a.kind),
                recipient=a.recipient,
            )
            for a in client.addresses
        ),
        contacts=tuple(
            ContactInput(
                first_name=c.first_name,
                last_name=c.last_name,
                email=c.email,
                phone=c.phone,
                role=c.role,
            )
            for c in client.contacts
        ),
    )
    return ClientView(
        id=client.id,
        customer_number=client.customer_number,
        data=data,
        archived=client.archived_at is not None,
        invoice_count=count,
        balances=balances,
    )


def _balances(
    session: Session, client_ids: list[int], today: dt.date
) -> dict[int, tuple[int, tuple[Balance, ...]]]:
    """Per client: the number of invoices and the open/overdue amount per currency.

    Credit notes count against the balance: their open amount is owed to the client.
    Two cheap queries instead of one pass over every invoice: the counts come from the
    (client_id, date) index, the amounts only from unpaid documents (a few percent).
    A currency appears once something in it is unpaid.
    """
    counts: dict[int, int] = {}
    for client_id, count in session.execute(
        select(Invoice.client_id, func.count())
        .where(Invoice.client_id.in_(client_ids))
        .group_by(Invoice.client_id)
    ):
        counts[client_id] = int(count)
    sign = case((Invoice.doc_type == "credit_note", -1), else_=1)
    overdue_sum = func.sum(case((overdue_condition(today), Invoice.open_amount * sign), else_=0))
    rows = session.execute(
        select(
            Invoice.client_id,
            Invoice.currency,
            func.sum(Invoice.open_amount * sign).label("open"),
            overdue_sum.label("overdue"),
        )
        .where(Invoice.status.in_(("open", "part_paid")), Invoice.client_id.in_(client_ids))
        .group_by(Invoice.client_id, Invoice.currency)
    ).all()
    balances: dict[int, tuple[Balance, ...]] = {}
    for client_id, currency, open_raw, overdue_raw in rows:
        balance = Balance(
            currency, Decimal(open_raw or 0) / SCALE, Decimal(overdue_raw or 0) / SCALE
        )
        balances[client_id] = (*balances.get(client_id, ()), balance)
    return {client_id: (count, balances.get(client_id, ())) for client_id, count in counts.items()}


def get_client(db: Database, client_id: int, today: dt.date | None = None) -> ClientView:
    with db.read() as session:
        client = _load(session, client_id)
        count, balances = _balances(session, [client_id], today or dt.date.today()).get(
            client_id, (0, ())
        )
        return _view(client, balances, count)


def find_client(db: Database, ref: str) -> ClientView:
    """A client by id, customer number or exact name (case-insensitive)."""
    with db.read() as session:
        client_id = session.scalar(
            select(Client.id).where(
                or_(Client.customer_number == ref, Client.name == ref)
                if not ref.isdigit()
                else or_(Client.id == int(ref), Client.customer_number == ref)
            )
        )
    if client_id is None:
        # SQLite's NOCASE folds ASCII only; compare the names with full Unicode case folding.
        wanted = ref.strip().casefold()
        with db.read() as session:
            for candidate_id, name in session.execute(select(Client.id, Client.name)):
                if name.casefold() == wanted:
                    client_id = candidate_id
                    break
    if client_id is None:
        raise NotFoundError(
            "no client '{ref}'", "client", code="client_not_found", params={"ref": ref}
        )
    return get_client(db, client_id)


def list_clients(
    db: Database,
    search: str = "",
    *,
    include_archived: bool = False,
    limit: int = 200,
    offset: int = 0,
    today: dt.date | None = None,
) -> list[ClientView]:
    """Clients sorted by name; ``search`` matches name, number, e-mail, city and VAT id."""
    with db.read() as session:
        query = select(Client).options(
            selectinload(Client.addresses),
            selectinload(Client.contacts),
            selectinload(Client.emails),
            selectinload(Client.tags),
        )
        if not include_archived:
            query = query.where(Client.archived_at.is_(None))
        if search.strip():
            pattern = f"%{_escape_like(search.strip())}%"
            city_match = (
                select(ClientAddress.id)
                .where(ClientAddress.client_id == Client.id)
                .where(ClientAddress.city.ilike(pattern, escape="\\"))
                .exists()
            )
            query = query.where(
                or_(
                    Client.name.ilike(pattern, escape="\\"),
                    Client.customer_number.ilike(pattern, escape="\\"),
                    Client.email.ilike(pattern, escape="\\"),
                    Client.vat_id.ilike(pattern, escape="\\"),
                    city_match,
                )
            )
        clients = list(
            session.scalars(query.order_by(Client.name, Client.id).limit(limit).offset(offset))
        )
        stats = _balances(session, [c.id for c in clients], today or dt.date.today())
        return [_view(c, stats.get(c.id, (0, ()))[1], stats.get(c.id, (0, ()))[0]) for c in clients]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def require_client(session: Session, client_id: int, field: str = "client_id") -> Client:
    """An active client for a new or changed draft."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(
            "there is no client with id {client_id}",
            field,
            code="client_not_found",
            params={"client_id": client_id},
        )
    if client.archived_at is not None:
        raise ConflictError(
            "client {customer_number} {name} is archived — restore it first",
            field,
            code="client_archived",
            params={"customer_number": client.customer_number, "name": client.name},
        )
    return client
