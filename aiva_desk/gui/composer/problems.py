"""What the outbox refused, shown under each field of the composer and above its buttons."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from aiva_desk.gui.common.banners import clear_problem, mark_problem
from aiva_desk.gui.common.forms import child

# Fields the outbox can refuse -> (widget, label under it).
PROBLEM_FIELDS = {
    "to": ("toEdit", "toProblem"),
    "cc": ("ccEdit", "ccProblem"),
    "subject": ("subjectEdit", "subjectProblem"),
    "body": ("bodyEdit", "bodyProblem"),
    "attachments": ("attachmentsList", "attachmentsProblem"),
}


class ComposerProblems:
    """The problem labels of one composer form (``ui/composer_dialog.ui``) and their summary."""

    def __init__(self, root: QWidget) -> None:
        self._root = root
        self.summary = child(root, QLabel, "problemSummary")

    def text(self, field: str) -> str:
        """The problem shown under ``field`` ("to", "cc", "subject", "body", "attachments")."""
        return "" if self._label(field).isHidden() else self._label(field).text()

    @property
    def summary_text(self) -> str:
        return "" if self.summary.isHidden() else self.summary.text()

    def show_all(self, problems: Mapping[str, str]) -> QWidget | None:
        """Show each problem at its field and all of them in the summary.

        Returns the first field refused, for the caller to focus.
        """
        first: QWidget | None = None
        for key in PROBLEM_FIELDS:
            self.show(key, problems.get(key, ""))
            if key in problems and first is None:
                first = child(self._root, QWidget, PROBLEM_FIELDS[key][0])
        lines = [f"• {text}" for text in problems.values()]
        self.summary.setText("Not sent yet — please check:\n" + "\n".join(lines))
        self.summary.setVisible(bool(problems))
        return first

    def show(self, key: str, text: str) -> None:
        """Show ``text`` under the field ``key`` ("" clears it; the last one hides the summary)."""
        label, widget = self._label(key), child(self._root, QWidget, PROBLEM_FIELDS[key][0])
        label.setText(text)
        label.setVisible(bool(text))
        widget.setAccessibleDescription(text)
        if text:
            mark_problem(widget, text)
        else:
            clear_problem(widget)
        if not text and not any(not self._label(name).isHidden() for name in PROBLEM_FIELDS):
            self.summary.hide()

    def _label(self, key: str) -> QLabel:
        return child(self._root, QLabel, PROBLEM_FIELDS[key][1])
