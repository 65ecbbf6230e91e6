"""The New Ticket dialog: the SOP's customer and issue fields, checked before saving.

Problems found by :meth:`NewTicket.problems` are shown under the fields they
concern; the dialog stays open and keeps everything typed. A shown problem is checked
again on every edit, so its message goes (or changes) as soon as the field is fixed.
Creating the ticket runs as a background write.

*Received at* is when the customer wrote or called (default: now, never in the future):
the SLA clocks start there. Left untouched, the ticket is reported when it is created.
*Assignee* starts as "me" (the staff member this person works as), or Unassigned; the
staff list is read in the background.

Typing a customer's name or e-mail offers known customers (read on a worker
thread, a moment after the last key); choosing one fills in their e-mail,
organization, role and tenant id.

When the agent asked for automatic acknowledgments (Settings: ``auto_acknowledge``)
and the dialog was given the mail service, the SOP's acknowledgment is queued for
the new ticket in the background; a failure is reported and the ticket stays.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QDateTime, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.domain import CustomerRole, Priority
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.common.formatting import priority_text, ticket_number
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask, LatestRead
from aiva_desk.mail.service import MailService
from aiva_desk.store.models import Staff
from aiva_desk.tickets.customers import CustomerSummary, suggest_customers
from aiva_desk.tickets.service import NewTicket, TicketRef, TicketService

# NewTicket.problems() keys -> (field, label under it), in the form's tab order.
PROBLEM_FIELDS: dict[str, tuple[str, str]] = {
    "customer_name": ("customerNameEdit", "customerNameProblem"),
    "customer_email": ("customerEmailEdit", "customerEmailProblem"),
    "subject": ("subjectEdit", "subjectProblem"),
    "category_id": ("categoryCombo", "categoryProblem"),
    "reported_at": ("receivedAtEdit", "receivedAtProblem"),
    "description": ("descriptionEdit", "descriptionProblem"),
}
CATEGORY_DEFAULT = "Category default"
UNASSIGNED = "Unassigned"
IN_THE_FUTURE = "The time received cannot be in the future."
SUGGEST_DELAY_MS = 200
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
EMAIL_ROLE = Qt.ItemDataRole.UserRole + 2
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 3


class NewTicketDialog(QDialog):
    """Collects a :class:`NewTicket` and stores it through the ticket service.

    Signals:
        ticket_created(TicketRef): the ticket was stored; the dialog then closes.
        acknowledgment_queued(int, int): the automatic acknowledgment for the ticket with
            the first id was queued as the outbox message with the second id.
    """

    ticket_created = Signal(object)
    acknowledgment_queued = Signal(int, int)

    def __init__(
        self,
        service: TicketService,
        parent: QWidget | None = None,
        *,
        mail: MailService | None = None,
        me_staff_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("new_ticket_dialog.ui", into=self)
        self._service = service
        self._mail = mail
        self._created: TicketRef | None = None
        self._busy = False

        self.subject = child(self, QLineEdit, "subjectEdit")
        self.customer_name = child(self, QLineEdit, "customerNameEdit")
        self.customer_email = child(self, QLineEdit, "customerEmailEdit")
        self.organization = child(self, QLineEdit, "organizationEdit")
        self.tenant_id = child(self, QLineEdit, "tenantIdEdit")
        self.role = child(self, QComboBox, "roleCombo")
        self.category = child(self, QComboBox, "categoryCombo")
        self.priority = child(self, QComboBox, "priorityCombo")
        self.description = child(self, QPlainTextEdit, "descriptionEdit")
        self.expected = child(self, QPlainTextEdit, "expectedEdit")
        self.actual = child(self, QPlainTextEdit, "actualEdit")
        self.reproduction = child(self, QPlainTextEdit, "reproductionEdit")
        self.received_at = child(self, QDateTimeEdit, "receivedAtEdit")
        self.assignee = child(self, QComboBox, "assigneeCombo")
        self._me = me_staff_id
        self._received_edited = False
        self._summary = child(self, QLabel, "problemSummary")
        self._buttons = child(self, QDialogButtonBox, "buttonBox")
        self.ok_button: QPushButton = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Create Ticket")
        self.ok_button.setObjectName("createButton")

        self.role.addItem("Not specified", None)
        for role in CustomerRole:
            self.role.addItem(role.value, role.value)
        self._default_priority: dict[int, Priority] = {}
        for category in service.categories():
            self.category.addItem(category.name, category.id)
            tip = (
                f"Default priority {priority_text(category.default_priority, long=True)}; "
                f"resolve within {category.sla_hours:g} h"
            )
            if category.description:
                tip = f"{category.description}\n{tip}"
            self.category.setItemData(self.category.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            self._default_priority[category.id] = category.default_priority
        self.category.setPlaceholderText("Choose a category…")
        self.category.setCurrentIndex(-1)
        self.priority.addItem(CATEGORY_DEFAULT, None)
        for priority in Priority:
            self.priority.addItem(priority_text(priority, long=True), int(priority))

        self._setup_received_at()
        self._setup_assignee(service)
        self._align_label_columns()
        self._setup_customer_completion()
        self.category.currentIndexChanged.connect(self._on_category_current_index_changed)
        self._buttons.accepted.connect(self._on_button_box_accepted)
        self._buttons.rejected.connect(self.reject)
        self._shown_problems: dict[str, str] = {}
        self._watch_fields()
        self.customer_name.setFocus()

    def _watch_fields(self) -> None:
        """Re-check the shown problems whenever a field they are about changes."""
        for edit in (self.customer_name, self.customer_email, self.subject):
            edit.textChanged.connect(self._on_field_edited)
        self.description.textChanged.connect(self._on_field_edited)
        self.category.currentIndexChanged.connect(self._on_field_edited)
        self.received_at.dateTimeChanged.connect(self._on_field_edited)

    def _on_field_edited(self, *_args: object) -> None:
        if not self._shown_problems:
            return
        now = self.problems(self.new_ticket())
        # Only the problems already shown are updated: no new ones while the agent types.
        still = {name: now[name] for name in self._shown_problems if name in now}
        if still != self._shown_problems:
            self._render_problems(still, move_focus=False)

    def _align_label_columns(self) -> None:
        """Give both group boxes' label columns the same width, so the fields line up."""
        grids = [child(self, QGridLayout, name) for name in ("customerLayout", "issueLayout")]
        width = max(
            grid.itemAtPosition(row, 0).widget().sizeHint().width()
            for grid in grids
            for row in range(grid.rowCount())
            if grid.itemAtPosition(row, 0) is not None
        )
        for grid in grids:
            grid.setColumnMinimumWidth(0, width)

    # -- received at and assignee --------------------------------------------------

    def _setup_received_at(self) -> None:
        now = QDateTime.fromSecsSinceEpoch(int(clock.now().timestamp()))
        self.received_at.setMaximumDateTime(now)
        self.received_at.setDateTime(now)
        self.received_at.dateTimeChanged.connect(self._on_received_at_changed)

    def _on_received_at_changed(self, _value: QDateTime) -> None:
        self._received_edited = True

    def received_time(self) -> dt.datetime | None:
        """When the customer wrote (aware, UTC), or None when left at "now"."""
        if not self._received_edited:
            return None
        seconds = self.received_at.dateTime().toSecsSinceEpoch()
        return dt.datetime.fromtimestamp(seconds, dt.UTC)

    def set_received_time(self, when: dt.datetime) -> None:
        """Set "Received at" as the agent would (to the minute shown)."""
        self.received_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))
        self._received_edited = True

    def _setup_assignee(self, service: TicketService) -> None:
        """Unassigned, and "me" chosen while the staff list is read in the background."""
        self.assignee.addItem(UNASSIGNED, None)
        if self._me is not None:
            self.assignee.addItem("Me", self._me)
            self.assignee.setCurrentIndex(1)
        self.assignee.setMinimumContentsLength(18)
        self.staff_loaded = False
        BackgroundTask(service.staff, parent=self, writes=False, label="staff").success(
            self._on_staff_read
        ).run_in_background()

    def _on_staff_read(self, staff: list[Staff]) -> None:
        chosen = self.assignee.currentData()
        self.assignee.clear()
        self.assignee.addItem(UNASSIGNED, None)
        for member in staff:
            name = f"{member.name} (me)" if member.id == self._me else member.name
            self.assignee.addItem(name, member.id)
        self.assignee.setCurrentIndex(max(self.assignee.findData(chosen), 0))
        self.staff_loaded = True

    # -- customer autocomplete -----------------------------------------------------

    def _setup_customer_completion(self) -> None:
        self._suggestions: dict[int, CustomerSummary] = {}
        self._suggestion_reads = LatestRead(self, "suggest customers")
        self._suggest_for: QLineEdit | None = None
        self.suggestion_model = QStandardItemModel(self)
        self.completers: dict[str, QCompleter] = {}
        for key, edit, role in (
            ("name", self.customer_name, NAME_ROLE),
            ("email", self.customer_email, EMAIL_ROLE),
        ):
            completer = QCompleter(self.suggestion_model, self)
            completer.setObjectName(f"{key}Completer")
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            completer.setCompletionRole(role)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.popup().setAccessibleName("Known customers")
            completer.activated[QModelIndex].connect(self._on_completer_activated)
            edit.setCompleter(completer)
            edit.textEdited.connect(lambda _text, e=edit: self._schedule_suggestions(e))
            self.completers[key] = completer
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self._on_suggest_timer_timeout)

    def _schedule_suggestions(self, edit: QLineEdit) -> None:
        self._suggest_for = edit
        self._suggest_timer.start()
        # Until the new suggestions arrive, keep only those that still match what is typed.
        typed = edit.text().strip().casefold()
        model = self.suggestion_model
        for row in reversed(range(model.rowCount())):
            item = model.item(row)
            if typed not in item.text().casefold():
                model.removeRow(row)

    def _on_suggest_timer_timeout(self) -> None:
        edit = self._suggest_for
        if edit is None:
            return
        prefix = edit.text().strip()
        db = self._service.db
        if len(prefix) < 2:
            self._suggestion_reads.supersede()
            self._show_suggestions(edit, [])
            return
        self._suggestion_reads.run(  # the agent may keep typing: only the last one counts
            lambda: suggest_customers(db, prefix),
            lambda found: self._show_suggestions(edit, found),
        )

    def _show_suggestions(self, edit: QLineEdit, found: list[CustomerSummary]) -> None:
        self._suggestions = {summary.id: summary for summary in found}
        model = self.suggestion_model
        model.clear()
        for summary in found:
            org = f" · {summary.organization}" if summary.organization else ""
            item = QStandardItem(f"{summary.name} <{summary.email}>{org}")
            item.setData(summary.name, NAME_ROLE)
            item.setData(summary.email, EMAIL_ROLE)
            item.setData(summary.id, CUSTOMER_ID_ROLE)
            model.appendRow(item)
        completer = edit.completer()
        if found and edit.hasFocus() and completer is not None:
            completer.complete()

    def _on_completer_activated(self, index: QModelIndex) -> None:
        summary = self._suggestions.get(index.data(CUSTOMER_ID_ROLE))
        if summary is not None:
            self.fill_customer(summary)

    def fill_customer(self, summary: CustomerSummary) -> None:
        """Put a known customer's details into the customer fields."""
        self._suggest_timer.stop()
        self.customer_name.setText(summary.name)
        self.customer_email.setText(summary.email)
        self.organization.setText(summary.organization or "")
        self.tenant_id.setText(summary.tenant_id or "")
        role = self.role.findData(summary.role.value if summary.role else None)
        self.role.setCurrentIndex(max(role, 0))
        self.subject.setFocus()

    # -- public --------------------------------------------------------------------

    @property
    def created(self) -> TicketRef | None:
        """The stored ticket, once the dialog was accepted."""
        return self._created

    def new_ticket(self) -> NewTicket:
        """What the form holds now, as typed."""
        role = self.role.currentData()
        priority = self.priority.currentData()
        return NewTicket(
            subject=self.subject.text(),
            customer_name=self.customer_name.text(),
            customer_email=self.customer_email.text(),
            category_id=self.category.currentData(),
            description=self.description.toPlainText(),
            priority=Priority(priority) if priority is not None else None,
            organization=self.organization.text(),
            customer_role=CustomerRole(role) if role is not None else None,
            tenant_id=self.tenant_id.text(),
            expected_behavior=self.expected.toPlainText(),
            actual_behavior=self.actual.toPlainText(),
            reproduction_steps=self.reproduction.toPlainText(),
            assignee_id=self.assignee.currentData(),
            reported_at=self.received_time(),
        )

    def problems(self, new: NewTicket) -> dict[str, str]:
        """What keeps ``new`` from being created: the core's checks, and a time received
        in the future (the clock may have moved past the time shown, never before it)."""
        problems = new.problems()
        if new.reported_at is not None and new.reported_at > clock.now():
            problems["reported_at"] = IN_THE_FUTURE
        return problems

    def problem_text(self, field: str) -> str:
        """The problem shown for ``field`` (a NewTicket attribute), or ""."""
        label = child(self, QLabel, PROBLEM_FIELDS[field][1])
        return "" if label.isHidden() else label.text()

    @property
    def summary_text(self) -> str:
        return "" if self._summary.isHidden() else self._summary.text()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem under its field (others in the summary); ``{}`` clears them."""
        self._render_problems(problems, move_focus=True)

    def _render_problems(self, problems: dict[str, str], *, move_focus: bool) -> None:
        self._shown_problems = dict(problems)
        first: QWidget | None = None
        for name, (field_name, label_name) in PROBLEM_FIELDS.items():
            label = child(self, QLabel, label_name)
            field = child(self, QWidget, field_name)
            text = problems.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))
            field.setAccessibleDescription(text)
            if text and first is None:
                first = field
        others = [text for name, text in problems.items() if name not in PROBLEM_FIELDS]
        if problems:
            count = len(problems)
            lines = [f"Please fix {'this problem' if count == 1 else f'these {count} problems'}"
                     " before the ticket can be created."]  # fmt: skip
            lines += [f"• {text}" for text in others]
            self._summary.setText("\n".join(lines))
        self._summary.setVisible(bool(problems))
        if first is not None and move_focus:
            first.setFocus()

    # -- slots ---------------------------------------------------------------------

    def _on_category_current_index_changed(self, _index: int) -> None:
        default = self._default_priority.get(self.category.currentData())
        text = CATEGORY_DEFAULT
        if default is not None:
            text += f" ({priority_text(default, long=True)})"
        self.priority.setItemText(0, text)

    def _on_button_box_accepted(self) -> None:
        if self._busy:
            return
        new = self.new_ticket()
        problems = self.problems(new)
        self.show_problems(problems)
        if problems:
            return
        self._set_busy(True)
        service = self._service
        BackgroundTask(lambda: service.create(new), parent=self, label="create ticket").success(
            self._on_create_succeeded
        ).failure(self._on_create_failed).run_in_background()

    def _on_create_succeeded(self, ref: TicketRef) -> None:
        self._set_busy(False)
        self._created = ref
        self.ticket_created.emit(ref)
        self._acknowledge(ref)
        self.accept()

    def _acknowledge(self, ref: TicketRef) -> None:
        """Queue the SOP's acknowledgment off the GUI thread, if the agent asked for it."""
        mail = self._mail
        if mail is None or not mail.settings.auto_acknowledge:
            return
        window = self.parentWidget()  # reports outlive this dialog, which closes now

        def queued(outbox_id: int | None) -> None:
            if outbox_id is not None and shiboken6.isValid(self):
                self.acknowledgment_queued.emit(ref.id, outbox_id)

        def failed(exc: Exception) -> None:
            reason = exc.message if isinstance(exc, AivaError) else str(exc)
            show_error(
                window if window is not None and shiboken6.isValid(window) else None,
                AivaError(
                    f"Ticket {ticket_number(ref.number)} was created, but its acknowledgment "
                    f"was not queued: {reason}\nYou can send it from the ticket "
                    "(Compose e-mail…).",
                    details=None if isinstance(exc, AivaError) else repr(exc),
                ),
            )

        BackgroundTask(
            lambda: mail.acknowledge_new_ticket(ref.id),
            parent=None,  # the dialog closes at once; the ticket is already stored
            label=f"acknowledge ticket {ref.number}",
        ).success(queued).failure(failed).run_in_background()

    def _on_create_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            show_error(self, exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)

    def reject(self) -> None:
        if not self._busy:  # the ticket is being written: let that finish first
            super().reject()
