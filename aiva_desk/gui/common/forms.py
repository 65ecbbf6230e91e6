"""Load the Designer forms shipped in ``ui/``: the one place that uses QUiLoader.

A form is either loaded as a new widget (``load_form("x.ui", parent)``) or *into*
an existing widget (``load_form("x.ui", into=self)``), the way ``uic.loadUi`` works:
the form's top-level properties, layout, menus and children are applied to
``into``, so a ``QMainWindow`` or ``QDialog`` subclass can be laid out by a form
and still be its own class. Widgets are then found by their ``objectName``.

Pages built in code share the small widget helpers at the end: side-by-side panes,
muted hints, problem labels, a list under bold headings, a message box and
:func:`ask`, which runs a question box but never waits on one in an automated run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QDir, QFile, QIODevice, QObject, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common import theme
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV
from aiva_desk.runtime.assets import asset_dir, asset_path

W = TypeVar("W", bound=QObject)


class FormError(RuntimeError):
    """A shipped form is missing or broken: a packaging bug, not a user error."""


class _IntoLoader(QUiLoader):
    """A loader that lays out an existing top-level widget instead of creating one."""

    def __init__(self, into: QWidget | None) -> None:
        super().__init__()
        self._into = into

    def createWidget(
        self, class_name: str, parent: QWidget | None = None, name: str = ""
    ) -> QWidget:
        if parent is None and self._into is not None:
            return self._into
        return super().createWidget(class_name, parent, name)


def form_names() -> list[str]:
    """The file names of every form shipped in ``ui/``."""
    return sorted(path.name for path in asset_dir("ui").glob("*.ui"))


def load_form(name: str, parent: QWidget | None = None, *, into: QWidget | None = None) -> QWidget:
    """Load ``ui/<name>``; return the new widget, or ``into`` laid out by the form."""
    path = asset_path("ui", name)
    loader = _IntoLoader(into)
    loader.setWorkingDirectory(QDir(str(path.parent)))
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"Cannot read the form {path}: {handle.errorString()}")
    try:
        widget = loader.load(handle, None if into is not None else parent)
    finally:
        handle.close()
    if widget is None:
        raise FormError(f"The form {path} could not be loaded: {loader.errorString()}")
    if into is not None:
        # A form's geometry gives a size, not a position: let dialogs centre on their parent.
        into.setAttribute(Qt.WidgetAttribute.WA_Moved, False)
    return widget


def child(root: QObject, kind: type[W], name: str) -> W:
    """The child of ``root`` named ``name``; a missing one is a bug in the form."""
    found = root.findChild(kind, name)
    if found is None:
        owner = root.objectName() or type(root).__name__
        raise FormError(f"{owner} has no {kind.__name__} {name!r}")
    return found


# -- helpers for forms built in code ----------------------------------------------------


def fill_with_panes(
    owner: QWidget,
    panes: Sequence[Callable[[QWidget], QWidget]],
    stretches: Sequence[int],
    sizes: Sequence[int],
    name: str = "",
) -> QSplitter:
    """Fill ``owner`` edge to edge with side-by-side panes that never collapse;
    each of ``panes`` builds its pane inside the splitter it is given."""
    splitter = QSplitter(Qt.Orientation.Horizontal, owner)
    if name:
        splitter.setObjectName(name)
    splitter.setChildrenCollapsible(False)
    for build in panes:
        splitter.addWidget(build(splitter))
    for index, stretch in enumerate(stretches):
        splitter.setStretchFactor(index, stretch)
    splitter.setSizes(list(sizes))
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return splitter


def set_text_color(label: QWidget, color: QColor) -> None:
    """Colour a label's text through its palette, so the rest of its look follows the theme."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)


def hint_label(text: str, parent: QWidget) -> QLabel:
    """A wrapped, muted label that explains a setting."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)  # as tall as its lines at the width given, in any layout
    label.setSizePolicy(policy)
    set_text_color(label, theme.muted_color())
    return label


def problem_label(name: str, parent: QWidget) -> QLabel:
    """A hidden, wrapped label in the error colour, for what is wrong with a field."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    set_text_color(label, theme.error_color())
    label.hide()
    return label


def heading_tree(name: str, accessible: str, min_width: int, parent: QWidget) -> QTreeWidget:
    """A one-column list whose entries sit under headings (see :func:`add_heading`)."""
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setAccessibleName(accessible)
    tree.setHeaderHidden(True)
    tree.setRootIsDecorated(False)
    tree.setIndentation(12)
    tree.setMinimumWidth(min_width)
    return tree


def add_heading(tree: QTreeWidget, text: str) -> QTreeWidgetItem:
    """A bold heading that cannot be selected; entries are added as its children."""
    bold = QFont(tree.font())
    bold.setBold(True)
    heading = QTreeWidgetItem(tree, [text])
    heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
    heading.setFont(0, bold)
    return heading


def message_box(
    parent: QWidget, name: str, icon: QMessageBox.Icon, title: str, text: str, informative: str
) -> QMessageBox:
    """A message box with its two texts; the caller adds the buttons and runs it."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    return box


def ask(box: QMessageBox, automated: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
    """Run the question ``box`` and return the standard button chosen (``NoButton``
    when it was closed without one). In an automated run (``AIVA_DESK_NO_ERROR_DIALOGS``
    set) it is never shown and ``automated`` is the answer: tests must not wait on a modal.
    """
    try:
        if os.environ.get(NO_ERROR_DIALOGS_ENV):
            return automated
        box.exec()
        clicked = box.clickedButton()
        return box.standardButton(clicked) if clicked is not None else box.StandardButton.NoButton
    finally:
        box.deleteLater()
