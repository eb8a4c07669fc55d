"""File › Backups…: the database's backups with what each holds, Back Up Now and Restore.

Listing reads every backup's counts, and backing up copies the whole file: both run on the
worker pool. Restoring needs the database closed, so the dialog only picks the backup
and asks; the main window closes the file, restores it and opens it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services import backups
from invoicedesk.services.backups import BackupInfo
from invoicedesk.services.books import Books
from invoicedesk.ui import formatting
from invoicedesk.ui.messages import ask_folder, confirm, report
from invoicedesk.ui.widgets.elided_tooltips import install_elided_tooltips
from invoicedesk.ui.widgets.window_fit import keep_text_height
from invoicedesk.ui.worker import run_task

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = (N_("Made"), N_("Kind"), N_("Clients"), N_("Invoices"), N_("Size"))
KIND_LABELS = {"auto": N_("Automatic"), "manual": N_("Manual")}  # marked: shown as tr(text)


def describe(backup: BackupInfo) -> str:
    """ "7 Dec 2026, 18:30 — 25 clients, 204 invoices" for questions and status lines."""
    when = f"{formatting.date(backup.created.date())} {backup.created:%H:%M}"
    if backup.clients is None:
        return tr("{when} (its contents cannot be read)").format(when=when)
    clients = ntr("{n} client", "{n} clients", backup.clients).format(
        n=formatting.number(backup.clients)
    )
    invoices = ntr("{n} invoice", "{n} invoices", backup.invoices or 0).format(
        n=formatting.number(backup.invoices or 0)
    )
    return tr("{when}: {clients}, {invoices}").format(when=when, clients=clients, invoices=invoices)


class BackupsModel(QAbstractTableModel):
    """The backups, newest first (plain rows; the dialog loads them in the background)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BackupInfo] = []

    def set_rows(self, rows: list[BackupInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        backup = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{formatting.date(backup.created.date())} {backup.created:%H:%M:%S}"
            if column == 1:
                return tr(KIND_LABELS[backup.kind]) if backup.kind in KIND_LABELS else backup.kind
            if column in (2, 3):
                count = backup.clients if column == 2 else backup.invoices
                return "?" if count is None else formatting.number(count)
            return formatting.file_size(backup.size)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(backup.path)
        return None


class BackupsDialog(QDialog):
    """Lists the backups; ``chosen`` is the backup to restore once the dialog is accepted."""

    def __init__(self, db: Books, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Backups"))
        self.resize(640, 380)
        self.db = db
        self.chosen: BackupInfo | None = None
        self.folder = backups.default_folder(backups.database_file(db))

        self.model = BackupsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # a date, whole
        install_elided_tooltips(self.table)  # a squeezed cell shows its text on hover
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

        intro = QLabel(
            tr("InvoiceDesk backs your data up when you close it and once a day while it runs, "
               "keeping one backup for each of the last 7 days, 4 weeks and 12 months. Manual "
               "backups stay until you delete them.")
        )  # fmt: skip
        intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.folder_button = QPushButton(tr("Change &Folder…"))
        self.folder_button.setToolTip(
            tr("Keep backups somewhere else on this computer, e.g. on a second drive")
        )
        self.folder_button.clicked.connect(self.choose_folder)
        self._show_folder()
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)  # an error may name a long path

        self.backup_button = QPushButton(tr("&Back Up Now"))
        self.restore_button = QPushButton(tr("&Restore…"))
        self.open_button = QPushButton(tr("&Open Folder"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.open_button.clicked.connect(self.open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.open_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        layout.addLayout(folder_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self.reload()
        keep_text_height(self)  # the intro and the folder wrap; never squeezed

    def _update_buttons(self, *_args: object) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.backup_button.setEnabled(not text)

    def reload(self) -> None:
        db = self.db
        self._busy(tr("Reading the backups…"))

        def done(found: list[BackupInfo]) -> None:
            self.model.set_rows(found)
            self._busy("")
            self.status.setText("" if found else tr("No backups yet."))
            if found:
                self.table.selectRow(0)

        def failed(exc: BaseException, _trace: str) -> None:
            self._busy("")
            self.status.setText(tr("The backups could not be read: {error}").format(error=exc))

        run_task(lambda _task: backups.list_backups(db), done, failed)

    def backup_now(self) -> None:
        db = self.db
        self._busy(tr("Backing up…"))

        def done(made: BackupInfo) -> None:
            self.reload()
            self.status.setText(tr("Backup made: {backup}").format(backup=describe(made)))

        def failed(exc: BaseException, _trace: str) -> None:
            self._busy("")
            self.status.setText(tr("The backup failed: {error}").format(error=exc))

        run_task(lambda _task: backups.create_backup(db, kind="manual"), done, failed)

    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None:
            return
        if confirm(
            self, tr("Restore Backup"),
            tr("Restore the backup of {backup}?").format(backup=describe(backup)),
            tr("Restore"),
            tr("Everything entered since then is replaced. The current data is kept aside in a "
               "file beside the database, so the restore can be undone."),
            destructive=True,
        ):  # fmt: skip
            self.chosen = backup
            self.accept()

    def _show_folder(self) -> None:
        self.folder_label.setText(tr("Folder: {folder}").format(folder=self.folder))
        fixed = backups.backup_root_is_fixed()
        self.folder_button.setEnabled(not fixed)
        if fixed:
            self.folder_button.setToolTip(
                tr("${variable} decides the folder on this computer").format(
                    variable=backups.BACKUP_DIR_ENV
                )
            )

    def choose_folder(self) -> None:
        """Ask for a folder, check that backups can be written there, and keep it for
        this computer (the command line uses it too)."""
        chosen = ask_folder(self, tr("Folder for Backups"), str(backups.backup_root()))
        if not chosen:
            return
        try:
            backups.set_backup_root(Path(chosen))
        except DomainError as exc:
            report(self, tr("Folder for Backups"), exc.message[:1].upper() + exc.message[1:] + ".")
            return
        self.folder = backups.default_folder(backups.database_file(self.db))
        self._show_folder()
        self.status.setText(
            tr("New backups go to the new folder; earlier ones stay where they are.")
        )
        self.reload()

    def open_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.folder))))
