"""Mail templates: subject and body per document type and language, in named sets.

A template set has a name (``invoice``, ``credit_note``, ``reminder`` are the built-in
defaults; users add their own, e.g. ``friendly``) and one text per language. A stored
template with the name and language of a built-in one replaces it; deleting it brings
the built-in text back.

Texts use placeholders in braces, ``{invoice.number}``; ``{{`` and ``}}`` are literal
braces. Every placeholder must be one of :data:`PLACEHOLDERS`, exactly: no attribute
chains, indexing, conversions or format specs. Texts are checked when saved and
rendered by plain substitution from a dict of strings (never ``str.format`` on
objects), so a template can never reach into Python objects.

Money and dates are formatted with Babel for the client's locale (the template's
language and the client's country), as on the PDF.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, MailTemplate, Reminder
from invoicedesk.db.types import utcnow
from invoicedesk.i18n import tr
from invoicedesk.pdf.labels import Formatter
from invoicedesk.services import validation
from invoicedesk.services.mail_types import TEMPLATE_KINDS, DocKind
from invoicedesk.services.pdf_build import locale_of, parties

PLACEHOLDERS: dict[str, str] = {
    "greeting": "'Dear Jane Smith' / 'Guten Tag Jane Smith', or 'Dear Sir or Madam' / "
    "'Sehr geehrte Damen und Herren' without a contact person",
    "client.name": "the client's name",
    "client.customer_number": "the client's customer number",
    "contact.first_name": "the first name of the client's (first) contact person",
    "contact.last_name": "the last name of the client's contact person",
    "contact.name": "first and last name of the client's contact person",
    "invoice.number": "the invoice number (for a credit note: of the invoice it corrects)",
    "invoice.date": "the invoice date",
    "invoice.due_date": "the date the invoice is due",
    "invoice.gross": "the invoice total",
    "invoice.amount_due": "what the invoice asks to be paid (total less prepayments)",
    "invoice.open": "what is still open on the invoice",
    "invoice.paid": "what has been paid so far",
    "invoice.currency": "the currency code, e.g. EUR",
    "invoice.title": "the invoice's title",
    "credit_note.number": "the credit note's number (empty for invoices)",
    "credit_note.date": "the credit note's date",
    "credit_note.gross": "the credit note's total",
    "credit_note.refund": "what is still to be refunded on the credit note",
    "company.name": "your company's name",
    "company.email": "your company's e-mail address",
    "company.phone": "your company's phone number",
    "company.website": "your company's website",
    "reminder.level": "the reminder's level: 1, 2, 3 … (reminders only)",
    "reminder.date": "the reminder's date (reminders only)",
    "reminder.due_date": "the new due date the reminder sets (reminders only)",
    "reminder.fee": "the reminder fee (reminders only)",
    "reminder.interest": "interest charged with the reminder (reminders only)",
    "reminder.total": "open amount plus fee and interest (reminders only)",
}

DEFAULT_NAMES: dict[DocKind, str] = {kind: kind.value for kind in TEMPLATE_KINDS}
FALLBACK_LANGUAGE = "en"
_NAME = re.compile(r"[\w][\w .\-]{0,59}")
MAX_SUBJECT = 300
MAX_BODY = 20_000


@dataclass(frozen=True, slots=True)
class TemplateView:
    name: str
    doc_type: DocKind
    language: str
    subject: str
    body: str
    built_in: bool  # True: a built-in default (nothing stored)
    overrides_built_in: bool = False  # stored, in place of a built-in default


# --------------------------------------------------------------------------- built-ins

_SIGNATURE_EN = "\n\nKind regards\n{company.name}"
_SIGNATURE_DE = "\n\nMit freundlichen Grüßen\n{company.name}"

BUILT_IN: dict[tuple[str, str], tuple[DocKind, str, str]] = {
    ("invoice", "en"): (
        DocKind.INVOICE,
        "Invoice {invoice.number} from {company.name}",
        "{greeting},\n\n"
        "Please find attached our invoice {invoice.number} of {invoice.date} "
        "for {invoice.amount_due}, due on {invoice.due_date}.\n\n"
        "If you have any questions, simply reply to this e-mail." + _SIGNATURE_EN,
    ),
    ("invoice", "de"): (
        DocKind.INVOICE,
        "Rechnung {invoice.number} von {company.name}",
        "{greeting},\n\n"
        "anbei erhalten Sie unsere Rechnung {invoice.number} vom {invoice.date} "
        "über {invoice.amount_due}. Bitte überweisen Sie den Betrag bis zum "
        "{invoice.due_date}.\n\n"
        "Bei Fragen antworten Sie einfach auf diese E-Mail." + _SIGNATURE_DE,
    ),
    ("credit_note", "en"): (
        DocKind.CREDIT_NOTE,
        "Credit note {credit_note.number} for invoice {invoice.number}",
        "{greeting},\n\n"
        "Please find attached our credit note {credit_note.number} of {credit_note.date} "
        "for invoice {invoice.number}, amounting to {credit_note.gross}.\n\n"
        "If you have any questions, simply reply to this e-mail." + _SIGNATURE_EN,
    ),
    ("credit_note", "de"): (
        DocKind.CREDIT_NOTE,
        "Rechnungskorrektur {credit_note.number} zur Rechnung {invoice.number}",
        "{greeting},\n\n"
        "anbei erhalten Sie unsere Rechnungskorrektur {credit_note.number} vom "
        "{credit_note.date} zur Rechnung {invoice.number} über {credit_note.gross}.\n\n"
        "Bei Fragen antworten Sie einfach auf diese E-Mail." + _SIGNATURE_DE,
    ),
    ("reminder", "en"): (
        DocKind.REMINDER,
        "Payment reminder: invoice {invoice.number}",
        "{greeting},\n\n"
        "Our invoice {invoice.number} of {invoice.date} was due on {invoice.due_date}, "
        "and {invoice.open} of it is still open. Perhaps it was simply overlooked: "
        "please transfer the open amount within the next few days.\n\n"
        "If you have paid in the meantime, please disregard this message." + _SIGNATURE_EN,
    ),
    ("reminder", "de"): (
        DocKind.REMINDER,
        "Zahlungserinnerung: Rechnung {invoice.number}",
        "{greeting},\n\n"
        "unsere Rechnung {invoice.number} vom {invoice.date} war am {invoice.due_date} "
        "fällig; offen sind noch {invoice.open}. Sicher ist sie Ihnen nur entgangen: "
        "Bitte überweisen Sie den offenen Betrag in den nächsten Tagen.\n\n"
        "Sollten Sie inzwischen gezahlt haben, betrachten Sie diese E-Mail bitte als "
        "gegenstandslos." + _SIGNATURE_DE,
    ),
}

_GREETINGS = {
    "en": ("Dear {name}", "Dear Sir or Madam"),
    "de": ("Guten Tag {name}", "Sehr geehrte Damen und Herren"),
}


# --------------------------------------------------------------------------- checking


def _placeholders(text: str, field: str) -> list[tuple[str, str | None]]:
    """(literal text, placeholder or None) pairs; a DomainError for anything that is not
    a plain known placeholder."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise DomainError(
            "a '{' or '}' without its partner: placeholders look like {invoice.number}; "
            "write {{ and }} for a literal brace",
            field,
        ) from None
    result: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parts:
        if name is None:
            result.append((literal, None))
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        shown += "}"
        if name not in PLACEHOLDERS:
            raise _unknown(name, shown, field)
        if conversion or spec:
            raise DomainError(
                "{shown}: placeholders take no '!' or ':' formatting — write {{{name}}}",
                field,
                params={"shown": shown, "name": name},
            )
        result.append((literal, name))
    return result


