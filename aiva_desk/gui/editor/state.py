"""What one ticket editor holds: the ticket it shows and the agent's unsaved work on it.

The editor's parts (saving, drafts, the workflow steps, the mail part, the SOP
panels) work on an :class:`EditorState` instead of reaching into the editor widget:
each is given the state and the few widgets it uses, and says what it changed
through the state's signals, which the editor turns into what the window sees.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal

from aiva_desk.app_context import AppContext
from aiva_desk.gui.editor.fields import FieldBinding
from aiva_desk.gui.editor.logs import NotesPanel, TroubleshootingPanel
from aiva_desk.gui.editor.merge import editor_values
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import TicketService

RECORDED = "recorded"  # the reload reason after a one-click write (announce_recorded)


class EditorState(QObject):
    """The loaded ticket, the values edits are based on, and what was edited since.

    ``base`` holds the values of the ticket the edits are based on and ``base_version``
    its version (a save over a newer one is a conflict); ``baseline`` holds the same
    values as the widgets give them back, so a freshly shown ticket is never "edited".
    Text typed into the add-entry and add-note forms counts as unsaved work too.

    Signals:
        loaded(int): the ticket with this id was loaded and is shown.
        edits_changed(): the unsaved work, or the base it is measured from, changed.
        reload_requested(str): load the ticket again (the reason: "saved", "step"…;
            "recorded": a one-click write of the editor's own, shown beside the edits).
        ticket_changed(int): a step, log entry, note, attachment or panel changed the
            ticket with this id.
    """

    loaded = Signal(int)
    edits_changed = Signal()
    reload_requested = Signal(str)
    ticket_changed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        fields: dict[str, FieldBinding],
        entry_form: TroubleshootingPanel,
        note_form: NotesPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.fields = fields
        self.entry_form = entry_form
        self.note_form = note_form
        self.ticket_id: int | None = None  # shown, or being loaded
        self.ticket: Ticket | None = None  # as last loaded (detached)
        self.base: dict[str, Any] = {}
        self.base_version = 0
        self.baseline: dict[str, Any] = {}
        self.dirty: set[str] = set()  # fields edited since the base
        self.stale = False  # saved elsewhere since the base was loaded
        self.due_edited = False  # the agent set the SLA deadline by hand (triage keeps it)
        self.populating = False  # the fields are being filled, not edited

    @property
    def service(self) -> TicketService:
        return self.context.tickets

    # -- the agent's work ----------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every field as the form holds it now."""
        return {name: binding.get() for name, binding in self.fields.items()}

    def changes(self) -> dict[str, Any]:
        """The fields edited since the base was loaded (tags under ``"tags"``)."""
        return {name: self.fields[name].get() for name in self.fields if name in self.dirty}

    def pending_entry(self) -> dict[str, str]:
        """The troubleshooting entry typed but not added yet ({} when none)."""
        return self.entry_form.pending()

    def pending_note(self) -> str:
        """The internal note typed but not added yet ("" when none)."""
        return self.note_form.pending()

    def is_dirty(self) -> bool:
        """Unsaved work: edited fields, or text in the add-entry or add-note forms."""
        return bool(self.dirty or self.pending_entry() or self.pending_note())

    def field_edited(self, name: str) -> None:
        """The agent changed the field ``name``: it is edited unless back at its base."""
        if self.fields[name].get() != self.baseline.get(name):
            self.dirty.add(name)
        else:
            self.dirty.discard(name)

    # -- filling the form ----------------------------------------------------------

    @contextmanager
    def filling(self) -> Iterator[None]:
        """Fill the fields without counting it as the agent's edits."""
        self.populating = True
        try:
            yield
        finally:
            self.populating = False

    def take_base(self, ticket: Ticket, keep: Collection[str] = ()) -> None:
        """Show ``ticket`` as the base of the edits; the fields in ``keep`` keep the agent's
        value and stay edited where it differs from the ticket's."""
        values = editor_values(ticket)
        with self.filling():
            for name, binding in self.fields.items():
                if name not in keep:
                    binding.set(values[name])
        self.ticket, self.base, self.base_version = ticket, values, ticket.version
        self.baseline = {
            name: binding.normalize(values[name]) if name in keep else binding.get()
            for name, binding in self.fields.items()
        }
        self.dirty = {name for name in keep if self.fields[name].get() != self.baseline[name]}
        self.stale = False

    def discard_edits(self) -> None:
        """Put the base values back into the edited fields and empty the add forms."""
        with self.filling():
            for name in list(self.dirty):
                self.fields[name].set(self.base[name])
            self.entry_form.clear_form()
            self.note_form.clear_form()
        self.dirty.clear()

    # -- telling the editor --------------------------------------------------------

    def announce_change(self, ticket_id: int) -> None:
        """Something beside the fields changed the ticket (a log entry, a checklist item,
        an escalation, a message): say so, and show the ticket as stored now."""
        self.ticket_changed.emit(ticket_id)
        if ticket_id == self.ticket_id:
            self.reload_requested.emit("log")

    def announce_recorded(self, ticket_id: int) -> None:
        """A one-click record of the agent's (a reply's offer) changed the ticket: say so,
        and show it at once, beside any unsaved edits it does not touch."""
        self.ticket_changed.emit(ticket_id)
        if ticket_id == self.ticket_id:
            self.reload_requested.emit(RECORDED)
