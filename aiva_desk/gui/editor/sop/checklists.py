"""The SOP's checklists beside the ticket editor: progress per group, items to tick.

Items bound to a ticket field are shown checked while the field is filled and
cannot be ticked by hand ("filled from Browser"); the others are ticked here and
stored with who and when. Every item has an answer line ("Agent ID: 4512").
"Request information…" turns the open questions into the SOP's Request for
Information message, kept as a draft in the communication log.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.domain import Direction
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.editor.fields import FIELD_LABELS
from aiva_desk.gui.editor.sop.checklist_widgets import (
    ClickableLabel,
    FollowingCheckBox,
    Meter,
    RequestInformationDialog,
)
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.sop_messages import request_information_draft
from aiva_desk.tickets.checklists import (
    ChecklistState,
    ItemState,
    set_item,
)
from aiva_desk.tickets.checklists import ticket_checklists as load_checklists

EXPANDED_KINDS = {"information", "questions", "pre_resolution"}
SOURCES = {
    **FIELD_LABELS,
    "customer.name": "the customer's name",
    "customer.email": "the customer's e-mail",
    "customer.organization": "the customer's organization",
    "customer.role": "the customer's role",
    "customer.tenant_id": "the tenant ID",
    "communications": "the communication log",
    "troubleshooting": "the troubleshooting log",
    "troubleshooting.found": "the findings in the troubleshooting log",
    "customer_confirmed_at": "the customer's confirmation",
    "resolved_at": "the resolution date",
    "sla_met": "the SLA result at closing",
    "time_spent_minutes": "Time spent",
}
REQUEST_KIND = "Request for Information"


def source_name(field: str) -> str:
    return SOURCES.get(field, field.replace("_", " "))


class _ItemRow:
    """One checklist item: a box, its text (wrapped), and the answer line."""

    def __init__(self, panel: ChecklistPanel, grid: QGridLayout, row: int, item: ItemState):
        parent = grid.parentWidget()
        self.item_id = item.item_id
        self.automatic = item.automatic
        self.box = FollowingCheckBox(parent) if item.automatic else QCheckBox(parent)
        self.box.setObjectName(f"checklistItem{item.item_id}")
        self.box.setAccessibleName(item.text)
        self.label = ClickableLabel(parent)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setBuddy(self.box)
        self.answer = QLineEdit(parent)
        self.answer.setObjectName(f"checklistAnswer{item.item_id}")
        self.answer.setPlaceholderText("Answer or notes")
        self.answer.setAccessibleName(f"Answer: {item.text}")
        self._saved_answer = item.answer
        if not item.automatic:  # one that follows its field is never toggled by hand
            self.box.toggled.connect(lambda checked: panel.set_checked(self.item_id, checked))
            self.label.clicked.connect(self.box.toggle)
        self.answer.editingFinished.connect(self._on_answer_editing_finished)
        self._panel = panel
        grid.addWidget(self.box, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.label, row, 1)
        grid.addWidget(self.answer, row + 1, 1)
        self.text = item.text
        self.show(item)

    def show(self, item: ItemState) -> None:
        blocked = self.box.blockSignals(True)
        self.box.setChecked(item.checked)
        self.box.blockSignals(blocked)
        text = html.escape(item.text)
        if item.automatic:
            tip = f"Checks itself while {source_name(item.field or '')} is filled."
            text += f"<br><small>filled from {html.escape(source_name(item.field or ''))}</small>"
        elif item.checked:
            tip = f"Checked by {item.checked_by or 'someone'} at {local_time(item.checked_at)}"
        else:
            tip = "Not checked yet. Click to tick it; it is recorded with your name and the time."
        self.label.setText(text)
        for widget in (self.box, self.label):
            widget.setToolTip(tip)
        self.box.setAccessibleDescription(tip)
        if not self.answer.hasFocus() and self.answer.text().strip() == self._saved_answer:
            self.answer.setText(item.answer)
        self._saved_answer = item.answer

    def _on_answer_editing_finished(self) -> None:
        text = self.answer.text().strip()
        if text != self._saved_answer:
            self._saved_answer = text
            self._panel.set_answer(self.item_id, text)


class _GroupView(QWidget):
    """One checklist: a header that folds it ("User Information 3/5") and its items."""

    def __init__(self, state: ChecklistState, expanded: bool, panel: ChecklistPanel) -> None:
        super().__init__(panel.container)
        self.setObjectName(f"checklist_{state.key}")
        self.key = state.key
        self.item_ids = [item.item_id for item in state.items]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("checklistToggle")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(expanded)
        self.toggle.setAutoRaise(True)
        self.toggle.setStyleSheet("QToolButton { border: none; }")
        self.title = ClickableLabel(self)  # wraps a long name instead of widening the panel
        self.title.setObjectName("checklistTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.title.clicked.connect(self.toggle.toggle)
        self.count = QLabel(self)
        self.count.setObjectName("checklistCount")
        self.bar = Meter(self)
        header.addWidget(self.toggle)
        header.addWidget(self.title, 1)
        header.addWidget(self.bar)
        header.addWidget(self.count)
        layout.addLayout(header)
        self.body = QWidget(self)
        self._grid = QGridLayout(self.body)
        self._grid.setContentsMargins(22, 0, 0, 6)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        self._panel = panel
        self.rows: list[_ItemRow] = []  # made when first unfolded: most folded lists stay so
        layout.addWidget(self.body)
        self.toggle.toggled.connect(self._fold)
        self.show_state(state)
        self._fold(expanded)

    def _fold(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        if expanded and not self.rows:
            self.rows = [
                _ItemRow(self._panel, self._grid, 2 * i, item)
                for i, item in enumerate(self._state.items)
            ]
        self.body.setVisible(expanded)
        self._panel.expanded[self.key] = expanded

    def show_state(self, state: ChecklistState) -> None:
        total = len(state.items)
        self.name = state.name
        self.progress = (state.done, total)
        self.title.setText(state.name)
        self.count.setText(f"{state.done}/{total}" + (" ✓" if state.complete else ""))
        self.toggle.setAccessibleName(f"{state.name}: {state.done} of {total} done")
        self.bar.set_progress(state.done, total)
        self._state = state
        for row, item in zip(self.rows, state.items, strict=False):  # none while folded
            row.show(item)


class ChecklistPanel(QWidget):
    """The checklists that apply to one ticket, in SOP order.

    Signals:
        changed(int): the panel changed the ticket with this id (item, answer, draft).
        send_draft_requested(int): send the log draft with this id by e-mail (the
            Request for Information): the editor opens the composer on it.
        asked_elsewhere(): the request was made by phone or chat: the ticket waits on
            the customer now.
    """

    changed = Signal(int)
    send_draft_requested = Signal(int)
    asked_elsewhere = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPanel")
        self.setAccessibleName("Checklists")
        self.context = context
        self.ticket_id: int | None = None
        self.expanded: dict[str, bool] = {}
        self.groups: list[_GroupView] = []
        self.request_dialog: RequestInformationDialog | None = None
        self._token = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("checklistSummary")
        self.summary.setWordWrap(True)
        self.request_button = QPushButton("Request information…", self)
        self.request_button.setObjectName("requestInformationButton")
        self.request_button.setAccessibleName("Request information from the customer")
        self.request_button.setToolTip(
            "Draft the SOP's Request for Information message with the open questions and "
            "send it by e-mail; the ticket is Waiting on customer once it is sent."
        )
        self.request_button.setAutoDefault(False)
        self.request_button.clicked.connect(lambda _checked=False: self.request_information())
        top.addWidget(self.summary, 1)
        top.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("checklistScroll")
        self.scroll.setAccessibleName("Checklist items")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.container = QWidget(self.scroll)
        self.container.setObjectName("checklistContainer")
        self._list = QVBoxLayout(self.container)
        self._list.setContentsMargins(0, 4, 10, 8)
        self._list.setSpacing(4)
        self._list.addStretch(1)
        self.scroll.setWidget(self.container)
        layout.addWidget(self.scroll, 1)
        self.setEnabled(False)

    # -- loading -------------------------------------------------------------------

    def show_ticket(self, ticket_id: int) -> None:
        """Load (again) the checklists of ``ticket_id`` in the background."""
        self.ticket_id = ticket_id
        self._token += 1
        token, db = self._token, self.context.db
        BackgroundTask(
            lambda: load_checklists(db, ticket_id), parent=self, writes=False, label="checklists"
        ).success(lambda states: self._on_loaded(token, ticket_id, states)).run_in_background()

    def reload(self) -> None:
        if self.ticket_id is not None:
            self.show_ticket(self.ticket_id)

    def _on_loaded(self, token: int, ticket_id: int, states: list[ChecklistState]) -> None:
        if token != self._token or ticket_id != self.ticket_id:
            return
        self._arrange(states)
        gate = next((s for s in states if s.kind == "pre_resolution"), None)
        done = sum(s.done for s in states)
        total = sum(len(s.items) for s in states)
        text = f"{done} of {total} items done"
        if gate is not None:
            text += f" · Pre-Resolution {gate.done}/{len(gate.items)}"
            text += " (close gate met)" if gate.complete else " (needed to close)"
        self.summary.setText(text)
        self.setEnabled(True)

    def _arrange(self, states: list[ChecklistState]) -> None:
        """Show ``states``, reusing the group of a checklist already shown (most are the
        same from ticket to ticket; only the issue-type questions change)."""
        old = {group.key: group for group in self.groups}
        self.groups = []
        for position, state in enumerate(states):
            group = old.pop(state.key, None)
            if group is not None and group.item_ids != [i.item_id for i in state.items]:
                group.deleteLater()
                group = None
            if group is None:
                # Open what still needs work; a list already done stays folded.
                default = state.kind in EXPANDED_KINDS and not state.complete
                expanded = self.expanded.get(state.key, default)
                group = _GroupView(state, expanded, self)
            else:
                group.show_state(state)
            if self._list.indexOf(group) != position:
                self._list.insertWidget(position, group)
            self.groups.append(group)
        for group in old.values():
            self._list.removeWidget(group)
            group.deleteLater()

    # -- queries (for tests and the window) ---------------------------------------

    def progress(self) -> dict[str, tuple[int, int]]:
        """Done and total per checklist name, as shown."""
        return {group.name: group.progress for group in self.groups}

    def row(self, text: str) -> _ItemRow:
        """The item whose text is ``text`` (the first, in SOP order; its list unfolds)."""
        for group in self.groups:
            if text in (item.text for item in group._state.items):
                group.toggle.setChecked(True)
            for row in group.rows:
                if row.text == text:
                    return row
        raise KeyError(text)

    def group(self, name: str) -> _GroupView:
        return next(group for group in self.groups if group.name == name)

    # -- writing -------------------------------------------------------------------

    def set_checked(self, item_id: int, checked: bool) -> None:
        self._write(lambda db, tid, actor: set_item(db, tid, item_id, actor=actor, checked=checked))

    def set_answer(self, item_id: int, answer: str) -> None:
        self._write(lambda db, tid, actor: set_item(db, tid, item_id, actor=actor, answer=answer))

    def _write(self, work) -> None:
        ticket_id, db, actor = self.ticket_id, self.context.db, self.context.actor
        if ticket_id is None:
            return
        BackgroundTask(lambda: work(db, ticket_id, actor), parent=self, label="checklist").success(
            lambda _result: self.changed.emit(ticket_id)
        ).failure(lambda exc: self._on_write_failed(exc)).run_in_background()

    def _on_write_failed(self, exc: Exception) -> None:
        show_error(self, exc)
        self.reload()  # show what is stored

    def request_information(self) -> None:
        """Draft the Request for Information message (stored as a draft in the log) and
        show it, with "Send by e-mail…" to send it from the composer."""
        ticket_id, db, service = self.ticket_id, self.context.db, self.context.tickets
        if ticket_id is None:
            return

        def work() -> tuple[int, str, str]:
            subject, body = request_information_draft(db, ticket_id)
            email = service.get(ticket_id).customer.email
            service.add_communication(
                ticket_id,
                direction=Direction.OUTBOUND,
                subject=subject,
                body=body,
                kind=REQUEST_KIND,
                recipients=[email],
                draft=True,
            )
            drafts = service.get(ticket_id).communications
            draft_id = max(c.id for c in drafts if c.draft and c.kind == REQUEST_KIND)
            return draft_id, subject, body

        self.request_button.setEnabled(False)
        BackgroundTask(work, parent=self, label="request information").success(
            lambda result: self._on_request_drafted(ticket_id, *result)
        ).failure(self._on_request_failed).run_in_background()

    def _on_request_drafted(self, ticket_id: int, draft_id: int, subject: str, body: str) -> None:
        self.request_button.setEnabled(True)
        self.changed.emit(ticket_id)
        if self.request_dialog is not None:
            self.request_dialog.close()
        self.request_dialog = RequestInformationDialog(subject, body, self)
        self.request_dialog.send_requested.connect(lambda: self.send_draft_requested.emit(draft_id))
        self.request_dialog.asked_elsewhere.connect(self.asked_elsewhere)
        self.request_dialog.open()

    def _on_request_failed(self, exc: Exception) -> None:
        self.request_button.setEnabled(True)
        show_error(self, exc)
