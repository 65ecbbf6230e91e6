"""Saving the editor: a background write, and the merge when someone saved first.

A save sends only the edited fields with the version they were based on. When
the ticket was saved elsewhere meanwhile, the service refuses (ConflictError);
the current version is loaded and merged three-way. Edits that do not overlap
are saved on top of it by themselves; fields changed on both sides go to the
:class:`~aiva_desk.gui.editor.conflict_dialog.ConflictDialog`. Cancelling keeps the
edits unsaved, in the editor and in its draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from aiva_desk.errors import ConflictError, NotFoundError, ValidationError
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.editor.conflict_dialog import ConflictDialog
from aiva_desk.gui.editor.fields import FIELD_LABELS, describe_value
from aiva_desk.gui.editor.merge import editor_values, merge_edits
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.merge import MergeResult, resolve

if TYPE_CHECKING:
    from aiva_desk.gui.editor.editor import TicketEditor

Callback = Callable[[], object] | None


class EditorSaver(QObject):
    """Saves one editor's work; at most one save runs at a time."""

    def __init__(self, editor: TicketEditor) -> None:
        super().__init__(editor)
        self._editor = editor
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
        editor = self._editor
        if editor.ticket is None:
            return
        if self._saving:
            self._again = True  # typed more and pressed Ctrl+S again: save once this is done
            return
        if self.conflict_dialog is not None:
            self.conflict_dialog.raise_()
            self.conflict_dialog.activateWindow()
            return
        entry = editor.pending_entry()
        if entry and not any(
            entry.get(part, "").strip() for part in ("checked", "found", "action")
        ):
            problem = "Write what was checked, found or done in the entry, or clear its title."
            editor.show_problems({"checked": problem})
            if failed:
                failed()
            return
        changes = editor.changes()
        if not (changes or entry or editor.pending_note()):
            if then:
                then()
            return
        self._then, self._failed = then, failed
        self._start(changes, editor.base_version)

    def _start(self, changes: dict[str, Any], version: int) -> None:
        editor = self._editor
        service, ticket_id = editor.service, editor.ticket_id
        entry, note = editor.pending_entry(), editor.pending_note()
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
        editor.header.set_dirty(True, saving=True)
        BackgroundTask(work, parent=editor, label=f"save ticket {ticket_id}").success(
            lambda new_version: self._on_saved(ticket_id, changes, entry, note, new_version)
        ).failure(lambda exc: self._on_failed(ticket_id, exc)).run_in_background()

    def _on_saved(
        self, ticket_id: int, changes: dict[str, Any], entry: dict, note: str, version: int
    ) -> None:
        self._saving = False
        editor = self._editor
        if editor.ticket_id == ticket_id:
            editor.accept_saved(changes, version)
            if entry and editor.pending_entry() == entry:
                editor.troubleshooting.clear_form()
            if note and editor.pending_note() == note:
                editor.notes.clear_form()
            editor.banners.remove("conflict")
            editor.banners.remove("draft")
            if self._message:
                editor.banners.show("merged", "info", self._message)
            editor.write_draft()  # removes the draft when nothing is left unsaved
            editor.refresh("saved")
        self._message = ""
        editor.saved.emit(ticket_id)
        then, self._then, self._failed = self._then, None, None
        if then:
            then()
        if self._again:
            self._again = False
            self.save()

    def _on_failed(self, ticket_id: int, exc: Exception) -> None:
        self._saving = False
        self._message = ""
        editor = self._editor
        editor.header.set_dirty(editor.is_dirty())
        failed, self._then, self._failed = self._failed, None, None
        self._again = False
        if isinstance(exc, ConflictError):
            self._load_theirs(ticket_id)
        elif isinstance(exc, ValidationError):
            editor.show_problems(exc.problems)
        elif isinstance(exc, NotFoundError):
            editor.banners.show("notFound", "error", f"{exc.message} Your edits are in a draft.")
        else:
            show_error(editor, exc)
        editor.write_draft()
        if failed:
            failed()

    # -- saved elsewhere -----------------------------------------------------------

    def _load_theirs(self, ticket_id: int) -> None:
        service = self._editor.service
        BackgroundTask(
            lambda: service.get(ticket_id), parent=self._editor, writes=False, label="load theirs"
        ).success(lambda theirs: self._on_theirs_loaded(ticket_id, theirs)).failure(
            lambda exc: show_error(self._editor, exc)
        ).run_in_background()

    def _on_theirs_loaded(self, ticket_id: int, theirs: Ticket) -> None:
        editor = self._editor
        if editor.ticket_id != ticket_id:
            return
        base = editor.base_values
        result = merge_edits(base, {**base, **editor.changes()}, editor_values(theirs))
        label = ticket_number(theirs.number)
        if result.conflicts:
            self._ask(ticket_id, theirs, result, label)
            return
        editor.rebase(theirs, keep=set(result.merged))
        if result.taken_from_theirs:
            names = ", ".join(FIELD_LABELS[name] for name in result.taken_from_theirs)
            self._message = (
                f"{label} was changed elsewhere ({names}); your changes were merged with "
                "those and saved."
            )
        self._save_resolved(result.merged, theirs.version)

    def _ask(self, ticket_id: int, theirs: Ticket, result: MergeResult, label: str) -> None:
        editor = self._editor
        dialog = ConflictDialog(
            result.conflicts,
            lambda name, value: describe_value(editor.fields[name], value),
            editor,
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
        editor = self._editor
        label = ticket_number(theirs.number)
        if editor.ticket_id != ticket_id:
            return
        if code != QDialog.DialogCode.Accepted:
            editor.banners.show(
                "conflict",
                "warning",
                f"Not saved: {label} was changed elsewhere. Your edits are kept; save again to "
                "choose between the versions.",
            )
            editor.write_draft()
            return
        choices = dialog.choices()
        keep = set(result.merged) | {name for name, side in choices.items() if side == "mine"}
        editor.rebase(theirs, keep)
        self._save_resolved(resolve(result, choices), theirs.version)

    def _save_resolved(self, changes: dict[str, Any], version: int) -> None:
        editor = self._editor
        if changes or editor.pending_entry() or editor.pending_note():
            self._start(changes, version)
        else:  # what is saved already has everything: nothing left to write
            editor.write_draft()
            editor.refresh("saved")
