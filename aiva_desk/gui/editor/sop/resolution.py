"""The SOP's Resolution Process as five guided steps beside the ticket editor.

Nothing is kept here: each step writes to the ticket. Reproduce and Determine
Solution set the editor's Can reproduce and Solution type fields and save them;
the diagnosis checks and the implementation checklist become troubleshooting log
entries; Communicate holds the customer's wording of the six solution points
(:mod:`aiva_desk.gui.editor.sop.communicate`), which the Solution mail quotes.
Vague troubleshooting and resolution texts get the SOP's documentation hints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from aiva_desk.domain import SolutionClass
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.editor.doc_hints import show_hints
from aiva_desk.gui.editor.saving import EditorSaver
from aiva_desk.gui.editor.sop.communicate import CommunicateStep
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Ticket

# Step 2: the SOP's Troubleshooting Guide checks (text, short name).
CHECKS = (
    ("Check service status (pm2 status)", "service status"),
    ("Review relevant logs (pm2 logs)", "logs"),
    ("Query database for status", "database"),
    ("Test individual components", "components"),
    ("Check configuration settings", "configuration"),
)
SOLUTION_RADIOS = {
    "quickRadio": SolutionClass.QUICK,
    "standardRadio": SolutionClass.STANDARD,
    "complexRadio": SolutionClass.COMPLEX,
    "escalationRadio": SolutionClass.ESCALATION,
}
IMPLEMENT_CHECKS = {
    "backupCheck": "Backup of the current state taken",
    "fixAppliedCheck": "Fix applied following procedures",
    "testedCheck": "Tested that the fix works",
    "noNewIssuesCheck": "No new issues introduced",
    "stepsDocumentedCheck": "Exact steps documented",
}
IMPLEMENT_TITLE = "Implement solution (SOP step 4)"
DOCUMENTED_FIELDS = {
    "root_cause": "Root cause",
    "solution": "Solution",
    "steps_taken": "Steps taken",
    "verification": "Verification",
    "prevention": "Prevention",
}
RECENT_ENTRIES = 6
ALL_SPECIFIC = "✓ The resolution and the log name commands, settings or values."


class ResolutionPanel(QWidget):
    """Reproduce, diagnose, determine, implement, communicate — for the editor's ticket.

    Signals:
        changed(int): a step added to the troubleshooting log of the ticket with this id.
        request_details_clicked(): not reproduced; the agent asks the customer for details.
        escalation_chosen(): the solution requires escalation.
    """

    changed = Signal(int)
    request_details_clicked = Signal()
    escalation_chosen = Signal()

    def __init__(
        self,
        state: EditorState,
        saver: EditorSaver,
        form: QScrollArea | None,
        parent: QWidget | None = None,
    ) -> None:
        """``form``: the editor's scrolling form, scrolled to a field the panel points at."""
        super().__init__(parent)
        load_form("resolution_panel.ui", into=self)
        self.setObjectName("resolutionPanel")
        self._state = state
        self._saver = saver
        self._form = form
        self._ticket_id: int | None = None
        self.reproduce = self._group({"reproduceYesRadio": True, "reproduceNoRadio": False})
        self.solution_class = self._group(SOLUTION_RADIOS)
        self.no_prompt = child(self, QFrame, "reproduceNoPrompt")
        self.check_combo = child(self, QComboBox, "checkCombo")
        self.check_combo.addItems([text for text, _short in CHECKS])
        self.found = child(self, QLineEdit, "checkFoundEdit")
        self.action = child(self, QLineEdit, "checkActionEdit")
        self.add_check_button = child(self, QPushButton, "addCheckButton")
        self.implement = {name: child(self, QCheckBox, name) for name in IMPLEMENT_CHECKS}
        self.steps = child(self, QPlainTextEdit, "stepsEdit")
        self.steps.setMaximumHeight(110)
        self.record_button = child(self, QPushButton, "recordImplementationButton")
        self.test_warning = child(self, QFrame, "testWarning")
        self.communicate = CommunicateStep(self, state, saver)
        self.points = self.communicate.points
        self.documentation = child(self, QLabel, "documentationHints")
        self._label = lambda name: child(self, QLabel, name)
        for button, value in self._buttons(self.reproduce):
            button.clicked.connect(lambda _c=False, v=value: self._on_reproduce_clicked(v))
        for button, value in self._buttons(self.solution_class):
            button.clicked.connect(lambda _c=False, v=value: self._on_solution_clicked(v))
        child(self, QPushButton, "requestDetailsButton").clicked.connect(
            lambda _c=False: self.request_details_clicked.emit()
        )
        child(self, QPushButton, "rootCauseButton").clicked.connect(
            lambda _c=False: self._go_to_field("root_cause")
        )
        self.add_check_button.clicked.connect(lambda _c=False: self.add_check())
        self.record_button.clicked.connect(lambda _c=False: self.record_implementation())
        for edit in (self.found, self.action):
            edit.textChanged.connect(self._update_diagnose)
        for box in self.implement.values():
            box.toggled.connect(self._update_implement)
        self.steps.textChanged.connect(self._update_implement)
        self._hints_timer = QTimer(self, singleShot=True, interval=250)
        self._hints_timer.timeout.connect(self.update_documentation)
        for name in ("can_reproduce", "solution_class", *DOCUMENTED_FIELDS):
            state.fields[name].changed.connect(lambda *_a: self._on_editor_field_changed())
        self._update_diagnose()
        self._update_implement()
        self.setEnabled(False)

    def _group(self, radios: dict[str, Any]) -> QButtonGroup:
        group = QButtonGroup(self)
        for name, value in radios.items():
            button = child(self, QRadioButton, name)
            button.setProperty("value", value)
            group.addButton(button)
        return group

    @staticmethod
    def _buttons(group: QButtonGroup) -> list[tuple[QAbstractButton, Any]]:
        return [(button, button.property("value")) for button in group.buttons()]

    @staticmethod
    def _select(group: QButtonGroup, value: Any) -> None:
        group.setExclusive(False)
        for button in group.buttons():
            button.setChecked(value is not None and button.property("value") == value)
        group.setExclusive(True)

    # -- showing -------------------------------------------------------------------

    def show_ticket(self, ticket: Ticket) -> None:
        if ticket.id != self._ticket_id:
            self._ticket_id = ticket.id
            for edit in (self.found, self.action):
                edit.clear()
            for box in self.implement.values():
                box.setChecked(False)
            self.steps.setPlainText(ticket.steps_taken)
        elif not self.steps.toPlainText().strip():
            self.steps.setPlainText(ticket.steps_taken)
        done = {entry.checked for entry in ticket.troubleshooting}
        logged = [short for text, short in CHECKS if text in done]
        self._label("checksDoneLabel").setText(
            "Logged: " + ", ".join(f"✓ {short}" for short in logged)
            if logged
            else "No guide check logged yet."
        )
        self._on_editor_field_changed()
        self.update_documentation()
        self.communicate.update_hint()
        self.setEnabled(True)

    def _on_editor_field_changed(self) -> None:
        fields = self._state.fields
        can_reproduce = fields["can_reproduce"].get()
        self._select(self.reproduce, can_reproduce)
        self.no_prompt.setVisible(can_reproduce is False)
        self._select(self.solution_class, fields["solution_class"].get())
        self._hints_timer.start()

    def update_documentation(self) -> None:
        """Hints for vague resolution fields (as typed) and recent log entries."""
        fields = self._state.fields
        texts = {label: fields[name].get() for name, label in DOCUMENTED_FIELDS.items()}
        ticket = self._state.ticket
        entries = list(ticket.troubleshooting)[-RECENT_ENTRIES:] if ticket else []
        for entry in entries:
            name = f"Log entry “{(entry.title or entry.checked)[:40]}”"
            texts[name] = " ".join(part for part in (entry.found, entry.action) if part.strip())
        if not show_hints(self.documentation, texts):
            self.documentation.setText(ALL_SPECIFIC)
            self.documentation.show()

    # -- step 1 and 3: fields of the editor ----------------------------------------

    def _set_field(self, name: str, value: Any, then: Callable[[], object] | None = None) -> None:
        binding = self._state.fields[name]
        if binding.get() != value:
            binding.set(value)
        if self._saver.is_saving():  # a save would not take ``then``: try once it is done
            QTimer.singleShot(100, self, lambda: self._set_field(name, value, then))
            return
        self._saver.save(then=then)

    def _on_reproduce_clicked(self, value: bool) -> None:
        self._set_field("can_reproduce", value)

    def _on_solution_clicked(self, value: SolutionClass) -> None:
        self._set_field("solution_class", SolutionClass(value))
        if value == SolutionClass.ESCALATION:
            self.escalation_chosen.emit()

    def choose_reproduced(self, value: bool) -> None:
        """Answer "Could you reproduce it?" as the agent would."""
        next(b for b, v in self._buttons(self.reproduce) if v == value).click()

    def choose_solution(self, value: SolutionClass) -> None:
        next(b for b, v in self._buttons(self.solution_class) if v == value).click()

    def _go_to_field(self, name: str) -> None:
        widget = self._state.fields[name].widget
        if self._form is not None:
            self._form.ensureWidgetVisible(widget, 0, 80)
        widget.setFocus()

    # -- step 2: checks into the troubleshooting log -------------------------------

    def _update_diagnose(self) -> None:
        self.add_check_button.setEnabled(bool(self.found.text().strip()))
        show_hints(
            self._label("diagnoseHint"), {"": f"{self.found.text()} {self.action.text()}".strip()}
        )

    def add_check(self) -> None:
        """Log the chosen guide check with what it found and what was done."""
        check = self.check_combo.currentText()
        entry = {
            "title": f"Diagnose: {check}",
            "checked": check,
            "found": self.found.text(),
            "action": self.action.text(),
        }
        self._add_entry(entry, clear=[self.found, self.action])

    def _add_entry(self, entry: dict[str, str], clear: list[QLineEdit]) -> None:
        ticket_id, service = self._ticket_id, self._state.service
        if ticket_id is None:
            return

        def done(_version: int) -> None:
            for edit in clear:
                edit.clear()
            self.changed.emit(ticket_id)

        BackgroundTask(
            lambda: service.add_troubleshooting(ticket_id, **entry), parent=self, label="step"
        ).success(done).run_in_background()

    # -- step 4: implementation checklist -> log entry and Steps taken -------------

    def _update_implement(self) -> None:
        tested = self.implement["testedCheck"].isChecked()
        kind = "info" if tested else "warning"
        if self.test_warning.property("banner") != kind:
            self.test_warning.setProperty("banner", kind)
            self.test_warning.style().unpolish(self.test_warning)
            self.test_warning.style().polish(self.test_warning)
        self._label("testWarningText").setText(
            "Tested ✓ — the fix works; you can respond to the customer."
            if tested
            else "CRITICAL: Always test before responding to customer."
        )
        ticked = any(box.isChecked() for box in self.implement.values())
        self.record_button.setEnabled(ticked or bool(self.steps.toPlainText().strip()))
        show_hints(self._label("stepsHint"), {"": self.steps.toPlainText()})

    def implementation_entry(self) -> dict[str, str]:
        lines = [
            f"{'✓' if self.implement[name].isChecked() else '✗'} {text}"
            for name, text in IMPLEMENT_CHECKS.items()
        ]
        tested = self.implement["testedCheck"].isChecked()
        return {
            "title": IMPLEMENT_TITLE,
            "checked": "\n".join(lines),
            "found": "Fix tested and working" if tested else "Not tested yet",
            "action": self.steps.toPlainText().strip(),
        }

    def record_implementation(self) -> None:
        """Log the implementation checklist; the steps also go into Steps taken."""
        entry = self.implementation_entry()
        steps = entry["action"]
        if steps and steps != self._state.fields["steps_taken"].get().strip():
            self._set_field("steps_taken", steps, then=lambda: self._add_entry(entry, []))
        else:
            self._add_entry(entry, [])
