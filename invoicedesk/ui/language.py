"""The program language chosen in File › Settings › Language, applied at start.

Kept in QSettings (this computer's choice, not the books'). "" follows the system. The
choice sets Qt's default locale, which formatting and the date fields read: a user who
picks German sees German dates and numbers even on an English system, and the other way
round. The territory stays the system's where that pair exists (English in Germany:
"en_DE", day first, decimal comma); else the language's main locale ("de" → "de_DE").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from invoicedesk.i18n import COMPLETE_LANGUAGES, N_, SOURCE_LANGUAGE, set_language

LANGUAGE_KEY = "ui/language"
PROGRAM_LANGUAGES = (
    ("", N_("As the system")),
    ("en", N_("English")),
    ("de", N_("Deutsch (German)")),
)
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


def apply_program_language(
    app: QCoreApplication | None = None, settings: QSettings | None = None
) -> str:
    """Use the chosen language (or the system's): Qt's default locale for dates and
    numbers, our catalogue (``i18n.set_language``) and, given ``app``, Qt's own catalogue
    for its dialogs' buttons and menus. Returns the locale name in use."""
    system = QLocale.system().name()
    chosen = program_language(settings)
    name = locale_for(chosen, system)
    if name != system:
        QLocale.setDefault(QLocale(name))
    language = set_language(texts_language(chosen, name))
    if app is not None and language != SOURCE_LANGUAGE:
        install_qt_translations(app, language)
    return name


def texts_language(chosen: str, locale_name: str) -> str:
    """The language of the program's texts: the one chosen in the settings, else the
    locale's when its catalogue is complete (else English)."""
    if chosen or locale_name.split("_")[0] in COMPLETE_LANGUAGES:
        return locale_name
    return SOURCE_LANGUAGE


def install_qt_translations(app: QCoreApplication, language: str) -> bool:
    """Qt's own strings (Cancel, Yes, the context menu of a text field …) in ``language``,
    from the catalogues Qt ships (``qtbase_de.qm``). True when one was found."""
    translator = QTranslator(app)  # a child of the app: lives as long as it does
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder):
        return False
    return app.installTranslator(translator)
