"""The customer and organization directory: search, edit, merge duplicates, ticket history.

A non-modal window (``customerDirectory``, Ctrl+Shift+C in the main window). Searches
and ticket lists are read on worker threads; edits and merges are background writes.
Double-clicking a ticket asks the main window to open it (``ticket_activated``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.domain import CustomerRole
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.queue.delegates import PriorityChipDelegate
from aiva_desk.gui.queue.model import (
    CATEGORY,
    COLUMNS,
    CUSTOMER,
    PRIORITY,
    SLA,
    SUBJECT,
    TICKET_ID_ROLE,
    UPDATED,
    TicketTableModel,
)
from aiva_desk.gui.tasks import BackgroundTask, LatestRead
from aiva_desk.queue.query import OPEN_STATUSES, QueueFilter
from aiva_desk.tickets import customers
from aiva_desk.tickets.customers import CustomerSummary, OrganizationSummary

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
ID_ROLE = Qt.ItemDataRole.UserRole + 1
GEOMETRY_KEY = "customer_directory/geometry"
SPLITTER_KEY = "customer_directory/splitter"
CUSTOMER_HEADERS = ("Name", "E-mail", "Organization", "Tenant id", "Open", "All")
ORGANIZATION_HEADERS = ("Organization", "Tenant id", "Customers")
NOTHING_SELECTED = "Select a customer to see and edit their details."


class MergeCustomersDialog(QDialog):
    """Choose which of the selected customers to keep; the others merge into it."""

    def __init__(self, chosen: list[CustomerSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeCustomersDialog")
        self.setWindowTitle("Merge Duplicate Customers")
        self.setAccessibleName("Merge duplicate customers")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Keep which customer? The tickets of the others move to the one you keep, and "
            "the others are removed. Details the kept customer lacks (organization, role, "
            "tenant id) are taken over. Each moved ticket's history records the merge.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self._group = QButtonGroup(self)
        self.choices: dict[int, QRadioButton] = {}
        for index, summary in enumerate(chosen):
            org = f" · {summary.organization}" if summary.organization else ""
            noun = "ticket" if summary.all_tickets == 1 else "tickets"
            button = QRadioButton(
                f"{summary.name} <{summary.email}>{org} — {summary.all_tickets} {noun}", self
            )
            button.setObjectName(f"keepCustomer{summary.id}Radio")
            self._group.addButton(button, summary.id)
            self.choices[summary.id] = button
            layout.addWidget(button)
            if index == 0:
                button.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Merge")
        self.ok_button.setObjectName("confirmMergeButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def keep_id(self) -> int:
        return self._group.checkedId()


class CustomerDirectoryDialog(QDialog):
    """Search and edit customers, merge duplicates, see each one's tickets.

    Signals:
        ticket_activated(int): the agent double-clicked this ticket (id) to open it.
        customers_changed(): a customer was edited or merged.
    """

    ticket_activated = Signal(int)
    customers_changed = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("customer_directory.ui", into=self)
        self.setObjectName("customerDirectory")
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self._context = context
        self._settings = settings if settings is not None else QSettings()
        self._results: list[CustomerSummary] = []
        self._organizations: list[OrganizationSummary] = []
        self._searches = LatestRead(self, "find customers")
        self._shown: CustomerSummary | None = None
        self._reselect: list[int] = []
        self._pending_note = ""  # said once the list shows the result of a save or merge
        self._pending_save_message = ""
        self.merge_dialog: MergeCustomersDialog | None = None

        self.tabs = child(self, QTabWidget, "directoryTabs")
        self.search_edit = child(self, QLineEdit, "customerSearchEdit")
        self.customer_table = child(self, QTableView, "customerTable")
        self.count_label = child(self, QLabel, "customerCountLabel")
        self.merge_button = child(self, QPushButton, "mergeButton")
        self.organization_search = child(self, QLineEdit, "organizationSearchEdit")
        self.organization_table = child(self, QTableView, "organizationTable")
        self.details = child(self, QGroupBox, "detailsGroup")
        self.name_edit = child(self, QLineEdit, "nameEdit")
        self.email_edit = child(self, QLineEdit, "emailEdit")
        self.organization_edit = child(self, QLineEdit, "organizationEdit")
        self.role_combo = child(self, QComboBox, "roleCombo")
        self.tenant_edit = child(self, QLineEdit, "tenantIdEdit")
        self.save_button = child(self, QPushButton, "saveCustomerButton")
        self.save_message = child(self, QLabel, "saveMessage")
        self.tickets_heading = child(self, QLabel, "ticketsHeading")
        self.open_only = child(self, QCheckBox, "openOnlyCheck")
        self.tickets_view = child(self, QTableView, "customerTicketsView")
        self.splitter = child(self, QSplitter, "directorySplitter")
        self._problems = {
            "name": child(self, QLabel, "nameProblem"),
            "email": child(self, QLabel, "emailProblem"),
        }
        for label in self._problems.values():
            label.setStyleSheet(f"color: {theme.error_color().name()}")
        heading_font = self.tickets_heading.font()
        heading_font.setBold(True)
        self.tickets_heading.setFont(heading_font)

        self.customer_model = QStandardItemModel(0, len(CUSTOMER_HEADERS), self)
        self.customer_model.setHorizontalHeaderLabels(list(CUSTOMER_HEADERS))
        self.customer_table.setModel(self.customer_model)
        self.organization_model = QStandardItemModel(0, len(ORGANIZATION_HEADERS), self)
        self.organization_model.setHorizontalHeaderLabels(list(ORGANIZATION_HEADERS))
        self.organization_table.setModel(self.organization_model)
        for table, stretch, widths in (
            (self.customer_table, 1, (125, 0, 125, 72, 46, 46)),
            (self.organization_table, 0, (0, 120, 80)),
        ):
            header = table.horizontalHeader()
            header.setAccessibleName(f"{table.accessibleName()} columns")
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(False)
            for column, width in enumerate(widths):
                if width:
                    header.resizeSection(column, width)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)

        self.role_combo.addItem("Not specified", None)
        for role in CustomerRole:
            self.role_combo.addItem(role.value, role.value)

        self.tickets_model = TicketTableModel(context.db, self)
        self.tickets_model.set_filter(QueueFilter(customer_id=-1))
        self.tickets_view.setModel(self.tickets_model)
        self.tickets_view.setItemDelegateForColumn(PRIORITY, PriorityChipDelegate(self))
        self.tickets_view.verticalHeader().setDefaultSectionSize(
            self.tickets_view.fontMetrics().height() + 10
        )
        ticket_header = self.tickets_view.horizontalHeader()
        ticket_header.setAccessibleName("Ticket columns: click to sort")
        for column, spec in enumerate(COLUMNS):
            ticket_header.resizeSection(column, spec.width)
        ticket_header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        for column in (CATEGORY, SLA):  # the history: what, its state, who, when
            self.tickets_view.setColumnHidden(column, True)
        ticket_header.setSortIndicator(UPDATED, Qt.SortOrder.DescendingOrder)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._org_timer = QTimer(self)
        self._org_timer.setSingleShot(True)
        self._org_timer.setInterval(SEARCH_DELAY_MS)

        buttons = child(self, QDialogButtonBox, "buttonBox")
        buttons.rejected.connect(self.close)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer.timeout.connect(self.search)
        self.organization_search.textChanged.connect(lambda _t: self._org_timer.start())
        self._org_timer.timeout.connect(self.search_organizations)
        self.customer_table.selectionModel().selectionChanged.connect(
            self._on_customer_selection_changed
        )
        self.organization_table.selectionModel().selectionChanged.connect(
            self._on_organization_selection_changed
        )
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_only.toggled.connect(lambda _on: self._show_tickets())
        self.tickets_view.doubleClicked.connect(self._on_tickets_view_double_clicked)
        for edit in (self.name_edit, self.email_edit, self.organization_edit, self.tenant_edit):
            edit.textEdited.connect(self._on_detail_edited)
        self.role_combo.activated.connect(self._on_detail_edited)
        self.tickets_model.load_failed.connect(lambda exc: show_error(self, exc))

        self._clear_details()
        self._restore_settings()
        self.search()
        self.search_organizations()
        self.search_edit.setFocus()

    # -- settings ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self._settings.value(SPLITTER_KEY)
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.setSizes([600, 620])

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        super().closeEvent(event)

    # -- searching -----------------------------------------------------------------

    def search(self) -> None:
        """Find customers matching the search box (on a worker thread)."""
        self._search_timer.stop()
        text, db = self.search_edit.text(), self._context.db
        self._searches.run(lambda: customers.find_customers(db, text), self._on_search_succeeded)

    def _on_search_succeeded(self, found: list[CustomerSummary]) -> None:
        keep = self._reselect or self.selected_customer_ids()
        self._reselect = []
        self._results = found
        model = self.customer_model
        model.removeRows(0, model.rowCount())
        for summary in found:
            cells = [
                summary.name,
                summary.email,
                summary.organization or "",
                summary.tenant_id or "",
                f"{summary.open_tickets:,}",
                f"{summary.all_tickets:,}",
            ]
            row = [QStandardItem(text) for text in cells]
            for item in row:
                item.setData(summary.id, ID_ROLE)
            for item in row[4:]:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.appendRow(row)
        noun = "customer" if len(found) == 1 else "customers"
        more = " (the first 200; type to narrow)" if len(found) >= 200 else ""
        note, self._pending_note = self._pending_note, ""
        self.count_label.setText(f"{len(found):,} {noun}{more}" + (f" · {note}" if note else ""))
        self._select_ids(keep)

    def _select_ids(self, ids: list[int]) -> None:
        selection = self.customer_table.selectionModel()
        selection.clearSelection()
        first = True
        for row, summary in enumerate(self._results):
            if summary.id in ids:
                flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
                if first:
                    self.customer_table.setCurrentIndex(self.customer_model.index(row, 0))
                    flags |= selection.SelectionFlag.Current
                    first = False
                selection.select(self.customer_model.index(row, 0), flags)
        if first:
            self._on_customer_selection_changed()

    def search_organizations(self) -> None:
        self._org_timer.stop()
        text, db = self.organization_search.text(), self._context.db
        BackgroundTask(
            lambda: customers.find_organizations(db, text),
            parent=self,
            writes=False,
            label="find organizations",
        ).success(self._on_organizations_found).run_in_background()

    def _on_organizations_found(self, found: list[OrganizationSummary]) -> None:
        self._organizations = found
        model = self.organization_model
        model.removeRows(0, model.rowCount())
        for summary in found:
            row = [
                QStandardItem(summary.name),
                QStandardItem(summary.tenant_id or ""),
                QStandardItem(f"{summary.customers:,}"),
            ]
            for item in row:
                item.setData(summary.id, ID_ROLE)
            row[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.appendRow(row)

    # -- selection -----------------------------------------------------------------

    def selected_customer_ids(self) -> list[int]:
        rows = self.customer_table.selectionModel().selectedRows()
        return [index.data(ID_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def selected_customers(self) -> list[CustomerSummary]:
        ids = self.selected_customer_ids()
        return [summary for summary in self._results if summary.id in ids]

    def _on_customer_selection_changed(self, *_args: object) -> None:
        chosen = self.selected_customers()
        self.merge_button.setEnabled(len(chosen) >= 2)
        if len(chosen) == 1:
            self._show_customer(chosen[0])
        else:
            self._clear_details(
                f"{len(chosen)} customers selected: merge them if they are the same person."
                if chosen
                else NOTHING_SELECTED
            )

    def _on_organization_selection_changed(self, *_args: object) -> None:
        rows = self.organization_table.selectionModel().selectedRows()
        if not rows:
            return
        org_id = rows[0].data(ID_ROLE)
        org = next((o for o in self._organizations if o.id == org_id), None)
        if org is None:
            return
        tenant = f" · tenant {org.tenant_id}" if org.tenant_id else ""
        noun = "customer" if org.customers == 1 else "customers"
        self.tickets_heading.setText(f"Tickets of {org.name} ({org.customers} {noun}{tenant})")
        self._ticket_filter = QueueFilter(organization_id=org.id)
        self.tickets_view.setColumnHidden(CUSTOMER, False)
        self._show_tickets()

    def _on_tabs_current_changed(self, index: int) -> None:
        on_customers = self.tabs.widget(index).objectName() == "customersTab"
        self.details.setVisible(on_customers)
        if on_customers:
            self._on_customer_selection_changed()
        else:
            self._on_organization_selection_changed()

    # -- details -------------------------------------------------------------------

    def _clear_details(self, message: str = NOTHING_SELECTED) -> None:
        self._shown = None
        for edit in (self.name_edit, self.email_edit, self.organization_edit, self.tenant_edit):
            edit.clear()
        self.role_combo.setCurrentIndex(0)
        self.details.setEnabled(False)
        self.save_button.setEnabled(False)
        self._show_problems({})
        self.save_message.setText("")
        self.tickets_heading.setText(message)
        self._ticket_filter = QueueFilter(customer_id=-1)
        self._show_tickets()

    def _show_customer(self, summary: CustomerSummary) -> None:
        self._shown = summary
        self.details.setEnabled(True)
        self.name_edit.setText(summary.name)
        self.email_edit.setText(summary.email)
        self.organization_edit.setText(summary.organization or "")
        self.tenant_edit.setText(summary.tenant_id or "")
        for edit in (self.name_edit, self.email_edit, self.organization_edit, self.tenant_edit):
            edit.setCursorPosition(0)  # show the start of a long address, not its end
        self.role_combo.setCurrentIndex(
            max(0, self.role_combo.findData(summary.role.value if summary.role else None))
        )
        self.save_button.setEnabled(False)
        self._show_problems({})
        message, self._pending_save_message = self._pending_save_message, ""
        self.save_message.setText(message)
        self.tickets_heading.setText(
            f"Tickets of {summary.name}: {summary.open_tickets:,} open, "
            f"{summary.all_tickets:,} in all"
        )
        self._ticket_filter = QueueFilter(customer_id=summary.id)
        self.tickets_view.setColumnHidden(CUSTOMER, True)
        self._show_tickets()

    def _show_tickets(self) -> None:
        flt = self._ticket_filter
        if self.open_only.isChecked():
            flt = flt.merged(QueueFilter(statuses=OPEN_STATUSES))
        self.tickets_model.set_filter(flt, background=True)

    def _on_detail_edited(self, *_args: object) -> None:
        self.save_button.setEnabled(self._shown is not None)
        self.save_message.setText("")

    def _show_problems(self, problems: dict[str, str]) -> None:
        edits = {"name": self.name_edit, "email": self.email_edit}
        for name, label in self._problems.items():
            text = problems.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))
            edits[name].setAccessibleDescription(text)
        first = next((edits[n] for n in edits if problems.get(n)), None)
        if first is not None:
            first.setFocus()

    def problem_text(self, field: str) -> str:
        label = self._problems[field]
        return "" if label.isHidden() else label.text()

    def _on_save_button_clicked(self) -> None:
        shown = self._shown
        if shown is None:
            return
        db, actor = self._context.db, self._context.actor
        values = {
            "name": self.name_edit.text(),
            "email": self.email_edit.text(),
            "organization": self.organization_edit.text(),
            "role": self.role_combo.currentData(),
            "tenant_id": self.tenant_edit.text(),
        }
        self.save_button.setEnabled(False)
        self.save_message.setText("Saving…")

        def work() -> None:
            customers.update_customer(db, shown.id, actor=actor, **values)

        BackgroundTask(work, parent=self, label="save customer").success(
            lambda _r: self._on_save_succeeded(shown.id)
        ).failure(self._on_save_failed).run_in_background()

    def _on_save_succeeded(self, customer_id: int) -> None:
        self._show_problems({})
        self.save_message.setText("Saved.")
        self._pending_save_message = "Saved."
        self._reselect = [customer_id]
        self.search()
        self.search_organizations()
        self.customers_changed.emit()

    def _on_save_failed(self, exc: Exception) -> None:
        self.save_message.setText("")
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems)
            # fields without a label of their own (organization, tenant) say it by Save
            others = [text for name, text in exc.problems.items() if name not in self._problems]
            self.save_message.setText(" ".join(others))
        else:
            show_error(self, exc)

    # -- merging -------------------------------------------------------------------

    def _on_merge_button_clicked(self) -> None:
        chosen = self.selected_customers()
        if len(chosen) < 2:
            return
        dialog = MergeCustomersDialog(chosen, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ids = [summary.id for summary in chosen]
        dialog.accepted.connect(lambda: self.merge(dialog.keep_id(), ids))
        self.merge_dialog = dialog
        dialog.open()

    def merge(self, keep_id: int, ids: list[int]) -> None:
        """Merge the customers ``ids`` into ``keep_id`` (a background write)."""
        db, actor = self._context.db, self._context.actor
        others = [i for i in ids if i != keep_id]
        self.merge_button.setEnabled(False)
        BackgroundTask(
            lambda: customers.merge_customers(db, keep_id, others, actor=actor),
            parent=self,
            label="merge customers",
        ).success(lambda moved: self._on_merge_succeeded(keep_id, len(others), moved)).failure(
            lambda exc: (self._on_customer_selection_changed(), show_error(self, exc))
        ).run_in_background()

    def _on_merge_succeeded(self, keep_id: int, merged: int, moved: int) -> None:
        noun = "customer" if merged == 1 else "customers"
        tickets = "ticket" if moved == 1 else "tickets"
        self._pending_note = f"merged {merged} {noun}; {moved} {tickets} moved"
        self._reselect = [keep_id]
        self.search()
        self.search_organizations()
        self.customers_changed.emit()

    # -- tickets -------------------------------------------------------------------

    def _on_tickets_view_double_clicked(self, index: QModelIndex) -> None:
        ticket_id = index.data(TICKET_ID_ROLE)
        if ticket_id is not None:
            self.ticket_activated.emit(int(ticket_id))
