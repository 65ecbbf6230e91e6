"""Settings → Templates: the nine message templates edited like a user would, with a live
preview for a ticket; stored only on apply, in the data dir, and only when they render."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from sqlalchemy import func, select

from aiva_desk import template_engine
from aiva_desk.gui.settings.templates_page import NO_TICKETS, TemplateSettingsPage
from aiva_desk.mail.message_templates import CATALOG
from aiva_desk.store.models import Counter, Customer, Ticket
from aiva_desk.template_engine import TemplateProblem
from aiva_desk.tickets.service import TICKET_NUMBER_COUNTER, NewTicket, next_ticket_number
from tests.helpers.settings_pages import shown_settings_page

pytestmark = pytest.mark.usefixtures("no_errors_shown")


def _ticket(context, subject: str = "Agent silent", name: str = "Ann Lee") -> int:
    category_id = next(c.id for c in context.tickets.categories() if c.name == "Agent Issues")
    return context.tickets.create(
        NewTicket(subject, name, f"{name.split()[0].lower()}@example.com", category_id, "No reply")
    ).number


def _open(qtbot, context) -> TemplateSettingsPage:
    page = shown_settings_page(qtbot, TemplateSettingsPage(context), 1000, 650)
    qtbot.waitUntil(page.preview_ready)
    return page


@pytest.fixture
def page(qtbot, context) -> TemplateSettingsPage:
    _ticket(context, "Older ticket", "Bob Old")
    _ticket(context)
    return _open(qtbot, context)


def _shipped(key: str) -> str:
    return (template_engine.shipped_dir() / f"email/{key}.txt.j2").read_text(encoding="utf-8")


def _type(qtbot, widget, text: str) -> None:
    """Type ``text`` like a user: Return for each line break."""
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(widget, line)


def _type_at_end(qtbot, page: TemplateSettingsPage, text: str) -> None:
    page.editor.setFocus()
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    _type(qtbot, page.editor, text)


def _rows(page: TemplateSettingsPage) -> list[str]:
    titles = []
    for index in range(page.template_list.topLevelItemCount()):
        heading = page.template_list.topLevelItem(index)
        titles.extend(heading.child(i).text(0) for i in range(heading.childCount()))
    return titles


def test_lists_all_nine_grouped_and_previews_the_latest_ticket(page, context):
    headings = [
        page.template_list.topLevelItem(i).text(0)
        for i in range(page.template_list.topLevelItemCount())
    ]
    assert headings == ["To customers", "Internal"]
    assert _rows(page) == [t.title for t in CATALOG if t.audience == "customer"] + [
        t.title for t in CATALOG if t.audience == "internal"
    ]
    assert page.current_key() == "acknowledgment"
    assert page.purpose.text() == CATALOG[0].purpose
    latest = context.tickets.get(context.tickets.id_for_number(int(page.ticket_field.text())))
    assert latest.subject == "Agent silent"
    assert page.ticket_label.text() == "Ann Lee — Agent silent"
    assert page.preview_subject.text() == f"Re: Agent silent - Ticket #{latest.number}"
    assert page.preview_body.toPlainText().startswith("Hello Ann Lee,")
    names = [
        page.variable_list.topLevelItem(i).text(0)
        for i in range(page.variable_list.topLevelItemCount())
    ]
    assert {"customer_name", "ticket.root_cause", "escalation.team", "f.brief"} <= set(names)
    assert not page.is_dirty()


def test_edit_and_apply_keeps_the_edit_in_the_data_dir_and_the_shipped_file_as_it_was(
    qtbot, page, context
):
    shipped = _shipped("acknowledgment")
    with qtbot.waitSignal(page.changed):
        _type_at_end(qtbot, page, "\nPS: {{ customer_email }}")
    assert page.is_dirty()
    assert _rows(page)[0] == "Acknowledgment •"
    page.apply()
    assert not page.is_dirty()
    edited = context.paths.templates / "email" / "acknowledgment.txt.j2"
    assert edited.read_text(encoding="utf-8").endswith("PS: {{ customer_email }}")
    assert _shipped("acknowledgment") == shipped
    assert context.mail.library.is_edited("acknowledgment")
    assert _rows(page)[0] == "Acknowledgment (edited)"
    assert page.state.text() == "Your edited version"


def test_the_preview_follows_the_text_after_a_pause_and_the_chosen_ticket(qtbot, page, context):
    _type_at_end(qtbot, page, "\nCase of {{ customer_name | upper }}.")
    assert "ANN LEE" not in page.preview_body.toPlainText()  # debounced, not per keystroke
    qtbot.waitUntil(lambda: "Case of ANN LEE." in page.preview_body.toPlainText())
    older = context.tickets.id_for_number(int(page.ticket_field.text()) - 1)
    number = context.tickets.get(older).number
    page.ticket_field.setFocus()
    page.ticket_field.selectAll()
    qtbot.keyClicks(page.ticket_field, str(number))
    qtbot.keyClick(page.ticket_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Case of BOB OLD." in page.preview_body.toPlainText())
    assert page.preview_subject.text() == f"Re: Older ticket - Ticket #{number}"
    page.ticket_field.selectAll()
    qtbot.keyClicks(page.ticket_field, "999999")
    qtbot.keyClick(page.ticket_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.ticket_label.text() == "There is no ticket #999999.")
    assert page.ticket_field.text() == str(number)  # the preview still shows that ticket


def test_an_undefined_name_shows_its_line_and_apply_refuses_with_nothing_saved(
    qtbot, page, context
):
    page.select("p1_critical")
    _type_at_end(qtbot, page, "ok")  # a valid edit of another template…
    page.select("solution")
    page.editor.setFocus()
    page.editor.moveCursor(QTextCursor.MoveOperation.Start)
    page.editor.moveCursor(QTextCursor.MoveOperation.NextBlock)
    page.editor.moveCursor(QTextCursor.MoveOperation.NextBlock)
    _type(qtbot, page.editor, "Dear {{ customer_nmae }}\n")  # …and a bad one on line 3
    qtbot.waitUntil(lambda: "customer_nmae" in page.preview_problem())
    assert "line 3" in page.preview_problem()
    assert page.editor.problem_line == 3
    page.select("acknowledgment")  # looking elsewhere, then apply
    with pytest.raises(TemplateProblem, match=r"line 3.*'customer_nmae' is undefined"):
        page.apply()
    assert page.current_key() == "solution"
    assert page.editor.problem_line == 3
    assert not context.mail.library.is_edited("solution")
    assert not context.mail.library.is_edited("p1_critical")  # nothing saved at all
    assert page.is_dirty()
    while "customer_nmae" in page.editor.toPlainText():  # the typing undone, step by step
        qtbot.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.preview_problem() == "")
    assert page.editor.problem_line is None


def test_restore_asks_then_puts_the_shipped_text_back_and_apply_removes_the_edit(
    qtbot, page, context
):
    library = context.mail.library
    library.save("escalated", "Subject: Mine #{{ number }}\n\nMy text\n", {"number": 1})
    page.load()
    page.select("escalated")
    assert page.editor.toPlainText().startswith("Subject: Mine")
    assert page.restore_button.isEnabled()
    asked: list[str] = []
    page.confirm_restore = lambda title: asked.append(title) is not None  # declines
    page.restore_button.click()
    assert asked == ["Escalated (to customer)"]
    assert page.editor.toPlainText().startswith("Subject: Mine")
    page.confirm_restore = lambda title: True
    page.restore_button.click()
    assert page.editor.toPlainText() == _shipped("escalated")
    assert library.is_edited("escalated")  # nothing removed before apply…
    qtbot.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.toPlainText().startswith("Subject: Mine")  # …and undo brings it back
    page.restore_button.click()
    page.apply()
    assert not library.is_edited("escalated")
    assert library.source("escalated") == _shipped("escalated")
    assert not page.restore_button.isEnabled()
    assert page.state.text() == "The shipped version"


def test_switching_templates_keeps_each_ones_unsaved_text(qtbot, page):
    page.select("acknowledgment")
    _type_at_end(qtbot, page, "\nFirst edit")
    page.select("still_investigating")
    assert "First edit" not in page.editor.toPlainText()
    _type_at_end(qtbot, page, "\nSecond edit")
    page.select("acknowledgment")
    assert page.editor.toPlainText().endswith("First edit")
    page.select("still_investigating")
    assert page.editor.toPlainText().endswith("Second edit")
    assert [row.endswith("•") for row in _rows(page)].count(True) == 2
    page.load()  # what the dialog does on opening again: unsaved text dropped
    assert not page.is_dirty()


def test_a_double_clicked_variable_is_inserted_at_the_cursor(qtbot, page):
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    rows = {
        page.variable_list.topLevelItem(i).text(0): page.variable_list.topLevelItem(i)
        for i in range(page.variable_list.topLevelItemCount())
    }
    page.variable_list.itemActivated.emit(rows["agent_name"], 0)
    assert page.editor.toPlainText().endswith("{{ agent_name }}")
    page.variable_list.itemActivated.emit(rows["questions"], 0)
    assert page.editor.toPlainText().endswith(
        "{% for item in questions %}\n- {{ item }}\n{% endfor %}\n"
    )
    page.render_preview()
    assert page.preview_problem() == ""


def test_without_tickets_the_preview_explains_and_apply_checks_against_a_sample(qtbot, context):
    with context.db.read_session() as session:
        first_number = (
            session.scalar(select(Counter.value).where(Counter.name == TICKET_NUMBER_COUNTER)) + 1
        )
    page = _open(qtbot, context)
    assert not page.ticket_field.isEnabled()
    assert page.preview_note.text() == NO_TICKETS
    assert page.variable_list.topLevelItemCount() > 0  # the names, from a sample ticket
    _type_at_end(qtbot, page, "\n{{ nope }}")
    with pytest.raises(TemplateProblem, match="'nope' is undefined"):
        page.apply()
    cursor = page.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.select(QTextCursor.SelectionType.LineUnderCursor)
    page.editor.setTextCursor(cursor)
    qtbot.keyClicks(page.editor, "{{ customer_name }}")
    page.apply()
    assert context.mail.library.source("acknowledgment").endswith("\n{{ customer_name }}")
    with context.db.read_session() as session:  # the sample ticket was never stored
        assert session.scalar(select(func.count(Ticket.id))) == 0
        assert session.scalar(select(func.count(Customer.id))) == 0
    with context.db.session() as session:  # nor did it use up a ticket number
        assert next_ticket_number(session) == first_number
