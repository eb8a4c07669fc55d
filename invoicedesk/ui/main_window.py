"""The main window: a sidebar of screens, menus and toolbar, remembered layout.

Each screen is a page widget (``InvoicesPage``, ``ClientsPage`` …) with the same
small API — ``refresh()``, ``focus_search()``, ``new_record()``,
``delete_selected()`` and a ``status_message`` signal — so the window can route
shortcuts to whichever page is showing without knowing what is on it.

A page is built, and loads its data, the first time it shows (``page(key)``): a start
builds only the page that opens, so the invoice list is not kept waiting by the
others. Background chores (the file check, mail, the daily backup) start a second after
the window shows, when that page has normally loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from invoicedesk import __version__
from invoicedesk.i18n import tr
from invoicedesk.logs import log_dir
from invoicedesk.services.books import Books, open_books
from invoicedesk.ui.auto_backup import AutoBackup
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.crash import open_log_folder
from invoicedesk.ui.icons import icon
from invoicedesk.ui.integrity import IntegrityCheck
from invoicedesk.ui.operations import Operation, write_pool
from invoicedesk.ui.pages import PAGES, SECONDARY
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from invoicedesk.ui.mail.runner import OutboxRunner

MAX_RECENT = 8
CHORES_DELAY_MS = 1000  # from showing the window to the file check, mail and backup


class MainWindow(QMainWindow):
    def __init__(self, db: Books, *, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.ctx = AppContext(db, self)
        # Delivers the outbox in the background, from the chores after the window shows;
        # made then (see mail_runner): the mail modules are not needed to show the list.
        self._mail_runner: OutboxRunner | None = None
        # Backs the database file up daily and on closing; app.py starts it with the window.
        self.auto_backup = AutoBackup(db, self)
        self.auto_backup.status_message.connect(self._show_status)
        # Checks the file once the window shows; a damaged one is never written to.
        self.integrity = IntegrityCheck(self)
        self.damage_label = QLabel()
        self.damage_label.setObjectName("damage")
        self.damage_label.hide()
        self._chores = QTimer(self)
        self._chores.setSingleShot(True)
        self._chores.setInterval(CHORES_DELAY_MS)
        self._chores.timeout.connect(self._start_chores)
        self.setWindowTitle(self._title())
        self.resize(1280, 800)
        self.setMinimumSize(QSize(960, 600))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(260)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        # The pages built so far: each is built when first shown (page()), so a start
        # builds, and loads, only the one showing; an empty stand-in holds its place.
        self.pages: dict[str, QWidget] = {}
        for spec in PAGES:
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(icon(spec.icon), tr(spec.title))
            item.setToolTip(f"{tr(spec.title)} ({spec.shortcut})")
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_page_changed)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 1110])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._restore()

    # ------------------------------------------------------------------ building

    @property
    def mail_runner(self) -> OutboxRunner:
        """The outbox's delivery in the background (made on first use)."""
        if self._mail_runner is None:
            from invoicedesk.ui.mail.runner import OutboxRunner

            self._mail_runner = OutboxRunner(self.ctx, self)
            self._mail_runner.status_message.connect(self._show_status)
        return self._mail_runner

    def _title(self) -> str:
        where = self.ctx.db.path.name if self.ctx.db.path else self.ctx.db.url
        return f"InvoiceDesk — {where}"

    def start_background_work(self) -> None:
        """Once the window shows: check the file, deliver mail interrupted last time and
        what is due, back up if the last automatic backup is a day old.

        They start ``CHORES_DELAY_MS`` later, when the first page has normally loaded,
        instead of competing with it for the two pool threads and the disk; writes wait
        for the check from now on."""
        if self.ctx.db.path is not None:
            self.ctx.db.hold_writes()
        self._chores.start()

    def _start_chores(self) -> None:
        self.integrity.start()
        self.mail_runner.start()
        self.auto_backup.start()

    def show_damage(self, damage: str) -> None:
        """Say for as long as the window is open that the file is damaged and read-only."""
        self.setWindowTitle(tr("{title} (damaged — read-only)").format(title=self._title()))
        self.damage_label.setText(tr("Damaged database: nothing can be changed. File › Backups…"))
        self.damage_label.setToolTip(damage)
        self.statusBar().addPermanentWidget(self.damage_label)
        self.damage_label.show()

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey = "",
        icon_name: str = "",
    ) -> QAction:
        action = QAction(icon(icon_name), text, self) if icon_name else QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("&File"))
        self.new_db_action = self._action(
            tr("&New Database…"), self.new_database, icon_name="folder-plus"
        )
        self.open_db_action = self._action(
            tr("&Open Database…"), self.open_database_dialog, "Ctrl+O", "folder-open"
        )
        self.recent_menu = file_menu.addMenu(tr("Open &Recent"))
        self.backup_action = self._action(
            tr("Save &Backup Copy…"), self.save_backup, icon_name="hard-drive-download"
        )
        self.backups_action = self._action(
            tr("Bac&kups…"), self.manage_backups, icon_name="archive"
        )
        self.settings_action = self._action(
            tr("&Settings…"), self.edit_settings, QKeySequence.StandardKey.Preferences, "settings"
        )
        self.print_action = self._action(
            tr("&Print…"), self.print_current, QKeySequence.StandardKey.Print, "printer"
        )
        self.print_action.setEnabled(False)
        self._page_print: QAction | None = None  # the showing page's print action, if any
        self.layout_action = self._action(tr("Document &Layout…"), self.edit_document_layout)
        self.mail_settings_action = self._action(
            tr("&Email Settings…"), self.edit_mail_settings, icon_name="mail"
        )
        self.mail_templates_action = self._action(tr("Email &Templates…"), self.edit_mail_templates)
        quit_action = self._action(
            tr("&Quit"), self.close, QKeySequence.StandardKey.Quit, "log-out"
        )
        file_menu.insertAction(self.recent_menu.menuAction(), self.new_db_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_db_action)
        file_menu.addAction(self.backups_action)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.layout_action)
        file_menu.addAction(self.mail_settings_action)
        file_menu.addAction(self.mail_templates_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self._fill_recent_menu()

        edit_menu = bar.addMenu(tr("&Edit"))
        self.new_invoice_action = self._action(
            tr("&New Invoice"), self.new_invoice, "Ctrl+N", "file-plus"
        )
        self.new_record_action = self._action(
            tr("New &Record on This Screen"), self.new_record, "Ctrl+Shift+N", "plus"
        )
        self.find_action = self._action(
            tr("&Search"), self.focus_search, QKeySequence.StandardKey.Find, "search"
        )
        for action in (self.new_invoice_action, self.new_record_action, self.find_action):
            edit_menu.addAction(action)

        view_menu = bar.addMenu(tr("&View"))
        self.page_actions = []
        for index, spec in enumerate(PAGES):
            action = self._action(
                "&" + tr(spec.title), lambda i=index: self.show_page(i), spec.shortcut
            )
            view_menu.addAction(action)
            self.page_actions.append(action)
        view_menu.addSeparator()
        self.refresh_action = self._action(tr("&Refresh"), self.refresh, "F5", "refresh-cw")
        view_menu.addAction(self.refresh_action)

        help_menu = bar.addMenu(tr("&Help"))
        self.log_folder_action = self._action(
            tr("Open &Log Folder"), open_log_folder, icon_name="folder-open"
        )
        self.log_folder_action.setToolTip(tr("The log files: attach them to a support request"))
        help_menu.addAction(self.log_folder_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action(tr("&About InvoiceDesk"), self.about, icon_name="info"))

        # One toolbar: the showing screen's actions (New, Issue, Record payment …), then Refresh.
        self.page_toolbar = QToolBar(tr("Actions"))
        self.page_toolbar.setObjectName("page-toolbar")
        self.page_toolbar.setMovable(False)
        self.page_toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.page_toolbar.setIconSize(QSize(18, 18))
        self.more_menu = QMenu(self)
        self.more_action = QAction(icon("ellipsis"), tr("More"), self)
        self.more_action.setMenu(self.more_menu)
        self.more_action.setToolTip(tr("More commands for this screen"))
        self.addToolBar(self.page_toolbar)

    # ------------------------------------------------------------------ pages

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def page(self, key: str) -> QWidget:
        """The page ``key``, built now if it has not been shown yet."""
        built = self.pages.get(key)
        if built is not None:
            return built
        index = [spec.key for spec in PAGES].index(key)
        page = PAGES[index].factory(self.ctx)
        page.setObjectName(f"page-{key}")
        signal = getattr(page, "status_message", None)
        if signal is not None:
            signal.connect(self._show_status)
        stand_in = self.stack.widget(index)
        assert stand_in is not None
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.pages[key] = page
        for name, header in self._tables(key):  # the column widths it had last time
            saved = self.settings.value(name)
            if isinstance(saved, QByteArray):
                header.restoreState(saved)
        return page

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _on_page_changed(self, index: int) -> None:
        if not 0 <= index < len(PAGES):
            return
        page = self.page(PAGES[index].key)
        # The toolbar first: a page hides its own buttons when it shows if its actions are
        # in the toolbar already (``shown_elsewhere``), so it must find them there.
        self.page_toolbar.clear()
        page_actions = getattr(page, "actions_for_toolbar", None) or getattr(page, "actions", None)
        if callable(page_actions) and page_actions is not QWidget.actions:
            more: list[QAction] = []
            for action in page_actions():
                if action.isSeparator() or not action.property(SECONDARY):
                    self.page_toolbar.addAction(action)
                else:
                    more.append(action)
            if more:  # the page's less frequent commands: one "More" button, not ten more
                self.more_menu.clear()
                self.more_menu.addActions(more)
                self.page_toolbar.addAction(self.more_action)
                button = self.page_toolbar.widgetForAction(self.more_action)
                if isinstance(button, QToolButton):  # open on click, not on press-and-hold
                    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
                    # The "…" icon says there is more; the style's arrow would cover the text.
                    button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.page_toolbar.addSeparator()
        self.page_toolbar.addAction(self.refresh_action)
        self.stack.setCurrentWidget(page)
        self._follow_print(getattr(page, "print_action", None))
        self.settings.setValue("window/page", PAGES[index].key)

    def _follow_print(self, action: QAction | None) -> None:
        """File › Print prints what the showing page prints, when it can."""
        if self._page_print is not None:
            self._page_print.changed.disconnect(self._sync_print)
        self._page_print = action
        if action is not None:
            action.changed.connect(self._sync_print)
        self._sync_print()

    def _sync_print(self) -> None:
        action = self._page_print
        self.print_action.setEnabled(action is not None and action.isEnabled())

    def print_current(self) -> None:
        if self._page_print is not None and self._page_print.isEnabled():
            self._page_print.trigger()

    def _call_page(self, name: str) -> None:
        method = getattr(self.current_page(), name, None)
        if callable(method):
            method()

    def refresh(self) -> None:
        self._call_page("refresh")

    def focus_search(self) -> None:
        self._call_page("focus_search")

    def new_record(self) -> None:
        self._call_page("new_record")

    def new_invoice(self) -> None:
        self.show_page(0)
        self.page("invoices").new_record()  # type: ignore[attr-defined]

    def _show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # ------------------------------------------------------------------ files

    def _switch_database(self, db: Books) -> None:
        """Open another database in a fresh window (pages hold the old context)."""
        self._remember_recent(db)
        window = MainWindow(db, settings=self.settings)
        window.show()
        window.start_background_work()
        self._replacement = window
        self.close()

    def _remember_recent(self, db: Books) -> None:
        if db.path is None:
            return
        recent = [str(db.path)] + [p for p in self.recent_files() if p != str(db.path)]
        self.settings.setValue("files/recent", recent[:MAX_RECENT])
        self._fill_recent_menu()

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = [f for f in self.recent_files() if Path(f).exists()]
        for path in files:
            self.recent_menu.addAction(
                self._action(Path(path).name, lambda p=path: self.open_database_file(p))
            )
            self.recent_menu.actions()[-1].setToolTip(path)
        self.recent_menu.setEnabled(bool(files))

    def open_database_file(self, path: str) -> bool:
        from invoicedesk.core.errors import DomainError
        from invoicedesk.services.books import open_books

        try:
            db = open_books(path)
        except (DomainError, OSError, Exception) as exc:  # noqa: BLE001 - shown to the user
            QMessageBox.warning(
                self,
                "InvoiceDesk",
                tr("{path} could not be opened:\n{error}").format(path=path, error=exc),
            )
            return False
        self._switch_database(db)
        return True

    def open_database_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            tr("Open Database"),
            "",
            tr("InvoiceDesk databases (*.sqlite *.db);;All files (*)"),
        )
        if path:
            self.open_database_file(path)

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("New Database"), "invoices.sqlite", tr("InvoiceDesk databases (*.sqlite)")
        )
        if not path:
            return
        if Path(path).exists():
            QMessageBox.warning(
                self,
                "InvoiceDesk",
                tr("{path} exists already; choose a new name.").format(path=path),
            )
            return
        self.open_database_file(path)

    def manage_backups(self) -> None:
        from invoicedesk.ui.backups_dialog import BackupsDialog

        if self.ctx.db.path is None:
            QMessageBox.information(
                self, "InvoiceDesk", tr("Only database files are backed up here.")
            )
            return
        dialog = BackupsDialog(self.ctx.db, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.restore_backup(dialog.chosen.path)

    def restore_backup(self, backup: Path) -> bool:
        """Close the database, replace it with ``backup`` and open it again in a new window
        (the current contents are kept aside by the service). True when it was restored."""
        from invoicedesk.services.backups import restore_backup

        path = self.ctx.db.path
        assert path is not None
        self.mail_runner.stop()
        self.auto_backup.stop()
        self.auto_backup.started = False  # no backup of the replaced data on closing
        # No job may hold the file meanwhile, and no write may land in the restored one.
        write_pool().waitForDone()
        QThreadPool.globalInstance().waitForDone()
        self.ctx.db.dispose()
        outcome: dict[str, Any] = {}
        progress = QProgressDialog(tr("Restoring the backup…"), "", 0, 0, self)
        progress.setWindowTitle(tr("Restore Backup"))
        progress.setCancelButton(None)  # a half-done restore is not a state to stop in
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)

        def work(_task: Task) -> tuple[Path, Books]:
            aside = restore_backup(path, backup)
            return aside, open_books(str(path))

        def done(result: tuple[Path, Books]) -> None:
            outcome["result"] = result
            progress.close()

        def failed(exc: BaseException, _trace: str) -> None:
            outcome["error"] = exc
            progress.close()

        run_task(work, done, failed)
        progress.exec()
        if "error" in outcome:
            QMessageBox.warning(
                self,
                tr("Restore Backup"),
                tr("The backup was not restored:\n{error}").format(error=outcome["error"]),
            )
            self.mail_runner.start()
            self.auto_backup.start()
            return False
        aside: Path = outcome["result"][0]
        restored: Books = outcome["result"][1]
        self._switch_database(restored)
        self._replacement._show_status(
            tr("Restored from {backup}; the previous data is in {aside}").format(
                backup=backup.name, aside=aside
            )
        )
        return True

    def save_backup(self) -> None:
        from invoicedesk.services.backups import save_copy

        source = self.ctx.db.path
        if source is None:
            QMessageBox.information(self, "InvoiceDesk", tr("Only database files can be copied."))
            return
        suggestion = source.with_name(f"{source.stem}-backup{source.suffix}")
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Save Backup Copy"), str(suggestion), tr("InvoiceDesk databases (*.sqlite)")
        )
        if not path:
            return
        db = self.ctx.db
        # Not a change of the books, but the same worker, messages and Try Again.
        Operation(
            self, self.ctx, tr("Save Backup Copy"), lambda _db: save_copy(db, Path(path))
        ).success(
            lambda saved: self._show_status(tr("Backup saved to {path}").format(path=saved))
        ).run()

    def edit_settings(self, page: str = "") -> None:
        """File › Settings: the books' settings on pages (``page``: the one to show first)."""
        from invoicedesk.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(
            self.ctx, self, settings=self.settings,
            open_layout=self.edit_document_layout,
            open_mail_account=self.edit_mail_settings,
            open_mail_templates=self.edit_mail_templates,
        )  # fmt: skip
        if page:
            dialog.show_page(page)
        if dialog.exec():  # its operation told the screens what changed
            self._show_status(tr("Settings saved"))

    def edit_document_layout(self) -> None:
        from invoicedesk.ui.pdf.layout_dialog import edit_layout

        edit_layout(self.ctx, self, self._show_status)

    def edit_mail_settings(self) -> None:
        from invoicedesk.ui.mail.settings_dialog import edit_mail_settings

        edit_mail_settings(self.ctx, self, self._show_status)

    def edit_mail_templates(self) -> None:
        from invoicedesk.ui.mail.templates_dialog import edit_templates

        edit_templates(self.ctx, self)

    def about(self) -> None:
        import html  # its table of entities is not needed at start

        tagline = tr("Invoicing for small businesses.")
        database = tr("Database: {database}").format(
            database=html.escape(str(self.ctx.db.path or self.ctx.db.url))
        )
        logs = tr("Log files: {folder}").format(folder=html.escape(str(log_dir())))
        QMessageBox.about(
            self,
            tr("About InvoiceDesk"),
            f"<h3>InvoiceDesk {__version__}</h3><p>{tagline}</p><p>{database}<br>{logs}</p>",
        )

    # ------------------------------------------------------------------ state

    def _tables(self, *keys: str) -> list[tuple[str, QHeaderView]]:
        """The column headers of the built pages (of ``keys`` only, when given)."""
        from PySide6.QtWidgets import QTableView

        headers = []
        for key, page in self.pages.items():
            if keys and key not in keys:
                continue
            for index, view in enumerate(page.findChildren(QTableView)):
                headers.append((f"columns/{key}/{index}", view.horizontalHeader()))
        return headers

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        last = self.settings.value("window/page", "invoices")
        keys = [spec.key for spec in PAGES]
        self.show_page(keys.index(last) if last in keys else 0)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        for key, header in self._tables():  # pages never shown keep what they had
            self.settings.setValue(key, header.saveState())
        if self._chores.isActive():  # closed before the check began: nothing to wait for
            self._chores.stop()
            self.ctx.db.allow_writes()
        self.mail_runner.stop()
        if self.auto_backup.started:
            self.auto_backup.stop()
            self.auto_backup.backup_now()  # finishes in the background; run() waits for it
        super().closeEvent(event)
