"""The program language chosen in File › Settings › Language, applied at start.

Kept in QSettings (this computer's choice, not the books'). "" follows the system. The
choice sets Qt's default locale, which formatting and the date fields read: a user who
picks German sees German dates and numbers even on an English system, and the other way
round. The territory stays the system's where that pair exists (English in Germany:
"en_DE", day first, decimal comma); else the language's main locale ("de" → "de_DE").
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings

LANGUAGE_KEY = "ui/language"
PROGRAM_LANGUAGES = (("", "As the system"), ("en", "English"), ("de", "Deutsch (German)"))
MAIN_LOCALE = {"en": "en_US", "de": "de_DE"}  # where the system's territory has no such pair


def program_language(settings: QSettings | None = None) -> str:
    """The language chosen for the program ("" = the system's)."""
    return str((settings or QSettings()).value(LANGUAGE_KEY, "") or "")


def locale_for(language: str, system: str) -> str:
    """The locale name to use for ``language`` on a system whose locale is ``system``."""
    if not language or system.split("_")[0] == language:
        return system
    from babel import Locale, UnknownLocaleError  # only when a language was chosen

    territory = system.split("_")[1] if "_" in system else ""
    if territory:
        try:
            return str(Locale.parse(f"{language}_{territory}"))
        except (ValueError, UnknownLocaleError):
            pass
    return MAIN_LOCALE.get(language, system)


def apply_program_language(settings: QSettings | None = None) -> str:
    """Make the chosen language Qt's default locale; returns the locale name in use."""
    system = QLocale.system().name()
    name = locale_for(program_language(settings), system)
    if name != system:
        QLocale.setDefault(QLocale(name))
    return name
