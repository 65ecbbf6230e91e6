"""The SOP's "When to Escalate" rules, judged live, and the ticket's escalations.

Rules judged from the ticket (the category, the SLA, a "recurring" tag) are shown
as they stand; the others are ticked by the agent and stored as the ticket's
escalation flags. The panel suggests the level and target and counts down to the
escalation deadline. "Escalate…" opens the SOP's form; the history below lists
each escalation with Acknowledge, and the ticket can be handed back (de-escalated).
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, Priority, StaffRole, TicketStatus
from aiva_desk.errors import TransitionRefused, ValidationError
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.formatting import duration, local_time
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.editor.sop.checklist_widgets import FollowingCheckBox
from aiva_desk.gui.editor.sop.escalation_dialog import EscalationDialog
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.context import next_update_for
from aiva_desk.mail.escalation_mail import EscalationOutcome, escalate_to
from aiva_desk.store.models import Escalation, Staff, Ticket
from aiva_desk.tickets import escalation as esc
from aiva_desk.tickets import escalation_people as people
from aiva_desk.tickets.workflow import Overlay

log = logging.getLogger(__name__)

LEVELS = {
    Priority.P1: "P1 · Escalate immediately",
    Priority.P2: "P2 · Escalate within 4 hours",
    Priority.P3: "P3 · Escalate within 24 hours",
}
TICK_MS = 1000


def _taken_by(escalation: Escalation) -> str:
    """Who the escalation went to, in words (older escalations named nobody)."""
    if escalation.to_staff is not None:
        seen = (
            f", seen {local_time(escalation.seen_at)}" if escalation.seen_at else ", not seen yet"
        )
        return escalation.to_staff.name + seen
    if escalation.to_role:
        return people.QUEUE_LABEL[StaffRole(escalation.to_role)]
    return "not recorded"


def mark_seen_if_named(parent: QWidget, db, ticket: Ticket, me: Staff | None) -> None:
    """The colleague an escalation was named to opened its ticket: their notice is done
    with (marked in the background)."""
    if me is None or not any(
        e.to_staff_id == me.id and e.seen_at is None for e in ticket.escalations
    ):
        return
    ticket_id, staff_id = ticket.id, me.id
    BackgroundTask(
        lambda: people.mark_seen(db, ticket_id, staff_id), parent=parent, label="escalation-seen"
    ).failure(
        lambda exc: log.warning("Could not mark escalation seen: %s", exc)
    ).run_in_background()


class EscalationPanel(QWidget):
    """When to escalate, the escalation deadline, Escalate…, and the escalation history.

    Signals:
        changed(int): the panel changed the ticket with this id (flags, escalation).
    """

    changed = Signal(int)

    def __init__(self, state: EditorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("escalation_panel.ui", into=self)
        self.setObjectName("escalationPanel")
        self._state = state
        self.me: Staff | None = None
        self.dialog: EscalationDialog | None = None
        self._ticket: Ticket | None = None
        self._pending: set[str] | None = None  # flags ticked, not stored yet
        self.assessment: esc.Assessment | None = None
        self.suggestion = child(self, QLabel, "suggestionLabel")
        self.deadline = child(self, QLabel, "deadlineLabel")
        self.status = child(self, QLabel, "statusLabel")
        self.notice = QLabel(self)  # how the last escalation reached its person, one line
        self.notice.setObjectName("escalationNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        status_layout = self.status.parentWidget().layout()
        status_layout.insertWidget(status_layout.indexOf(self.status) + 1, self.notice)
        self.escalate_button = child(self, QPushButton, "escalateButton")
        self.reason_edit = child(self, QLineEdit, "deEscalateReasonEdit")
        self.de_escalate_button = child(self, QPushButton, "deEscalateButton")
        self._history = child(self, QVBoxLayout, "historyItemsLayout")
        summary = child(self, QFrame, "escalationSummary")
        summary.setStyleSheet("QFrame#escalationSummary { border-bottom: 1px solid palette(mid); }")
        self.rules: dict[str, QCheckBox] = {}
        self.whys: dict[str, QLabel] = {}
        self._build_rules(child(self, QVBoxLayout, "rulesLayout"))
        self.escalate_button.clicked.connect(lambda _c=False: self.open_escalation_dialog())
        self.de_escalate_button.clicked.connect(lambda _c=False: self.de_escalate())
        self.reason_edit.textChanged.connect(self._update_de_escalate)
        self.reason_edit.returnPressed.connect(self.de_escalate)
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self.setEnabled(False)

    def _build_rules(self, layout: QVBoxLayout) -> None:
        parent = layout.parentWidget()
        for level, title in LEVELS.items():
            heading = QLabel(title, parent)
            heading.setObjectName(f"rulesHeading{level.name}")
            heading.setStyleSheet("font-weight: 600; padding-top: 6px;")
            layout.addWidget(heading)
            for rule in (r for r in esc.RULES if r.level is level):
                box = FollowingCheckBox(parent) if rule.automatic else QCheckBox(parent)
                box.setText(rule.text)
                box.setObjectName(f"rule_{rule.key}")
                box.setAccessibleName(rule.text)
                why = QLabel(parent)
                why.setObjectName(f"why_{rule.key}")
                why.setForegroundRole(QPalette.ColorRole.PlaceholderText)
                why.setContentsMargins(24, 0, 0, 2)
                why.setWordWrap(True)
                if not rule.automatic:
                    box.clicked.connect(lambda _c=False: self._on_flags_changed())
                layout.addWidget(box)
                layout.addWidget(why)
                self.rules[rule.key], self.whys[rule.key] = box, why

    # -- showing -------------------------------------------------------------------

    def now(self):
        return clock.now()

    def show_ticket(self, ticket: Ticket, me: Staff | None) -> None:
        if self._ticket is None or self._ticket.id != ticket.id:
            self.notice.hide()  # said of another ticket
        self._ticket, self.me = ticket, me
        self._assess()
        self._show_history(ticket)
        self.setEnabled(True)

    def _assess(self) -> None:
        ticket = self._ticket
        if ticket is None:
            return
        seen = ticket
        if self._pending is not None:
            seen = Overlay(ticket, {"escalation_flags": esc.format_flags(self._pending)})
        category = ticket.category.name if ticket.category else None
        self.assessment = assessment = esc.assess(seen, category, self.now())  # type: ignore[arg-type]
        for result in assessment.results:
            box = self.rules[result.rule.key]
            box.setChecked(result.applies)
            box.setStyleSheet("font-weight: 600;" if result.applies else "")
            why = result.why if result.rule.automatic else ("applies" if result.applies else "")
            if result.applies and result.rule.needs_development:
                why += (" · " if why else "") + "needs development"
            self.whys[result.rule.key].setText(why)
            self.whys[result.rule.key].setVisible(bool(why))
            tip = "Judged from the ticket" if result.rule.automatic else "Tick when it applies"
            box.setToolTip(f"{tip}: {result.why}")
        if assessment.suggested is None:
            self.suggestion.setText("No “When to Escalate” rule applies.")
        else:
            self.suggestion.setText(
                f"<b>Suggested: escalate to {html.escape(assessment.target.label)} — "
                f"{html.escape(LEVELS[assessment.suggested])}</b>"
            )
        level = ticket.escalation_level
        self.status.setText(
            f"Currently escalated to {level.label}."
            if level is not EscalationLevel.NONE
            else "Not escalated."
        )
        closed = ticket.status is TicketStatus.CLOSED
        self.escalate_button.setEnabled(not closed and level is not EscalationLevel.DEVELOPMENT)
        self._show_deadline()

    def _on_timer_timeout(self) -> None:
        if self.isVisible():  # the countdown runs while it can be seen
            self._show_deadline()

    def _show_deadline(self) -> None:
        assessment = self.assessment
        if assessment is None or assessment.deadline is None or self._ticket is None:
            self.deadline.setText("No escalation deadline.")
            self.deadline.setStyleSheet("")
            return
        if self._ticket.escalation_level is not EscalationLevel.NONE:
            self.deadline.setText(f"Escalate by {local_time(assessment.deadline)} — escalated.")
            self.deadline.setStyleSheet("")
            return
        now = self.now()
        left = f"{duration(assessment.deadline - now)} left"
        if assessment.deadline <= now:
            left = f"overdue by {duration(now - assessment.deadline)}"
        self.deadline.setText(f"Escalate by {local_time(assessment.deadline)} — {left}")
        state = theme.SlaState.BREACHED if assessment.deadline <= now else theme.SlaState.DUE_SOON
        self.deadline.setStyleSheet(f"color: {theme.sla_color(state, self.palette()).name()};")

    def _show_history(self, ticket: Ticket) -> None:
        while self._history.count():
            item = self._history.takeAt(0)
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.setParent(None)  # gone from the panel now, deleted later
                widget.deleteLater()
        parent = self._history.parentWidget()
        if not ticket.escalations:
            empty = QLabel("No escalations yet.", parent)
            empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self._history.addWidget(empty)
        for escalation in reversed(ticket.escalations):
            self._history.addWidget(self._history_item(parent, escalation))
        escalated = ticket.escalation_level is not EscalationLevel.NONE
        for widget in (self.reason_edit, self.de_escalate_button):
            widget.setVisible(escalated)
        self._update_de_escalate()

    def _history_item(self, parent: QWidget, escalation: Escalation) -> QWidget:
        item = QFrame(parent)
        item.setObjectName(f"escalation{escalation.id}")
        item.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(item)
        lines = [
            f"<b>{html.escape(escalation.level.label)}</b> · {local_time(escalation.at)}"
            f" by {html.escape(escalation.by_name or 'someone')}",
            f"To: {html.escape(_taken_by(escalation))}",
            f"Why: {html.escape(escalation.reason)}",
        ]
        if escalation.acknowledged_at is not None:
            lines.append(
                f"Acknowledged by {html.escape(escalation.acknowledged_by or 'someone')} "
                f"at {local_time(escalation.acknowledged_at)}"
            )
        elif escalation.ended_at is None:
            lines.append("<i>Not acknowledged yet</i>")
        if escalation.ended_at is not None:
            lines.append(
                f"De-escalated by {html.escape(escalation.ended_by or 'someone')} "
                f"at {local_time(escalation.ended_at)}"
            )
        text = QLabel("<br>".join(lines), item)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(text, 1)
        if escalation.acknowledged_at is None and escalation.ended_at is None:
            button = QPushButton("Acknowledge", item)
            button.setObjectName("acknowledgeButton")
            button.setAccessibleName(f"Acknowledge the escalation to {escalation.level.label}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, e=escalation.id: self.acknowledge(e))
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return item

    def _update_de_escalate(self) -> None:
        self.de_escalate_button.setEnabled(bool(self.reason_edit.text().strip()))

    # -- writing -------------------------------------------------------------------

    def set_flag(self, key: str, on: bool) -> None:
        """Tick or untick an agent-judged rule, as the agent would."""
        box = self.rules[key]
        if box.isChecked() != on:
            box.click()

    def _on_flags_changed(self) -> None:
        flags = {key for key, box in self.rules.items() if box.isChecked()}
        flags &= {rule.key for rule in esc.RULES if not rule.automatic}
        self._pending = flags
        self._assess()  # the rules update at once; stored in the background
        service, ticket_id = self._state.service, self._state.ticket_id
        self._run(lambda: esc.set_flags(service, ticket_id, flags), then=self._flags_stored)

    def _flags_stored(self) -> None:
        self._pending = None

    def open_escalation_dialog(self) -> EscalationDialog | None:
        """Open the SOP's escalation form, prefilled from the ticket as edited."""
        state, ticket = self._state, self._ticket
        if ticket is None or self.assessment is None:
            return None
        values = {k: v for k, v in state.values().items() if k != "tags"}
        now = self.now()
        form = esc.prefill(Overlay(ticket, values), self.assessment, now)  # type: ignore[arg-type]
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog = EscalationDialog(
            form,
            self.assessment,
            due=values.get("sla_due_at", ticket.sla_due_at),
            agent_name=self.me.name if self.me else state.context.actor,
            found=str(values.get("customer_explanation", ticket.customer_explanation)),
            parent=self,
        )
        dialog.submitted.connect(
            lambda target, f, draft, to: self._escalate(dialog, target, f, draft, to)
        )
        dialog.destroyed.connect(lambda *_a: setattr(self, "dialog", None))
        db, ticket_id = state.context.db, ticket.id
        BackgroundTask(
            lambda: people.people_by_level(db), parent=dialog, label="escalation-people"
        ).success(dialog.set_people).failure(
            lambda exc: show_error(dialog, exc)
        ).run_in_background()
        BackgroundTask(
            lambda: next_update_for(db, ticket_id), parent=dialog, writes=False, label="next update"
        ).success(dialog.set_next_update).run_in_background()
        dialog.open()
        return dialog

    def _escalate(self, dialog: EscalationDialog, target, form, draft: str, to) -> None:
        mail, ticket_id = self._state.context.mail, self._state.ticket_id

        def failed(exc: Exception) -> None:
            if isinstance(exc, ValidationError):
                dialog.show_problems(list(exc.problems.values()))
            elif isinstance(exc, TransitionRefused):
                dialog.show_problems(exc.reasons)
            else:
                dialog.show_problems(["Not escalated."])
                show_error(dialog, exc)

        def escalated(outcome: EscalationOutcome) -> None:
            self.notice.setText(outcome.notice)
            self.notice.show()
            dialog.done_ok(outcome.notice)

        self._run(
            lambda: escalate_to(
                mail, ticket_id, target=target, form=form, customer_draft=draft, to_staff_id=to
            ),
            with_result=escalated,
            failed=failed,
        )

    def acknowledge(self, escalation_id: int) -> None:
        service, ticket_id = self._state.service, self._state.ticket_id
        self._run(lambda: esc.acknowledge(service, ticket_id, escalation_id))

    def de_escalate(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            return
        service, ticket_id = self._state.service, self._state.ticket_id
        self._run(lambda: esc.de_escalate(service, ticket_id, reason), then=self.reason_edit.clear)

    def _run(self, work, *, then=None, failed=None, with_result=None) -> None:
        ticket_id = self._state.ticket_id
        if ticket_id is None:
            return

        def done(result: object) -> None:
            if then is not None:
                then()
            if with_result is not None:
                with_result(result)
            self.changed.emit(ticket_id)

        def on_failure(exc: Exception) -> None:
            self._pending = None
            if failed is not None:
                failed(exc)
            else:
                show_error(self, exc)
            self._assess()

        BackgroundTask(work, parent=self, label="escalation").success(done).failure(
            on_failure
        ).run_in_background()
