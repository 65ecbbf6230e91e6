"""The main window's actions and menus: icons, shortcuts and where each action appears.

The menus themselves and most actions come from ``ui/main_window.ui``; this module
adds what is built in code: the icons, the shortcuts that only act in one widget
(J/K and Enter in the queue, Esc in the search box), the ticket editor's and the
bulk actions' entries in the Ticket menu, View > Columns, View > I Am,
View > Outbox… (Ctrl+Shift+O) and View > Spam…, and File > Settings… (Ctrl+,); and the Help menu's
folders and About box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableView,
    QToolButton,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.icons import app_icon, icon
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.main.about import add_help_actions
from aiva_desk.gui.queue.bulk import BulkActions

ACTION_ICONS = (
    ("newTicketAction", "new-ticket"),
    ("openTicketAction", "open"),
    ("refreshAction", "refresh"),
    ("focusSearchAction", "search"),
    ("filterAction", "filter"),
    ("saveViewAction", "save-view"),
    ("customersAction", "customers"),
    ("openDataFolderAction", "folder"),
    ("openLogFolderAction", "folder"),
    ("aboutAction", "about"),
)
QUEUE_ACTIONS = ("nextTicketAction", "previousTicketAction", "openTicketAction")
TOOL_BUTTONS = (("filterAction", "filterButton"), ("saveViewAction", "saveViewButton"))
SETTINGS_SHORTCUT = "Ctrl+,"
OUTBOX_SHORTCUT = "Ctrl+Shift+O"
REPORTS_SHORTCUT = "Ctrl+Shift+R"


def find_action(root: QObject, name: str) -> QAction:
    """The action of ``root`` named ``name`` (``newTicketAction``, ``refreshAction``, …)."""
    found = root.findChild(QAction, name)
    if found is None:
        raise LookupError(f"no action {name!r}")
    return found


def settings_shortcuts() -> list[QKeySequence]:
    """Ctrl+, everywhere, plus the platform's own Preferences key where it has one."""
    keys = [QKeySequence(SETTINGS_SHORTCUT)]
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences):
        if key not in keys:
            keys.append(key)
    return keys