def _unknown(name: str, shown: str, field: str) -> DomainError:
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    params = {"shown": shown, "known": known}
    if not name.strip():
        return DomainError(
            "empty placeholder {shown} — use one of {known}",
            field,
            code="unknown_placeholder",
            params=params,
        )
    close = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
    if close:
        return DomainError(
            "unknown placeholder {shown} (did you mean {close}?) — use one of {known}",
            field,
            code="unknown_placeholder",
            params={**params, "close": "{" + close[0] + "}"},
        )
    return DomainError(
        "unknown placeholder {shown} — use one of {known}",
        field,
        code="unknown_placeholder",
        params=params,
    )


def validate_text(text: str, field: str) -> None:
    """A DomainError naming ``field`` when ``text`` has an unknown placeholder, a
    placeholder with formatting (``!r``, ``:>10``) or a brace without its partner."""
    if not isinstance(text, str):
        raise DomainError("expected text", field)
    _placeholders(text, field)


def _substitute(text: str, values: Mapping[str, str]) -> str:
    return "".join(
        literal + (values.get(name, "") if name else "")
        for literal, name in _placeholders(text, "")
    )


def _name(value: str) -> str:
    name = " ".join(str(value).split())
    if not _NAME.fullmatch(name):
        raise DomainError(
            "a template name is 1 to 60 letters, digits, spaces, '.', '-' or '_'",
            "template.name",
        )
    return name


