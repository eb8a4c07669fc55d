"""PDF files on disk: Save as (remembering the folder), open in the system's viewer, folders.

The Qt dialogs and the desktop hand-off are called through this module
(``files.open_url``, ``files.ui_settings``), so tests can stand in for them.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from invoicedesk.i18n import N_, tr

SAVE_FOLDER_KEY = "pdf/save_folder"
EXPORT_FOLDER_KEY = "pdf/export_folder"
PDF_FILTER = N_("PDF documents (*.pdf)")  # marked: tr(PDF_FILTER)

_temp_dir: tempfile.TemporaryDirectory[str] | None = None


def ui_settings() -> QSettings:
    """Where the remembered folders live (tests point this at a file of their own)."""
    return QSettings()


def open_url(url: QUrl) -> bool:
    """Hand ``url`` to the desktop (a PDF viewer, a file manager)."""
    return QDesktopServices.openUrl(url)


def remembered_folder(key: str) -> Path:
    """The folder last used for ``key``, or the user's documents folder."""
    saved = ui_settings().value(key, "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home())


def remember_folder(key: str, folder: Path) -> None:
    ui_settings().setValue(key, str(folder))


def ask_save_path(parent: QWidget | None, filename: str) -> Path | None:
    """Ask where to save ``filename`` (starting in the folder used last); None: cancelled."""
    suggestion = remembered_folder(SAVE_FOLDER_KEY) / filename
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, tr("Save PDF"), str(suggestion), tr(PDF_FILTER)
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    remember_folder(SAVE_FOLDER_KEY, path.parent)
    return path


def ask_folder(parent: QWidget | None, title: str, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(chosen) if chosen else None


def write_pdf(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (a half-written PDF never remains)."""
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def safe_name(filename: str) -> str:
    """``filename`` without characters that file systems refuse."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", filename).strip(" .")
    return cleaned or "document.pdf"


def temp_copy(filename: str, content: bytes) -> Path:
    """``content`` in a temporary file named ``filename``, removed when the app quits."""
    global _temp_dir
    if _temp_dir is None:
        _temp_dir = tempfile.TemporaryDirectory(
            prefix="invoicedesk-pdf-", ignore_cleanup_errors=True
        )
    folder = Path(tempfile.mkdtemp(dir=_temp_dir.name))  # one each: viewers may keep files open
    path = folder / safe_name(filename)
    path.write_bytes(content)
    return path


def open_in_viewer(filename: str, content: bytes) -> Path:
    """Show ``content`` in the system's PDF viewer; raises OSError when that fails."""
    path = temp_copy(filename, content)
    if not open_url(QUrl.fromLocalFile(str(path))):
        raise OSError(
            tr("No program to show PDF files was found. The file is at {path}.").format(path=path)
        )
    return path


def open_folder(folder: Path) -> bool:
    return open_url(QUrl.fromLocalFile(str(folder)))


def error_text(exc: BaseException) -> str:
    """An error as a sentence for a message box (DomainError's message, OSError's reason)."""
    from invoicedesk.core.errors import DomainError

    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    if isinstance(exc, OSError):
        return str(exc)
    return tr("unexpected error ({error})").format(error=f"{type(exc).__name__}: {exc}")
