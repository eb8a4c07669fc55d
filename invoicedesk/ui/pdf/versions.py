"""The archived PDFs of an issued invoice: every stored version, newest first.

A table (version, kind, created, size, template, short SHA-256) loaded in the
background; double-click (or Enter, or Preview) shows that exact version, Save
as… writes its bytes. It reloads when the bus says its invoice changed (a new
version archived, a cancellation notice stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import shiboken6
from babel.numbers import format_decimal
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services import pdfs
from invoicedesk.services.pdfs import ArchivedVersion
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.formatting import file_size
from invoicedesk.ui.pdf import actions, files
from invoicedesk.ui.pdf.actions import open_preview
from invoicedesk.ui.worker import run_task

ModelIndex = QModelIndex | QPersistentModelIndex
VersionRole = Qt.ItemDataRole.UserRole + 1  # the row's ArchivedVersion
# Marked: shown with tr().
KIND_LABELS = {"invoice_pdf": N_("Invoice"), "cancellation_pdf": N_("Cancellation notice")}
TEMPLATE_LABELS = {"classic": N_("Classic"), "modern": N_("Modern")}
SHORT_SHA = 12
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def created(value: dt.datetime) -> str:
    """A stored time (UTC) as the user's local date and time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    return f"{formatting.date(local.date())} {local:%H:%M}"


