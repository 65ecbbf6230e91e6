"""The SOP's escalation forms (to senior support or to development) as one dialog.

Every field of both forms is there, prefilled from the ticket
(:func:`aiva_desk.tickets.escalation.prefill`); the SLA time remaining counts down while
the dialog is open. The internal message and the customer's "Escalated" draft are
previewed as they will be stored. *Takes it* names who gets it: a colleague of the
role (the only one by default) or the role's queue. The judgement fields (business
impact, customer sentiment) start empty: nothing is guessed for the agent. OK refuses
while a required field is empty and says which, inline; otherwise the dialog hands the
form over (``submitted``) and closes once the escalation is recorded
(:meth:`EscalationDialog.done_ok`) — unless the agent typed on meanwhile: then it stays
open with their text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, Priority
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.banners import clear_problem, mark_problem
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.common.text_widgets import align_label_columns, guard_wheel
from aiva_desk.mail.sop_messages import customer_message, internal_message
from aiva_desk.sla.policy import default_policies
from aiva_desk.tickets.escalation import (
    COMPONENTS,
    IMPACTS,
    SENTIMENTS,
    Assessment,
    EscalationForm,
    deadline_text,
    missing_fields,
    remaining,
)
from aiva_desk.tickets.escalation_people import QUEUE_LABEL, ROLE_FOR, Person, default_person

# Form attribute -> widget name. Lists are edited one item per line.
TEXTS = {
    "current_status": "currentStatusEdit",
    "why": "whyEdit",
    "description": "descriptionEdit",
    "reproduction_steps": "reproductionEdit",
    "expected": "expectedEdit",
    "actual": "actualEdit",
    "error_message": "errorMessageEdit",
    "log_excerpts": "logExcerptsEdit",
    "database_state": "databaseStateEdit",
    "workaround": "workaroundEdit",
    "priority_justification": "priorityJustificationEdit",
    "customer_impact": "customerImpactEdit",
}
LISTS = {
    "what_we_know": "whatWeKnowEdit",
    "what_we_tried": "whatWeTriedEdit",
    "supporting": "supportingEdit",
}
CHOICES = {
    "priority": ("priorityCombo", tuple(p.name for p in Priority)),
    "business_impact": ("businessImpactCombo", ("", *IMPACTS)),  # the agent's judgement
    "customer_sentiment": ("sentimentCombo", ("", *SENTIMENTS)),
    "issue_type": ("issueTypeCombo", ("Bug", "Feature Request", "Performance")),
    "component": ("componentCombo", ("", *COMPONENTS)),
}
LABELS = {  # missing_fields() names -> form attribute
    "Why escalating": "why",
    "Current status": "current_status",
    "Business impact": "business_impact",
    "Customer sentiment": "customer_sentiment",
    "Description": "description",
    "Component": "component",
    "Priority justification": "priority_justification",
    "Customer impact": "customer_impact",
}
NO_CADENCE = dt.timedelta(hours=24)


def next_update_time(priority: str, now: dt.datetime) -> str:
    """When the customer hears from us next: the priority's update cadence (SOP)."""
    policy = default_policies()[Priority[priority]]
    return local_time(now + (policy.update_every or NO_CADENCE))


