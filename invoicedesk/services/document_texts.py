"""The texts a new document starts with (title, intro, note), one set per document language.

A new invoice takes the set of its client's language, or the company's when no client
is chosen yet; languages other than English and German use the English set, as the PDF
labels do. The sets are the setting ``document_texts`` ({"en": {"title", "intro",
"note"}, "de": {…}}), always stored whole.

Older files have one set in the keys ``default_title``/``default_intro``/``default_note``.
A text changed there stays the text of the company's language; one left at its old
default takes the new default. This is read from the old keys until the sets are first
saved, and saving removes the old keys (no migration: settings are key/value rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.models import CompanyProfile, Setting
from invoicedesk.i18n import tr
from invoicedesk.pdf.model import LANGUAGES
from invoicedesk.services import validation as check

KEY = "document_texts"
TEXT_LANGUAGES = LANGUAGES  # a set of texts for each language the PDF labels know
FIELD_LIMITS = {"title": 200, "intro": 10_000, "note": 10_000}  # as the invoice's own


@dataclass(frozen=True, slots=True)
class DocumentTexts:
    """The title, intro (above the lines) and note (below the payment terms) of a document."""

    title: str = ""
    intro: str = ""
    note: str = ""


# The PDF prints the payment request ("Please transfer … by …") right above the note,
# so the note does not ask for payment again.
DEFAULT_TEXTS: dict[str, DocumentTexts] = {
    "en": DocumentTexts(
        title="Invoice",
        intro="Thank you for your order. We invoice you as follows:",
        note="If you have any questions about this invoice, please get in touch with us.",
    ),
    "de": DocumentTexts(
        title="Rechnung",
        intro="Vielen Dank für Ihren Auftrag. Wir stellen Ihnen folgende Leistungen in Rechnung:",
        note="Bei Fragen zu dieser Rechnung stehen wir Ihnen gern zur Verfügung.",
    ),
}

# The single set of older versions: setting key, field, and the default it shipped with.
LEGACY_KEYS = {"default_title": "title", "default_intro": "intro", "default_note": "note"}
_LEGACY_DEFAULTS = {
    "title": "Invoice",
    "intro": "Thank you for your order. We invoice you as follows:",
    "note": "Please pay the amount due by the due date.",
}


def text_language(code: object) -> str:
    """The language whose texts (and PDF labels) a language code gets: "en" or "de"."""
    text = str(code or "").strip().lower().replace("-", "_").split("_")[0]
    return text if text in TEXT_LANGUAGES else "en"


def default_document_texts(language: str) -> DocumentTexts:
    """The texts InvoiceDesk ships with for ``language`` (e.g. for "Restore defaults")."""
    return DEFAULT_TEXTS[text_language(language)]


def default_setting() -> dict[str, dict[str, str]]:
    """The setting's default value: every language's shipped texts."""
    return {language: asdict(texts) for language, texts in DEFAULT_TEXTS.items()}


def texts_of(settings: Mapping[str, Any], language: str) -> DocumentTexts:
    """The texts for ``language`` from all settings as ``settings.read_settings`` gives them
    (for a caller that has read them already, e.g. the invoice editor)."""
    return _parsed(settings.get(KEY))[text_language(language)]


def document_texts(db: Database, language: str) -> DocumentTexts:
    """The texts a new document in ``language`` starts with (any code; see text_language)."""
    with db.read() as session:
        return read_document_texts(session, language)


def read_document_texts(session: Session, language: str) -> DocumentTexts:
    """:func:`document_texts` inside the caller's transaction."""
    return _parsed(effective_setting(session, _stored(session)))[text_language(language)]


def update_document_texts(db: Database, language: str, texts: DocumentTexts) -> DocumentTexts:
    """Check and store the texts of ``language`` ("en" or "de"); the other language keeps
    its texts. Returns the texts as stored (trimmed), or raises a DomainError naming the
    field (``settings.document_texts.de.intro``)."""
    if language not in TEXT_LANGUAGES:
        choices = tr(" or ").join(TEXT_LANGUAGES)
        raise DomainError(
            "texts are kept for {choices}, not '{language}'",
            f"settings.{KEY}.{language}",
            params={"choices": choices, "language": language},
        )
    checked = validated_texts(texts, f"settings.{KEY}.{language}")
    with db.write() as session:
        value = effective_setting(session, _stored(session))
        value[language] = asdict(checked)
        store(session, value)
    return checked


def validated_texts(texts: DocumentTexts, field: str) -> DocumentTexts:
    """``texts`` trimmed and checked as the invoice's own title, intro and note are."""
    return DocumentTexts(
        **{
            name: check.text(
                getattr(texts, name),
                f"{field}.{name}",
                max_length=limit,
                multiline=name != "title",
            )
            for name, limit in FIELD_LIMITS.items()
        }
    )


def validated_setting(value: object, field: str) -> dict[str, dict[str, str]]:
    """A whole ``document_texts`` value checked (``config set``, the set-up wizard);
    a language or text left out keeps its default."""
    if not isinstance(value, Mapping):
        raise DomainError('expected {"en": {"title": …, "intro": …, "note": …}, "de": …}', field)
    result = default_setting()
    for language, texts in value.items():
        if language not in TEXT_LANGUAGES:
            raise DomainError(
                "unknown language '{language}' (en or de)", field, params={"language": language}
            )
        if not isinstance(texts, Mapping):
            raise DomainError("expected title, intro and note", f"{field}.{language}")
        unknown = set(texts) - set(FIELD_LIMITS)
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise DomainError(
                "unknown text {names} (title, intro, note)",
                f"{field}.{language}",
                params={"names": names},
            )
        merged = DocumentTexts(**{**result[language], **texts})
        result[language] = asdict(validated_texts(merged, f"{field}.{language}"))
    return result


def effective_setting(session: Session, stored: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The value of ``document_texts`` given the stored setting rows (key: value): the
    stored sets, else those of the old single-set keys, else the defaults."""
    if KEY in stored:
        return {language: asdict(texts) for language, texts in _parsed(stored[KEY]).items()}
    value = default_setting()
    changed = {
        field: stored[key]
        for key, field in LEGACY_KEYS.items()
        if isinstance(stored.get(key), str) and stored[key] != _LEGACY_DEFAULTS[field]
    }
    if changed:
        profile = session.get(CompanyProfile, 1)
        language = text_language(profile.language if profile is not None else "en")
        value[language].update(changed)
    return value


def store(session: Session, value: dict[str, dict[str, str]]) -> None:
    """Write the whole (checked) setting and drop the old single-set keys it replaces."""
    row = session.get(Setting, KEY)
    if row is None:
        session.add(Setting(key=KEY, value=value))
    else:
        row.value = value
    session.execute(delete(Setting).where(Setting.key.in_(list(LEGACY_KEYS))))


def _stored(session: Session) -> dict[str, Any]:
    keys = [KEY, *LEGACY_KEYS]
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys)))
    return {key: value for key, value in rows}


def _parsed(value: object) -> dict[str, DocumentTexts]:
    """The stored value as texts per language, a missing or unreadable text by its default
    (the value is checked when written; this only keeps a hand-edited file readable)."""
    stored = value if isinstance(value, Mapping) else {}
    result = {}
    for language, default in DEFAULT_TEXTS.items():
        texts = stored.get(language)
        texts = texts if isinstance(texts, Mapping) else {}
        result[language] = DocumentTexts(
            **{
                name: text if isinstance(text := texts.get(name), str) else getattr(default, name)
                for name in FIELD_LIMITS
            }
        )
    return result
