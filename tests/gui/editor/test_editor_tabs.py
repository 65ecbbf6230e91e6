"""Ticket tabs: the preview tab, tabs kept open, unsaved-changes prompts, outside changes."""

from __future__ import annotations

import pytest

from aiva_desk.gui.editor.editor import TicketEditor
from aiva_desk.gui.editor.tabs import UnsavedChoice
from tests.helpers.editor_helpers import idle, make_ticket, open_in

pytestmark = pytest.mark.usefixtures("shown_errors")  # errors captured (conftest.py)


class Prompt:
    """Stands in for the Save / Discard / Cancel question."""

    def __init__(self, answer: UnsavedChoice) -> None:
        self.answer = answer
        self.asked: list[list[int | None]] = []

    def __call__(self, editors: list[TicketEditor]) -> UnsavedChoice:
        self.asked.append([editor.ticket_id for editor in editors])
        return self.answer


def edit_subject(qtbot, editor: TicketEditor, text: str) -> None:
    subject = editor.fields["subject"].widget
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, text)


def test_the_preview_tab_follows_the_queue_but_never_replaces_unsaved_work(
    qtbot, context, tabs
) -> None:
    first, second, third = (make_ticket(context, n) for n in (1, 2, 3))
    changes: list[object] = []
    tabs.current_ticket_changed.connect(changes.append)
    open_in(qtbot, tabs, first)
    preview = open_in(qtbot, tabs, second)
    assert tabs.count() == 1 and tabs.preview_editor() is preview
    assert tabs.current_ticket_id() == second
    assert changes == [first, second]

    edit_subject(qtbot, preview, "Edited, not saved")
    open_in(qtbot, tabs, third)
    assert tabs.count() == 2
    assert tabs.open_ticket_ids() == [second, third]
    assert tabs.tabText(0).startswith("● #")  # the edited ticket kept its own tab
    assert tabs.editor_for(second).fields["subject"].get() == "Edited, not saved"
    assert tabs.current_ticket_id() == third and tabs.has_unsaved_changes()


def test_open_two_tickets_in_tabs_of_their_own(qtbot, context, tabs) -> None:
    first, second = make_ticket(context, 1), make_ticket(context, 2)
    one = open_in(qtbot, tabs, first, new_tab=True)
    two = open_in(qtbot, tabs, second, new_tab=True)
    assert tabs.count() == 2 and one is not two
    assert tabs.tabText(0).startswith(f"#{one.ticket.number}")
    tabs.open_ticket(first)  # already open: focus it, do not open it twice
    assert tabs.count() == 2 and tabs.current_editor() is one
    assert tabs.current_ticket_id() == first
    tabs.setCurrentIndex(1)
    assert tabs.current_ticket_id() == second


def test_closing_a_tab_with_unsaved_changes_asks_first(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    edit_subject(qtbot, editor, "Keep me")

    tabs.prompt_unsaved = Prompt(UnsavedChoice.CANCEL)
    assert tabs.close_current_tab() is False
    assert tabs.count() == 1 and editor.is_dirty()
    assert tabs.prompt_unsaved.asked == [[ticket_id]]

    tabs.prompt_unsaved = Prompt(UnsavedChoice.SAVE)
    assert tabs.close_current_tab() is True
    assert tabs.count() == 0
    assert context.tickets.get(ticket_id).subject == "Keep me"

    editor = open_in(qtbot, tabs, ticket_id)
    edit_subject(qtbot, editor, "Throw me away")
    editor.write_draft()
    tabs.prompt_unsaved = Prompt(UnsavedChoice.DISCARD)
    assert tabs.close_current_tab() is True
    assert context.tickets.get(ticket_id).subject == "Keep me"
    assert context.drafts.load(ticket_id) is None
    assert tabs.current_ticket_id() is None


def test_a_clean_tab_closes_without_asking(qtbot, context, tabs) -> None:
    open_in(qtbot, tabs, make_ticket(context))
    tabs.prompt_unsaved = Prompt(UnsavedChoice.CANCEL)
    assert tabs.close_current_tab() is True
    assert tabs.prompt_unsaved.asked == []


def test_confirm_close_all_asks_once_for_every_unsaved_tab(qtbot, context, tabs) -> None:
    first, second, clean = (make_ticket(context, n) for n in (1, 2, 3))
    edit_subject(qtbot, open_in(qtbot, tabs, first, new_tab=True), "First edited")
    edit_subject(qtbot, open_in(qtbot, tabs, second, new_tab=True), "Second edited")
    open_in(qtbot, tabs, clean, new_tab=True)

    tabs.prompt_unsaved = Prompt(UnsavedChoice.CANCEL)
    assert tabs.confirm_close_all() is False
    assert tabs.prompt_unsaved.asked == [[first, second]]
    assert tabs.count() == 3 and tabs.has_unsaved_changes()

    tabs.prompt_unsaved = Prompt(UnsavedChoice.SAVE)
    assert tabs.confirm_close_all() is True
    assert context.tickets.get(first).subject == "First edited"
    assert context.tickets.get(second).subject == "Second edited"
    assert not tabs.has_unsaved_changes()


def test_a_ticket_changed_elsewhere_reloads_or_warns(qtbot, context, tabs) -> None:
    clean_id, dirty_id = make_ticket(context, 1), make_ticket(context, 2)
    clean = open_in(qtbot, tabs, clean_id, new_tab=True)
    dirty = open_in(qtbot, tabs, dirty_id, new_tab=True)
    dirty.fields["browser"].widget.setFocus()
    qtbot.keyClicks(dirty.fields["browser"].widget, "Edge 120")
    for ticket_id in (clean_id, dirty_id):
        version = context.tickets.get(ticket_id).version
        context.tickets.update(ticket_id, version, {"operating_system": "Windows 11"})
        tabs.refresh_ticket(ticket_id)
    idle()

    assert clean.fields["operating_system"].get() == "Windows 11"
    assert not clean.is_dirty() and clean.banners.keys() == []
    assert dirty.banners.text("changedElsewhere") == (
        "Changed elsewhere — your edits will be merged on save."
    )
    assert dirty.fields["browser"].get() == "Edge 120"

    dirty.save()
    idle()
    stored = context.tickets.get(dirty_id)
    assert (stored.browser, stored.operating_system) == ("Edge 120", "Windows 11")
    assert dirty.fields["operating_system"].get() == "Windows 11"
    assert not dirty.is_dirty() and "changedElsewhere" not in dirty.banners