def _language(value: str) -> str:
    code = validation.language(value, "template.language")
    return _primary(code)


def _primary(code: str | None) -> str:
    return str(code or "").strip().lower().replace("-", "_").split("_")[0]


def _kind(value: DocKind | str) -> DocKind:
    if value not in TEMPLATE_KINDS:  # a document kind without mail of its own, or none
        allowed = ", ".join(TEMPLATE_KINDS)
        raise DomainError(
            "'{value}' is not one of {allowed}",
            "template.doc_type",
            params={"value": value, "allowed": allowed},
        )
    return DocKind(value)


# --------------------------------------------------------------------------- reading


def _built_in_view(name: str, language: str) -> TemplateView:
    kind, subject, body = BUILT_IN[(name, language)]
    return TemplateView(name, kind, language, subject, body, built_in=True)


def _stored_view(row: MailTemplate) -> TemplateView:
    return TemplateView(
        name=row.name,
        doc_type=DocKind(row.doc_type),
        language=row.language,
        subject=row.subject,
        body=row.body,
        built_in=False,
        overrides_built_in=(row.name, row.language) in BUILT_IN,
    )


def _all(session: Session) -> dict[tuple[str, str], TemplateView]:
    views = {key: _built_in_view(*key) for key in BUILT_IN}
    for row in session.scalars(select(MailTemplate)):
        views[(row.name, row.language)] = _stored_view(row)
    return views


_KIND_ORDER = {kind: i for i, kind in enumerate(DocKind)}


def list_templates(db: Database, doc_type: DocKind | None = None) -> list[TemplateView]:
    """Every template: the stored ones and the built-in defaults not replaced, by
    document type, name and language."""
    with db.read() as session:
        views = _all(session).values()
    return sorted(
        (v for v in views if doc_type is None or v.doc_type == doc_type),
        key=lambda v: (_KIND_ORDER[v.doc_type], v.name.casefold(), v.language),
    )


def _set_kind(session: Session, name: str) -> DocKind | None:
    """The document type of the template set ``name`` (None: no such set)."""
    for (other, _language), (kind, _subject, _body) in BUILT_IN.items():
        if other == name:
            return kind
    stored = session.scalar(select(MailTemplate.doc_type).where(MailTemplate.name == name))
    return DocKind(stored) if stored is not None else None


# --------------------------------------------------------------------------- writing


def save_template(
    db: Database, name: str, doc_type: DocKind | str, language: str, subject: str, body: str
) -> TemplateView:
    """Store the text of template ``name`` in ``language`` (replacing one stored before,
    or the built-in default of that name). Checked here, so sending never finds a bad
    placeholder: a DomainError names the field (``template.subject`` …)."""
    name = _name(name)
    kind = _kind(doc_type)
    language = _language(language)
    subject = validation.text(subject, "template.subject", max_length=MAX_SUBJECT, required=True)
    if not isinstance(body, str) or not body.strip():
        raise DomainError("is required", "template.body", code="required")
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    validation.plain_text(body, "template.body", multiline=True)
    if len(body) > MAX_BODY:
        raise DomainError(
            "is too long ({length} characters, at most {max_body})",
            "template.body",
            params={"length": len(body), "max_body": MAX_BODY},
        )
    validate_text(subject, "template.subject")
    validate_text(body, "template.body")
    with db.write() as session:
        existing_kind = _set_kind(session, name)
        if existing_kind is not None and existing_kind != kind:
            raise DomainError(
                "the templates named '{name}' are for {kind}; choose another name",
                "template.name",
                params={"name": name, "kind": _plural(existing_kind)},
            )
        row = session.scalar(
            select(MailTemplate).where(MailTemplate.name == name, MailTemplate.language == language)
        )
        if row is None:
            row = MailTemplate(name=name, language=language)
            session.add(row)
        row.doc_type = kind.value
        row.subject = subject
        row.body = body
        row.updated_at = utcnow()
        session.flush()
        return _stored_view(row)


def delete_template(db: Database, name: str, language: str) -> None:
    """Delete the stored template ``name`` in ``language``; a built-in default of that
    name and language comes back."""
    language = _primary(language)
    with db.write() as session:
        row = session.scalar(
            select(MailTemplate).where(MailTemplate.name == name, MailTemplate.language == language)
        )
        if row is not None:
            session.delete(row)
    deleted = row is not None
    if not deleted:
        if (name, language) in BUILT_IN:
            raise DomainError(
                "'{name}' ({language}) is a built-in template; change it by saving your own text "
                "under its name",
                "template",
                params={"name": name, "language": language},
            )
        raise NotFoundError(
            "there is no template '{name}' in '{language}'",
            "template",
            params={"name": name, "language": language},
        )


