"""The ticket editor: one ticket as a form laid out along the SOP's Support Ticket Template.

The static layout is ``ui/ticket_editor.ui``; the fields are bound by
:mod:`aiva_desk.gui.editor.fields`, the logs, attachments and workflow buttons
are small panels, and saving (with the merge of a version saved elsewhere) is
:class:`~aiva_desk.gui.editor.saving.EditorSaver`.

What the editor loaded and what the agent edited since is its
:class:`~aiva_desk.gui.editor.state.EditorState`: the parts work on that, not on
this widget, and signal through it what the editor should do (reload, re-mark the
unsaved work). ``changes()`` is what the agent edited; a draft of it is written
every few seconds while there are unsaved edits, and restored when the ticket is
opened again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.errors import NotFoundError
from aiva_desk.gui.common.banners import BannerArea, clear_problem
from aiva_desk.gui.common.file_drops import accept_file_drops
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.common.highlight import TermHighlighter
from aiva_desk.gui.common.reflow import FoldingGrids
from aiva_desk.gui.common.text_widgets import align_label_columns, fit_all
from aiva_desk.gui.composer.dialog import ComposerDialog
from aiva_desk.gui.editor.attachments import AttachmentsPanel
from aiva_desk.gui.editor.drafts import AUTOSAVE_MS, DraftKeeper
from aiva_desk.gui.editor.fields import (
    TEXT_FIELDS,
    bind_fields,
    ensure_choice,
    set_choices,
)
from aiva_desk.gui.editor.header import EditorHeader
from aiva_desk.gui.editor.logs import (
    NotesPanel,
    ReadOnlyLogs,
    TroubleshootingPanel,
)
from aiva_desk.gui.editor.mail import MailPanel
from aiva_desk.gui.editor.merge import editor_values
from aiva_desk.gui.editor.offers_bar import OfferBar
from aiva_desk.gui.editor.problems import EditorProblems
from aiva_desk.gui.editor.saving import EditorSaver
from aiva_desk.gui.editor.sop.closing_buttons import ClosingButtons
from aiva_desk.gui.editor.sop.panels import SupportPanels
from aiva_desk.gui.editor.state import RECORDED, EditorState
from aiva_desk.gui.editor.workflow import WorkflowBar, WorkflowSteps
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.reports.ticket_export import add_export_button
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import AuditEntry, Ticket
from aiva_desk.tickets.drafts import Draft
from aiva_desk.tickets.workflow import Action, transition_for

log = logging.getLogger(__name__)

WORKFLOW_FIELDS = {"category_id", "priority", "sla_due_at", "solution", "root_cause"}


class TicketEditor(QWidget):
    """Edit one ticket; load, save and workflow steps run in the background.

    Signals:
        loaded(int): the ticket with this id was loaded and is shown.
        dirty_changed(bool): unsaved work appeared (True) or is gone (False).
        title_changed(str): the ticket's short title ("#1234 Subject") changed.
        saved(int): edits to the ticket with this id were saved.
        ticket_changed(int): a workflow step, log entry, note or attachment changed it.
    """

    loaded = Signal(int)
    dirty_changed = Signal(bool)
    title_changed = Signal(str)
    saved = Signal(int)
    ticket_changed = Signal(int)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, autosave_ms: int = AUTOSAVE_MS
    ) -> None:
        super().__init__(parent)
        load_form("ticket_editor.ui", into=self)
        self.setObjectName("ticketEditor")
        self.setAcceptDrops(True)
        self.context = context
        self.service = context.tickets
        self.fields = bind_fields(self)
        self.banners = BannerArea(
            child(self, QWidget, "bannerArea"), child(self, QVBoxLayout, "bannerLayout")
        )
        self.header = EditorHeader(self)
        self.workflow = WorkflowBar(self)
        self.troubleshooting = TroubleshootingPanel(self, self.service)
        self.notes = NotesPanel(self, self.service)
        self.state = EditorState(context, self.fields, self.troubleshooting, self.notes, self)
        self.problems = EditorProblems(self, self.fields, self.banners)
        self.logs = ReadOnlyLogs(self, self.service.attachments)
        # Compose, log drafts to send, unsent messages.
        self.mail_panel = MailPanel(self.state, self, self.logs.communications)
        self.attachments = AttachmentsPanel(self, self.service)
        self.drafts = DraftKeeper(self.state, self.banners, autosave_ms, parent=self)
        self.saver = EditorSaver(
            self.state,
            header=self.header,
            banners=self.banners,
            problems=self.problems,
            drafts=self.drafts,
            parent=self,
        )
        self.steps = WorkflowSteps(self.state, self.workflow, self.saver, self)
        self.scroll = child(self, QScrollArea, "editorScroll")
        fit_all(self, TEXT_FIELDS)
        align_label_columns(child(self, QWidget, "editorBody"))
        self.folding = FoldingGrids(self.scroll, child(self, QWidget, "editorBody"))
        self._highlighters: list[TermHighlighter] = []
        self._search = ""
        self._was_dirty = False
        self._load_token = 0
        self.state.edits_changed.connect(self._update_dirty)
        self.state.reload_requested.connect(self.refresh)
        self.state.ticket_changed.connect(self.ticket_changed)
        self.saver.saved.connect(self.saved)
        self.drafts.discard_clicked.connect(self.discard_changes)
        for name, binding in self.fields.items():
            binding.changed.connect(lambda *_args, n=name: self._on_field_changed(n))
        for panel in (self.troubleshooting, self.notes):
            panel.edited.connect(self._on_pending_edited)
            panel.added.connect(self._on_log_added)
            panel.refused.connect(self.show_problems)
        self.attachments.attached.connect(self._on_log_added)
        self.header.save_button.clicked.connect(lambda _checked=False: self.save())
        self.export_button = add_export_button(self, context)  # the ticket report
        self.header.connect_due_button(self.fields["sla_due_at"])
        accept_file_drops(self, self.attach_files)  # on the editor and on its text boxes
        self.scroll.setEnabled(False)
        # Checklists | Resolution | Escalation beside the form, and the close gates.
        self.support = SupportPanels(self.state, self.saver, ClosingButtons(self), self)
        self.support.install(child(self, QVBoxLayout, "editorLayout"), self.scroll)
        self.support.checklists.send_draft_requested.connect(
            lambda draft_id: self.mail_panel.compose(draft_communication_id=draft_id)
        )
        self.workflow.compose_requested.connect(lambda template: self.mail_panel.compose(template))
        # "Request information" (next step or checklists): one path, the drafted request
        self.steps.request_requested.connect(lambda _t: self.support.request_information())
        self.support.checklists.asked_elsewhere.connect(
            lambda: self.steps.start(transition_for(Action.REQUEST_INFORMATION))
        )
        self.offers = OfferBar(self.state, self)  # a reply's confirmation or score

    # -- public --------------------------------------------------------------------

    @property
    def ticket_id(self) -> int | None:
        """The ticket shown (or being loaded)."""
        return self.state.ticket_id

    @property
    def ticket(self) -> Ticket | None:
        """The ticket as last loaded (detached), or ``None``."""
        return self.state.ticket

    def title(self) -> str:
        ticket = self.state.ticket
        if ticket is None:
            return "Loading…" if self.state.ticket_id is not None else "No ticket"
        return f"{ticket_number(ticket.number)} {ticket.subject}"

    def values(self) -> dict[str, Any]:
        return self.state.values()

    def changes(self) -> dict[str, Any]:
        """The fields edited since the ticket was loaded (tags under ``"tags"``)."""
        return self.state.changes()

    def pending_entry(self) -> dict[str, str]:
        return self.state.pending_entry()

    def pending_note(self) -> str:
        return self.state.pending_note()

    def is_dirty(self) -> bool:
        """Unsaved work: edited fields, or text in the add-entry or add-note forms."""
        return self.state.is_dirty()

    def is_busy(self) -> bool:
        return self.saver.is_saving()

    def load(self, ticket_id: int) -> None:
        """Show the ticket ``ticket_id`` (loaded in the background)."""
        if ticket_id == self.state.ticket_id:
            self.refresh()
            return
        self.state.ticket_id = ticket_id
        if self.state.ticket is None:
            self.header.show_loading()
        self._start_load("open")

    def refresh(self, reason: str = "refresh") -> None:
        """Load the ticket again; edits are kept, and merged when saved."""
        if self.state.ticket_id is not None:
            self._start_load(reason)

    def save(self) -> None:
        """Save the edits (Ctrl+S) in the background."""
        self.saver.save()

    def set_highlight(self, text: str) -> None:
        """Highlight the words of a search in the text fields and logs."""
        self._search = text
        if text and not self._highlighters:
            self._highlighters = [
                TermHighlighter(child(self, QPlainTextEdit, name).document())
                for name in TEXT_FIELDS.values()
            ]
        for highlighter in self._highlighters:
            highlighter.set_search(text)
        for view in (self.troubleshooting.list, self.notes.list, self.logs.communications):
            view.set_search(text)

    def discard_changes(self) -> None:
        """Forget the unsaved edits and the draft; show the ticket as saved."""
        self.state.discard_edits()
        self.problems.clear()
        self.banners.remove("draft")
        self.drafts.discard()
        self._update_dirty()

    def compose(self, template: str | None = None) -> ComposerDialog | None:
        """Open the e-mail composer for this ticket (``template``: a template key; by
        default the one the next SOP step calls for). ``None`` while no ticket is shown."""
        return self.mail_panel.compose(template)

    def write_draft(self) -> None:
        """Write the unsaved work to the draft file now (or remove the draft when clean)."""
        self.drafts.write()

    # -- loading -------------------------------------------------------------------

    def _start_load(self, reason: str) -> None:
        self._load_token += 1
        token, ticket_id, service = self._load_token, self.state.ticket_id, self.service
        drafts = self.context.drafts
        assert ticket_id is not None

        def load() -> tuple[Ticket, list[AuditEntry], tuple[Any, Any], Draft | None]:
            ticket, history = service.get(ticket_id), service.history(ticket_id)
            lookups = (
                [(c.name, c.id) for c in service.categories()],
                [(s.name, s.id) for s in service.staff()],
            )
            return ticket, history, lookups, drafts.load(ticket_id) if reason == "open" else None

        BackgroundTask(load, parent=self, writes=False, label=f"load ticket {ticket_id}").success(
            lambda result: self._on_load_succeeded(token, reason, result)
        ).failure(lambda exc: self._on_load_failed(token, exc)).run_in_background()

    def _on_load_succeeded(self, token: int, reason: str, result: tuple) -> None:
        if token != self._load_token:
            return  # a newer load won
        ticket, history, (categories, staff), draft = result
        state = self.state
        with state.filling():
            set_choices(self.fields["category_id"], [("No category", None), *categories])
            set_choices(self.fields["assignee_id"], [("Unassigned", None), *staff])
        if state.ticket is None or state.ticket.id != ticket.id:
            if state.ticket is not None and self.is_dirty():
                self.write_draft()  # typed into the old ticket while the new one loaded
            self._reset_for_new_ticket()
            self._show(ticket, history, keep_scroll=False)
            if draft is not None:
                self.drafts.restore(draft, ticket)
        elif not self.is_dirty():
            self._show(ticket, history, keep_scroll=True)
        else:
            state.ticket = ticket
            self._show_context(ticket, history)
            stored = editor_values(ticket)
            if stored == state.base:
                state.base_version = ticket.version  # only logs or the workflow changed
            elif reason == RECORDED and all(stored[n] == state.base[n] for n in state.dirty):
                state.take_base(ticket, keep=state.dirty)  # our one click, beside the edits
                self.banners.remove("changedElsewhere")
                self._update_dirty()
            elif reason != "conflict":
                state.stale = True
                self.banners.show(
                    "changedElsewhere",
                    "warning",
                    "Changed elsewhere — your edits will be merged on save.",
                )
        self.scroll.setEnabled(True)
        state.loaded.emit(ticket.id)  # first the editor's own parts (the SOP panels)
        self.loaded.emit(ticket.id)

    def _on_load_failed(self, token: int, exc: Exception) -> None:
        if token != self._load_token:
            return
        if isinstance(exc, NotFoundError):
            self.banners.show("notFound", "error", exc.message)
            self.header.show_missing(exc.message)
            return
        show_error(self, exc)

    def _reset_for_new_ticket(self) -> None:
        self.banners.clear()
        self.workflow.hide_message()
        self.state.due_edited = False
        self.drafts.reset()
        self.problems.clear()
        with self.state.filling():
            self.troubleshooting.clear_form()
            self.notes.clear_form()

    def _show(self, ticket: Ticket, history: list[AuditEntry], *, keep_scroll: bool) -> None:
        """Show ``ticket`` as saved: every field, and it becomes the base of new edits."""
        scroll = self.scroll.verticalScrollBar().value() if keep_scroll else 0
        with self.state.filling():
            if ticket.category is not None:  # an inactive category is not in the list
                ensure_choice(self.fields["category_id"], ticket.category_id, ticket.category.name)
            if ticket.assignee is not None:
                ensure_choice(self.fields["assignee_id"], ticket.assignee_id, ticket.assignee.name)
        self.state.take_base(ticket)
        self.banners.remove("changedElsewhere")
        self._show_context(ticket, history)
        self._update_dirty()
        self.scroll.verticalScrollBar().setValue(scroll)
        bar = self.scroll.verticalScrollBar()
        QTimer.singleShot(0, bar, lambda: bar.setValue(scroll))  # after the layout settled

    def _show_context(self, ticket: Ticket, history: list[AuditEntry]) -> None:
        """Everything but the editable fields: header, customer, logs, closure, history."""
        self.state.ticket = ticket
        self.header.show_ticket(ticket)
        self.troubleshooting.show_ticket(ticket)
        self.notes.show_ticket(ticket)
        self.logs.show_ticket(ticket, list(reversed(history)))
        self.mail_panel.show_ticket(ticket)
        self.attachments.show_ticket(ticket)
        if self.workflow.is_stale_for(ticket.id, ticket.status):
            self.workflow.hide_message()
        self._update_steps()
        self.title_changed.emit(self.title())

    # -- editing -------------------------------------------------------------------

    def _on_field_changed(self, name: str) -> None:
        if self.state.populating:
            return
        self.state.field_edited(name)
        clear_problem(self.fields[name].widget)
        if name in WORKFLOW_FIELDS:
            self._update_steps()
        self._update_dirty()

    def _on_pending_edited(self) -> None:
        if not self.state.populating:
            self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.drafts.schedule()
        self.header.set_dirty(dirty, saving=self.saver.is_saving())
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)
            if not dirty and self.state.stale and not self.saver.is_saving():
                self.refresh()  # nothing left to merge: show what is saved now

    def show_problems(self, problems: dict[str, str]) -> None:
        """Mark the fields a save was refused for, and list the problems in a banner."""
        self.problems.show(problems)

    # -- workflow, logs, attachments ----------------------------------------------

    def _update_steps(self) -> None:
        self.steps.update()

    def add_troubleshooting_entry(self) -> None:
        """Add the entry in the troubleshooting form (the core timestamps it)."""
        self.troubleshooting.add()

    def add_note(self) -> None:
        """Add the internal note in the note box."""
        self.notes.add()

    def _on_log_added(self, ticket_id: int) -> None:
        """A log entry, note or attachment was added: announce it and show it."""
        self.problems.clear()
        self.announce_change(ticket_id)

    def announce_change(self, ticket_id: int) -> None:
        """Something beside the fields changed the ticket (a log entry, a checklist item,
        an escalation): tell the window and show the ticket as stored now."""
        self.state.announce_change(ticket_id)

    def attach_files(self, paths: list[Path]) -> None:
        """Attach files to the ticket (the file picker, a drop, or a test)."""
        if self.state.ticket is not None:
            self.attachments.attach_files(paths)
