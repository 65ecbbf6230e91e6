"""Settings (File > Settings…, Ctrl+,): a list of pages on the left, the chosen page beside it.

OK saves every page with unsaved changes and closes; Apply saves them and stays;
Cancel (or Esc, or closing the window) asks before throwing changes away.

Adding a page
-------------
A page is a ``QWidget`` that follows :class:`SettingsPage` (no base class to
import; see ``general_page`` for a complete one):

* ``title`` — the name in the list of pages; ``icon_name`` (optional) — an icon of
  ``resources/icons`` shown beside it;
* ``__init__(context, parent=None)`` — builds the widgets, reads nothing yet;
* ``load()`` — fills the widgets from ``context.settings`` or the database;
* ``apply()`` — validates and saves; on bad input it raises
  :class:`~aiva_desk.errors.ValidationError` (or another
  :class:`~aiva_desk.errors.AivaError`) naming the problem, and saves nothing;
  afterwards ``is_dirty()`` is False;
* ``is_dirty()`` — whether the page has unsaved changes;
* ``changed`` (optional ``Signal()``) — emitted on every edit, so Apply lights up.

Then add the class to :data:`PAGES`, in the order the list shows them::

    from aiva_desk.gui.settings.sla_page import SlaSettingsPage
from aiva_desk.gui.settings.staff_page import StaffSettingsPage
    PAGES = (GeneralSettingsPage, SlaSettingsPage)

When a page refuses its input, the error is shown through
:func:`~aiva_desk.gui.errors.show_error`, that page is brought to the front and the
dialog stays open; pages before it in the list have been saved already.

Signals:
    applied(): at least one page was saved (the main window refreshes what
        depends on the settings: "My open", "Breaching soon", …).
    pages_applied(list): the titles of the pages just saved (emitted before
        ``applied``), for what depends on one page only (checklist templates).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import ask, message_box
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.backups_page import BackupsSettingsPage
from aiva_desk.gui.settings.category_rules_page import CategoryRulesPage
from aiva_desk.gui.settings.checklists_page import ChecklistSettingsPage
from aiva_desk.gui.settings.general_page import GeneralSettingsPage
from aiva_desk.gui.settings.mail_page import MailSettingsPage
from aiva_desk.gui.settings.sla_page import SlaSettingsPage
from aiva_desk.gui.settings.staff_page import StaffSettingsPage
from aiva_desk.gui.settings.templates_page import TemplateSettingsPage

log = logging.getLogger(__name__)


class SettingsPage(Protocol):
    """What every page of the Settings dialog offers (it is also a ``QWidget``)."""

    title: str

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None: ...

    def load(self) -> None: ...

    def apply(self) -> None: ...

    def is_dirty(self) -> bool: ...


PageFactory = Callable[[AppContext, QWidget | None], SettingsPage]

PAGES: tuple[PageFactory, ...] = (
    GeneralSettingsPage,
    MailSettingsPage,
    CategoryRulesPage,
    TemplateSettingsPage,
    StaffSettingsPage,
    SlaSettingsPage,
    ChecklistSettingsPage,
    BackupsSettingsPage,
)

PAGE_ICON_SIZE = 20
PAGE_ROW_PADDING = 6
DEFAULT_SIZE = (1040, 660)  # the Templates, SLA and Checklists pages need about this much


class SettingsDialog(QDialog):
    """The pages made by ``pages`` (default :data:`PAGES`), each loaded on opening."""

    applied = Signal()
    pages_applied = Signal(list)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        pages: Sequence[PageFactory] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._context = context
        self.confirm_discard = self._ask_discard  # hook: titles of dirty pages -> discard?

        self.page_list = QListWidget(self)
        self.page_list.setObjectName("settingsPageList")
        self.page_list.setAccessibleName("Settings pages")
        self.page_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.page_list.setUniformItemSizes(True)
        self.page_list.setIconSize(QSize(PAGE_ICON_SIZE, PAGE_ICON_SIZE))
        self.heading = QLabel(self)
        self.heading.setObjectName("settingsPageHeading")
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.heading.setFont(font)
        # Aligned with the page's contents (a page's layout has the style's margins).
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin)
        self.heading.setContentsMargins(margin, 0, 0, 0)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("settingsPages")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.buttons.setObjectName("settingsButtons")
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setObjectName("settingsApplyButton")

        self.pages: list[SettingsPage] = []
        for factory in PAGES if pages is None else pages:
            self._add_page(factory(context, self.stack))

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.heading)
        right.addWidget(self.stack, 1)
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self._fit_page_list()
        self.resize(*DEFAULT_SIZE)

        self.page_list.currentRowChanged.connect(self._on_page_list_current_row_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply_changes)
        self.page_list.setCurrentRow(0)
        self._update_buttons()

    def _add_page(self, page: SettingsPage) -> None:
        assert isinstance(page, QWidget), f"{type(page).__name__} is not a QWidget"
        item = QListWidgetItem(page.title, self.page_list)
        if name := getattr(page, "icon_name", ""):
            item.setIcon(icon(name))
        # One height for every row, with or without an icon.
        metrics = self.page_list.fontMetrics()
        width = metrics.horizontalAdvance(page.title) + PAGE_ICON_SIZE + 4 * PAGE_ROW_PADDING
        item.setSizeHint(QSize(width, max(PAGE_ICON_SIZE, metrics.height()) + PAGE_ROW_PADDING))
        self.stack.addWidget(page)
        self.pages.append(page)
        changed = getattr(page, "changed", None)
        if changed is not None:
            changed.connect(self._update_buttons)
        try:
            page.load()
        except Exception as exc:  # the other pages stay usable
            show_error(self, exc)
            page.setEnabled(False)

    def _fit_page_list(self) -> None:
        width = self.page_list.sizeHintForColumn(0) + 2 * self.page_list.frameWidth() + 24
        self.page_list.setFixedWidth(max(150, width))

    # -- pages ---------------------------------------------------------------------

    def current_page(self) -> SettingsPage | None:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_page(self, page: SettingsPage) -> None:
        self.page_list.setCurrentRow(self.pages.index(page))

    def page_titled(self, title: str) -> SettingsPage:
        return next(page for page in self.pages if page.title == title)

    def dirty_pages(self) -> list[SettingsPage]:
        return [page for page in self.pages if page.isEnabled() and page.is_dirty()]

    def _on_page_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            self.heading.setText(self.pages[row].title)

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(bool(self.dirty_pages()))

    # -- saving and closing --------------------------------------------------------

    def apply_changes(self) -> bool:
        """Save every page with changes; False (and that page shown) if one refuses."""
        saved: list[str] = []
        for page in self.dirty_pages():
            try:
                page.apply()
            except Exception as exc:  # AivaError: the user's input; anything else: a bug
                self.show_page(page)
                show_error(self, exc)
                self._announce(saved)
                return False
            saved.append(page.title)
            log.info("Saved the settings page %r", page.title)
        self._announce(saved)
        return True

    def _announce(self, saved: list[str]) -> None:
        if saved:
            self.pages_applied.emit(saved)
            self.applied.emit()
        self._update_buttons()

    def accept(self) -> None:
        if self.apply_changes():
            super().accept()

    def reject(self) -> None:
        dirty = self.dirty_pages()
        if dirty and not self.confirm_discard([page.title for page in dirty]):
            return
        super().reject()

    def _ask_discard(self, titles: list[str]) -> bool:
        """Whether to throw away the unsaved changes on the pages ``titles``."""
        box = message_box(
            self,
            "discardSettingsBox",
            QMessageBox.Icon.Warning,
            "Unsaved settings",
            f"Discard the changes to {', '.join(titles)}?",
            "Choose Cancel to go back and save them with OK or Apply.",
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Cancel)
        return ask(box, automated=buttons.Discard) == buttons.Discard
