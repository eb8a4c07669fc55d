"""Export PDFs…: which invoices and where to, then a batch run with progress and Cancel.

The user picks the selected invoices or all the list shows (with their counts),
a folder and, optionally, the print version. ``services.pdf_export.export_pdfs``
renders them in a process pool (all cores) inside a ``run_task`` worker; its
progress reaches a progress dialog whose Cancel stops the pool between files.
At the end a summary says how many were written where, lists failures and
offers to open the folder.

``ask_export`` is a module function so tests can answer it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import ntr, tr
from invoicedesk.services.search import row_ids, rows_by_id
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.formatting import number
from invoicedesk.ui.invoices.model import display_number
from invoicedesk.ui.pdf import actions, files
from invoicedesk.ui.pdf.actions import Listing
from invoicedesk.ui.worker import Task, long_jobs_pool, run_task

MAX_LISTED = 8  # failures named in the summary; the rest are counted
ERROR_COLOUR = "#c62828"


@dataclass(frozen=True, slots=True)
class ExportChoice:
    ids: tuple[int, ...]
    folder: Path
    print_version: bool = False


class ExportDialog(QDialog):
    """Which invoices (selected or all listed), which folder, print version or not."""

    def __init__(
        self, selected: list[int], listed: list[int], folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export PDFs"))
        self.setMinimumWidth(520)
        self._selected = selected
        self._listed = listed
        self.selected_button = QRadioButton(
            ntr("The {n} invoice &selected", "The {n} invoices &selected", len(selected)).format(
                n=number(len(selected))
            )
        )
        self.listed_button = QRadioButton(
            ntr(
                "&All {n} invoice the list shows (with the current filters)",
                "&All {n} invoices the list shows (with the current filters)",
                len(listed),
            ).format(n=number(len(listed)))
        )
        self.selected_button.setEnabled(bool(selected))
        self.listed_button.setEnabled(bool(listed))
        group = QButtonGroup(self)
        group.addButton(self.selected_button)
        group.addButton(self.listed_button)
        # Several rows selected: those were meant. One or none: most likely the whole list.
        (
            self.selected_button if len(selected) > 1 or not listed else self.listed_button
        ).setChecked(True)
        self.folder = QLineEdit(str(folder))
        self.folder.setObjectName("folder")
        self.folder.setClearButtonEnabled(True)
        choose = QPushButton(tr("C&hoose…"))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.print_version = QCheckBox(tr("&Print version (no coloured areas, no logo)"))
        self.print_version.setToolTip(
            tr("For printing on your own letterhead or in black and white; not archived")
        )
        hint = QLabel(
            tr(
                "Files already in the folder are kept: a new file of the same name\n"
                "gets a number, e.g. “Invoice_RE-2026-0001 (2).pdf”."
            )
        )
        hint.setEnabled(False)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        which = QVBoxLayout()
        which.addWidget(self.selected_button)
        which.addWidget(self.listed_button)
        form.addRow(tr("Invoices:"), which)
        folder_label = QLabel(tr("&Folder:"))
        folder_label.setBuddy(self.folder)  # a row of a layout gets no buddy by itself
        form.addRow(folder_label, folder_row)
        form.addRow("", self.print_version)
        form.addRow("", hint)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        group.buttonToggled.connect(lambda *_: self._update())
        self.folder.textChanged.connect(lambda *_: self._update())
        self._update()

    def ids(self) -> list[int]:
        return self._selected if self.selected_button.isChecked() else self._listed

    def _update(self) -> None:
        n = len(self.ids())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ntr("&Export {n} PDF", "&Export {n} PDFs", n).format(n=number(n)))
        ok.setEnabled(n > 0 and bool(self.folder.text().strip()))
        self.error.clear()

    def _choose_folder(self) -> None:
        start = Path(self.folder.text().strip() or Path.home())
        chosen = files.ask_folder(self, tr("Export PDFs to"), start)
        if chosen is not None:
            self.folder.setText(str(chosen))

    def accept(self) -> None:
        folder = Path(self.folder.text().strip()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.error.setText(
                tr("The folder cannot be used: {error}").format(error=files.error_text(exc))
            )
            return
        self.folder.setText(str(folder))
        super().accept()

    def choice(self) -> ExportChoice:
        return ExportChoice(
            tuple(self.ids()),
            Path(self.folder.text().strip()),
            self.print_version.isChecked(),
        )


def ask_export(
    parent: QWidget | None, selected: list[int], listed: list[int]
) -> ExportChoice | None:
    """Ask which invoices go where (tests replace this function); None: cancelled."""
    dialog = ExportDialog(
        selected, listed, files.remembered_folder(files.EXPORT_FOLDER_KEY), parent
    )
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()


@dataclass
class ExportOutcome:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # name, message
    cancelled: bool = False
    total: int = 0


def summary(outcome: ExportOutcome, folder: Path) -> tuple[str, str]:
    """The summary's headline and its details (failures), in sentences."""
    n, total = len(outcome.written), outcome.total
    if outcome.cancelled:
        text = ntr(
            "Export cancelled: {n} PDF of {total} written to {folder}.",
            "Export cancelled: {n} PDFs of {total} written to {folder}.",
            n,
        )
    elif n == total:
        text = ntr("Exported {n} PDF to {folder}.", "Exported {n} PDFs to {folder}.", n)
    else:
        text = ntr(
            "Exported {n} PDF of {total} to {folder}.",
            "Exported {n} PDFs of {total} to {folder}.",
            n,
        )
    text = text.format(n=number(n), total=number(total), folder=folder)
    lines = []
    if outcome.failed:
        count = len(outcome.failed)
        lines.append(
            ntr(
                "{n} invoice could not be exported:", "{n} invoices could not be exported:", count
            ).format(n=number(count))
        )
        lines += [f"• {name}: {message}" for name, message in outcome.failed[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(tr("• … and {n} more").format(n=number(count - MAX_LISTED)))
    return text, "\n".join(lines)


class ExportRun(QObject):
    """One Export…: the question, the batch in the background, the summary."""

    status_message = Signal(str)
    started = Signal()  # the export is under way (``task`` runs it)
    progressed = Signal(int, int)  # PDFs done, total
    finished = Signal()  # ended: done, cancelled, failed or not started

    def __init__(self, ctx: AppContext, parent: QWidget, *, jobs: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self.jobs = jobs
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self.summary_box: QMessageBox | None = None
        self.outcome: ExportOutcome | None = None

    def busy(self) -> bool:
        return self.task is not None

    def start(self, selected: list[int], listing: Listing) -> None:
        """Find what the list shows (ids only), then ask and run."""
        db = self.ctx.db

        def listed(_task: Task) -> list[int]:
            return row_ids(db, listing.filter, sort=listing.sort, descending=listing.descending)

        def done(ids: list[int]) -> None:
            self.task = None
            if shiboken6.isValid(self):
                self._ask(selected, ids)

        def failed(exc: BaseException, _trace: str) -> None:
            self.task = None
            if shiboken6.isValid(self):
                actions.report(
                    self._parent,
                    tr("Export PDFs"),
                    tr("The list could not be read: {error}").format(error=exc),
                )
                self.finished.emit()

        self.task = run_task(listed, done, failed)

    def _ask(self, selected: list[int], listed: list[int]) -> None:
        choice = ask_export(self._parent, selected, listed)
        if choice is None:
            self.finished.emit()
            return
        files.remember_folder(files.EXPORT_FOLDER_KEY, choice.folder)
        self.run(choice)

    def run(self, choice: ExportChoice) -> None:
        """Export ``choice`` in the background with a progress dialog that can cancel."""
        from invoicedesk.services.pdf_export import export_pdfs

        db, jobs, total = self.ctx.db, self.jobs, len(choice.ids)
        progress = QProgressDialog(
            ntr("Exporting {n} PDF…", "Exporting {n} PDFs…", total).format(n=number(total)),
            tr("Cancel"),
            0,
            total,
            self._parent,
        )
        progress.setWindowTitle(tr("Export PDFs"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)
        self.progress = progress

        def work(task: Task) -> ExportOutcome:
            result = export_pdfs(
                db,
                list(choice.ids),
                choice.folder,
                jobs=jobs,
                print_version=choice.print_version,
                progress=task.report,
                is_cancelled=task.is_cancelled,
            )
            names: dict[int, str] = {}
            if result.failed:
                rows = rows_by_id(db, [invoice_id for invoice_id, _ in result.failed])
                names = {row.id: display_number(row) for row in rows}
            unnamed = tr("Invoice {id}")
            failed = [(names.get(i, unnamed.format(id=i)), message) for i, message in result.failed]
            return ExportOutcome(list(result.written), failed, result.cancelled, total)

        def done(outcome: ExportOutcome) -> None:
            self._finish(outcome, choice.folder)

        def failed(exc: BaseException, _trace: str) -> None:
            self._finish(
                ExportOutcome(failed=[(tr("Export"), files.error_text(exc))], total=total),
                choice.folder,
            )

        shown = [0]

        def step(done_count: int, _total: int) -> None:
            # A window-modal QProgressDialog processes events in setValue(), so the next
            # report may arrive inside this one: report first, and never step back.
            if done_count <= shown[0]:
                return
            shown[0] = done_count
            self.progressed.emit(done_count, total)
            if shiboken6.isValid(progress) and not progress.wasCanceled():
                progress.setLabelText(
                    ntr(
                        "Exported {done} of {n} PDF…", "Exported {done} of {n} PDFs…", total
                    ).format(done=number(done_count), n=number(total))
                )
                progress.setValue(done_count)

        def cancel() -> None:
            if self.task is None:  # closing the dialog at the end emits canceled, too
                return
            self.task.cancel()
            if shiboken6.isValid(progress):
                progress.setLabelText(tr("Cancelling — finishing the PDFs under way…"))
                progress.setCancelButton(None)
                progress.setRange(0, 0)  # busy until the pool has stopped
                progress.show()

        self.task = run_task(work, done, failed, step, pool=long_jobs_pool())
        progress.canceled.connect(cancel)
        self.status_message.emit(
            ntr("Exporting {n} PDF to {folder}…", "Exporting {n} PDFs to {folder}…", total).format(
                n=number(total), folder=choice.folder
            )
        )
        self.started.emit()

    def _finish(self, outcome: ExportOutcome, folder: Path) -> None:
        self.task = None
        if not shiboken6.isValid(self):
            return
        self.outcome = outcome
        if self.progress is not None and shiboken6.isValid(self.progress):
            self.progress.close()
            self.progress.deleteLater()
        text, details = summary(outcome, folder)
        self.status_message.emit(text)
        self.summary_box = show_summary(self._parent, text, details, folder, bool(outcome.written))
        self.finished.emit()


def show_summary(
    parent: QWidget | None, text: str, details: str, folder: Path, offer_folder: bool
) -> QMessageBox:
    """The summary, shown without blocking; "Open folder" shows the files."""
    icon = QMessageBox.Icon.Warning if details else QMessageBox.Icon.Information
    box = QMessageBox(icon, tr("Export PDFs"), text, QMessageBox.StandardButton.NoButton, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(details)
    if offer_folder:
        open_button = box.addButton(tr("&Open folder"), QMessageBox.ButtonRole.ActionRole)
        open_button.clicked.connect(lambda: files.open_folder(folder))
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.open()
    return box


__all__ = ["ExportChoice", "ExportDialog", "ExportRun", "ask_export", "summary"]