def _plural(kind: DocKind) -> str:
    return {
        DocKind.INVOICE: tr("invoices"),
        DocKind.CREDIT_NOTE: tr("credit notes"),
        DocKind.REMINDER: tr("reminders"),
    }[kind]


# --------------------------------------------------------------------------- rendering


def _choose(
    views: Mapping[tuple[str, str], TemplateView], name: str, language: str | None, client: str
) -> TemplateView:
    languages = sorted(lang for other, lang in views if other == name)
    if not languages:
        names = sorted({other for other, _lang in views})
        raise NotFoundError(
            "there is no mail template '{name}' (one of {choices})",
            "template",
            params={"name": name, "choices": ", ".join(names)},
        )
    if language is not None:
        wanted = _primary(language)
        if wanted not in languages:
            raise DomainError(
                "the template '{name}' has no text in '{wanted}' (it has {choices})",
                "language",
                params={"name": name, "wanted": wanted, "choices": ", ".join(languages)},
            )
        return views[(name, wanted)]
    for candidate in (client, FALLBACK_LANGUAGE):
        if candidate in languages:
            return views[(name, candidate)]
    return views[(name, languages[0])]


def _allowed(kind: DocKind, invoice: Invoice) -> bool:
    if invoice.doc_type == DocType.CREDIT_NOTE.value:
        return kind is DocKind.CREDIT_NOTE
    return kind is not DocKind.CREDIT_NOTE


def _text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    return "" if value is None else " ".join(str(value).split())


def _contact(client: Client | None, snapshot: Mapping[str, object]) -> tuple[str, str, str]:
    """(first name, last name, full name) of the person the mail addresses, if any."""
    first = last = ""
    if client is not None and client.contacts:
        person = client.contacts[0]
        first, last = person.first_name.strip(), person.last_name.strip()
    elif client is not None and client.kind == "person":
        first, last = client.first_name.strip(), client.last_name.strip()
    full = " ".join(p for p in (first, last) if p)
    return first, last, full or _text(snapshot, "contact")


def _values(
    session: Session, invoice: Invoice, language: str, reminder: Reminder | None
) -> dict[str, str]:
    company, client_data = parties(session, invoice)
    address = client_data.get("address")
    country = _text(address, "country") if isinstance(address, Mapping) else ""
    fmt = Formatter(locale_of(language, country), invoice.currency)
    client = session.get(Client, invoice.client_id, options=[selectinload(Client.contacts)])
    first, last, contact = _contact(client, client_data)
    named, anonymous = _GREETINGS.get(language, _GREETINGS["en"])

    def money(amount: Decimal | None) -> str:
        return fmt.money(amount) if amount is not None else ""

    def date(value: dt.date | None) -> str:
        return fmt.date(value)

    values = {
        "greeting": named.format(name=contact) if contact else anonymous,
        "client.name": _text(client_data, "name"),
        "client.customer_number": _text(client_data, "customer_number"),
        "contact.first_name": first,
        "contact.last_name": last,
        "contact.name": contact,
        "company.name": _text(company, "name"),
        "company.email": _text(company, "email"),
        "company.phone": _text(company, "phone"),
        "company.website": _text(company, "website"),
    }
    target = invoice
    if invoice.doc_type == DocType.CREDIT_NOTE.value:
        values.update(
            {
                "credit_note.number": invoice.number or "",
                "credit_note.date": date(invoice.date),
                "credit_note.gross": money(invoice.gross),
                "credit_note.refund": money(invoice.open_amount),
            }
        )
        corrected = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
        target = corrected if corrected is not None else invoice
    if target is not invoice or invoice.doc_type == DocType.INVOICE.value:
        values.update(
            {
                "invoice.number": target.number or "",
                "invoice.date": date(target.date),
                "invoice.due_date": date(target.due_date),
                "invoice.gross": money(target.gross),
                "invoice.amount_due": money(target.amount_due),
                "invoice.open": money(target.open_amount),
                "invoice.paid": money(target.paid_amount),
                "invoice.currency": target.currency,
                "invoice.title": " ".join(target.title.split()),
            }
        )
    if reminder is not None:
        values.update(
            {
                "reminder.level": str(reminder.level),
                "reminder.date": date(reminder.date),
                "reminder.due_date": date(reminder.due_date),
                "reminder.fee": money(reminder.fee),
                "reminder.interest": money(reminder.interest),
                "reminder.total": money(invoice.open_amount + reminder.fee + reminder.interest),
            }
        )
    return values