class VersionsModel(QAbstractTableModel):
    COLUMNS = (N_("Version"), N_("Kind"), N_("Created"), N_("Size"), N_("Template"), "SHA-256")
    RIGHT = frozenset({0, 3})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._versions: list[ArchivedVersion] = []
        self._texts: list[tuple[str, ...]] = []

    def set_versions(self, versions: list[ArchivedVersion]) -> None:
        self.beginResetModel()
        self._versions = list(versions)
        self._texts = [
            (
                str(v.version),
                tr(KIND_LABELS[v.kind]) if v.kind in KIND_LABELS else v.kind.replace("_", " "),
                created(v.created_at),
                file_size(v.size),
                tr(TEMPLATE_LABELS[v.template]) if v.template in TEMPLATE_LABELS else v.template,
                v.sha256[:SHORT_SHA],
            )
            for v in self._versions
        ]
        self.endResetModel()

    def version(self, row: int) -> ArchivedVersion | None:
        return self._versions[row] if 0 <= row < len(self._versions) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._versions)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self.COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if section in self.RIGHT else _LEFT)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._versions):
            return None
        version = self._versions[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column in self.RIGHT else _LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5:
                return f"SHA-256 {version.sha256}"
            if column == 3:
                size = format_decimal(version.size, locale=formatting.user_locale())
                return ntr("{size} byte", "{size} bytes", version.size).format(size=size)
            return version.filename
        if role == Qt.ItemDataRole.FontRole and column == 5:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if role == VersionRole:
            return version
        return None


class _VersionsTable(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class ArchivedPdfsPanel(QWidget):
    """The versions of one invoice's archived PDFs, with Preview and Save as…."""

    loaded = Signal()  # the list shows the stored versions

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.invoice_id: int | None = None
        self.title = ""
        self._generation = 0
        self._loading = False
        self.preview_dialog: QWidget | None = None
        self.model = VersionsModel(self)
        self.table = _VersionsTable()
        self.table.setObjectName("archived-pdfs")
        self.table.setAccessibleName(tr("Archived PDFs"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.preview_version(index.row()))
        self.table.activated_row.connect(self.preview_version)
        self.hint = QLabel(
            tr(
                "Version 1 was stored when the invoice was issued. A new version is rendered "
                "with the current layout; earlier versions are never changed."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # the quiet text colour
        self.preview_button = QPushButton(tr("Pre&view version"))
        self.preview_button.clicked.connect(lambda: self.preview_version(self._current_row()))
        self.save_button = QPushButton(tr("Sa&ve version as…"))
        self.save_button.clicked.connect(lambda: self.save_version(self._current_row()))
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.preview_button)
        self.buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)  # a row of its own: beside the buttons it was cut at 1024 px
        layout.addLayout(self.buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        ctx.bus.changed.connect(self._on_bus)
        self._update_buttons()

    def add_button(self, button: QPushButton) -> None:
        self.buttons.addWidget(button)

    # ------------------------------------------------------------------ loading

    def show_invoice(self, invoice_id: int | None, title: str) -> None:
        """List ``invoice_id``'s versions (None: empty the list)."""
        if invoice_id == self.invoice_id:
            return  # later changes come through the bus
        self.invoice_id = invoice_id
        self.title = title
        self._generation += 1  # whatever is loading is for another invoice
        self._loading = False
        self.model.set_versions([])
        self.reload()

    def is_loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        if self.invoice_id is None:
            return
        self._generation += 1
        generation, db, invoice_id = self._generation, self.ctx.db, self.invoice_id
        self._loading = True

        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def done(versions: list[ArchivedVersion]) -> None:
            if current():
                self._loading = False
                self.model.set_versions(versions)
                if versions:
                    self.table.selectRow(0)  # the newest: the one saved and sent from now on
                self.loaded.emit()

        def failed(exc: BaseException, _trace: str) -> None:
            if current():
                self._loading = False
                self.hint.setText(
                    tr("The archived PDFs could not be listed: {error}").format(
                        error=files.error_text(exc)
                    )
                )
                self.loaded.emit()

        run_task(lambda _task: pdfs.list_versions(db, invoice_id), done, failed)

    def _on_bus(self, kind: str, ids: list[int]) -> None:
        if not shiboken6.isValid(self) or self.invoice_id is None:
            return
        if kind == "invoice" and (not ids or self.invoice_id in ids):
            self.reload()

    # ------------------------------------------------------------------ versions

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_buttons(self) -> None:
        chosen = self.model.version(self._current_row()) is not None
        self.preview_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)

    def _fetch(self, version: ArchivedVersion, done: Callable[[bytes], None],
               failed: Callable[[str], None]) -> None:  # fmt: skip
        db = self.ctx.db

        def delivered(content: bytes) -> None:
            if shiboken6.isValid(self):
                done(content)

        def refused(exc: BaseException, _trace: str) -> None:
            if shiboken6.isValid(self):
                failed(files.error_text(exc))

        run_task(lambda _task: pdfs.version_content(db, version.id), delivered, refused)

    def version_title(self, version: ArchivedVersion) -> str:
        if version.kind == "cancellation_pdf":
            text = tr("{document}, cancellation notice {version}")
        else:
            text = tr("{document}, version {version}")
        return text.format(document=self.title, version=version.version)

    def preview_version(self, row: int) -> None:
        """Show exactly the stored bytes of the version in ``row``."""
        version = self.model.version(row)
        if version is None:
            return
        dialog = open_preview(self.window(), self.version_title(version))
        self.preview_dialog = dialog
        template = TEMPLATE_LABELS.get(version.template)
        note = tr("Archived {when} · {template} template · SHA-256 {sha}…").format(
            when=created(version.created_at),
            template=tr(template) if template else version.template,
            sha=version.sha256[:SHORT_SHA],
        )

        def done(content: bytes) -> None:
            if shiboken6.isValid(dialog):
                dialog.set_pdf(version.filename, content, note)

        def failed(message: str) -> None:
            if shiboken6.isValid(dialog):
                dialog.show_error(
                    tr("The stored PDF could not be read: {error}").format(error=message)
                )

        self._fetch(version, done, failed)

    def save_version(self, row: int) -> None:
        version = self.model.version(row)
        if version is None:
            return

        def done(content: bytes) -> None:
            path = files.ask_save_path(self, version.filename)
            if path is None:
                return
            try:
                files.write_pdf(path, content)
            except OSError as exc:
                actions.report(
                    self,
                    tr("Not saved"),
                    tr("The PDF was not saved: {error}").format(error=files.error_text(exc)),
                )

        def failed(message: str) -> None:
            actions.report(
                self,
                tr("Not saved"),
                tr("The stored PDF could not be read: {error}").format(error=message),
            )

        self._fetch(version, done, failed)