class EscalationDialog(QDialog):
    """Escalate one ticket: choose the target, check the prefilled form, preview, OK.

    Signals:
        submitted(object, object, str, object): target (EscalationLevel), the form
            (EscalationForm), the customer's draft and who takes it (a staff id, or
            ``None`` for the role's queue), when OK found nothing missing.
    """

    submitted = Signal(object, object, str, object)

    def __init__(
        self,
        form: EscalationForm,
        assessment: Assessment,
        *,
        due: dt.datetime | None,
        agent_name: str,
        found: str = "",
        people: dict[EscalationLevel, list[Person]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("escalation_dialog.ui", into=self)
        self.setObjectName("escalationDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        error = theme.error_color(self.palette()).name()
        self.setStyleSheet(
            f'*[problem="true"] {{ border: 2px solid {error}; border-radius: 3px; }}'
            f'QLabel[role="problem"] {{ color: {error}; font-weight: 600; }}'
        )
        self._base = form
        self._people = people
        self._submitted: EscalationForm | None = None  # what OK handed over, while saving
        self.escalated = False  # recorded, but kept open for the changes made meanwhile
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("recipientCombo")
        self.recipient.setAccessibleName("Who takes it")
        self.recipient.setToolTip("A colleague of that role, or the role's queue")
        self.recipient.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        recipient_label = QLabel("&Takes it:", self)
        recipient_label.setBuddy(self.recipient)
        target_row = child(self, QHBoxLayout, "targetRow")
        target_row.insertWidget(3, recipient_label)
        target_row.insertWidget(4, self.recipient)
        self._due, self._agent = due, agent_name
        self._found = found  # the customer's wording of what was found, if written yet
        self._next_update = next_update_time(form.priority, clock.now())  # until read
        self.texts = {name: child(self, QPlainTextEdit, w) for name, w in TEXTS.items()}
        self.brief = child(self, QLineEdit, "briefEdit")
        self.lists = {name: child(self, QPlainTextEdit, w) for name, w in LISTS.items()}
        self.combos = {name: child(self, QComboBox, w) for name, (w, _o) in CHOICES.items()}
        self.senior = child(self, QRadioButton, "seniorRadio")
        self.development = child(self, QRadioButton, "developmentRadio")
        self._targets = QButtonGroup(self)
        self._targets.addButton(self.senior)
        self._targets.addButton(self.development)
        self.missing_label = child(self, QLabel, "missingLabel")
        self.sla_value = child(self, QLabel, "slaRemainingValue")
        self.internal_preview = child(self, QPlainTextEdit, "internalPreview")
        self.customer_preview = child(self, QPlainTextEdit, "customerPreview")
        buttons = child(self, QDialogButtonBox, "buttonBox")
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Escalate")
        self.ok_button.setObjectName("escalateOkButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        child(self, QSplitter, "dialogSplitter").setSizes([640, 500])
        align_label_columns(child(self, QWidget, "formBody"))
        self._fill(form, assessment)
        self._preview_timer = QTimer(self, singleShot=True, interval=150)
        self._preview_timer.timeout.connect(self.update_preview)
        for edit in (*self.texts.values(), *self.lists.values()):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(96)
            edit.textChanged.connect(self._preview_timer.start)
        self.brief.textChanged.connect(self._preview_timer.start)
        for combo in self.combos.values():
            guard_wheel(combo)
            combo.currentIndexChanged.connect(self._preview_timer.start)
        self._targets.buttonToggled.connect(lambda *_a: self._preview_timer.start())
        self._targets.buttonToggled.connect(lambda _b, on: on and self._fill_recipients())
        self._fill_recipients()
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self.update_sla)
        self._tick.start()
        self.update_sla()
        self.update_preview()

    def _fill(self, form: EscalationForm, assessment: Assessment) -> None:
        for name, (_widget, options) in CHOICES.items():
            combo = self.combos[name]
            for option in options:
                combo.addItem(option or "Choose…", option)
            index = combo.findData(getattr(form, name))
            combo.setCurrentIndex(max(index, 0))
        self.brief.setText(form.brief)
        for name, edit in self.texts.items():
            edit.setPlainText(getattr(form, name))
        for name, edit in self.lists.items():
            edit.setPlainText("\n".join(getattr(form, name)))
        attachments = ", ".join(form.attachments)
        child(self, QLabel, "attachmentsValue").setText(attachments or "None attached")
        target = assessment.target
        (self.development if target is EscalationLevel.DEVELOPMENT else self.senior).setChecked(
            True
        )
        suggested = child(self, QLabel, "suggestedLabel")
        if assessment.suggested is not None:
            suggested.setText(
                f"Suggested: {assessment.target.label}, {assessment.suggested.name} "
                f"({'; '.join(r.rule.text for r in assessment.applying)})"
            )
        else:
            suggested.setText("No “When to Escalate” rule applies yet.")
        suggested.setWordWrap(True)
        self.missing_label.hide()

    # -- the form ------------------------------------------------------------------

    def set_next_update(self, when: str) -> None:
        """When the customer hears from us next, on the ticket's SLA calendar (read off
        the GUI thread): the Escalated draft promises the same time as the other mails."""
        self._next_update = when
        self.update_preview()

    def set_people(self, people: dict[EscalationLevel, list[Person]]) -> None:
        """Who can take each level, once loaded (off the GUI thread)."""
        self._people = people
        self._fill_recipients()

    def _fill_recipients(self) -> None:
        combo, target = self.recipient, self.target()
        combo.clear()
        if self._people is None:
            combo.addItem("Loading…", None)
            combo.setEnabled(False)
            return
        people = self._people.get(target, [])
        for person in people:
            combo.addItem(person.name + (f" <{person.email}>" if person.email else ""), person.id)
        combo.addItem(QUEUE_LABEL[ROLE_FOR[target]], None)
        chosen = default_person(people)
        combo.setCurrentIndex(combo.findData(chosen.id) if chosen else combo.count() - 1)
        combo.setEnabled(True)

    def recipient_id(self) -> int | None:
        """The colleague chosen to take it; ``None``: the role's queue."""
        return self.recipient.currentData()

    def target(self) -> EscalationLevel:
        if self.development.isChecked():
            return EscalationLevel.DEVELOPMENT
        return EscalationLevel.SENIOR_SUPPORT

    def set_target(self, target: EscalationLevel) -> None:
        (self.development if target is EscalationLevel.DEVELOPMENT else self.senior).setChecked(
            True
        )

    def form(self) -> EscalationForm:
        """The form as filled in now."""
        values: dict[str, object] = {
            name: edit.toPlainText().strip() for name, edit in self.texts.items()
        }
        values["brief"] = self.brief.text().strip()
        for name, edit in self.lists.items():
            values[name] = [
                line.strip() for line in edit.toPlainText().splitlines() if line.strip()
            ]
        for name, combo in self.combos.items():
            values[name] = combo.currentData() or ""
        values["sla_remaining"] = deadline_text(self._due, clock.now())
        return dataclasses.replace(self._base, **values)

    def widget_for(self, name: str) -> QWidget:
        return self.texts.get(name) or self.lists.get(name) or self.combos.get(name) or self.brief

    def missing(self) -> list[str]:
        return missing_fields(self.form(), self.target())

    def customer_draft(self) -> str:
        form = self.form()
        return customer_message(
            form,
            self.target(),
            agent_name=self._agent,
            next_update=self._next_update,
            context={"escalation": {"found": self._found}},
        )

    def update_preview(self) -> None:
        form, target = self.form(), self.target()
        self.internal_preview.setPlainText(internal_message(form, target))
        self.customer_preview.setPlainText(self.customer_draft())
        if not self.missing_label.isHidden():
            self.show_missing(self.missing())

    def update_sla(self) -> None:
        self.sla_value.setText(remaining(self._due, clock.now()))

    # -- OK ------------------------------------------------------------------------

    def show_missing(self, missing: list[str]) -> None:
        """Mark the empty required fields and list them above the form."""
        for name in LABELS.values():
            clear_problem(self.widget_for(name))
        for label in missing:
            mark_problem(self.widget_for(LABELS[label]), f"{label} is required.")
        self.show_problems([f"{label} is required." for label in missing])

    def show_problems(self, problems: list[str]) -> None:
        self.missing_label.setText("Not escalated yet: " + " ".join(problems) if problems else "")
        self.missing_label.setVisible(bool(problems))
        self.ok_button.setEnabled(True)
        self._submitted = None

    def accept(self) -> None:
        """Refuse while something required is empty; otherwise hand the form over."""
        if self._submitted is not None or self.escalated:
            return  # being saved, or already recorded
        if self._people is None:
            self.show_problems(["Still loading who can take it; try again in a moment."])
            return
        missing = self.missing()
        if missing:
            self.show_missing(missing)
            return
        self.show_missing([])
        self.ok_button.setEnabled(False)
        self._submitted = form = self.form()
        self.submitted.emit(self.target(), form, self.customer_draft(), self.recipient_id())

    def done_ok(self, notice: str = "") -> None:
        """Escalated: close, unless the agent changed the form while it was being saved;
        then it stays open with their changes, saying what was recorded."""
        self._tick.stop()
        submitted, self._submitted = self._submitted, None
        if submitted is not None and self.form() != dataclasses.replace(
            submitted, sla_remaining=self.form().sla_remaining
        ):
            self.ok_button.setEnabled(False)
            self.missing_label.setText(
                f"{notice or 'Escalated.'} Your changes made while saving were not part of "
                "it: they are still here to copy."
            )
            self.missing_label.show()
            self.escalated = True
            return
        super().accept()
