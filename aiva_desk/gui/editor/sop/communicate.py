"""Step 5 of the resolution panel: the customer's wording of the six solution points.

Points 2–5 (what was wrong, what we fixed, what you need to do, how to avoid it) are
ticket fields of their own, kept apart from the internal root cause and log: the
Solution mail quotes them, nothing else. The boxes belong to the editor's fields
(saved, drafted and merged like any field) and are placed here. They start empty,
with an example as placeholder and the internal findings shown beside them for
reference, so nothing internal goes out unless the agent writes it; words a customer
would not understand are pointed out as they type. Points 1 and 6 (thank them, ask to
confirm) are the Solution mail's own sentences.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.text_widgets import FitToText
from aiva_desk.gui.editor.saving import EditorSaver
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.mail.jargon import check_jargon, own_ids

# The customer's wording -> the label of its point in the panel's form (rows 1–4).
WORDING = {
    "customer_explanation": "wasWrongLabel",
    "customer_fix": "fixedLabel",
    "customer_steps": "userStepsLabel",
    "customer_prevention": "avoidLabel",
}
# Internal fields shown for reference beside the boxes (never sent).
REFERENCE = {"root_cause": "Root cause", "prevention": "Prevention"}
HINT_DELAY_MS = 250


class CommunicateStep(QObject):
    """The four wording boxes in the panel's grid, their count, jargon hint and Save."""

    def __init__(self, panel: QWidget, state: EditorState, saver: EditorSaver) -> None:
        super().__init__(panel)
        self._panel = panel
        self._state = state
        self._saver = saver
        self.points: dict[str, QPlainTextEdit] = {}
        grid = child(panel, QGridLayout, "pointsLayout")
        for row, (name, label_name) in enumerate(WORDING.items(), start=1):
            edit = state.fields[name].widget
            assert isinstance(edit, QPlainTextEdit)
            grid.addWidget(edit, row, 1)
            edit.show()
            FitToText(edit, min_lines=2, max_lines=8)
            child(panel, QLabel, label_name).setBuddy(edit)
            edit.textChanged.connect(self._on_text_changed)
            self.points[name] = edit
        boxes = list(self.points.values())
        for before, after in pairwise(boxes):
            QWidget.setTabOrder(before, after)
        self.count_label = child(panel, QLabel, "pointsLabel")
        self.jargon_hint = child(panel, QLabel, "wordingHint")
        self.reference = child(panel, QLabel, "internalReference")
        self.save_button = child(panel, QPushButton, "saveWordingButton")
        self.save_button.clicked.connect(lambda _c=False: self._saver.save())
        QWidget.setTabOrder(boxes[-1], self.save_button)
        self._timer = QTimer(self, singleShot=True, interval=HINT_DELAY_MS)
        self._timer.timeout.connect(self.update_hint)
        for name in REFERENCE:
            state.fields[name].changed.connect(lambda *_a: self._timer.start())
        self._update_count()
        self.update_hint()

    def _on_text_changed(self) -> None:
        self._update_count()
        self._timer.start()

    def _update_count(self) -> None:
        written = sum(1 for edit in self.points.values() if edit.toPlainText().strip())
        self.count_label.setText(
            f"{written} of 4 written — the Solution mail adds points 1 and 6 itself."
        )

    def update_hint(self) -> None:
        """List what looks internal in the boxes, and show the internal fields for reference."""
        own = own_ids(self._state.ticket)
        found = []
        for name, edit in self.points.items():
            for finding in check_jargon(edit.toPlainText(), own):
                label = child(self._panel, QLabel, WORDING[name]).text().split(" ", 1)[-1]
                found.append(f"“{finding.text}” ({finding.kind}, in {label}): {finding.advice}")
        self.jargon_hint.setText(
            "The customer may not understand:\n" + "\n".join(f"• {line}" for line in found)
            if found
            else ""
        )
        self.jargon_hint.setVisible(bool(found))
        fields = self._state.fields
        reference = [
            f"{label}: {text}"
            for name, label in REFERENCE.items()
            if (text := " ".join(fields[name].get().split()))
        ]
        self.reference.setText(
            "For reference, not sent — " + " · ".join(reference) if reference else ""
        )
        self.reference.setVisible(bool(reference))
