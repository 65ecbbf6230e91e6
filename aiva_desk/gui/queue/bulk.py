"""Bulk actions on the tickets selected in the queue: assign, priority, category, tag, steps.
Close asks once for the closure reason and time (:mod:`aiva_desk.gui.queue.bulk_close`).

Each runs as one background write (:mod:`aiva_desk.tickets.bulk`); tickets a step does not
apply to are skipped, and the agent gets one message saying what changed and what
was refused, and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.domain import Priority
from aiva_desk.gui.common.formatting import priority_text
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.queue.bulk_close import BulkCloseDialog
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.tickets import bulk
from aiva_desk.tickets.bulk import BulkResult
from aiva_desk.tickets.closing import Closure, bulk_close
from aiva_desk.tickets.workflow import TRANSITIONS, Action

log = logging.getLogger(__name__)

MAX_LISTED_REFUSALS = 12
UNASSIGN = -1


class BulkActions(QObject):
    """The Ticket menu's bulk submenus and actions, acting on ``selected_ids()``.

    Signals:
        started(str): a bulk action began (its description, for a busy indicator).
        finished(object): it ended with this BulkResult (or None if it failed).
    """

    started = Signal(str)
    finished = Signal(object)

    def __init__(
        self,
        context: AppContext,
        selected_ids: Callable[[], list[int]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._service = context.tickets
        self._selected_ids = selected_ids
        self._window = parent
        self.result_box: QMessageBox | None = None
        self.tag_dialog: QInputDialog | None = None
        self.close_dialog: BulkCloseDialog | None = None
        self.running = False

        self.assign_menu = self._menu("&Assign To", "assignMenu", "assign")
        self.assign_menu.aboutToShow.connect(self._fill_assign_menu)
        self.priority_menu = self._menu("Set &Priority", "priorityMenu", "priority")
        for priority in Priority:
            action = self.priority_menu.addAction(priority_text(priority, long=True))
            action.setObjectName(f"setPriority{priority.label}Action")
            action.triggered.connect(lambda _=False, p=priority: self.set_priority(p))
        self.category_menu = self._menu("Set &Category", "categoryMenu", "category")
        self.category_menu.aboutToShow.connect(self._fill_category_menu)
        self.step_menu = self._menu("Workflow &Step", "stepMenu", "step")
        for transition in TRANSITIONS:
            action = self.step_menu.addAction(transition.label)
            action.setObjectName(f"{transition.action.value}StepAction")
            action.setToolTip(f"SOP: {transition.sop_step}")
            action.triggered.connect(lambda _=False, a=transition.action: self._on_step(a))
        self.add_tag_action = QAction(icon("tag"), "Add &Tag…", self)
        self.add_tag_action.setObjectName("addTagAction")
        self.add_tag_action.triggered.connect(self._on_add_tag_action_triggered)
        self.close_action = QAction(icon("close-ticket"), "C&lose Tickets", self)
        self.close_action.setObjectName("closeTicketsAction")
        self.close_action.setToolTip(
            "Close the selected tickets; those not ready to close are listed with the reason"
        )
        self.close_action.triggered.connect(self.ask_close)
        self._fill_assign_menu()
        self._fill_category_menu()

    def _menu(self, title: str, name: str, icon_name: str) -> QMenu:
        menu = QMenu(title, self._window)
        menu.setObjectName(name)
        menu.setIcon(icon(icon_name))
        menu.setToolTipsVisible(True)
        return menu

    def actions(self) -> list[QAction]:
        """Everything that needs a selection, to enable and disable together."""
        return [
            self.assign_menu.menuAction(),
            self.priority_menu.menuAction(),
            self.category_menu.menuAction(),
            self.step_menu.menuAction(),
            self.add_tag_action,
            self.close_action,
            *self.priority_menu.actions(),
        ]

    def add_to(self, menu: QMenu) -> None:
        menu.addMenu(self.assign_menu)
        menu.addMenu(self.priority_menu)
        menu.addMenu(self.category_menu)
        menu.addAction(self.add_tag_action)
        menu.addMenu(self.step_menu)
        menu.addAction(self.close_action)

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions():
            action.setEnabled(enabled and not self.running)

    # -- menus filled when they open (staff and categories are data) --------------

    def _fill_assign_menu(self) -> None:
        menu = self.assign_menu
        menu.clear()
        me = self._context.settings.me_staff_id
        staff = self._service.staff()
        entries: list[tuple[str, int]] = []
        mine = next((s for s in staff if s.id == me), None)
        if mine is not None:
            entries.append((f"Me ({mine.name})", mine.id))
        entries += [(member.name, member.id) for member in staff]
        for text, staff_id in entries:
            action = menu.addAction(icon("person"), text)
            action.setObjectName(f"assignTo{staff_id}Action")
            action.triggered.connect(lambda _=False, i=staff_id: self.assign(i))
        menu.addSeparator()
        nobody = menu.addAction("&Unassigned")
        nobody.setObjectName("unassignAction")
        nobody.triggered.connect(lambda: self.assign(None))

    def _fill_category_menu(self) -> None:
        menu = self.category_menu
        menu.clear()
        for category in self._service.categories():
            action = menu.addAction(category.name)
            action.setObjectName(f"setCategory{category.id}Action")
            action.setToolTip(category.description or category.name)
            action.triggered.connect(lambda _=False, i=category.id: self.set_category(i))

    # -- the actions ---------------------------------------------------------------

    def assign(self, staff_id: int | None) -> None:
        self._update({"assignee_id": staff_id}, "Assigning")

    def set_priority(self, priority: Priority) -> None:
        self._update({"priority": priority}, f"Setting priority {priority.label} on")

    def set_category(self, category_id: int) -> None:
        self._update({"category_id": category_id}, "Setting the category of")

    def add_tag(self, tag: str) -> None:
        service = self._service
        self._run(lambda ids: bulk.bulk_add_tag(service, ids, tag), f"Tagging “{tag}”:")

    def perform(self, action: Action) -> None:
        service = self._service
        label = next(t.label for t in TRANSITIONS if t.action is action)
        self._run(lambda ids: bulk.bulk_perform(service, ids, action), f"{label}:")

    def _on_step(self, action: Action) -> None:
        if action is Action.CLOSE:
            self.ask_close()
        else:
            self.perform(action)

    def ask_close(self) -> None:
        """Close asks once for the closure reason (and time) of all selected tickets."""
        ids = self._selected_ids()
        if not ids or self.running:
            return
        dialog = BulkCloseDialog(self._window, len(ids))
        dialog.submitted.connect(self.close_tickets)
        self.close_dialog = dialog
        dialog.open()

    def close_tickets(self, closure: Closure) -> None:
        service = self._service
        self._run(lambda ids: bulk_close(service, ids, closure), "Close:")

    def _update(self, changes: dict[str, Any], what: str) -> None:
        service = self._service
        self._run(lambda ids: bulk.bulk_update(service, ids, changes), what)

    def _on_add_tag_action_triggered(self) -> None:
        if not self._selected_ids():
            return
        dialog = QInputDialog(self._window)
        dialog.setObjectName("addTagDialog")
        dialog.setWindowTitle("Add Tag")
        dialog.setLabelText("Tag to add to the selected tickets:")
        dialog.setAccessibleName("Add tag")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: text.strip() and self.add_tag(text.strip()))
        self.tag_dialog = dialog
        dialog.open()

    def _run(self, work: Callable[[list[int]], BulkResult], what: str) -> None:
        ids = self._selected_ids()
        if not ids or self.running:
            return
        noun = "ticket" if len(ids) == 1 else "tickets"
        description = f"{what} {len(ids):,} {noun}…"
        self.running = True
        self._title = what.rstrip(":").removesuffix(" on").removesuffix(" of")
        self.set_enabled(False)
        self.started.emit(description)
        BackgroundTask(lambda: work(ids), parent=self._window, label="bulk action").success(
            self._on_bulk_succeeded
        ).failure(self._on_bulk_failed).run_in_background()

    def _on_bulk_succeeded(self, result: BulkResult) -> None:
        self.running = False
        self.set_enabled(bool(self._selected_ids()))
        self.finished.emit(result)
        self.show_result(result)

    def _on_bulk_failed(self, exc: Exception) -> None:
        self.running = False
        self.set_enabled(bool(self._selected_ids()))
        self.finished.emit(None)
        show_error(self._window, exc)

    def show_result(self, result: BulkResult) -> None:
        """One message: how many changed, and each refused ticket with its reason."""
        summary = result.summary()
        first, _, rest = summary.partition("\n")
        lines = rest.splitlines()
        if len(lines) > MAX_LISTED_REFUSALS:
            more = len(lines) - MAX_LISTED_REFUSALS
            lines = [*lines[:MAX_LISTED_REFUSALS], f"… and {more} more (see Show Details)."]
        box = QMessageBox(self._window)
        box.setObjectName("bulkResultBox")
        box.setWindowTitle(f"{getattr(self, '_title', '') or 'Bulk action'} — result")
        box.setIcon(QMessageBox.Icon.Warning if result.refused else QMessageBox.Icon.Information)
        box.setText(first if not rest else first.rstrip(":") + ":")
        if lines:
            box.setInformativeText("\n".join(lines))
        if len(rest.splitlines()) > MAX_LISTED_REFUSALS:
            box.setDetailedText(summary)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_box = box
        box.open()

    def result_text(self) -> str:
        """What the last result message says (for tests and assistive tools)."""
        box = self.result_box
        if box is None:
            return ""
        return "\n".join(t for t in (box.text(), box.informativeText()) if t)
