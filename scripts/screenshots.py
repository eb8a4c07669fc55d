#!/usr/bin/env python3
"""Screenshots of InvoiceDesk's main screens, made offscreen from a fresh demo database.

    python scripts/screenshots.py [--out docs/screenshots]          # every language and size
    python scripts/screenshots.py --language de --size 1024x700    # one of them

Without ``--language``/``--size`` the script runs itself once per language (English,
German) and window size (1024×700, the smallest supported; 1600×1000), each in a fresh
process, into ``<out>/<language>-<width>x<height>/``. A demo database (25 clients, 200
invoices, seed 1, up to today) is created in a temporary folder and shown in the main
window at that size, with its window settings in a temporary ini file (your own settings
are never read or changed). Each screen is saved once its background loads have finished:

    invoices.png        the invoice list
    clients.png         the client list with the selected client's documents
    products.png        the product catalogue
    payments.png        the payments list
    editor-draft.png    a draft with its lines in the invoice editor
    editor-issued.png   an issued, partly paid invoice with its Payments tab
    record-payment.png  the Record payment dialog for that invoice
    pdf-preview.png     the PDF preview of an issued invoice (its archived PDF)
    layout-settings.png the Document Layout dialog with its live preview
    mail-settings.png   File › Email Settings…, after a successful test email
    compose.png         Send by email… on an issued invoice
    outbox.png          the Outbox with sent, waiting, failed and unknown mail
    wizard.png          the set-up wizard's company page, on an empty database

The Qt platform is ``offscreen`` unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # works from a checkout, installed or not

SIZE = (1280, 800)  # set by --size
LANGUAGES = ("en", "de")
SIZES = ("1024x700", "1600x1000")
TIMEOUT_S = 30.0
DEMO = {"clients": 25, "invoices": 200, "seed": 1}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs" / "screenshots",
        help="folder for the PNG files (default: docs/screenshots)",
    )
    parser.add_argument("--language", choices=LANGUAGES, help="one language (default: all)")
    parser.add_argument("--size", help="one window size, e.g. 1024x700 (default: all)")
    return parser.parse_args(argv)


def run_all(out: Path) -> int:
    """Every language and size, each in a process of its own (the language is chosen once
    per process, as in the app)."""
    import subprocess

    for language in LANGUAGES:
        for size in SIZES:
            folder = out / f"{language}-{size}"
            command = [sys.executable, __file__, "--language", language, "--size", size,
                       "--out", str(folder)]  # fmt: skip
            if subprocess.run(command, check=False).returncode:
                return 1
    return 0


def use_language(language: str) -> None:
    """The program in ``language``: texts, Qt's own texts, dates and numbers."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from invoicedesk.i18n import set_language
    from invoicedesk.ui.language import install_qt_translations

    locale = {"en": "en_US", "de": "de_DE"}[language]
    QLocale.setDefault(QLocale(locale))
    set_language(locale)
    app = QApplication.instance()
    if language != "en" and isinstance(app, QApplication):
        install_qt_translations(app, language)


def main(argv: list[str] | None = None) -> int:
    global SIZE
    args = parse_args(argv)
    if args.language is None or args.size is None:
        return run_all(args.out)
    width, height = (int(n) for n in args.size.split("x"))
    SIZE = (width, height)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind: Any, _context: Any, message: str) -> None:
        if "This plugin does not support" not in message:  # offscreen: no native windows
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("InvoiceDesk")
    use_language(args.language)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="invoicedesk-screenshots-") as tmp:
        written = Screenshots(Path(tmp), out).run()
    for path in written:
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")
    return 0


