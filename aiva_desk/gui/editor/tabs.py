"""Open tickets as tabs: a preview tab that follows the queue, and tabs kept open.

Like a mail client: selecting a ticket in the queue shows it in the *preview*
tab, replacing what was there — unless the preview has unsaved work, in which
case that tab is kept and the ticket opens in a new preview tab. Double-click a
tab (or open with ``new_tab=True``) to keep it open.

Closing a tab or the window with unsaved work asks Save / Discard / Cancel
through :meth:`TicketTabs.prompt_unsaved`, a hook tests replace.
"""

from __future__ import annotations

import enum
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.gui import tasks
from aiva_desk.gui.editor.editor import TicketEditor

NOTHING_OPEN = "Select a ticket in the queue to see it here."
TAB_TITLE_CHARS = 32
SAVE_WAIT_SECONDS = 30


class UnsavedChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class TicketTabs(QTabWidget):
    """The ticket editors of the main window, one tab per open ticket.

    Signals:
        ticket_saved(int): edits to the ticket with this id were saved.
        tickets_changed(list): a workflow step, log entry, note or attachment changed
            the tickets with these ids.
        current_ticket_changed(object): the ticket in the current tab (id, or None).
    """

    ticket_saved = Signal(int)
    tickets_changed = Signal(list)
    current_ticket_changed = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketTabs")
        self.setAccessibleName("Open tickets")
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self._context = context
        self._preview: TicketEditor | None = None
        self._highlight = ""
        self._current_id: int | None = None
        self.prompt_unsaved = self._ask_unsaved  # hook: list of editors -> UnsavedChoice
        self.save_action = self._action("saveTicketAction", "&Save Ticket", QKeySequence.Save)
        self.save_action.setToolTip("Save the changes to the ticket shown (Ctrl+S)")
        self.save_action.triggered.connect(self.save_current)
        self.close_tab_action = self._action(
            "closeTicketTabAction", "&Close Ticket Tab", QKeySequence.Close
        )
        self.close_tab_action.triggered.connect(self.close_current_tab)
        self.compose_action = self._action(
            "composeMailAction", "Compose &E-mail…", QKeySequence("Ctrl+R")
        )
        self.compose_action.setToolTip(
            "Write to the customer with the next SOP step's template (Ctrl+R)"
        )
        self.compose_action.triggered.connect(self.compose_current)
        self.tabCloseRequested.connect(self.close_tab)
        self.tabBarDoubleClicked.connect(self._on_tab_bar_double_clicked)
        self.currentChanged.connect(self._on_current_changed)

    def _action(
        self, name: str, text: str, shortcut: QKeySequence.StandardKey | QKeySequence
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    # -- opening -------------------------------------------------------------------

    def editors(self) -> list[TicketEditor]:
        return [self.widget(i) for i in range(self.count())]  # type: ignore[misc]

    def current_editor(self) -> TicketEditor | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, TicketEditor) else None

    def editor_for(self, ticket_id: int) -> TicketEditor | None:
        for editor in self.editors():
            if editor.ticket_id == ticket_id:
                return editor
        return None

    def preview_editor(self) -> TicketEditor | None:
        return self._preview

    def open_ticket(self, ticket_id: int, *, new_tab: bool = False) -> None:
        """Show the ticket: in the preview tab, or (``new_tab``) in a tab of its own."""
        editor = self.editor_for(ticket_id)
        if editor is not None:
            if new_tab and editor is self._preview:
                self.keep_open(editor)
            self.setCurrentWidget(editor)
            return
        if new_tab:
            editor = self._add_editor(preview=False)
        else:
            preview = self._preview
            if preview is not None and (preview.is_dirty() or preview.is_busy()):
                self.keep_open(preview)  # never replace unsaved work
                preview = None
            editor = preview or self._add_editor(preview=True)
        editor.load(ticket_id)
        self._update_tab(editor)
        self.setCurrentWidget(editor)
        self._emit_current()

    def keep_open(self, editor: TicketEditor) -> None:
        """Make the preview tab a tab of its own (the queue no longer replaces it)."""
        if editor is self._preview:
            self._preview = None
            self._update_tab(editor)

    def _add_editor(self, *, preview: bool) -> TicketEditor:
        editor = TicketEditor(self._context, self)
        editor.set_highlight(self._highlight)
        editor.saved.connect(self.ticket_saved)
        editor.ticket_changed.connect(lambda ticket_id: self.tickets_changed.emit([ticket_id]))
        editor.title_changed.connect(lambda _title, e=editor: self._update_tab(e))
        editor.dirty_changed.connect(lambda _dirty, e=editor: self._update_tab(e))
        editor.loaded.connect(lambda _id: self._emit_current())
        index = self.currentIndex() + 1 if self.count() else 0
        self.insertTab(index, editor, editor.title())
        if preview:
            self._preview = editor
        self._update_tab(editor)
        return editor

    def _update_tab(self, editor: TicketEditor) -> None:
        index = self.indexOf(editor)
        if index < 0:
            return
        title = editor.title()
        short = title if len(title) <= TAB_TITLE_CHARS else title[: TAB_TITLE_CHARS - 1] + "…"
        self.setTabText(index, ("● " if editor.is_dirty() else "") + short)
        tip = title
        if editor.is_dirty():
            tip += "\nUnsaved changes"
        if editor is self._preview:
            tip += "\nPreview: replaced when you select another ticket (double-click to keep it)"
        self.setTabToolTip(index, tip)

    def _on_tab_bar_double_clicked(self, index: int) -> None:
        editor = self.widget(index)
        if isinstance(editor, TicketEditor):
            self.keep_open(editor)

    # -- queries -------------------------------------------------------------------

    def current_ticket_id(self) -> int | None:
        editor = self.current_editor()
        return editor.ticket_id if editor is not None else None

    def open_ticket_ids(self) -> list[int]:
        return [e.ticket_id for e in self.editors() if e.ticket_id is not None]

    def has_unsaved_changes(self) -> bool:
        return any(editor.is_dirty() for editor in self.editors())

    def _on_current_changed(self, _index: int) -> None:
        self._emit_current()

    def _emit_current(self) -> None:
        ticket_id = self.current_ticket_id()
        if ticket_id != self._current_id:
            self._current_id = ticket_id
            self.current_ticket_changed.emit(ticket_id)

    # -- saving and closing --------------------------------------------------------

    def compose_current(self) -> None:
        """Open the composer for the ticket in the current tab (Ctrl+R)."""
        editor = self.current_editor()
        if editor is not None:
            editor.compose()

    def save_current(self) -> None:
        """Save the ticket in the current tab (Ctrl+S)."""
        editor = self.current_editor()
        if editor is not None:
            editor.save()

    def close_current_tab(self) -> bool:
        """Close the current tab, asking about unsaved work; False if it stays open."""
        return self.close_tab(self.currentIndex()) if self.count() else False

    def close_tab(self, index: int) -> bool:
        editor = self.widget(index)
        if not isinstance(editor, TicketEditor):
            return False
        if editor.is_dirty() and not self._settle([editor]):
            return False
        self._remove(editor)
        return True

    def confirm_close_all(self) -> bool:
        """Before the window closes: settle every tab with unsaved work; False to stay open."""
        return self._settle([editor for editor in self.editors() if editor.is_dirty()])

    def _settle(self, editors: list[TicketEditor]) -> bool:
        """Ask what to do with the unsaved work of ``editors`` and do it; False: cancelled."""
        if not editors:
            return True
        choice = self.prompt_unsaved(editors)
        if choice is UnsavedChoice.CANCEL:
            return False
        if choice is UnsavedChoice.DISCARD:
            for editor in editors:
                editor.discard_changes()
            return True
        return self._save_and_wait(editors)

    def _save_and_wait(self, editors: list[TicketEditor]) -> bool:
        """Save and let the saves finish (events keep flowing); True if all were saved."""
        for editor in editors:
            editor.save()
        deadline = time.monotonic() + SAVE_WAIT_SECONDS
        while time.monotonic() < deadline and (
            tasks.running_tasks() or any(editor.is_busy() for editor in editors)
        ):
            tasks.wait_for_idle(200)
        unsaved = [editor for editor in editors if editor.is_dirty()]
        if unsaved:
            self.setCurrentWidget(unsaved[0])  # show why it was not saved
        return not unsaved

    def _remove(self, editor: TicketEditor) -> None:
        if editor is self._preview:
            self._preview = None
        self.removeTab(self.indexOf(editor))
        editor.deleteLater()
        self._emit_current()

    def _ask_unsaved(self, editors: list[TicketEditor]) -> UnsavedChoice:
        """The Save / Discard / Cancel question, as a message box."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        if len(editors) == 1:
            box.setText(f"Save the changes to {editors[0].title()}?")
        else:
            titles = "\n".join(f"• {editor.title()}" for editor in editors)
            box.setText(f"{len(editors)} tickets have unsaved changes:\n{titles}\n\nSave them?")
        box.setInformativeText("If you don't save, your changes will be lost.")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        if answer == buttons.Save:
            return UnsavedChoice.SAVE
        if answer == buttons.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    # -- other windows and the search ----------------------------------------------

    def refresh_ticket(self, ticket_id: int) -> None:
        """The ticket changed elsewhere: reload it where it is open (edits are kept)."""
        for editor in self.editors():
            if editor.ticket_id == ticket_id:
                editor.refresh()

    def set_highlight(self, text: str) -> None:
        """Highlight the words of a search in every open ticket."""
        self._highlight = text
        for editor in self.editors():
            editor.set_highlight(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.count() == 0:
            painter = QPainter(self)
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, NOTHING_OPEN)
