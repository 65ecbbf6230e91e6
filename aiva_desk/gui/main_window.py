"""The main window: the ticket queue beside the selected ticket.

Layout from ``ui/main_window.ui``; this class wires the queue model, the
ticket pane, the menus and the persisted window state together.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QByteArray, QItemSelection, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStatusBar,
    QTableView,
    QWidget,
)

from aiva_desk import APP_NAME, __version__
from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError
from aiva_desk.gui import tasks
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.formatting import ticket_number
from aiva_desk.gui.forms import child, load_form
from aiva_desk.gui.icons import app_icon, icon
from aiva_desk.gui.new_ticket_dialog import NewTicketDialog
from aiva_desk.gui.queue_model import COLUMNS, SUBJECT, TICKET_ID_ROLE, TicketTableModel
from aiva_desk.gui.ticket_view import TicketView
from aiva_desk.queue import QueueFilter
from aiva_desk.tickets import TicketRef

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
RESELECT_LIMIT = 1000  # rows loaded at most to find the selected ticket again after a reload
GEOMETRY_KEY = "main_window/geometry"
SPLITTER_KEY = "main_window/splitter"
HEADER_KEY = "main_window/queue_header"
PANE_RIGHT_KEY = "main_window/ticket_pane_right"
FIRST_RUN_SIZE = (1400, 900)  # at most; never more than 92% of the screen


class MainWindow(QMainWindow):
    """The queue (``queueView``) and the ticket pane (``ticketView``) in one window."""

    def __init__(self, context: AppContext, settings: QSettings | None = None) -> None:
        super().__init__()
        load_form("main_window.ui", into=self)
        self._context = context
        self._service = context.tickets
        self._settings = settings if settings is not None else QSettings()
        self._reselect_id: int | None = None
        self._restoring_selection = False
        self.new_ticket_dialog: NewTicketDialog | None = None

        self.queue_view = child(self, QTableView, "queueView")
        self.search_box = child(self, QLineEdit, "searchBox")
        self.splitter = child(self, QSplitter, "mainSplitter")
        self.model = TicketTableModel(context.db, self)
        self.queue_view.setModel(self.model)
        self.ticket_view = self._install_ticket_view()
        self._count_label = QLabel(self)
        self._count_label.setObjectName("ticketCountLabel")
        self._count_label.setContentsMargins(0, 0, 12, 0)
        self._setup_status_bar()
        self._setup_actions()
        self._setup_queue_header()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._connect()
        self._restore_settings()
        self.model.reload(keep_loaded=False)
        self._update_count_label()
        if self.model.rowCount():
            self.queue_view.selectRow(0)  # never open on an empty ticket pane

    # -- building ------------------------------------------------------------------

    def _install_ticket_view(self) -> TicketView:
        placeholder = child(self, QWidget, "ticketView")
        placeholder.setObjectName("ticketViewPlaceholder")
        view = TicketView(self._service)
        self.splitter.replaceWidget(self.splitter.indexOf(placeholder), view)
        placeholder.deleteLater()
        return view

    def _setup_status_bar(self) -> None:
        status_bar = child(self, QStatusBar, "statusBar")
        where = QLabel(f"Data folder: {self._context.paths.root}", self)
        where.setObjectName("dataFolderLabel")
        where.setToolTip(f"Database: {self._context.db.display_name}")
        status_bar.addPermanentWidget(self._count_label)
        status_bar.addPermanentWidget(where)

    def _setup_actions(self) -> None:
        self.setWindowIcon(app_icon())
        for name, icon_name in (
            ("newTicketAction", "new-ticket"),
            ("refreshAction", "refresh"),
            ("focusSearchAction", "search"),
            ("openDataFolderAction", "folder"),
            ("openLogFolderAction", "folder"),
            ("aboutAction", "about"),
        ):
            self.action(name).setIcon(icon(icon_name))
        self.search_box.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)

    def _setup_queue_header(self) -> None:
        view = self.queue_view
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, column.width)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.setSortIndicatorShown(True)
        row_height = view.fontMetrics().height() + 10
        view.verticalHeader().setDefaultSectionSize(row_height)
        view.verticalHeader().setMinimumSectionSize(row_height)

    def _connect(self) -> None:
        self.action("newTicketAction").triggered.connect(self._on_new_ticket_action_triggered)
        self.action("refreshAction").triggered.connect(self._on_refresh_action_triggered)
        self.action("focusSearchAction").triggered.connect(self._on_focus_search_action_triggered)
        self.action("quitAction").triggered.connect(self.close)
        self.action("openDataFolderAction").triggered.connect(
            lambda: self._open_folder(str(self._context.paths.root))
        )
        self.action("openLogFolderAction").triggered.connect(
            lambda: self._open_folder(str(self._context.paths.logs))
        )
        self.action("aboutAction").triggered.connect(self._on_about_action_triggered)
        self.action("ticketPaneRightAction").toggled.connect(
            self._on_ticket_pane_right_action_toggled
        )
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._on_search_timer_timeout)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._update_count_label)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_queue_selection_changed)
        self.queue_view.horizontalHeader().sortIndicatorChanged.connect(
            self._on_header_sort_indicator_changed
        )
        self.ticket_view.ticket_changed.connect(self._on_ticket_view_ticket_changed)

    def action(self, name: str) -> QAction:
        """A menu action by its objectName (``newTicketAction``, ``refreshAction``, …)."""
        return child(self, QAction, name)

    # -- settings ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._first_run_geometry()
        pane_right = self._settings.value(PANE_RIGHT_KEY, False, type=bool)
        self.action("ticketPaneRightAction").setChecked(bool(pane_right))
        self._set_pane_orientation(bool(pane_right))
        splitter = self._settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self._set_pane_orientation(bool(pane_right), keep_sizes=True)
        header_state = self._settings.value(HEADER_KEY)
        header = self.queue_view.horizontalHeader()
        restored = isinstance(header_state, QByteArray) and header.restoreState(header_state)
        if restored and not self.model.is_sortable(header.sortIndicatorSection()):
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        # Enabling sorting asks the model to sort by the (restored) indicator.
        self.queue_view.setSortingEnabled(True)

    def _first_run_geometry(self) -> None:
        screen = self.screen().availableGeometry()
        width = min(FIRST_RUN_SIZE[0], int(screen.width() * 0.92))
        height = min(FIRST_RUN_SIZE[1], int(screen.height() * 0.92))
        self.resize(width, height)
        self.move(screen.center() - self.rect().center())

    def _set_pane_orientation(self, pane_right: bool, *, keep_sizes: bool = False) -> None:
        """The ticket pane beside the queue (``pane_right``) or below it (the default)."""
        orientation = Qt.Orientation.Horizontal if pane_right else Qt.Orientation.Vertical
        if keep_sizes and self.splitter.orientation() == orientation:
            return
        self.splitter.setOrientation(orientation)
        total = self.width() if pane_right else self.height()
        share = 0.6 if pane_right else 0.45  # the queue's part
        self.splitter.setSizes([int(total * share), int(total * (1 - share))])

    def save_settings(self) -> None:
        self._settings.setValue(PANE_RIGHT_KEY, self.action("ticketPaneRightAction").isChecked())
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self._settings.setValue(HEADER_KEY, self.queue_view.horizontalHeader().saveState())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        if not tasks.wait_for_idle(10_000):
            log.warning("Closing with %d background tasks still running", tasks.running_tasks())
        super().closeEvent(event)

    # -- queue ---------------------------------------------------------------------

    def selected_ticket_id(self) -> int | None:
        rows = self.queue_view.selectionModel().selectedRows()
        return rows[0].data(TICKET_ID_ROLE) if rows else None

    def select_ticket(self, ticket_id: int, *, limit: int = RESELECT_LIMIT) -> bool:
        """Select the ticket's row (loading windows to find it); False if not in the queue."""
        row = self.model.ensure_loaded(ticket_id, max_rows=limit)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.queue_view.selectRow(row)
        self.queue_view.scrollTo(index, QTableView.ScrollHint.EnsureVisible)
        return True

    def _update_count_label(self) -> None:
        total = self.model.total
        noun = "ticket" if total == 1 else "tickets"
        text = f"{total:,} {noun}"
        if self.model.queue_filter.text.strip():
            text += " match the search"
        self._count_label.setText(text)

    def _on_model_about_to_be_reset(self) -> None:
        self._reselect_id = self.selected_ticket_id()

    def _on_model_reset(self) -> None:
        self._update_count_label()
        if self._reselect_id is None:
            return
        self._restoring_selection = True
        try:
            self.select_ticket(self._reselect_id)
        finally:
            self._restoring_selection = False
            self._reselect_id = None

    def _on_model_load_failed(self, exc: AivaError) -> None:
        show_error(self, exc)

    @Slot(QItemSelection, QItemSelection)
    def _on_queue_selection_changed(self, selected: QItemSelection, _deselected: object) -> None:
        if self._restoring_selection or selected.isEmpty():
            return  # a reload put the same ticket back, or nothing is selected
        ticket_id = self.selected_ticket_id()
        if ticket_id is not None:
            self.ticket_view.show_ticket(ticket_id)

    def _on_header_sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if self.model.is_sortable(section):
            return
        header = self.queue_view.horizontalHeader()
        blocked = header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.blockSignals(blocked)
        title = COLUMNS[section].title
        self.statusBar().showMessage(f"The queue cannot be sorted by {title}.", 4000)

    def _on_search_timer_timeout(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(QueueFilter(text=self.search_box.text().strip()))
        self._update_count_label()

    # -- actions -------------------------------------------------------------------

    def _on_new_ticket_action_triggered(self) -> None:
        try:
            dialog = NewTicketDialog(self._service, self)
        except AivaError as exc:
            show_error(self, exc)
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.ticket_created.connect(self._on_new_ticket_dialog_ticket_created)
        dialog.destroyed.connect(lambda: setattr(self, "new_ticket_dialog", None))
        self.new_ticket_dialog = dialog
        dialog.open()

    def _on_new_ticket_dialog_ticket_created(self, ref: TicketRef) -> None:
        self.statusBar().showMessage(f"Created ticket {ticket_number(ref.number)}.", 6000)
        if self.search_box.text():
            self.search_box.clear()  # the new ticket might not match the search
            self._on_search_timer_timeout()
        self.model.reload()
        if not self.select_ticket(ref.id, limit=5000):
            self.ticket_view.show_ticket(ref.id)

    def _on_ticket_view_ticket_changed(self, _ticket_id: int) -> None:
        self.model.reload()

    def _on_refresh_action_triggered(self) -> None:
        self.model.reload()
        shown = self.ticket_view.ticket
        if shown is not None:
            self.ticket_view.show_ticket(shown.id)
        self.statusBar().showMessage("Queue refreshed.", 3000)

    def _on_ticket_pane_right_action_toggled(self, checked: bool) -> None:
        self._set_pane_orientation(checked)

    def _on_focus_search_action_triggered(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

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