def _load(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFoundError(
            "there is no invoice with id {invoice_id}",
            "invoice",
            code="invoice_not_found",
            params={"invoice_id": invoice_id},
        )
    return invoice


def _reminder(session: Session, invoice_id: int, reminder_id: int | None) -> Reminder | None:
    if reminder_id is None:
        return None
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.invoice_id != invoice_id:
        raise NotFoundError(
            "there is no reminder {reminder_id} of this invoice",
            "reminder",
            params={"reminder_id": reminder_id},
        )
    return reminder


def _render(
    session: Session,
    invoice_id: int,
    template: str | None,
    language: str | None,
    reminder_id: int | None,
    text: tuple[str, str] | None = None,
) -> tuple[str, str]:
    invoice = _load(session, invoice_id)
    reminder = _reminder(session, invoice_id, reminder_id)
    is_credit = invoice.doc_type == DocType.CREDIT_NOTE.value
    if template is None:
        kind = (
            DocKind.CREDIT_NOTE
            if is_credit
            else (DocKind.REMINDER if reminder else DocKind.INVOICE)
        )
        template = DEFAULT_NAMES[kind]
    _company, client_data = parties(session, invoice)
    client_language = _primary(_text(client_data, "language")) or FALLBACK_LANGUAGE
    view = _choose(_all(session), template.strip(), language, client_language)
    if not _allowed(view.doc_type, invoice):
        document = tr("a credit note") if is_credit else tr("an invoice")
        raise DomainError(
            "the template '{name}' is for {kind}; {number} is {document}",
            "template",
            params={
                "name": view.name,
                "kind": _plural(view.doc_type),
                "number": invoice.number or tr("this draft"),
                "document": document,
            },
        )
    subject, body = text if text is not None else (view.subject, view.body)
    values = _values(session, invoice, view.language, reminder)
    return " ".join(_substitute(subject, values).split()), _substitute(body, values)


def render(
    db: Database | Session,
    invoice_id: int,
    *,
    template: str | None = None,
    language: str | None = None,
    reminder_id: int | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of the mail for invoice ``invoice_id``.

    ``template`` None: the document type's default set (``invoice``, ``credit_note``;
    ``reminder`` with ``reminder_id``). ``language`` None: the client's language where
    the set has a text in it, else English. ``reminder_id`` fills ``reminder.*``.
    ``subject`` / ``body``: a text of this one mail instead of the template's, with the
    same placeholders, checked as a template's (a DomainError names ``subject`` or
    ``body``).
    """
    if isinstance(db, Session):
        return _render_own(db, invoice_id, template, language, reminder_id, subject, body)
    with db.read() as session:
        return _render_own(session, invoice_id, template, language, reminder_id, subject, body)


def _render_own(
    session: Session,
    invoice_id: int,
    template: str | None,
    language: str | None,
    reminder_id: int | None,
    subject: str | None,
    body: str | None,
) -> tuple[str, str]:
    rendered = _render(session, invoice_id, template, language, reminder_id)
    if subject is None and body is None:
        return rendered
    if subject is not None:
        subject = validation.text(subject, "subject", max_length=MAX_SUBJECT, required=True)
        validate_text(subject, "subject")
    if body is not None:
        body = validation.text(body, "body", max_length=MAX_BODY, required=True, multiline=True)
        validate_text(body, "body")
    own = _render(session, invoice_id, template, language, reminder_id, (subject or "", body or ""))
    return (
        own[0] if subject is not None else rendered[0],
        own[1] if body is not None else rendered[1],
    )


def render_text(
    db: Database,
    invoice_id: int,
    subject: str,
    body: str,
    *,
    template: str | None = None,
    language: str | None = None,
) -> tuple[str, str]:
    """Unsaved ``subject`` and ``body`` rendered for invoice ``invoice_id`` (the live
    preview of the template editor); checked like :func:`save_template`."""
    validate_text(subject, "template.subject")
    validate_text(body, "template.body")
    with db.read() as session:
        return _render(session, invoice_id, template, language, None, (subject, body))


__all__ = [
    "BUILT_IN",
    "DEFAULT_NAMES",
    "PLACEHOLDERS",
    "TemplateView",
    "delete_template",
    "list_templates",
    "render",
    "render_text",
    "save_template",
    "validate_text",
]
