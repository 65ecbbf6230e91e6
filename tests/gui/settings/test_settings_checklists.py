"""Settings → Checklists: templates edited like a user would, stored only on apply, and
seen on tickets' checklists; answered items stay; the close gate stays intact."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from aiva_desk.errors import ValidationError
from aiva_desk.gui.settings.checklists_page import ChecklistSettingsPage
from aiva_desk.tickets.checklist_definitions import list_templates
from aiva_desk.tickets.checklists import set_item, ticket_checklists
from aiva_desk.tickets.service import NewTicket
from tests.helpers.settings_pages import shown_settings_page

pytestmark = pytest.mark.usefixtures("no_errors_shown")


@pytest.fixture
def page(qtbot, context) -> ChecklistSettingsPage:
    return shown_settings_page(qtbot, ChecklistSettingsPage(context))


def _ticket(context, category: str) -> int:
    category_id = next(c.id for c in context.tickets.categories() if c.name == category)
    return context.tickets.create(
        NewTicket("Agent silent", "Ann Lee", "ann@example.com", category_id, "No replies")
    ).id


def _state(context, ticket_id: int, name: str):
    return next((s for s in ticket_checklists(context.db, ticket_id) if s.name == name), None)


def _choose(qtbot, page: ChecklistSettingsPage, template: str, item: str | None = None) -> None:
    page.activateWindow()  # an editor window may have opened since
    qtbot.waitUntil(page.isActiveWindow)
    page.select(page.template_named(template))
    assert page.name.text() == template
    if item is not None:
        row = page.item_row(item)
        page.items.setFocus()
        page.items.setCurrentItem(row, 0)


def _type_in_editor(qtbot, page: ChecklistSettingsPage, text: str) -> None:
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and page.items.isAncestorOf(editor)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # commits once the event loop runs
    qtbot.waitUntil(lambda: page.items.state() != QAbstractItemView.State.EditingState)


def test_edits_applied_show_on_an_open_ticket(qtbot, page, context) -> None:
    ticket_id = _ticket(context, "Agent Issues")
    _choose(qtbot, page, "Technical Information", "Browser and version")
    qtbot.keyClick(page.items, Qt.Key.Key_F2)  # edit in place
    _type_in_editor(qtbot, page, "Browser, version and extensions")
    assert page.is_dirty()

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type_in_editor(qtbot, page, "Screen reader in use")
    qtbot.keyClick(page.items, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    texts = page.item_texts()
    assert texts[2:4] == ["Screen reader in use", "Browser, version and extensions"]
    stored = _state(context, ticket_id, "Technical Information").items
    assert stored[2].text == "Browser and version"  # nothing stored before apply

    page.apply()
    assert not page.is_dirty()
    items = _state(context, ticket_id, "Technical Information").items
    assert [i.text for i in items[2:4]] == texts[2:4]
    assert items[3].field == "browser" and not items[2].automatic  # the field stays
    assert page.name.text() == "Technical Information"  # still selected after reloading


def test_a_question_set_attached_to_another_category_shows_there(qtbot, page, context) -> None:
    billing_ticket = _ticket(context, "Billing")
    assert _state(context, billing_ticket, "Knowledge Base Issues") is None
    _choose(qtbot, page, "Knowledge Base Issues")
    assert page.categories_box.isVisible()
    entry = page.category_entry("Billing")
    assert entry.checkState() == Qt.CheckState.Unchecked
    with qtbot.waitSignal(page.changed):
        entry.setCheckState(Qt.CheckState.Checked)
    page.apply()
    assert len(_state(context, billing_ticket, "Knowledge Base Issues").items) == 6
    assert _state(context, _ticket(context, "Knowledge Base"), "Knowledge Base Issues")

    _choose(qtbot, page, "User Information")  # shown everywhere: nothing to attach
    assert not page.categories_box.isVisible()


def test_a_new_question_set_is_created_and_attached(qtbot, page, context) -> None:
    draft = page.new_template("questions")
    assert page.name.hasFocus() and page.name.selectedText() == "New checklist"
    qtbot.keyClicks(page.name, "Security questions")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type_in_editor(qtbot, page, "Was MFA enabled?")
    page.category_entry("User Management").setCheckState(Qt.CheckState.Checked)
    assert draft.name == "Security questions" and page.is_dirty()
    page.apply()
    assert page.name.text() == "Security questions"
    state = _state(context, _ticket(context, "User Management"), "Security questions")
    assert [i.text for i in state.items] == ["Was MFA enabled?"]


def test_removing_an_answered_item_is_refused_and_the_item_kept(qtbot, page, context) -> None:
    ticket_id = _ticket(context, "Agent Issues")
    credit = _state(context, ticket_id, "Agent Not Responding").items[4]
    set_item(context.db, ticket_id, credit.item_id, actor="sara", answer="Balance $0.00")
    page.load()
    _choose(qtbot, page, "Agent Not Responding", "Have you checked your credit balance?")
    assert "1 ticket" in page.item_row(credit.text).text(2)
    assert "Reword it instead" in page.remove_button.toolTip()
    qtbot.keyClick(page.items, Qt.Key.Key_Delete)
    assert page.message.isVisible()
    assert "answered on 1 ticket" in page.message.text()
    assert credit.text in page.item_texts() and not page.is_dirty()

    page.items.setCurrentItem(page.item_row("Does it work in Test Chat/Test Call?"), 0)
    qtbot.keyClick(page.items, Qt.Key.Key_Delete)  # nobody answered this one
    assert "Does it work in Test Chat/Test Call?" not in page.item_texts()
    page.apply()
    items = _state(context, ticket_id, "Agent Not Responding").items
    assert len(items) == 5 and items[4].answer == "Balance $0.00"


def test_the_close_gate_keeps_its_name_and_stays_on(qtbot, page, context) -> None:
    _choose(qtbot, page, "Pre-Resolution Checklist", "Solution tested and verified")
    assert page.name.isReadOnly() and not page.active.isEnabled()
    qtbot.keyClick(page.items, Qt.Key.Key_Delete)
    assert "part of the close gate" in page.message.text()
    qtbot.keyClick(page.items, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    page.apply()
    gate = next(t for t in list_templates(context.db) if t.name == "Pre-Resolution Checklist")
    assert [i.text for i in gate.items][1:3] == [
        "Customer confirmed it's working",
        "Solution tested and verified",
    ]


def test_a_problem_on_apply_stores_nothing(qtbot, page, context) -> None:
    before = list_templates(context.db)
    _choose(qtbot, page, "Post-Resolution Review", "Was SLA met?")
    page.active.setChecked(False)
    _choose(qtbot, page, "Integration Issues")
    page.name.selectAll()
    qtbot.keyClick(page.name, Qt.Key.Key_Backspace)
    with pytest.raises(ValidationError) as refused:
        page.apply()
    assert "needs a name" in str(refused.value)
    assert list_templates(context.db) == before
    assert page.is_dirty() and page.name.text() == ""  # the edit is still there to fix

    _choose(qtbot, page, "Knowledge Base Issues")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type_in_editor(qtbot, page, "")  # left empty
    with pytest.raises(ValidationError, match="Item 7 of “Knowledge Base Issues” has no text"):
        page.apply()
    assert page.name.text() == "Knowledge Base Issues"  # the template with the problem
    assert list_templates(context.db) == before


def test_edits_never_applied_leave_the_store_untouched(qtbot, page, context) -> None:
    before = list_templates(context.db)
    _choose(qtbot, page, "Issue Information", "When did this start?")
    qtbot.keyClick(page.items, Qt.Key.Key_Delete)
    qtbot.keyClick(page.items, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    page.name.setFocus()
    qtbot.keyClicks(page.name, " (edited)")
    assert page.is_dirty()
    page.close()  # the dialog's Cancel: no apply
    assert list_templates(context.db) == before
    again = ChecklistSettingsPage(context)
    qtbot.addWidget(again)
    again.load()
    assert not again.is_dirty()
    again.select(again.template_named("Issue Information"))
    assert "When did this start?" in again.item_texts()
    page.load()  # loading again drops what was not applied
    assert not page.is_dirty()


def test_an_open_tickets_checklist_panel_shows_the_applied_edits(qtbot, page, context) -> None:
    from tests.helpers.editor_helpers import idle, make_ticket, new_tabs, open_in

    editor = open_in(qtbot, new_tabs(qtbot, context), make_ticket(context))
    panel = editor.support.checklists
    qtbot.waitUntil(lambda: bool(panel.groups))
    assert panel.progress()["Knowledge Base Issues"] == (0, 6)
    _choose(qtbot, page, "Knowledge Base Issues", "What search query are you using?")
    qtbot.keyClick(page.items, Qt.Key.Key_F2)
    _type_in_editor(qtbot, page, "Which search query do you use?")
    qtbot.keyClick(page.items, Qt.Key.Key_Insert)
    _type_in_editor(qtbot, page, "Is the document public?")
    page.apply()
    panel.reload()  # what an open editor does when it loads its ticket again
    idle()
    qtbot.waitUntil(lambda: panel.progress()["Knowledge Base Issues"] == (0, 7))
    group = panel.group("Knowledge Base Issues")
    assert [item.text for item in group._state.items][-2:] == [
        "Which search query do you use?",
        "Is the document public?",
    ]
    assert panel.row("Is the document public?").label.text().startswith("Is the document")


def test_apply_takes_the_text_still_being_edited(qtbot, page, context) -> None:
    _choose(qtbot, page, "Reproduction Steps", "Does it happen every time?")
    qtbot.keyClick(page.items, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Does it happen every time, on every device?")
    page.apply()  # e.g. the dialog's OK pressed with Alt+O while the editor is open
    reproduction = next(t for t in list_templates(context.db) if t.name == "Reproduction Steps")
    assert reproduction.items[2].text == "Does it happen every time, on every device?"