class Screenshots:
    def __init__(self, tmp: Path, out: Path) -> None:
        self.tmp = tmp
        self.out = out
        self.written: list[Path] = []

    # ------------------------------------------------------------------ waiting and saving

    def settle(self, ready: Callable[[], bool], what: str) -> None:
        """Process events until ``ready()`` holds and no background task is left (with all
        results delivered), then let the layout and painting catch up."""
        from PySide6.QtCore import QThreadPool
        from PySide6.QtWidgets import QApplication

        pool = QThreadPool.globalInstance()
        deadline = time.monotonic() + TIMEOUT_S
        quiet = 0
        while quiet < 3:  # idle on three passes in a row: queued results are in as well
            QApplication.processEvents()
            if ready() and pool.activeThreadCount() == 0:
                quiet += 1
            else:
                quiet = 0
            if time.monotonic() > deadline:
                raise SystemExit(f"screenshots: {what} did not finish loading in {TIMEOUT_S} s")
            time.sleep(0.02)
        QApplication.processEvents()

    def save(self, widget: Any, name: str) -> None:
        path = self.out / name
        if not widget.grab().save(str(path), "PNG"):
            raise SystemExit(f"screenshots: {path} could not be written")
        self.written.append(path)

    # ------------------------------------------------------------------ the screens

    def run(self) -> list[Path]:
        from PySide6.QtCore import QSettings, QThreadPool

        from invoicedesk.db.engine import open_database
        from invoicedesk.services.demo import generate_demo
        from invoicedesk.ui.main_window import MainWindow

        db = open_database(str(self.tmp / "invoicedesk-demo.sqlite"))
        try:
            generate_demo(db, **DEMO)
            settings = QSettings(str(self.tmp / "ui.ini"), QSettings.Format.IniFormat)
            window = MainWindow(db, settings=settings)
            window.resize(*SIZE)
            window.show()
            try:
                self.pages(window)
                self.editors(window)
                self.pdf_windows(window)
                self.mail(window)
            finally:
                QThreadPool.globalInstance().waitForDone(int(TIMEOUT_S * 1000))
                window.close()
                self.settle(lambda: True, "closing")
        finally:
            db.dispose()
        self.wizard()
        return self.written

    def pages(self, window: Any) -> None:
        invoices = window.page("invoices")
        clients = window.page("clients")
        products = window.page("products")
        payments = window.page("payments")
        loaded: dict[str, Callable[[], bool]] = {
            "invoices": lambda: (
                not invoices.is_busy()
                and invoices.model.rowCount() > 0
                and invoices.model.is_complete()
            ),
            "clients": lambda: not clients.loading and clients.model.rowCount() > 0,
            "products": lambda: products.model.rowCount() > 0,
            "payments": lambda: payments.model.rowCount() > 0,
        }
        for index, key in enumerate(("invoices", "clients", "products", "payments")):
            window.show_page(index)
            self.settle(loaded[key], f"the {key} screen")
            if key == "invoices":  # a selected row shows which actions it allows
                invoices.select_ids([invoices.model.invoice_id(0)])
                invoices.table.setFocus()
                self.settle(lambda: True, "selecting an invoice")
            self.save(window, f"{key}.png")

    def editors(self, window: Any) -> None:
        from invoicedesk.core.lifecycle import DocType, State
        from invoicedesk.services import invoices as invoice_service
        from invoicedesk.services.search import InvoiceFilter, list_invoices
        from invoicedesk.ui.invoice_editor import open_invoice_editor
        from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog

        db, ctx = window.ctx.db, window.ctx
        parent = window.page("invoices")

        def pick(state: State) -> int:
            """The invoice in ``state`` with the most lines (the first one of them)."""
            rows = list_invoices(
                db, InvoiceFilter(states=(state,), doc_types=(DocType.INVOICE,)), limit=100
            )
            if not rows:
                raise SystemExit(f"screenshots: the demo data has no {state.value} invoice")
            counts = {r.id: len(invoice_service.get_invoice(db, r.id).data.lines) for r in rows}
            return max(counts, key=lambda i: (min(counts[i], 6), -i))

        draft = open_invoice_editor(ctx, pick(State.DRAFT), parent)
        draft.resize(*SIZE)
        self.settle(lambda: not draft.busy and draft.lines_model.rowCount() > 0, "the draft")
        self.save(draft, "editor-draft.png")
        draft.close_now()

        issued = open_invoice_editor(ctx, pick(State.PART_PAID), parent)
        issued.resize(*SIZE)
        issued.tabs.setCurrentWidget(issued.payments_view)
        self.settle(lambda: issued.payments_model.rowCount() > 0, "the issued invoice")
        self.save(issued, "editor-issued.png")

        dialog = RecordPaymentDialog(ctx, issued.invoice_id, issued)
        dialog.show()
        self.settle(dialog.isVisible, "the payment dialog")
        self.save(dialog, "record-payment.png")
        dialog.reject()
        issued.close_now()
        self.settle(lambda: True, "closing the editors")

    def pdf_windows(self, window: Any) -> None:
        from invoicedesk.core.lifecycle import DocType, State
        from invoicedesk.services.search import InvoiceFilter, list_invoices
        from invoicedesk.ui.pdf.layout_dialog import DocumentLayoutDialog

        db, page = window.ctx.db, window.page("invoices")
        window.show_page(0)
        self.settle(lambda: not page.is_busy(), "the invoice list")
        open_ones = list_invoices(
            db, InvoiceFilter(states=(State.OPEN,), doc_types=(DocType.INVOICE,)), limit=1
        )
        if not open_ones:
            raise SystemExit("screenshots: the demo data has no open invoice")
        page.select_ids([open_ones[0].id])
        page.pdf_actions["preview"].trigger()
        preview = page.pdf_actions.preview_dialog
        preview.resize(min(880, SIZE[0]), min(1000, SIZE[1]))
        self.settle(
            lambda: preview.view.page_count() > 0 and not preview.view.is_busy(), "the preview"
        )
        self.save(preview, "pdf-preview.png")
        preview.close()

        layout = DocumentLayoutDialog(window.ctx, window)
        layout.resize(min(1120, SIZE[0]), min(780, SIZE[1]))
        layout.show()
        self.settle(
            lambda: not layout.is_busy() and layout.preview.page_count() > 0, "the layout dialog"
        )
        self.save(layout, "layout-settings.png")
        layout.reject()
        self.settle(lambda: True, "closing the PDF windows")

    def mail(self, window: Any) -> None:
        from invoicedesk.core.lifecycle import DocType, State
        from invoicedesk.services import mail_settings, outbox
        from invoicedesk.services.mail_compose import compose_for_invoice
        from invoicedesk.services.mail_types import Security, SmtpAccount
        from invoicedesk.services.search import InvoiceFilter, list_invoices
        from invoicedesk.services.settings import get_company
        from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
        from invoicedesk.ui.pages import PAGES

        db, ctx, page = window.ctx.db, window.ctx, window.page("invoices")
        window.mail_runner.stop()  # the demo's server does not exist: nothing is delivered
        company = get_company(db)
        sender = company.email or "billing@muster-software.example"
        account = mail_settings.save_account(
            db,
            SmtpAccount(host="smtp.mailbox.example", port=587, security=Security.STARTTLS,
                        username=sender, sender=sender, sender_name=company.name,
                        bcc_self=True),
        )  # fmt: skip
        settings = EmailSettingsDialog(ctx, window)
        settings.show()
        from invoicedesk.i18n import tr

        settings._show_test(  # what the dialog says after a real test (see _tested)
            True, tr("Test email sent to {to}.").format(to=sender) + "\n"
            + tr("The server answered: {reply}").format(reply="250 2.0.0 Ok: queued as 4F2A1C"),
        )  # fmt: skip
        self.settle(settings.isVisible, "the email settings")
        self.save(settings, "mail-settings.png")
        settings.reject()

        issued = list_invoices(
            db, InvoiceFilter(states=(State.OPEN, State.PAID, State.OVERDUE),
                              doc_types=(DocType.INVOICE,)), limit=12,
        )  # fmt: skip
        window.show_page(0)
        self.settle(lambda: not page.is_busy(), "the invoice list")
        page.select_ids([issued[0].id])
        page.mail_action.action.trigger()
        self.settle(lambda: page.mail_action.dialog is not None, "composing")
        compose = page.mail_action.dialog
        self.settle(lambda: compose.isVisible(), "the compose dialog")
        self.save(compose, "compose.png")
        compose.reject()

        # An outbox with a history: a scripted server answers each recipient in turn.
        answers = iter(("sent", "sent", "refused", "sent", "lost", "busy", "sent"))
        for row in issued[1:8]:
            outbox.queue(db, compose_for_invoice(db, row.id), account)
        outbox.deliver_due(db, password_provider=lambda _a: "secret",
                           connection_factory=lambda _a, _p: ScriptedServer(answers))  # fmt: skip
        for row in issued[8:10]:
            outbox.queue(db, compose_for_invoice(db, row.id), account)
        keys = [spec.key for spec in PAGES]  # in sidebar order
        window.show_page(keys.index("outbox"))
        outbox_page = window.page("outbox")
        outbox_page.refresh()
        outbox_page.select(outbox_page.model.entry(2).id)
        self.settle(lambda: outbox_page.model.rowCount() > 0, "the outbox")
        self.save(window, "outbox.png")
        self.settle(lambda: True, "closing the mail windows")

    def wizard(self) -> None:
        from invoicedesk.db.engine import open_database
        from invoicedesk.ui.context import AppContext
        from invoicedesk.ui.setup_wizard import SetupWizard

        db = open_database(str(self.tmp / "empty.sqlite"))
        try:
            wizard = SetupWizard(AppContext(db))
            wizard.show()
            wizard.next()  # welcome → company
            self.settle(lambda: wizard.currentPage() is wizard.company_page, "the wizard")
            self.save(wizard, "wizard.png")
            wizard.reject()
            self.settle(lambda: True, "closing the wizard")
        finally:
            db.dispose()


class ScriptedServer:
    """Stands in for the SMTP server in the outbox screenshot: each message gets the next
    answer — accepted, refused (550), connection lost after the data, busy (451)."""

    size_limit = None
    is_open = True

    def __init__(self, answers: Any) -> None:
        self._answers = answers

    def open(self) -> None: ...

    def close(self) -> None: ...

    def send(self, _data: bytes, _sender: str, recipients: Any) -> str:
        from invoicedesk.services.smtp import MailError

        answer = next(self._answers, "sent")
        if answer == "refused":
            reply = f"550 5.1.1 <{recipients[0]}>: Recipient address rejected: User unknown"
            raise MailError("the server refused the recipient", reply=reply)
        if answer == "lost":
            raise MailError(
                "the connection was lost after the message was handed over; it may have "
                "arrived", uncertain=True,
            )  # fmt: skip
        if answer == "busy":
            reply = "451 4.3.0 Temporary local problem, try again later"
            raise MailError("the server is busy; trying again later", reply=reply,
                            temporary=True)  # fmt: skip
        return "250 2.0.0 Ok: queued as 4F2A1C03B7"


if __name__ == "__main__":
    raise SystemExit(main())
