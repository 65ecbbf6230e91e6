"""Never lose typing: the editor's unsaved work, kept in its draft file.

While an editor has unsaved work, a draft (the edited fields and the text in the
add-entry and add-note forms) is written every few seconds: a small atomic file
write, cheap enough for the GUI thread. Opening the ticket again restores it.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from aiva_desk.gui.common.banners import BannerArea
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.editor.fields import FIELD_LABELS
from aiva_desk.gui.editor.logs import NEW_ENTRY, NEW_NOTE
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.drafts import Draft

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000


class DraftKeeper(QObject):
    """Writes, restores and discards the draft of the ticket an editor shows.

    Signals:
        discard_clicked(): the agent chose "Discard" on the restored-draft banner.
    """

    discard_clicked = Signal()

    def __init__(
        self,
        state: EditorState,
        banners: BannerArea,
        interval_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._banners = banners
        self.on_disk = False  # a draft of this ticket may exist and must be kept current
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.write)

    def schedule(self) -> None:
        """Write within the interval if there is work to keep (or a draft to remove)."""
        if (self.on_disk or self._state.is_dirty()) and not self._timer.isActive():
            self._timer.start()

    def reset(self) -> None:
        """Another ticket is shown: its draft, if any, is restored separately."""
        self._timer.stop()
        self.on_disk = False

    def payload(self) -> dict[str, Any]:
        state = self._state
        fields: dict[str, Any] = state.changes()
        if entry := state.pending_entry():
            fields[NEW_ENTRY] = entry
        if note := state.pending_note():
            fields[NEW_NOTE] = note
        return fields

    def write(self) -> None:
        """Write the unsaved work now (or remove the draft when nothing is unsaved)."""
        state = self._state
        ticket = state.ticket
        if ticket is None:
            return
        fields = self.payload()
        if not fields and not self.on_disk:
            return
        try:
            state.context.drafts.save(ticket.id, state.base_version, fields)
        except OSError as exc:
            log.warning("Cannot write the draft of ticket %s: %s", ticket.id, exc)
            message = f"Your edits cannot be kept in a draft: {exc}"
            self._banners.show("draftError", "warning", message)
            return
        self.on_disk = bool(fields)
        self._banners.remove("draftError")

    def discard(self) -> None:
        ticket_id = self._state.ticket_id
        if ticket_id is not None:
            self._state.context.drafts.discard(ticket_id)
        self.on_disk = False

    def restore(self, draft: Draft, ticket: Ticket) -> None:
        """Put the draft's values into the editor and say so in a banner."""
        state = self._state
        restored = [name for name in draft.fields if name in state.fields]
        for name in restored:
            try:
                state.fields[name].set(draft.fields[name])
            except (TypeError, ValueError) as exc:
                log.warning("Draft value for %s not restored: %s", name, exc)
        if isinstance(entry := draft.fields.get(NEW_ENTRY), dict):
            state.entry_form.set_pending(entry)
        if isinstance(note := draft.fields.get(NEW_NOTE), str):
            state.note_form.set_pending(note)
        self.on_disk = True
        if not state.is_dirty():
            self.discard()  # the draft holds what is saved already
            return
        text = f"Restored unsaved changes from {local_time(draft.saved_at)}."
        if draft.base_version != ticket.version:
            edited = state.changes()
            differing = [FIELD_LABELS[name] for name in restored if name in edited]
            if differing:
                text += (
                    " The ticket was saved elsewhere after that; check "
                    f"{', '.join(differing)} before saving."
                )
        banner = self._banners.show("draft", "info", text)
        banner.add_button("Discard", self.discard_clicked.emit, name="discardDraftButton")
