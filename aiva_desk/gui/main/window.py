"""The main window: views on the left, the queue, and the open tickets in tabs.

Layout from ``ui/main_window.ui``. This class builds the parts and connects them;
each part does one job in its own module:

* ``queue/view_list`` — the "I am" chooser and the list of views with their counts;
* ``queue/query`` — what the queue shows: view, Filter…, search, Save View…;
* ``queue/columns`` — the queue's header: columns shown, order, widths;
* ``queue/selection`` — the selected tickets, J/K, and keeping them across reloads;
* ``queue/status`` — the status bar: ticket count, busy indicator, data folder;
* ``main/menus`` — icons, shortcuts and the menu entries built in code;
* ``main/window_state`` — the remembered geometry, splitters and last view;
* ``editor/tabs``, ``queue/bulk``, ``main/customers``, ``settings/dialog`` — the
  tickets, bulk changes, customers and settings;
* ``main/spam_window`` — the Spam window (View > Spam…): kept mail, blocked senders;
* ``outbox/sender``, ``outbox/window`` — sending the outbox in the background, and
  the Outbox window (View > Outbox…, or the status bar's outbox indicator);
* ``main/mail_reading`` — reading the IMAP mailboxes while the app runs, and
  File > Check Mail Now (F9).

The queue refreshes itself: a timer polls a :class:`ChangeWatcher` (one cheap
``PRAGMA`` per tick) and, when anything committed — here or in another process on
the same database — reloads the rows shown, the view counts and the open tickets,
keeping the selection and the scroll position. The same tick lets the mail sender
look for newly queued messages and refreshes the Outbox window.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStatusBar,
    QTableView,
    QWidget,
)

from aiva_desk import APP_NAME
from aiva_desk.app_context import AppContext
from aiva_desk.gui import tasks
from aiva_desk.gui.backups.actions import BackupActions
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.editor.block_sender import SenderBlocking
from aiva_desk.gui.editor.new_ticket_dialog import NewTicketDialog
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.main.customers import CustomerDirectoryDialog
from aiva_desk.gui.main.mail_import import MailImport
from aiva_desk.gui.main.mail_reading import MailReading
from aiva_desk.gui.main.menus import MainMenus, find_action
from aiva_desk.gui.main.spam_window import SpamView
from aiva_desk.gui.main.ticket_actions import TicketActions
from aiva_desk.gui.main.window_state import WindowLayout
from aiva_desk.gui.outbox.sender import MailSender
from aiva_desk.gui.outbox.window import OutboxView
from aiva_desk.gui.queue.bulk import BulkActions
from aiva_desk.gui.queue.columns import QueueColumns
from aiva_desk.gui.queue.delegates import PriorityChipDelegate
from aiva_desk.gui.queue.filter_dialog import FilterDialog
from aiva_desk.gui.queue.model import PRIORITY, SLA, TICKET_ID_ROLE, TicketTableModel
from aiva_desk.gui.queue.query import QueueQuery
from aiva_desk.gui.queue.selection import RESELECT_LIMIT, QueueSelection
from aiva_desk.gui.queue.status import QueueStatus
from aiva_desk.gui.queue.view_list import BUILTIN_PREFIX, ViewChoice, ViewListPanel
from aiva_desk.gui.settings.checklists_page import ChecklistSettingsPage
from aiva_desk.queue.query import QueueFilter
from aiva_desk.store.changes import ChangeWatcher
from aiva_desk.tickets.bulk import BulkResult
from aiva_desk.tickets.service import TicketRef

if TYPE_CHECKING:  # loaded when first opened: keeps the start fast
    from aiva_desk.gui.reports.window import ReportsWindow
    from aiva_desk.gui.settings.dialog import SettingsDialog

log = logging.getLogger(__name__)

WATCH_INTERVAL_MS = 1500  # how often the database is asked whether anything changed
SLA_TICK_MS = 30_000  # the SLA countdown column repaints this often (no query)
CLOCK_VIEW_MS = 60_000  # built-in views that depend on "now" are re-evaluated this often
DEFAULT_VIEW = BUILTIN_PREFIX + "all"
MAIL_PAGE = "Mail"  # Settings > Mail: the mailboxes read
D = TypeVar("D", bound=QDialog)


class MainWindow(QMainWindow):
    """Views (``viewList``), the queue (``queueView``) and ticket tabs (``ticketTabs``)."""

    def __init__(self, context: AppContext, settings: QSettings | None = None) -> None:
        super().__init__()
        load_form("main_window.ui", into=self)
        self.setObjectName("mainWindow")
        self._context = context
        self._settings = settings if settings is not None else QSettings()
        self._closing = False
        self.new_ticket_dialog: NewTicketDialog | None = None
        self.customer_directory: CustomerDirectoryDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.outbox_view: OutboxView | None = None
        self.spam_view: SpamView | None = None
        self.reports_window: ReportsWindow | None = None

        self.queue_view = child(self, QTableView, "queueView")
        self.search_box = child(self, QLineEdit, "searchBox")
        self.splitter = child(self, QSplitter, "mainSplitter")
        self.side_splitter = child(self, QSplitter, "sideSplitter")
        self.filter_bar = child(self, QFrame, "filterBar")
        self.filter_summary = child(self, QLabel, "filterSummary")
        self.model = TicketTableModel(context.db, self, breaching_window=self._breaching_window())
        self.queue_view.setModel(self.model)
        self.queue_view.setItemDelegateForColumn(PRIORITY, PriorityChipDelegate(self))
        self.view_panel = self._install(ViewListPanel(context, self), "viewPanelPlaceholder")
        self.view_list = self.view_panel.tree
        self.ticket_tabs = self._install(TicketTabs(context, self), "ticketPanePlaceholder")
        self.bulk = BulkActions(context, self.selected_ticket_ids, self)
        self.watcher = ChangeWatcher(context.db.engine)
        self.mail_sender = MailSender(context.mail, self)

        self.queue_status = QueueStatus(
            child(self, QStatusBar, "statusBar"), context, self.queue_view
        )
        self.busy_indicator = self.queue_status.busy_indicator
        self.queue_columns = QueueColumns(self.queue_view, self.model, self._settings)
        self.columns_menu = self.queue_columns.menu
        self.queue_query = QueueQuery(
            self,
            context,
            self.model,
            queue_view=self.queue_view,
            view_panel=self.view_panel,
            ticket_tabs=self.ticket_tabs,
            search_box=self.search_box,
            filter_bar=self.filter_bar,
            filter_summary=self.filter_summary,
            clear_filter_action=self.action("clearFilterAction"),
        )
        self.queue_selection = QueueSelection(
            self.queue_view,
            self.model,
            context.db,
            identity=self.queue_query.identity,
            has_open_tickets=lambda: self.ticket_tabs.count() > 0,
        )
        self.menus = MainMenus(
            self,
            context,
            queue_view=self.queue_view,
            search_box=self.search_box,
            ticket_tabs=self.ticket_tabs,
            bulk=self.bulk,
            columns_menu=self.columns_menu,
            me_combo=self.view_panel.me_combo,
        )
        self.me_menu = self.menus.me_menu
        self.mail_import = MailImport(self, context)
        self.sender_blocking = SenderBlocking(context, self.ticket_tabs, self)
        self.menus.add_to_ticket_menu(
            self.sender_blocking.block_action, self.sender_blocking.unblock_action
        )
        self.menus.add_to_file_menu(self.mail_import.action)
        self.ticket_actions = TicketActions(self, context)  # export report; "I am" → editors
        self.mail_import.accept_drops_on(self.queue_view.viewport())
        self.mail_reading = MailReading(context, self)
        self.menus.add_to_file_menu(self.mail_reading.action)
        self.backups = BackupActions(
            self, context, add_to_menu=self.menus.add_to_file_menu, on_restored=self._refresh_all
        )
        self.window_layout = WindowLayout(
            self,
            self._settings,
            splitter=self.splitter,
            side_splitter=self.side_splitter,
            pane_right=self.action("ticketPaneRightAction"),
        )

        self.watch_timer = self._timer(WATCH_INTERVAL_MS, self._on_watch_timer_timeout)
        self.sla_timer = self._timer(SLA_TICK_MS, self._on_sla_timer_timeout)
        self._clock_timer = self._timer(CLOCK_VIEW_MS, self._on_clock_timer_timeout)
        self._connect()
        self.window_layout.restore()
        self.queue_columns.restore()
        self.view_panel.reload_saved_views()
        if not self.view_panel.select_key(self.window_layout.last_view(DEFAULT_VIEW)):
            self.view_panel.select_key(DEFAULT_VIEW)
        self._update_selection_actions()
        for timer in (self.watch_timer, self.sla_timer, self._clock_timer):
            timer.start()
        self.mail_sender.start()
        self.mail_reading.start()

    # -- building ------------------------------------------------------------------

    def _install(self, widget: QWidget, placeholder_name: str):
        """Put ``widget`` where the form has the placeholder ``placeholder_name``."""
        placeholder = child(self, QWidget, placeholder_name)
        splitter = placeholder.parentWidget()
        assert isinstance(splitter, QSplitter)
        splitter.replaceWidget(splitter.indexOf(placeholder), widget)
        placeholder.setObjectName(f"{placeholder_name}Used")
        placeholder.deleteLater()
        return widget

    def _timer(self, interval: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _connect(self) -> None:
        query = self.queue_query
        triggered = {
            "newTicketAction": self._on_new_ticket_action_triggered,
            "openTicketAction": self._on_open_ticket_action_triggered,
            "refreshAction": self._on_refresh_action_triggered,
            "focusSearchAction": query.focus_search,
            "leaveSearchAction": query.leave_search,
            "nextTicketAction": lambda: self.move_selection(1),
            "previousTicketAction": lambda: self.move_selection(-1),
            "filterAction": query.open_filter_dialog,
            "clearFilterAction": self.clear_filter,
            "saveViewAction": query.open_save_view_dialog,
            "customersAction": self.show_customer_directory,
            "settingsAction": self.show_settings,
            "quitAction": self.close,
        }
        for name, slot in triggered.items():
            self.action(name).triggered.connect(slot)
        child(self, QPushButton, "editFilterButton").clicked.connect(query.open_filter_dialog)
        child(self, QPushButton, "clearFilterButton").clicked.connect(self.clear_filter)
        query.view_changed.connect(self._on_queue_query_view_changed)

        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.loading_changed.connect(self._on_model_loading_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._update_count_label)
        self.queue_selection.restored.connect(self._update_selection_actions)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_queue_selection_changed)
        self.queue_view.doubleClicked.connect(self._on_queue_view_double_clicked)
        self.queue_view.customContextMenuRequested.connect(self._on_queue_context_menu_requested)

        self.view_panel.counts_updated.connect(lambda _counts: self._update_count_label())
        self.ticket_tabs.ticket_saved.connect(lambda _id: self.refresh())
        self.ticket_tabs.tickets_changed.connect(lambda _ids: self.refresh())
        self.bulk.started.connect(lambda text: self.queue_status.set_busy("bulk", text))
        self.bulk.finished.connect(self._on_bulk_finished)
        self.menus.outbox_action.triggered.connect(self.show_outbox)
        self.mail_import.imported.connect(lambda _summary: self.refresh())
        self.mail_reading.mail_arrived.connect(lambda _summary: self.refresh())
        self.mail_reading.status.connect(self.statusBar().showMessage)
        self.menus.reports_action.triggered.connect(self.show_reports)
        self.menus.spam_action.triggered.connect(self.show_spam)
        self.sender_blocking.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.queue_status.outbox_requested.connect(self.show_outbox)
        self.mail_sender.counts_changed.connect(self.queue_status.show_outbox)
        self.mail_sender.pass_finished.connect(self._on_mail_sender_pass_finished)

    def action(self, name: str) -> QAction:
        """A menu action by its objectName (``newTicketAction``, ``refreshAction``, …)."""
        return find_action(self, name)

    # -- the parts' public faces ---------------------------------------------------

    @property
    def filter_dialog(self) -> FilterDialog | None:
        return self.queue_query.filter_dialog

    def base_filter(self) -> QueueFilter:
        return self.queue_query.base_filter()

    def effective_filter(self) -> QueueFilter:
        return self.queue_query.effective_filter()

    def current_view_key(self) -> str | None:
        return self.queue_query.current_view_key()

    def set_custom_filter(self, flt: QueueFilter | None) -> None:
        self.queue_query.set_custom_filter(flt)

    def clear_filter(self) -> None:
        self.queue_query.clear_filter()

    def save_view(self, name: str, flt: QueueFilter, *, dialog: FilterDialog | None = None) -> None:
        self.queue_query.save_view(name, flt, dialog=dialog)

    def selected_ticket_ids(self) -> list[int]:
        return self.queue_selection.selected_ids()

    def selected_ticket_id(self) -> int | None:
        return self.queue_selection.selected_id()

    def current_ticket_id(self) -> int | None:
        return self.queue_selection.current_id()

    def select_ticket(self, ticket_id: int, *, limit: int = RESELECT_LIMIT) -> bool:
        return self.queue_selection.select(ticket_id, limit=limit)

    def move_selection(self, step: int) -> None:
        self.queue_selection.move(step)

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.queue_columns.set_visible(column, visible)

    def is_busy(self) -> bool:
        return self.queue_status.is_busy()

    # -- settings and closing ------------------------------------------------------

    def _breaching_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self._context.settings.breaching_soon_minutes)

    def save_settings(self) -> None:
        self.window_layout.save(self.current_view_key())
        self.queue_columns.save()
        self._settings.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.model.palette_changed()  # light/dark switched while running
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Windows that may hold unsaved work ask first (messages being written, weekly
        # review notes, settings).
        from aiva_desk.gui.composer.dialog import ComposerDialog

        composers = [c for c in self.findChildren(ComposerDialog) if c.isVisible()]
        for window in (*composers, self.settings_dialog, self.reports_window):
            if window is not None and not window.close():
                event.ignore()
                return
        if not self.ticket_tabs.confirm_close_all():
            event.ignore()
            return
        self._closing = True
        self.mail_sender.stop()  # a message on the wire finishes; no new pass starts
        self.mail_reading.stop()  # a read under way ends on its own thread
        for timer in (self.watch_timer, self.sla_timer, self._clock_timer):
            timer.stop()
        self.queue_query.search_timer.stop()
        self.save_settings()
        for dialog in (self.customer_directory, self.outbox_view, self.spam_view):
            if dialog is not None:
                dialog.close()
        if not tasks.wait_for_idle(10_000):
            log.warning("Closing with %d background tasks still running", tasks.running_tasks())
        self.watcher.close()
        super().closeEvent(event)

    # -- refreshing ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the queue, the counts and the open tickets again, keeping the selection."""
        if not self._closing:
            self.queue_query.reload()

    def _refresh_all(self) -> None:
        self.refresh()
        for ticket_id in self.ticket_tabs.open_ticket_ids():
            self.ticket_tabs.refresh_ticket(ticket_id)

    def _on_watch_timer_timeout(self) -> None:
        try:
            changed = self.watcher.changed()
        except Exception as exc:  # a vanished file or a locked database: try again later
            log.warning("Change check failed: %s", exc)
            return
        if changed:
            self._refresh_all()
            self.mail_sender.poll()  # a message queued here or in another window
            if self.outbox_view is not None:
                self.outbox_view.reload()
            if self.spam_view is not None:
                self.spam_view.reload()

    def _on_clock_timer_timeout(self) -> None:
        if self.queue_query.shows_builtin_view():
            self.refresh()

    def _on_sla_timer_timeout(self) -> None:
        view = self.queue_view
        first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
        if first < 0 or view.isColumnHidden(SLA):
            return
        self.model.tick(first, last if last >= 0 else self.model.rowCount() - 1)

    def _on_model_reset(self) -> None:
        self._update_count_label()
        self.queue_query.update_filter_bar()

    def _on_model_load_failed(self, exc: Exception) -> None:
        show_error(self, exc)

    def _on_model_loading_changed(self, loading: bool) -> None:
        if loading:
            self.queue_status.set_busy("queue", "Loading…")
        else:
            self.queue_status.clear_busy("queue")

    def _on_queue_query_view_changed(self, choice: ViewChoice) -> None:
        self.window_layout.remember_view(choice.key)
        self.setWindowTitle(f"{choice.label} — {APP_NAME}")

    # -- selection -----------------------------------------------------------------

    def _on_queue_selection_changed(self, _selected: object, _deselected: object) -> None:
        self._update_selection_actions()
        if self.queue_selection.restoring:
            return  # a reload put the same tickets back
        ids = self.selected_ticket_ids()
        if len(ids) == 1:
            self.ticket_tabs.open_ticket(ids[0])
        elif len(ids) > 1:
            self.statusBar().showMessage(
                f"{len(ids):,} tickets selected: use the Ticket menu for bulk actions.", 4000
            )

    def _update_selection_actions(self) -> None:
        count = self.queue_selection.selected_count()
        self.bulk.set_enabled(count > 0)
        self.action("openTicketAction").setEnabled(count > 0)
        self._update_count_label()

    def _update_count_label(self) -> None:
        self.queue_status.show_count(
            self.model.total,
            searching=bool(self.model.queue_filter.text.strip()),
            selected=self.queue_selection.selected_count(),
        )

    def _on_open_ticket_action_triggered(self) -> None:
        ticket_id = self.selected_ticket_id()
        if ticket_id is not None:
            self.ticket_tabs.open_ticket(ticket_id, new_tab=True)
            self.ticket_tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_queue_view_double_clicked(self, index: QModelIndex) -> None:
        ticket_id = index.data(TICKET_ID_ROLE)
        if ticket_id is not None:
            self.ticket_tabs.open_ticket(ticket_id, new_tab=True)

    def _on_queue_context_menu_requested(self, pos: QPoint) -> None:
        self.queue_selection.select_row_at(self.queue_view.indexAt(pos))
        menu = QMenu(self)
        menu.setObjectName("queueContextMenu")
        menu.addAction(self.action("openTicketAction"))
        menu.addAction(self.ticket_actions.queue_export_action)
        menu.addSeparator()
        self.bulk.add_to(menu)
        menu.popup(self.queue_view.viewport().mapToGlobal(pos))

    # -- actions -------------------------------------------------------------------

    def _keep_dialog(self, attribute: str, dialog: QWidget) -> None:
        """Hold ``dialog`` in ``self.<attribute>`` until it closes (and is deleted)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, attribute, None))
        setattr(self, attribute, dialog)

    def _bring_to_front(self, dialog: D) -> D:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_new_ticket_action_triggered(self) -> None:
        try:
            dialog = NewTicketDialog(
                self._context.tickets,
                self,
                mail=self._context.mail,
                me_staff_id=self._context.settings.me_staff_id,
            )
        except Exception as exc:
            show_error(self, exc)
            return
        dialog.ticket_created.connect(self._on_new_ticket_dialog_ticket_created)
        dialog.acknowledgment_queued.connect(lambda *_: self.mail_sender.wake())
        self._keep_dialog("new_ticket_dialog", dialog)
        dialog.open()

    def _on_new_ticket_dialog_ticket_created(self, ref: TicketRef) -> None:
        self.statusBar().showMessage(f"Created ticket {ticket_number(ref.number)}.", 6000)
        self.show_ticket(ref.id)

    def show_ticket(self, ticket_id: int) -> None:
        """Select the ticket in the queue (switching to "All" if this view hides it)."""
        self.ticket_tabs.open_ticket(ticket_id)

        def select_when_loaded() -> None:
            self.model.reloaded.disconnect(select_when_loaded)
            if not self.select_ticket(ticket_id, limit=5000):
                self.statusBar().showMessage(
                    "The ticket is not in this view; it is open in its tab.", 6000
                )

        self.model.reloaded.connect(select_when_loaded)
        self.refresh()
        self.view_panel.refresh_counts()

    def _on_bulk_finished(self, result: BulkResult | None) -> None:
        self.queue_status.clear_busy("bulk")
        if result is not None:
            self.statusBar().showMessage(result.summary().partition("\n")[0].rstrip(":."), 6000)
        self._refresh_all()

    def _on_refresh_action_triggered(self) -> None:
        self._refresh_all()
        self.statusBar().showMessage("Queue refreshed.", 3000)

    def show_customer_directory(self) -> CustomerDirectoryDialog:
        """Open the customer directory (or bring it to the front)."""
        if self.customer_directory is None:
            dialog = CustomerDirectoryDialog(self._context, self, self._settings)
            dialog.ticket_activated.connect(self._on_customer_directory_ticket_activated)
            dialog.customers_changed.connect(self.refresh)
            self._keep_dialog("customer_directory", dialog)
        return self._bring_to_front(self.customer_directory)

    def _on_customer_directory_ticket_activated(self, ticket_id: int) -> None:
        self.ticket_tabs.open_ticket(ticket_id, new_tab=True)
        if self.model.row_of(ticket_id) is not None:
            self.select_ticket(ticket_id)
        self.raise_()
        self.activateWindow()

    def show_outbox(self) -> OutboxView:
        """Open the Outbox (or bring it to the front)."""
        if self.outbox_view is None:
            dialog = OutboxView(self._context, self)
            dialog.ticket_requested.connect(self._open_ticket_in_tab)
            dialog.messages_queued.connect(self.mail_sender.wake)
            self._keep_dialog("outbox_view", dialog)
        return self._bring_to_front(self.outbox_view)

    def show_spam(self) -> SpamView:
        """Open the Spam window (or bring it to the front)."""
        if self.spam_view is None:
            dialog = SpamView(self._context, self)
            dialog.ticket_requested.connect(self._open_ticket_in_tab)
            dialog.tickets_changed.connect(self.refresh)
            self._keep_dialog("spam_view", dialog)
        return self._bring_to_front(self.spam_view)

    def show_reports(self) -> ReportsWindow:
        """Open the Reports window (or bring it to the front)."""
        if self.reports_window is None:
            from aiva_desk.gui.reports.window import ReportsWindow  # charts: loaded when used

            window = ReportsWindow(self._context, self)
            window.ticket_requested.connect(self._open_ticket_in_tab)
            self._keep_dialog("reports_window", window)
        return self._bring_to_front(self.reports_window)

    def _open_ticket_in_tab(self, ticket_id: int) -> None:
        self.ticket_tabs.open_ticket(ticket_id, new_tab=True)
        self.raise_()
        self.activateWindow()

    def _on_mail_sender_pass_finished(self, _report: object) -> None:
        if self.outbox_view is not None:
            self.outbox_view.reload()

    def show_settings(self) -> SettingsDialog:
        """Open the Settings dialog (or bring it to the front)."""
        if self.settings_dialog is None:
            from aiva_desk.gui.settings.dialog import SettingsDialog  # loaded when used

            dialog = SettingsDialog(self._context, self)
            dialog.applied.connect(self._on_settings_dialog_applied)
            dialog.pages_applied.connect(self._on_settings_dialog_pages_applied)
            mailboxes = dialog.page_titled(MAIL_PAGE).mailboxes  # type: ignore[attr-defined]
            self.mail_reading.checked.connect(mailboxes.mailbox_read)
            self._keep_dialog("settings_dialog", dialog)
        return self._bring_to_front(self.settings_dialog)

    def _on_settings_dialog_applied(self) -> None:
        """Settings were saved: "me", the breaching-soon threshold and the views follow."""
        self.model.set_breaching_window(self._breaching_window())
        self.view_panel.reload_staff()  # a different "me" re-selects the view itself
        self.refresh()

    def _on_settings_dialog_pages_applied(self, titles: list[str]) -> None:
        """Checklist templates changed: the open tickets show their checklists again;
        mailboxes changed: they are read as they are now."""
        if MAIL_PAGE in titles:
            self.mail_reading.reload()
        if ChecklistSettingsPage.title in titles:
            for editor in self.ticket_tabs.editors():
                editor.support.checklists.reload()
