"""PDF actions on invoices: Preview, Save as…, Open, Export…, Archive new version.

One ``PdfActions`` serves the invoice list (the selected rows) and the invoice
editor (its invoice). Rendering runs in ``run_task`` workers that call the PDF
services with the database and ids only; the bytes come back to the GUI thread.
Archive new version… is a change: an operation, whose returned change refreshes the
invoice's screens. A failure reaches the user as a sentence (``DomainError.message``),
never as a traceback.

``confirm`` and ``report`` are module functions so tests can answer them. The PDF
services and the preview load on the first PDF action, not when a list builds these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DOC_TYPE_LABELS, DocType, Status
from invoicedesk.i18n import N_, tr
from invoicedesk.services.books import Books
from invoicedesk.services.search import InvoiceFilter, InvoiceRow
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.pdf import files
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from invoicedesk.services.pdfs import ArchivedVersion, RenderedPdf
    from invoicedesk.ui.pdf.preview import PdfPreviewDialog


def _pdf_for(db: Books, invoice_id: int) -> RenderedPdf:
    from invoicedesk.services import pdfs

    return pdfs.pdf_for(db, invoice_id)


def _archive(db: Books, invoice_id: int) -> ArchivedVersion:
    from invoicedesk.services import pdfs

    return pdfs.archive_new_version(db, invoice_id)


@dataclass(frozen=True, slots=True)
class PdfTarget:
    """An invoice as the PDF actions need it: id, how to name it, whether it is issued."""

    id: int
    doc_type: DocType
    number: str | None
    issued: bool

    @classmethod
    def of_row(cls, row: InvoiceRow) -> PdfTarget:
        return cls(row.id, row.doc_type, row.number, row.status is not Status.DRAFT)

    @property
    def title(self) -> str:
        """ "Invoice RE-2026-0001", "Credit note draft 12"."""
        kind = tr(DOC_TYPE_LABELS[self.doc_type])
        if self.number:
            return f"{kind} {self.number}"
        return tr("{kind} draft {id}").format(kind=kind, id=self.id)

    @property
    def short(self) -> str:
        return self.number or tr("draft {id}").format(id=self.id)


@dataclass(frozen=True, slots=True)
class Listing:
    """The invoice list as shown: its filter and order (Export… offers all of it)."""

    filter: InvoiceFilter
    sort: str = "date"
    descending: bool = True


def allowed(targets: Sequence[PdfTarget]) -> dict[str, bool]:
    one = len(targets) == 1
    return {
        "preview": one,
        "save": one,
        "open": one,
        "export": True,  # the selection, or everything the list shows
        "archive": one and targets[0].issued,
    }


# Texts marked here, translated where shown (tr).
_SPECS = {
    "preview": (N_("&Preview PDF"), N_("Show the PDF of the selected invoice")),  # + shortcut
    "save": (N_("&Save PDF as…"), N_("Save the PDF of the selected invoice to a file")),
    "open": (N_("Open P&DF"), N_("Open the PDF in your PDF program (to print it, for example)")),
    "export": (N_("E&xport PDFs…"), N_("Save the PDFs of the selected invoices, or of all "
                                       "listed, to a folder")),
    "archive": (N_("&Archive new version…"), N_("Render the issued invoice again with the "
                "current layout and keep it as its newest PDF version")),
}  # fmt: skip
_WHEN = {
    "preview": N_("select one invoice"),
    "save": N_("select one invoice"),
    "open": N_("select one invoice"),
    "archive": N_("select one issued invoice"),
}
_NOTES = {
    True: N_("The archived PDF — exactly as stored for this invoice."),
    False: N_("Draft preview — not stored. The PDF is archived when the invoice is issued."),
}


class PdfActions(QObject):
    """The PDF actions for ``targets()`` (the selected invoices, or the editor's one).

    ``listing`` (the invoice list only) enables Export… of everything the list shows.
    """

    status_message = Signal(str)
    finished = Signal(str)  # an operation ended (its key)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget,
        targets: Callable[[], list[PdfTarget]],
        *,
        listing: Callable[[], Listing] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._targets = targets
        self._listing = listing
        self._tasks: list[Task] = []
        self._archiving = False  # Archive new version… runs as an operation
        self.export_jobs: int | None = None  # worker processes for Export… (None: all cores)
        self.preview_dialog: PdfPreviewDialog | None = None  # the last one (tests reach it)
        self.export_run: Any = None  # the last export (tests reach its dialogs)
        self.by_key: dict[str, QAction] = {}
        for key, (text, tip) in _SPECS.items():
            if key == "export" and listing is None:
                continue
            action = QAction(tr(text), parent)
            action.setToolTip(tr(tip))
            action.setStatusTip(tr(tip))
            action.setObjectName(f"pdf-{key}")
            action.triggered.connect(getattr(self, f"do_{key}"))
            self.by_key[key] = action
        self.by_key["preview"].setShortcut(QKeySequence("Ctrl+P"))
        self.update_for([])

    def __getitem__(self, key: str) -> QAction:
        return self.by_key[key]

    def all(self) -> list[QAction]:
        return list(self.by_key.values())

    def update_for(self, targets: Sequence[PdfTarget]) -> None:
        for key, ok in allowed(targets).items():
            action = self.by_key.get(key)
            if action is None:
                continue
            action.setEnabled(ok and not (key == "archive" and self._archiving))
            tip = tr(_SPECS[key][1])
            if key == "preview" and not action.shortcut().isEmpty():  # the list moves it
                tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            action.setToolTip(tip if ok or key not in _WHEN else f"{tip} — {tr(_WHEN[key])}")

    def update(self) -> None:
        self.update_for(self._targets())

    def busy(self) -> bool:
        exporting = self.export_run is not None and self.export_run.busy()
        return bool(self._tasks) or self._archiving or exporting

    def _say(self, message: str) -> None:
        self.status_message.emit(message)

    def _one(self, key: str) -> PdfTarget | None:
        targets = self._targets()
        return targets[0] if allowed(targets)[key] else None

    # ------------------------------------------------------------------ running

    def _run(
        self,
        key: str,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failure: str,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """``work()`` on the thread pool; ``done(result)`` or a readable report after."""

        def finished(result: Any) -> None:
            self._forget(task)
            if shiboken6.isValid(self):
                done(result)
                self.finished.emit(key)

        def failed(exc: BaseException, _trace: str) -> None:
            self._forget(task)
            if not shiboken6.isValid(self):
                return
            message = files.error_text(exc)
            if on_error is not None:
                on_error(message)
            else:
                report(self._parent, failure, f"{failure}: {message}")
            self._say(f"{failure}: {message}")
            self.finished.emit(key)

        task = run_task(lambda _task: work(), finished, failed)
        self._tasks.append(task)

    def _forget(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    # ------------------------------------------------------------------ handlers

    def do_preview(self) -> None:
        target = self._one("preview")
        if target is None:
            return
        db, invoice_id = self.ctx.db, target.id
        dialog = open_preview(self._parent, target.title)
        self.preview_dialog = dialog

        def done(pdf: RenderedPdf) -> None:
            if shiboken6.isValid(dialog):
                dialog.set_pdf(pdf.filename, pdf.content, tr(_NOTES[pdf.archived]))

        def failed(message: str) -> None:
            if shiboken6.isValid(dialog):
                dialog.show_error(tr("The PDF could not be made: {error}").format(error=message))

        self._run("preview", lambda: _pdf_for(db, invoice_id), done, tr("No preview"), failed)

    def do_save(self) -> None:
        target = self._one("save")
        if target is None:
            return
        db, invoice_id = self.ctx.db, target.id
        self._say(tr("Preparing the PDF of {document}…").format(document=target.short))

        def done(pdf: RenderedPdf) -> None:
            path = files.ask_save_path(self._parent, pdf.filename)
            if path is None:
                self._say("")
                return
            try:
                files.write_pdf(path, pdf.content)
            except OSError as exc:
                report(
                    self._parent,
                    tr("Not saved"),
                    tr("The PDF was not saved: {error}").format(error=files.error_text(exc)),
                )
                return
            self._say(tr("{document} saved to {path}").format(document=target.title, path=path))

        self._run("save", lambda: _pdf_for(db, invoice_id), done, tr("The PDF was not saved"))

    def do_open(self) -> None:
        target = self._one("open")
        if target is None:
            return
        db, invoice_id = self.ctx.db, target.id
        self._say(tr("Opening the PDF of {document}…").format(document=target.short))

        def done(pdf: RenderedPdf) -> None:
            try:
                files.open_in_viewer(pdf.filename, pdf.content)
            except OSError as exc:
                report(self._parent, tr("PDF not opened"), files.error_text(exc))
                return
            self._say(tr("{document} opened in your PDF program").format(document=target.title))

        self._run("open", lambda: _pdf_for(db, invoice_id), done, tr("The PDF was not opened"))

    def do_archive(self) -> None:
        target = self._one("archive")
        if target is None:
            return
        if not confirm(
            self._parent,
            tr("Archive new version"),
            tr(
                "Archive a new PDF version of {document}?\n\nThe PDF is rendered again with "
                "the current document layout and stored as the newest version; it is the one "
                "saved, opened and exported from now on. Earlier versions stay in the archive "
                "unchanged."
            ).format(document=target.title),
            tr("Archive new version"),
        ):
            return
        invoice_id = target.id
        failure = tr("No new version archived")

        def done(version: ArchivedVersion) -> None:
            self._say(
                tr("Version {version} of {document} archived").format(
                    version=version.version, document=target.title
                )
            )

        def refused(exc: DomainError) -> None:
            message = files.error_text(exc)
            report(self._parent, failure, f"{failure}: {message}")
            self._say(f"{failure}: {message}")

        def ended() -> None:
            self._archiving = False
            if shiboken6.isValid(self):
                self.update()
                self.finished.emit("archive")

        self._archiving = True
        self.by_key["archive"].setEnabled(False)  # one at a time
        Operation(
            self._parent, self.ctx, tr("Archive New Version"),
            lambda db: _archive(db, invoice_id),
            changes=Changes.of(invoice=invoice_id),
            waiting=tr("Archiving a new PDF version of {document}…").format(document=target.title),
        ).success(done).refused(refused).finally_(ended).run()  # fmt: skip

    def do_export(self) -> None:
        if self._listing is None:
            return
        from invoicedesk.ui.pdf.export import ExportRun

        selected = [t.id for t in self._targets()]
        run = ExportRun(self.ctx, self._parent, jobs=self.export_jobs)
        run.status_message.connect(self.status_message)
        run.finished.connect(lambda: self.finished.emit("export"))
        self.export_run = run
        run.start(selected, self._listing())


def open_preview(parent: QWidget | None, title: str) -> PdfPreviewDialog:
    """A preview window showing "Rendering…" until it is given the PDF (deleted on close)."""
    from invoicedesk.ui.pdf.preview import PdfPreviewDialog

    dialog = PdfPreviewDialog(title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.show()
    return dialog