class MainMenus(QObject):
    """Completes the form's actions and menus of ``window``.

    ``me_menu`` (View > I Am) mirrors the side panel's "I am" chooser ``me_combo``;
    ``settings_action`` is File > Settings…; ``outbox_action`` is View > Outbox….
    """

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        *,
        queue_view: QTableView,
        search_box: QLineEdit,
        ticket_tabs: TicketTabs,
        bulk: BulkActions,
        columns_menu: QMenu,
        me_combo: QComboBox,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._me_combo = me_combo
        window.setWindowIcon(app_icon())
        for name, icon_name in ACTION_ICONS:
            find_action(window, name).setIcon(icon(icon_name))
        ticket_tabs.save_action.setIcon(icon("save"))
        ticket_tabs.compose_action.setIcon(icon("mail"))
        search_box.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        # Single-letter and Enter shortcuts act only where they make sense.
        for name in QUEUE_ACTIONS:
            queue_view.addAction(find_action(window, name))
        find_action(window, "openTicketAction").setShortcuts(["Return", "Enter"])
        search_box.addAction(find_action(window, "leaveSearchAction"))
        for name, button in TOOL_BUTTONS:
            child(window, QToolButton, button).setDefaultAction(find_action(window, name))

        self.settings_action = QAction("&Settings…", window)
        self.settings_action.setObjectName("settingsAction")
        self.settings_action.setShortcuts(settings_shortcuts())
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.setStatusTip(
            "Your profile, mail accounts, message templates, SLA clocks and checklists "
            f"({SETTINGS_SHORTCUT})"
        )
        self.outbox_action = QAction(icon("mail"), "&Outbox…", window)
        self.outbox_action.setObjectName("outboxAction")
        self.outbox_action.setShortcut(QKeySequence(OUTBOX_SHORTCUT))
        self.outbox_action.setStatusTip(
            f"Messages waiting to be sent, failed or of unknown fate ({OUTBOX_SHORTCUT})"
        )
        self.spam_action = QAction(icon("delete"), "S&pam…", window)
        self.spam_action.setObjectName("spamAction")
        self.spam_action.setStatusTip(
            "Mail kept from blocked senders (never deleted), and who is blocked"
        )
        self.reports_action = QAction(icon("report"), "&Reports…", window)
        self.reports_action.setObjectName("reportsAction")
        self.reports_action.setShortcut(QKeySequence(REPORTS_SHORTCUT))
        self.reports_action.setStatusTip(
            f"Quality metrics, charts, the weekly review and exports ({REPORTS_SHORTCUT})"
        )
        self.me_menu = QMenu("I &Am", window)
        self.me_menu.setObjectName("meMenu")
        self.me_menu.setIcon(icon("person"))
        self.me_menu.aboutToShow.connect(self._fill_me_menu)

        paths = context.paths
        for name, folder in (
            ("openDataFolderAction", paths.root),
            ("openLogFolderAction", paths.logs),
        ):
            find_action(window, name).triggered.connect(lambda _=False, f=folder: self._open(f))
        self.help_actions = add_help_actions(window, context)
        self._complete_file_menu()
        self._complete_ticket_menu(ticket_tabs, bulk)
        self._complete_view_menu(columns_menu)

    def _complete_file_menu(self) -> None:
        file_menu = child(self._window, QMenu, "fileMenu")
        quit_action = find_action(self._window, "quitAction")
        file_menu.insertAction(quit_action, self.settings_action)
        file_menu.insertSeparator(quit_action)

    def add_to_file_menu(self, action: QAction) -> None:
        """``action`` in the File menu, above Settings…."""
        child(self._window, QMenu, "fileMenu").insertAction(self.settings_action, action)

    def _complete_ticket_menu(self, ticket_tabs: TicketTabs, bulk: BulkActions) -> None:
        ticket_menu = child(self._window, QMenu, "ticketMenu")
        customers = find_action(self._window, "customersAction")
        ticket_menu.insertAction(customers, ticket_tabs.save_action)
        ticket_menu.insertAction(customers, ticket_tabs.compose_action)
        ticket_menu.insertAction(customers, ticket_tabs.close_tab_action)
        ticket_menu.insertSeparator(customers)
        before = ticket_menu.insertSeparator(customers)
        for menu in (bulk.assign_menu, bulk.priority_menu, bulk.category_menu):
            ticket_menu.insertMenu(before, menu)
        ticket_menu.insertAction(before, bulk.add_tag_action)
        ticket_menu.insertMenu(before, bulk.step_menu)
        ticket_menu.insertAction(before, bulk.close_action)

    def add_to_ticket_menu(self, *actions: QAction) -> None:
        """``actions`` in the Ticket menu, after the current ticket's own (Compose…)."""
        ticket_menu = child(self._window, QMenu, "ticketMenu")
        before = find_action(self._window, "closeTicketTabAction")
        for action in actions:
            ticket_menu.insertAction(before, action)

    def _complete_view_menu(self, columns_menu: QMenu) -> None:
        view_menu = child(self._window, QMenu, "viewMenu")
        view_menu.insertMenu(find_action(self._window, "ticketPaneRightAction"), columns_menu)
        view_menu.insertMenu(columns_menu.menuAction(), self.me_menu)
        view_menu.insertSeparator(columns_menu.menuAction())
        view_menu.addSeparator()
        view_menu.addAction(self.outbox_action)
        view_menu.addAction(self.spam_action)
        view_menu.addAction(self.reports_action)

    def _fill_me_menu(self) -> None:
        """The "I am" choices of the side panel, as a menu (same list, same effect)."""
        menu = self.me_menu
        menu.clear()
        combo = self._me_combo
        for index in range(combo.count()):
            action = menu.addAction(combo.itemText(index))
            action.setCheckable(True)
            action.setChecked(index == combo.currentIndex())
            action.triggered.connect(lambda _=False, i=index: combo.setCurrentIndex(i))

    def _open(self, folder: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._window.statusBar().showMessage(f"Could not open {folder}", 6000)
