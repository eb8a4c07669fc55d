"""The main window shell and the first-start wizard, on a real migrated database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWizard

from invoicedesk.db.engine import open_database
from invoicedesk.services import settings as settings_service
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.main_window import PAGES, MainWindow
from invoicedesk.ui.setup_wizard import SetupWizard


@pytest.fixture
def qsettings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def fresh_db(tmp_path):
    db = open_database(str(tmp_path / "fresh.sqlite"))
    yield db
    db.dispose()


@pytest.fixture
def fresh(fresh_db):
    return AppContext(fresh_db)


def test_sidebar_and_shortcuts_switch_pages(qtbot, db, qsettings):
    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    window.show()
    assert window.nav.count() == len(PAGES)  # one entry per screen, none greyed out
    for index, action in enumerate(window.page_actions):
        action.trigger()
        assert window.stack.currentIndex() == index
        assert window.nav.currentRow() == index
    assert window.page_actions[2].shortcut().toString() == "Ctrl+3"
    assert window.new_invoice_action.shortcut().toString() == "Ctrl+N"


def test_window_remembers_page_and_geometry(qtbot, db, qsettings):
    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    window.show()
    window.show_page(2)
    window.splitter.setSizes([230, 900])
    nav_width = window.splitter.sizes()[0]
    window.close()
    assert qsettings.value("window/geometry") is not None
    again = MainWindow(db, settings=qsettings)
    qtbot.addWidget(again)
    again.show()
    assert again.stack.currentIndex() == 2
    assert again.splitter.sizes()[0] == nav_width


def test_wizard_saves_company_and_defaults_in_one_go(qtbot, fresh, fresh_db, settle):
    told: list[tuple[str, list]] = []
    fresh.bus.changed.connect(lambda kind, ids: told.append((kind, ids)))
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()  # welcome → company
    wizard.company_page.fields["name"].setText("Werkstatt Berg")
    wizard.company_page.fields["city"].setText("Köln")
    wizard.next()
    wizard.bank_page.fields["iban"].setText("DE89 3704 0044 0532 0130 00")
    wizard.next()
    wizard.defaults_page.fields["tax_rates"].setText("19, 7")
    wizard.defaults_page.fields["default_tax_rate"].setText("7")
    wizard.accept()  # Finish: saves in an operation, and closes when it is stored
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert wizard.isVisible() and not finish.isEnabled()  # saving
    settle()
    assert wizard.result() == QWizard.DialogCode.Accepted and not wizard.isVisible()
    assert told == [("settings", [])]
    company = settings_service.get_company(fresh_db)
    assert (company.name, company.city, company.iban) == (
        "Werkstatt Berg",
        "Köln",
        "DE89370400440532013000",
    )
    stored = settings_service.all_settings(fresh_db)
    assert stored["tax_rates"] == ["19", "7"] and stored["default_tax_rate"] == "7"
    assert settings_service.is_configured(fresh_db)


def test_wizard_refuses_a_bad_iban_with_a_visible_reason(qtbot, fresh, fresh_db):
    wizard = SetupWizard(fresh, offer_demo=False)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.company_page.fields["name"].setText("Werkstatt Berg")
    wizard.next()
    wizard.bank_page.fields["iban"].setText("DE00 1234")
    wizard.next()
    assert wizard.currentPage() is wizard.bank_page  # stayed
    assert "IBAN" in wizard.bank_page.error.text()
    assert "c62828" in wizard.bank_page.fields["iban"].styleSheet()
    assert not settings_service.is_configured(fresh_db)


def test_wizard_requires_a_company_name(qtbot, fresh):
    wizard = SetupWizard(fresh, offer_demo=False)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.company_page
    assert "name" in wizard.company_page.error.text().lower()


def test_demo_choice_is_reported(qtbot, fresh):
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard._choose_demo()
    assert wizard.wants_demo


def test_a_refused_default_is_shown_on_the_defaults_page_and_the_wizard_stays(
    qtbot, fresh, fresh_db, settle
):
    wizard = SetupWizard(fresh, offer_demo=False)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.company_page.fields["name"].setText("Werkstatt Berg")
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.defaults_page
    wizard.defaults_page.fields["invoice"].setText("RE-{nope}")  # the service refuses it
    wizard.accept()
    settle()
    assert wizard.isVisible() and wizard.result() != QWizard.DialogCode.Accepted
    assert wizard.defaults_page.error.text()
    assert "c62828" in wizard.defaults_page.fields["invoice"].styleSheet()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()  # may be tried again
    assert not settings_service.is_configured(fresh_db)


def test_file_settings_opens_the_settings_dialog_not_the_wizard_and_says_saved(
    qtbot, db, qsettings, monkeypatch, settle
):
    from invoicedesk.ui.settings import dialog as settings_dialog

    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    told: list[tuple[str, list]] = []
    window.ctx.bus.changed.connect(lambda kind, ids: told.append((kind, ids)))
    opened: list[object] = []

    def ok(dialog: settings_dialog.SettingsDialog) -> int:  # the person changes a name, OK
        opened.append(dialog)
        dialog.show()
        dialog.company.form.fields["name"].setText("Renamed GmbH")
        dialog.save()
        settle()
        return dialog.result()

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", ok)
    file_menu = window.menuBar().actions()[0].menu()
    assert "&Company Settings…" not in [a.text() for a in file_menu.actions()]
    window.settings_action.trigger()
    assert isinstance(opened[0], settings_dialog.SettingsDialog)
    assert told == [("settings", [])]  # said once, by the dialog's operation
    assert settings_service.get_company(db).name == "Renamed GmbH"
    assert window.statusBar().currentMessage() == "Settings saved"


def test_save_backup_copy_writes_a_checked_copy_off_the_gui_thread(
    qtbot, db, qsettings, monkeypatch, tmp_path, settle
):
    import sqlite3
    from contextlib import closing

    from invoicedesk.ui import main_window as module
    from tests.factories import make_client

    make_client(db, "Copied GmbH")
    target = tmp_path / "copy.sqlite"
    target.write_bytes(b"an older copy")  # replaced
    monkeypatch.setattr(
        module.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "")
    )
    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    window.save_backup()
    settle()
    assert window.statusBar().currentMessage() == f"Backup saved to {target}"
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert copy.execute("SELECT name FROM clients").fetchall() == [("Copied GmbH",)]
    assert not list(tmp_path.glob("*.partial"))


def test_secondary_page_actions_go_under_more_in_the_toolbar(qtbot, db, qsettings):
    from invoicedesk.ui.pages import SECONDARY

    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    window.show()
    clients = window.page("clients")
    clients.restore_action.setProperty(SECONDARY, True)
    window.show_page(1)
    shown = window.page_toolbar.actions()
    assert clients.new_action in shown and clients.restore_action not in shown
    assert window.more_action in shown
    assert window.more_menu.actions() == [clients.restore_action]
    window.show_page(2)  # products: nothing secondary, no More
    assert window.more_action not in window.page_toolbar.actions()


def test_file_print_prints_what_the_invoice_list_has_selected(qtbot, db, qsettings, settle):
    from tests.factories import issued_invoice, make_client

    invoice = issued_invoice(db, client_id=make_client(db, "Acme GmbH").id)
    window = MainWindow(db, settings=qsettings)
    qtbot.addWidget(window)
    window.show()
    page = window.page("invoices")
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.print_action in file_menu.actions()
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert not window.print_action.isEnabled()  # nothing selected
    page.select_ids([invoice.id])
    assert window.print_action.isEnabled()
    window.show_page(1)  # clients: nothing to print there
    assert not window.print_action.isEnabled()
    window.show_page(0)
    assert window.print_action.isEnabled()
    shown = window.page_toolbar.actions()
    assert page.print_action in shown and window.more_action in shown
    assert page.actions_["clone"] in window.more_menu.actions()  # rarely used: under More
