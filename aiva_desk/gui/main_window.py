"""The main window: views on the left, the queue, and the open tickets in tabs.

Layout from ``ui/main_window.ui``; this class wires the side list of views
(:mod:`view_list`), the windowed queue model, the ticket tabs, search, filters,
bulk actions, the customer directory and the persisted window state together.

The queue refreshes itself: a timer polls a :class:`ChangeWatcher` (one cheap
``PRAGMA`` per tick) and, when anything committed — here or in another process on
the same database — reloads the rows shown, the view counts and the open tickets,
keeping the selection and the scroll position.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
from dataclasses import dataclass

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStatusBar,
    QTableView,
    QToolButton,
    QWidget,
)

from aiva_desk import APP_NAME, __version__, queue, views
from aiva_desk.app_context import AppContext
from aiva_desk.bulk import BulkResult
from aiva_desk.errors import ValidationError
from aiva_desk.gui import tasks
from aiva_desk.gui.bulk_actions import BulkActions
from aiva_desk.gui.customer_directory import CustomerDirectoryDialog
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.filter_dialog import FilterDialog, Names, describe_filter
from aiva_desk.gui.formatting import ticket_number
from aiva_desk.gui.forms import child, load_form
from aiva_desk.gui.icons import app_icon, icon
from aiva_desk.gui.new_ticket_dialog import NewTicketDialog
from aiva_desk.gui.queue_delegates import PriorityChipDelegate
from aiva_desk.gui.queue_model import (
    COLUMNS,
    PRIORITY,
    SLA,
    SUBJECT,
    TICKET_ID_ROLE,
    TicketTableModel,
)
from aiva_desk.gui.ticket_tabs import TicketTabs
from aiva_desk.gui.view_list import BUILTIN_PREFIX, SAVED_PREFIX, ViewChoice, ViewListPanel
from aiva_desk.queue import QueueFilter
from aiva_desk.store.changes import ChangeWatcher
from aiva_desk.tickets import TicketRef

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
WATCH_INTERVAL_MS = 1500  # how often the database is asked whether anything changed
SLA_TICK_MS = 30_000  # the SLA countdown column repaints this often (no query)
CLOCK_VIEW_MS = 60_000  # built-in views that depend on "now" are re-evaluated this often
BUSY_DELAY_MS = 150  # loads quicker than this never show the busy indicator
RESELECT_LIMIT = 1000  # rows loaded at most to find the selected ticket again after a reload
DEFAULT_VIEW = BUILTIN_PREFIX + "all"
GEOMETRY_KEY = "main_window/geometry"
WINDOW_STATE_KEY = "main_window/state"
SPLITTER_KEY = "main_window/splitter"
SIDE_SPLITTER_KEY = "main_window/side_splitter"
HEADER_KEY = "main_window/queue_header_v2"  # v2: nine columns, all sortable
PANE_RIGHT_KEY = "main_window/ticket_pane_right"
LAST_VIEW_KEY = "main_window/last_view"
FIRST_RUN_SIZE = (1400, 900)  # at most; never more than 92% of the screen


@dataclass
class _Kept:
    """What a reload must not lose: the selection, the current ticket and the scroll."""

    selected: list[int]
    current: int | None
    scroll: int
    identity: tuple


class MainWindow(QMainWindow):
    """Views (``viewList``), the queue (``queueView``) and ticket tabs (``ticketTabs``)."""

    def __init__(self, context: AppContext, settings: QSettings | None = None) -> None:
        super().__init__()
        load_form("main_window.ui", into=self)
        self.setObjectName("mainWindow")
        self._context = context
        self._service = context.tickets
        self._settings = settings if settings is not None else QSettings()
        self._kept: _Kept | None = None
        self._shown_identity: tuple | None = None
        self._restoring_selection = False
        self._view: ViewChoice | None = None
        self._custom_filter: QueueFilter | None = None
        self._busy: dict[str, str] = {}
        self._closing = False
        self.new_ticket_dialog: NewTicketDialog | None = None
        self.filter_dialog: FilterDialog | None = None
        self.customer_directory: CustomerDirectoryDialog | None = None

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

        self._count_label = QLabel(self)
        self._count_label.setObjectName("ticketCountLabel")
        self._count_label.setContentsMargins(0, 0, 12, 0)
        self._busy_label = QLabel(self)
        self._busy_label.setObjectName("busyLabel")
        self.busy_indicator = QProgressBar(self)
        self.busy_indicator.setObjectName("busyIndicator")
        self.busy_indicator.setAccessibleName("Working")
        self.busy_indicator.setRange(0, 0)
        self.busy_indicator.setMaximumWidth(110)
        self.busy_indicator.setMaximumHeight(14)
        self.busy_indicator.setTextVisible(False)
        self._setup_status_bar()
        self._setup_actions()
        self._setup_menus()
        self._setup_queue_header()

        self._search_timer = self._timer(SEARCH_DELAY_MS, single_shot=True)
        self._busy_timer = self._timer(BUSY_DELAY_MS, single_shot=True)
        self.watch_timer = self._timer(WATCH_INTERVAL_MS)
        self.sla_timer = self._timer(SLA_TICK_MS)
        self._clock_timer = self._timer(CLOCK_VIEW_MS)
        self._connect()
        self._restore_settings()
        self.view_panel.reload_saved_views()
        last_view = self._settings.value(LAST_VIEW_KEY, DEFAULT_VIEW, type=str)
        if not self.view_panel.select_key(last_view):
            self.view_panel.select_key(DEFAULT_VIEW)
        self._update_selection_actions()
        self.watch_timer.start()
        self.sla_timer.start()
        self._clock_timer.start()

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

    def _timer(self, interval: int, *, single_shot: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval)
        timer.setSingleShot(single_shot)
        return timer

    def _setup_status_bar(self) -> None:
        status_bar = child(self, QStatusBar, "statusBar")
        where = QLabel(f"Data folder: {self._context.paths.root}", self)
        where.setObjectName("dataFolderLabel")
        where.setToolTip(f"Database: {self._context.db.display_name}")
        where.setAccessibleName("Data folder")
        self._count_label.setAccessibleName("Tickets in the queue")
        self._busy_label.setAccessibleName("What is being loaded")
        status_bar.addPermanentWidget(self._busy_label)
        status_bar.addPermanentWidget(self.busy_indicator)
        status_bar.addPermanentWidget(self._count_label)
        status_bar.addPermanentWidget(where)
        self._busy_label.hide()
        self.busy_indicator.hide()

    def _setup_actions(self) -> None:
        self.setWindowIcon(app_icon())
        for name, icon_name in (
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
        ):
            self.action(name).setIcon(icon(icon_name))
        self.ticket_tabs.save_action.setIcon(icon("save"))
        self.search_box.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        # Single-letter and Enter shortcuts act only where they make sense.
        for name in ("nextTicketAction", "previousTicketAction", "openTicketAction"):
            self.queue_view.addAction(self.action(name))
        self.action("openTicketAction").setShortcuts(["Return", "Enter"])
        self.search_box.addAction(self.action("leaveSearchAction"))
        for name, button in (
            ("filterAction", "filterButton"),
            ("saveViewAction", "saveViewButton"),
        ):
            child(self, QToolButton, button).setDefaultAction(self.action(name))

    def _setup_menus(self) -> None:
        ticket_menu = child(self, QMenu, "ticketMenu")
        customers = self.action("customersAction")
        ticket_menu.insertAction(customers, self.ticket_tabs.save_action)
        ticket_menu.insertAction(customers, self.ticket_tabs.close_tab_action)
        ticket_menu.insertSeparator(customers)
        before = ticket_menu.insertSeparator(customers)
        for menu in (
            self.bulk.assign_menu,
            self.bulk.priority_menu,
            self.bulk.category_menu,
        ):
            ticket_menu.insertMenu(before, menu)
        ticket_menu.insertAction(before, self.bulk.add_tag_action)
        ticket_menu.insertMenu(before, self.bulk.step_menu)
        ticket_menu.insertAction(before, self.bulk.close_action)

        self.columns_menu = QMenu("C&olumns", self)
        self.columns_menu.setObjectName("columnsMenu")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        view_menu = child(self, QMenu, "viewMenu")
        view_menu.insertMenu(self.action("ticketPaneRightAction"), self.columns_menu)
        self.me_menu = QMenu("I &Am", self)
        self.me_menu.setObjectName("meMenu")
        self.me_menu.setIcon(icon("person"))
        self.me_menu.aboutToShow.connect(self._fill_me_menu)
        view_menu.insertMenu(self.columns_menu.menuAction(), self.me_menu)
        view_menu.insertSeparator(self.columns_menu.menuAction())

    def _setup_queue_header(self) -> None:
        view = self.queue_view
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setAccessibleName("Queue columns: click to sort, right-click to choose")
        self._default_header_state = self._reset_header()
        row_height = view.fontMetrics().height() + 10
        view.verticalHeader().setDefaultSectionSize(row_height)
        view.verticalHeader().setMinimumSectionSize(row_height)

    def _reset_header(self) -> QByteArray:
        header = self.queue_view.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.showSection(index)
            header.moveSection(header.visualIndex(index), index)
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(index, column.width)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.setSortIndicatorShown(True)
        return header.saveState()

    def _connect(self) -> None:
        triggered = {
            "newTicketAction": self._on_new_ticket_action_triggered,
            "openTicketAction": self._on_open_ticket_action_triggered,
            "refreshAction": self._on_refresh_action_triggered,
            "focusSearchAction": self._on_focus_search_action_triggered,
            "leaveSearchAction": self._on_leave_search_action_triggered,
            "nextTicketAction": lambda: self.move_selection(1),
            "previousTicketAction": lambda: self.move_selection(-1),
            "filterAction": self._on_filter_action_triggered,
            "clearFilterAction": self.clear_filter,
            "saveViewAction": self._on_save_view_action_triggered,
            "customersAction": self.show_customer_directory,
            "quitAction": self.close,
            "openDataFolderAction": lambda: self._open_folder(str(self._context.paths.root)),
            "openLogFolderAction": lambda: self._open_folder(str(self._context.paths.logs)),
            "aboutAction": self._on_about_action_triggered,
        }
        for name, slot in triggered.items():
            self.action(name).triggered.connect(slot)
        self.action("ticketPaneRightAction").toggled.connect(
            self._on_ticket_pane_right_action_toggled
        )
        child(self, QPushButton, "editFilterButton").clicked.connect(
            self._on_filter_action_triggered
        )
        child(self, QPushButton, "clearFilterButton").clicked.connect(self.clear_filter)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._on_search_timer_timeout)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._busy_timer.timeout.connect(self._show_busy)
        self.watch_timer.timeout.connect(self._on_watch_timer_timeout)
        self.sla_timer.timeout.connect(self._on_sla_timer_timeout)
        self._clock_timer.timeout.connect(self._on_clock_timer_timeout)

        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.loading_changed.connect(self._on_model_loading_changed)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._update_count_label)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_queue_selection_changed)
        self.queue_view.doubleClicked.connect(self._on_queue_view_double_clicked)
        self.queue_view.customContextMenuRequested.connect(self._on_queue_context_menu_requested)
        header = self.queue_view.horizontalHeader()
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)

        self.view_panel.view_selected.connect(self._on_view_panel_view_selected)
        self.view_panel.counts_updated.connect(lambda _counts: self._update_count_label())
        self.view_panel.me_changed.connect(self._on_view_panel_me_changed)
        self.ticket_tabs.ticket_saved.connect(lambda _id: self.refresh())
        self.ticket_tabs.tickets_changed.connect(lambda _ids: self.refresh())
        self.bulk.started.connect(lambda text: self._set_busy("bulk", text))
        self.bulk.finished.connect(self._on_bulk_finished)

    def action(self, name: str) -> QAction:
        """A menu action by its objectName (``newTicketAction``, ``refreshAction``, …)."""
        found = self.findChild(QAction, name)
        if found is None:
            raise LookupError(f"no action {name!r}")
        return found

    # -- settings ------------------------------------------------------------------

    def _breaching_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self._context.settings.breaching_soon_minutes)

    def _restore_settings(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._first_run_geometry()
        state = self._settings.value(WINDOW_STATE_KEY)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        pane_right = self._settings.value(PANE_RIGHT_KEY, False, type=bool)
        self.action("ticketPaneRightAction").setChecked(bool(pane_right))
        self._set_pane_orientation(bool(pane_right))
        splitter = self._settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self._set_pane_orientation(bool(pane_right), keep_sizes=True)
        side = self._settings.value(SIDE_SPLITTER_KEY)
        if not (isinstance(side, QByteArray) and self.side_splitter.restoreState(side)):
            self.side_splitter.setSizes([218, max(400, self.width() - 218)])
        self.side_splitter.setStretchFactor(1, 1)
        header_state = self._settings.value(HEADER_KEY)
        header = self.queue_view.horizontalHeader()
        if isinstance(header_state, QByteArray) and header.restoreState(header_state):
            section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
            if self.model.is_sortable(section):
                self.model.set_query(self.model.queue_filter, section, order, background=False)
        # Enabling sorting asks the model to sort by the (restored) indicator.
        self.queue_view.setSortingEnabled(True)

    def _first_run_geometry(self) -> None:
        screen = self.screen().availableGeometry()
        width = min(FIRST_RUN_SIZE[0], int(screen.width() * 0.92))
        height = min(FIRST_RUN_SIZE[1], int(screen.height() * 0.92))
        self.resize(width, height)
        self.move(screen.center() - self.rect().center())

    def _set_pane_orientation(self, pane_right: bool, *, keep_sizes: bool = False) -> None:
        """The ticket tabs beside the queue (``pane_right``) or below it (the default)."""
        orientation = Qt.Orientation.Horizontal if pane_right else Qt.Orientation.Vertical
        if keep_sizes and self.splitter.orientation() == orientation:
            return
        self.splitter.setOrientation(orientation)
        total = self.width() if pane_right else self.height()
        share = 0.55 if pane_right else 0.45  # the queue's part
        self.splitter.setSizes([int(total * share), int(total * (1 - share))])

    def save_settings(self) -> None:
        self._settings.setValue(PANE_RIGHT_KEY, self.action("ticketPaneRightAction").isChecked())
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(WINDOW_STATE_KEY, self.saveState())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self._settings.setValue(SIDE_SPLITTER_KEY, self.side_splitter.saveState())
        self._settings.setValue(HEADER_KEY, self.queue_view.horizontalHeader().saveState())
        if self._view is not None:
            self._settings.setValue(LAST_VIEW_KEY, self._view.key)
        self._settings.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.model.palette_changed()  # light/dark switched while running
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ticket_tabs.confirm_close_all():
            event.ignore()
            return
        self._closing = True
        for timer in (self.watch_timer, self.sla_timer, self._clock_timer, self._search_timer):
            timer.stop()
        self.save_settings()
        if self.customer_directory is not None:
            self.customer_directory.close()
        if not tasks.wait_for_idle(10_000):
            log.warning("Closing with %d background tasks still running", tasks.running_tasks())
        self.watcher.close()
        super().closeEvent(event)

    # -- the query: view, extra filter, search, sort --------------------------------

    def base_filter(self) -> QueueFilter:
        """The view's filter, or the filter chosen with Filter… in its place."""
        if self._custom_filter is not None:
            return self._custom_filter
        return self._view.filter if self._view is not None else QueueFilter()

    def effective_filter(self) -> QueueFilter:
        """What the queue shows: the view (or filter) narrowed by the search box."""
        return self.base_filter().merged(QueueFilter(text=self.search_box.text().strip()))

    def _identity(self) -> tuple:
        """What makes a query "the same" (a refresh keeps the scroll position)."""
        view = self._view.key if self._view is not None else None
        return (
            view,
            self._custom_filter,
            self.search_box.text().strip(),
            self.model.sort_column,
            self.model.sort_order,
        )

    def _apply_query(self, *, sort_column: int | None = None, order=None) -> None:
        self.model.set_query(self.effective_filter(), sort_column, order)
        header = self.queue_view.horizontalHeader()
        if sort_column is not None and order is not None:
            blocked = header.blockSignals(True)
            header.setSortIndicator(sort_column, order)
            header.blockSignals(blocked)
        self._update_filter_bar()

    def current_view_key(self) -> str | None:
        return self._view.key if self._view is not None else None

    def _on_view_panel_view_selected(self, choice: ViewChoice) -> None:
        self._view = choice
        self._custom_filter = None
        self._settings.setValue(LAST_VIEW_KEY, choice.key)
        sort_column = order = None
        if choice.sort_key is not None:
            sort_column = self.model.column_for_sort_key(choice.sort_key)
            order = (
                Qt.SortOrder.DescendingOrder if choice.descending else Qt.SortOrder.AscendingOrder
            )
        self._apply_query(sort_column=sort_column, order=order)
        self.setWindowTitle(f"{choice.label} — {APP_NAME}")

    def _on_view_panel_me_changed(self, _me: object) -> None:
        who = self.view_panel.me_combo.currentText()
        self.statusBar().showMessage(f"“My open” now shows the tickets of {who}.", 5000)

    def _names(self) -> Names:
        return Names(
            categories={c.id: c.name for c in self._service.categories(active_only=False)},
            staff={s.id: s.name for s in self._service.staff()},
            me_staff_id=self._context.settings.me_staff_id,
        )

    def _update_filter_bar(self) -> None:
        custom = self._custom_filter
        self.filter_bar.setVisible(custom is not None)
        self.action("clearFilterAction").setEnabled(custom is not None)
        if custom is not None:
            text = "Filter: " + describe_filter(custom, self._names())
            self.filter_summary.setText(text)
            self.filter_bar.setAccessibleDescription(text)

    def set_custom_filter(self, flt: QueueFilter | None) -> None:
        """Show ``flt`` in place of the view's own filter (None: back to the view)."""
        if flt is not None:
            # The search box holds the text part, so it can be changed or left as usual.
            blocked = self.search_box.blockSignals(True)
            self.search_box.setText(flt.text.strip())
            self.search_box.blockSignals(blocked)
            self.ticket_tabs.set_highlight(flt.text.strip())
            flt = dataclasses.replace(flt, text="")
        self._custom_filter = flt
        self._apply_query()

    def clear_filter(self) -> None:
        self.set_custom_filter(None)

    def _on_filter_action_triggered(self) -> None:
        initial = self.effective_filter()
        dialog = FilterDialog(self._names(), initial, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filter_chosen.connect(self.set_custom_filter)
        self.filter_dialog = dialog
        dialog.open()

    def _on_save_view_action_triggered(self) -> None:
        dialog = FilterDialog(self._names(), self.effective_filter(), ask_name=True, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.view_requested.connect(lambda name, flt: self.save_view(name, flt, dialog=dialog))
        self.filter_dialog = dialog
        dialog.open()

    def save_view(self, name: str, flt: QueueFilter, *, dialog: FilterDialog | None = None) -> None:
        """Save ``flt`` with the current sort as the agent's view ``name``, then show it."""
        db, owner = self._context.db, self._context.actor
        sort_key, descending = self.model.sort_key, self.model.descending

        def work() -> views.View:
            return views.save_view(db, owner, name, flt, sort_key=sort_key, descending=descending)

        def done(view: views.View) -> None:
            if dialog is not None:
                dialog.accept()
            blocked = self.search_box.blockSignals(True)
            self.search_box.clear()
            self.search_box.blockSignals(blocked)
            self.view_panel.reload_saved_views()
            self.view_panel.select_key(SAVED_PREFIX + str(view.id))
            self.statusBar().showMessage(f"Saved the view “{view.name}”.", 5000)

        def failed(exc: Exception) -> None:
            if dialog is not None and isinstance(exc, ValidationError):
                dialog.show_validation(exc)
            else:
                show_error(self, exc)

        tasks.BackgroundTask(work, parent=self, label="save view").success(done).failure(
            failed
        ).run_in_background()

    # -- refreshing ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the queue, the counts and the open tickets again, keeping the selection."""
        if self._closing:
            return
        if self._view is not None and self._view.key.startswith(BUILTIN_PREFIX):
            fresh = self.view_panel.choice(self._view.key)  # built-in views move with "now"
            if fresh is not None:
                self._view = fresh
        flt = self.effective_filter()
        if flt != self.model.queue_filter:
            self.model.set_query(flt)
        else:
            self.model.reload_in_background(keep_loaded=True)
        self.view_panel.refresh_counts()

    def _on_watch_timer_timeout(self) -> None:
        try:
            changed = self.watcher.changed()
        except Exception as exc:  # a vanished file or a locked database: try again later
            log.warning("Change check failed: %s", exc)
            return
        if changed:
            self.refresh()
            for ticket_id in self.ticket_tabs.open_ticket_ids():
                self.ticket_tabs.refresh_ticket(ticket_id)

    def _on_clock_timer_timeout(self) -> None:
        if self._view is not None and self._view.key.startswith(BUILTIN_PREFIX):
            self.refresh()

    def _visible_rows(self) -> tuple[int, int]:
        view = self.queue_view
        first = view.rowAt(0)
        last = view.rowAt(view.viewport().height() - 1)
        if first < 0:
            return 0, -1
        return first, last if last >= 0 else self.model.rowCount() - 1

    def _on_sla_timer_timeout(self) -> None:
        first, last = self._visible_rows()
        if last >= first and not self.queue_view.isColumnHidden(SLA):
            self.model.tick(first, last)

    def _on_model_about_to_be_reset(self) -> None:
        self._kept = _Kept(
            selected=self.selected_ticket_ids(),
            current=self.current_ticket_id(),
            scroll=self.queue_view.verticalScrollBar().value(),
            identity=self._shown_identity or (),
        )

    def _on_model_reset(self) -> None:
        kept, self._kept = self._kept, None
        identity = self._identity()
        same_query = kept is not None and kept.identity == identity
        self._shown_identity = identity
        self._update_count_label()
        self._update_filter_bar()
        if kept is None:
            return
        self._restoring_selection = True
        try:
            found = self._reselect(kept)
        finally:
            self._restoring_selection = False
        lone = kept.current is not None and kept.selected == [kept.current]
        if same_query and lone and not found:
            self._find_in_background(kept.current, identity)  # it moved past the rows loaded
        if same_query:
            self.queue_view.verticalScrollBar().setValue(kept.scroll)
        elif found:
            self.queue_view.scrollTo(
                self.queue_view.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter
            )
        else:
            self.queue_view.scrollToTop()
        if not kept.selected and self.model.rowCount() and self.ticket_tabs.count() == 0:
            self.queue_view.selectRow(0)  # never start on an empty ticket pane
        self._update_selection_actions()

    def _reselect(self, kept: _Kept) -> bool:
        """Select the kept tickets again where they still are; True if the current one is."""
        selection = self.queue_view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        wanted = QItemSelection()
        for ticket_id in kept.selected:
            row = self.model.row_of(ticket_id)
            if row is not None:
                wanted.select(self.model.index(row, 0), self.model.index(row, 0))
        current_row = None if kept.current is None else self.model.row_of(kept.current)
        if current_row is not None:
            selection.setCurrentIndex(self.model.index(current_row, 0), flags.NoUpdate)
        selection.select(wanted, flags.ClearAndSelect | flags.Rows)
        return current_row is not None

    def _find_in_background(self, ticket_id: int, identity: tuple) -> None:
        """Look up where the ticket now sorts (``queue.position_of``) and select it there."""
        db, flt = self._context.db, self.model.queue_filter
        sort_key, descending = self.model.sort_key, self.model.descending

        def work() -> int | None:
            with db.read_session() as session:
                return queue.position_of(
                    session,
                    flt,
                    db.search,
                    ticket_id,
                    sort=sort_key,
                    descending=descending,
                    limit=RESELECT_LIMIT,
                )

        def found(position: int | None) -> None:
            if position is None or self._shown_identity != identity or self.selected_ticket_ids():
                return  # gone from the view, or the agent has moved on
            self._restoring_selection = True
            try:
                self.select_ticket(ticket_id, limit=position + 1)
            finally:
                self._restoring_selection = False

        tasks.BackgroundTask(work, parent=self, writes=False, label="find ticket").success(
            found
        ).run_in_background()

    def _on_model_load_failed(self, exc: Exception) -> None:
        show_error(self, exc)

    def _on_model_loading_changed(self, loading: bool) -> None:
        if loading:
            self._set_busy("queue", "Loading…")
        else:
            self._clear_busy("queue")

    # -- busy indicator ------------------------------------------------------------

    def _set_busy(self, reason: str, text: str) -> None:
        self._busy[reason] = text
        if reason == "bulk":
            self._show_busy()  # the agent asked for it: show at once
        elif not self._busy_timer.isActive() and self.busy_indicator.isHidden():
            self._busy_timer.start()

    def _clear_busy(self, reason: str) -> None:
        self._busy.pop(reason, None)
        if not self._busy:
            self._busy_timer.stop()
            self.busy_indicator.hide()
            self._busy_label.hide()
            self.queue_view.unsetCursor()
        else:
            self._busy_label.setText(next(iter(self._busy.values())))

    def _show_busy(self) -> None:
        if not self._busy:
            return
        self._busy_label.setText(next(iter(self._busy.values())))
        self._busy_label.show()
        self.busy_indicator.show()
        self.queue_view.setCursor(Qt.CursorShape.BusyCursor)

    def is_busy(self) -> bool:
        return bool(self._busy)

    # -- selection and keyboard ----------------------------------------------------

    def selected_ticket_ids(self) -> list[int]:
        rows = self.queue_view.selectionModel().selectedRows()
        return [index.data(TICKET_ID_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def selected_ticket_id(self) -> int | None:
        """The ticket in the current row when it is selected (the one the tabs show)."""
        current = self.current_ticket_id()
        selected = self.selected_ticket_ids()
        if current is not None and current in selected:
            return current
        return selected[0] if selected else None

    def current_ticket_id(self) -> int | None:
        index = self.queue_view.currentIndex()
        return index.data(TICKET_ID_ROLE) if index.isValid() else None

    def select_ticket(self, ticket_id: int, *, limit: int = RESELECT_LIMIT) -> bool:
        """Select the ticket's row (loading windows to find it); False if not in the queue."""
        row = self.model.ensure_loaded(ticket_id, max_rows=limit)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.queue_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.queue_view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def move_selection(self, step: int) -> None:
        """J/K: select the next or previous ticket (loading the next window at the end)."""
        model = self.model
        current = self.queue_view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if row >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        row = max(0, min(row, model.rowCount() - 1))
        if model.rowCount():
            index = model.index(row, current.column() if current.isValid() else 0)
            self.queue_view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.queue_view.scrollTo(index)

    def _on_queue_selection_changed(self, _selected: object, _deselected: object) -> None:
        self._update_selection_actions()
        if self._restoring_selection:
            return  # a reload put the same tickets back
        ids = self.selected_ticket_ids()
        if len(ids) == 1:
            self.ticket_tabs.open_ticket(ids[0])
        elif len(ids) > 1:
            self.statusBar().showMessage(
                f"{len(ids):,} tickets selected: use the Ticket menu for bulk actions.", 4000
            )

    def _update_selection_actions(self) -> None:
        count = len(self.queue_view.selectionModel().selectedRows())
        self.bulk.set_enabled(count > 0)
        self.action("openTicketAction").setEnabled(count > 0)
        self._update_count_label()

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
        index = self.queue_view.indexAt(pos)
        if index.isValid() and index.row() not in {
            i.row() for i in self.queue_view.selectionModel().selectedRows()
        }:
            self.queue_view.selectRow(index.row())
        menu = QMenu(self)
        menu.setObjectName("queueContextMenu")
        menu.addAction(self.action("openTicketAction"))
        menu.addSeparator()
        self.bulk.add_to(menu)
        menu.popup(self.queue_view.viewport().mapToGlobal(pos))

    def _update_count_label(self) -> None:
        total = self.model.total
        text = f"{total:,} {'ticket' if total == 1 else 'tickets'}"
        if self.model.queue_filter.text.strip():
            text += " match the search"
        selected = len(self.queue_view.selectionModel().selectedRows())
        if selected > 1:
            text += f" · {selected:,} selected"
        self._count_label.setText(text)

    # -- columns -------------------------------------------------------------------

    def _fill_columns_menu(self, menu: QMenu | None = None) -> QMenu:
        menu = menu or self.columns_menu
        menu.clear()
        header = self.queue_view.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(column.title if column.key != "number" else "Number")
            action.setObjectName(f"column_{column.key}_Action")
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != SUBJECT)  # the queue always shows the subject
            action.toggled.connect(lambda on, i=index: self.set_column_visible(i, on))
        menu.addSeparator()
        reset = menu.addAction("&Reset Columns")
        reset.setObjectName("resetColumnsAction")
        reset.triggered.connect(self._reset_header)
        return menu

    def _fill_me_menu(self) -> None:
        """The "I am" choices of the side panel, as a menu (same list, same effect)."""
        menu = self.me_menu
        menu.clear()
        combo = self.view_panel.me_combo
        for index in range(combo.count()):
            action = menu.addAction(combo.itemText(index))
            action.setCheckable(True)
            action.setChecked(index == combo.currentIndex())
            action.triggered.connect(lambda _=False, i=index: combo.setCurrentIndex(i))

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.queue_view.horizontalHeader().setSectionHidden(column, not visible)
        self._settings.setValue(HEADER_KEY, self.queue_view.horizontalHeader().saveState())

    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        menu = self._fill_columns_menu(QMenu(self))
        menu.setObjectName("headerContextMenu")
        header = self.queue_view.horizontalHeader()
        menu.popup(header.viewport().mapToGlobal(pos))

    # -- search --------------------------------------------------------------------

    def _on_search_timer_timeout(self) -> None:
        self._search_timer.stop()
        text = self.search_box.text().strip()
        self.ticket_tabs.set_highlight(text)
        self._apply_query()

    def _on_focus_search_action_triggered(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _on_leave_search_action_triggered(self) -> None:
        if self.search_box.text():
            self.search_box.clear()
            self._on_search_timer_timeout()
        self.queue_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- actions -------------------------------------------------------------------

    def _on_new_ticket_action_triggered(self) -> None:
        try:
            dialog = NewTicketDialog(self._service, self)
        except Exception as exc:
            show_error(self, exc)
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.ticket_created.connect(self._on_new_ticket_dialog_ticket_created)
        dialog.destroyed.connect(lambda: setattr(self, "new_ticket_dialog", None))
        self.new_ticket_dialog = dialog
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
        self._clear_busy("bulk")
        if result is not None:
            self.statusBar().showMessage(result.summary().partition("\n")[0].rstrip(":."), 6000)
        self.refresh()
        for ticket_id in self.ticket_tabs.open_ticket_ids():
            self.ticket_tabs.refresh_ticket(ticket_id)

    def _on_refresh_action_triggered(self) -> None:
        self.refresh()
        for ticket_id in self.ticket_tabs.open_ticket_ids():
            self.ticket_tabs.refresh_ticket(ticket_id)
        self.statusBar().showMessage("Queue refreshed.", 3000)

    def show_customer_directory(self) -> CustomerDirectoryDialog:
        """Open the customer directory (or bring it to the front)."""
        if self.customer_directory is None:
            dialog = CustomerDirectoryDialog(self._context, self, self._settings)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.ticket_activated.connect(self._on_customer_directory_ticket_activated)
            dialog.customers_changed.connect(self.refresh)
            dialog.destroyed.connect(lambda: setattr(self, "customer_directory", None))
            self.customer_directory = dialog
        self.customer_directory.show()
        self.customer_directory.raise_()
        self.customer_directory.activateWindow()
        return self.customer_directory

    def _on_customer_directory_ticket_activated(self, ticket_id: int) -> None:
        self.ticket_tabs.open_ticket(ticket_id, new_tab=True)
        if self.model.row_of(ticket_id) is not None:
            self.select_ticket(ticket_id)
        self.raise_()
        self.activateWindow()

    def _on_ticket_pane_right_action_toggled(self, checked: bool) -> None:
        self._set_pane_orientation(checked)

    def _open_folder(self, path: str) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self.statusBar().showMessage(f"Could not open {path}", 6000)

    def _on_about_action_triggered(self) -> None:
        paths = self._context.paths
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {html.escape(__version__)}</h3>"
            "<p>A desktop help desk that follows the AIVA Support SOP.</p>"
            f"<p>Data folder: {html.escape(str(paths.root))}<br>"
            f"Database: {html.escape(self._context.db.display_name)}</p>",
        )
