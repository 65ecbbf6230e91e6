"""Saving the editor: a background write, and the merge when someone saved first.

A save sends only the edited fields with the version they were based on. When
the ticket was saved elsewhere meanwhile, the service refuses (ConflictError);
the current version is loaded and merged three-way. Edits that do not overlap
are saved on top of it by themselves; fields changed on both sides go to the
:class:`~aiva_desk.gui.editor.conflict_dialog.ConflictDialog`. Cancelling keeps the
edits unsaved, in the editor and in its draft.

The whole of a save can be read here: it works on the editor's
:class:`~aiva_desk.gui.editor.state.EditorState` (what is edited, the base and its
version), writes to the header, banners, problem marks and draft it is given, and asks
for the ticket to be loaded again through the state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from aiva_desk.errors import ConflictError, NotFoundError, ValidationError
from aiva_desk.gui.common.banners import BannerArea
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.editor.conflict_dialog import ConflictDialog
from aiva_desk.gui.editor.drafts import DraftKeeper
from aiva_desk.gui.editor.fields import FIELD_LABELS, describe_value
from aiva_desk.gui.editor.header import EditorHeader
from aiva_desk.gui.editor.merge import editor_values, merge_edits
from aiva_desk.gui.editor.problems import EditorProblems
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.merge import MergeResult, resolve

Callback = Callable[[], object] | None


class EditorSaver(QObject):
    """Saves one editor's work; at most one save runs at a time.

    Signals:
        saved(int): edits to the ticket with this id were saved.
    """

    saved = Signal(int)

    def __init__(
        self,
        state: EditorState,
        *,
        header: EditorHeader,
        banners: BannerArea,
        problems: EditorProblems,
        drafts: DraftKeeper,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._header = header
        self._banners = banners
        self._problems = problems
        self._drafts = drafts
        self._widget = parent  # errors and the conflict dialog are shown over it
        self._saving = False
        self._again = False
        self._then: Callback = None
        self._failed: Callback = None
        self._message = ""
        self.conflict_dialog: ConflictDialog | None = None

    def is_saving(self) -> bool:
        return self._saving

    def save(self, then: Callback = None, failed: Callback = None) -> None:
        """Save everything unsaved; ``then`` runs after a successful save."""
        state = self._state
        if state.ticket is None:
            return
        if self._saving:
            self._again = True  # typed more and pressed Ctrl+S again: save once this is done
            return
        if self.conflict_dialog is not None:
            self.conflict_dialog.raise_()
            self.conflict_dialog.activateWindow()
            return
        entry = state.pending_entry()
        if entry and not any(
            entry.get(part, "").strip() for part in ("checked", "found", "action")
        ):
            problem = "Write what was checked, found or done in the entry, or clear its title."
            self._problems.show({"checked": problem})
            if failed:
                failed()
            return
        changes = state.changes()
        if not (changes or entry or state.pending_note()):
            if then:
                then()
            return
        self._then, self._failed = then, failed
        self._start(changes, state.base_version)

    def _start(self, changes: dict[str, Any], version: int) -> None:
        state = self._state
        service, ticket_id = state.service, state.ticket_id
        entry, note = state.pending_entry(), state.pending_note()
        assert ticket_id is not None

        def work() -> int:
            current = version
            if changes:  # fields and tags together, in one transaction
                current = service.update(ticket_id, current, changes)
            if entry:
                current = service.add_troubleshooting(ticket_id, **entry)
            if note:
                current = service.add_note(ticket_id, note)
            return current

        self._saving = True
        self._header.set_dirty(True, saving=True)
        BackgroundTask(work, parent=self._widget, label=f"save ticket {ticket_id}").success(
            lambda new_version: self._on_saved(ticket_id, changes, entry, note, new_version)
        ).failure(lambda exc: self._on_failed(ticket_id, exc)).run_in_background()

    def _on_saved(
        self, ticket_id: int, changes: dict[str, Any], entry: dict, note: str, version: int
    ) -> None:
        self._saving = False
        state = self._state
        if state.ticket_id == ticket_id:
            self._accept(changes, version)
            if entry and state.pending_entry() == entry:
                state.entry_form.clear_form()
            if note and state.pending_note() == note:
                state.note_form.clear_form()
            self._banners.remove("conflict")
            self._banners.remove("draft")
            if self._message:
                self._banners.show("merged", "info", self._message)
            self._drafts.write()  # removes the draft when nothing is left unsaved
            state.reload_requested.emit("saved")
        self._message = ""
        self.saved.emit(ticket_id)
        then, self._then, self._failed = self._then, None, None
        if then:
            then()
        if self._again:
            self._again = False
            self.save()

    def _accept(self, sent: dict[str, Any], version: int) -> None:
        """``sent`` was stored as ``version``: it becomes part of the base."""
        state = self._state
        for name, value in sent.items():
            state.base[name] = value
            state.baseline[name] = value
            if state.fields[name].get() == value:
                state.dirty.discard(name)
        state.due_edited = state.due_edited or "sla_due_at" in sent
        state.base_version = version
        self._problems.clear()
        state.edits_changed.emit()

    def _on_failed(self, ticket_id: int, exc: Exception) -> None:
        self._saving = False
        self._message = ""
        self._header.set_dirty(self._state.is_dirty())
        failed, self._then, self._failed = self._failed, None, None
        self._again = False
        if isinstance(exc, ConflictError):
            self._load_theirs(ticket_id)
        elif isinstance(exc, ValidationError):
            self._problems.show(exc.problems)
        elif isinstance(exc, NotFoundError):
            self._banners.show("notFound", "error", f"{exc.message} Your edits are in a draft.")
        else:
            show_error(self._widget, exc)
        self._drafts.write()
        if failed:
            failed()

    # -- saved elsewhere -----------------------------------------------------------

    def _load_theirs(self, ticket_id: int) -> None:
        service = self._state.service
        BackgroundTask(
            lambda: service.get(ticket_id), parent=self._widget, writes=False, label="load theirs"
        ).success(lambda theirs: self._on_theirs_loaded(ticket_id, theirs)).failure(
            lambda exc: show_error(self._widget, exc)
        ).run_in_background()

    def _on_theirs_loaded(self, ticket_id: int, theirs: Ticket) -> None:
        state = self._state
        if state.ticket_id != ticket_id:
            return
        base = dict(state.base)
        result = merge_edits(base, {**base, **state.changes()}, editor_values(theirs))
        label = ticket_number(theirs.number)
        if result.conflicts:
            self._ask(ticket_id, theirs, result, label)
            return
        self._rebase(theirs, keep=set(result.merged))
        if result.taken_from_theirs:
            names = ", ".join(FIELD_LABELS[name] for name in result.taken_from_theirs)
            self._message = (
                f"{label} was changed elsewhere ({names}); your changes were merged with "
                "those and saved."
            )
        self._save_resolved(result.merged, theirs.version)

    def _rebase(self, theirs: Ticket, keep: Collection[str]) -> None:
        """Make ``theirs`` the new base; fields in ``keep`` keep the agent's value."""
        self._state.take_base(theirs, keep)
        self._banners.remove("changedElsewhere")
        self._header.show_ticket(theirs)
        self._state.edits_changed.emit()

    def _ask(self, ticket_id: int, theirs: Ticket, result: MergeResult, label: str) -> None:
        fields = self._state.fields
        dialog = ConflictDialog(
            result.conflicts,
            lambda name, value: describe_value(fields[name], value),
            self._widget,
            ticket_label=label,
        )
        self.conflict_dialog = dialog
        dialog.finished.connect(
            lambda code: self._on_dialog_finished(ticket_id, dialog, theirs, result, code)
        )
        dialog.open()

    def _on_dialog_finished(
        self, ticket_id: int, dialog: ConflictDialog, theirs: Ticket, result: MergeResult, code: int
    ) -> None:
        self.conflict_dialog = None
        dialog.deleteLater()
        label = ticket_number(theirs.number)
        if self._state.ticket_id != ticket_id:
            return
        if code != QDialog.DialogCode.Accepted:
            self._banners.show(
                "conflict",
                "warning",
                f"Not saved: {label} was changed elsewhere. Your edits are kept; save again to "
                "choose between the versions.",
            )
            self._drafts.write()
            return
        choices = dialog.choices()
        keep = set(result.merged) | {name for name, side in choices.items() if side == "mine"}
        self._rebase(theirs, keep)
        self._save_resolved(resolve(result, choices), theirs.version)

    def _save_resolved(self, changes: dict[str, Any], version: int) -> None:
        state = self._state
        if changes or state.pending_entry() or state.pending_note():
            self._start(changes, version)
        else:  # what is saved already has everything: nothing left to write
            self._drafts.write()
            state.reload_requested.emit("saved")
