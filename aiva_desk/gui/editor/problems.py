"""What a save or an added entry was refused for, shown in the editor: each field
concerned marked with its problem, and all of them listed in a banner.

Kept apart from the editor widget so the saver and the add forms can show and clear
problems without reaching into the editor.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from aiva_desk.gui.common.banners import BannerArea, clear_problem, mark_problem
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.editor.fields import FieldBinding

# Problem keys from the service that are not ticket fields -> the widget they concern.
PROBLEM_WIDGETS = {"checked": "entryCheckedEdit", "body": "noteEdit"}


class EditorProblems:
    """The problem marks of one editor form and the "Not saved" banner."""

    def __init__(self, root: QWidget, fields: dict[str, FieldBinding], banners: BannerArea) -> None:
        self._root = root
        self._fields = fields
        self._banners = banners

    def show(self, problems: dict[str, str]) -> None:
        """Mark the fields a save was refused for, and list the problems in a banner."""
        self.clear()
        for key, text in problems.items():
            name = self._fields[key].widget.objectName() if key in self._fields else None
            name = name or PROBLEM_WIDGETS.get(key)
            if name:
                mark_problem(child(self._root, QWidget, name), text)
        lines = "\n".join(f"• {text}" for text in problems.values())
        self._banners.show("problems", "error", f"Not saved:\n{lines}")

    def clear(self) -> None:
        """Remove every mark and the banner (the edits were saved, or another ticket shown)."""
        for widget in self._root.findChildren(QWidget):
            clear_problem(widget)
        self._banners.remove("problems")
