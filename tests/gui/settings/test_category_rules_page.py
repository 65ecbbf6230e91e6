"""Settings → Mail Rules: keyword → category rules added, edited, moved and removed,
tried on a subject before applying, and refused whole with the rule at fault named."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from aiva_desk.errors import ValidationError
from aiva_desk.gui.settings.category_rules_page import CategoryRulesPage
from aiva_desk.gui.settings.dialog import PAGES
from aiva_desk.inbound.category_rules import RuleInput, list_rules, save_rules
from tests.helpers.settings_pages import shown_settings_page

pytestmark = pytest.mark.usefixtures("no_errors_shown")


@pytest.fixture
def ids(context) -> dict[str, int]:
    return {c.name: c.id for c in context.tickets.categories()}


@pytest.fixture
def page(qtbot, context, ids) -> CategoryRulesPage:
    save_rules(
        context.db,
        [RuleInput("refund", ids["Billing"]), RuleInput("widget", ids["Integration Issues"])],
        actor="ann",
    )
    return shown_settings_page(qtbot, CategoryRulesPage(context))


def _keywords(page: CategoryRulesPage) -> list[str]:
    return [rule.keyword for rule in page.rules()]


def test_the_page_is_in_settings_and_shows_the_rules_in_order(page, ids) -> None:
    assert CategoryRulesPage in PAGES
    assert page.rules() == [
        RuleInput("refund", ids["Billing"]),
        RuleInput("widget", ids["Integration Issues"]),
    ]
    assert page.category_combo(1).currentText() == "Integration Issues"
    assert not page.is_dirty()


def test_rules_are_added_moved_and_applied(qtbot, context, page, ids) -> None:
    changes = []
    page.changed.connect(lambda: changes.append(True))
    page.table.selectRow(1)
    row = page.add_rule()
    assert row == 2 and page.category_combo(2).currentText() == "General Question"
    editor = QApplication.focusWidget()  # the keyword's in-place editor
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "log in")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # commits once the event loop runs
    qtbot.waitUntil(lambda: page.table.state() != QAbstractItemView.State.EditingState)
    assert _keywords(page)[2] == "log in"
    page.category_combo(2).setCurrentIndex(page.category_combo(2).findData(ids["User Management"]))
    page.move_rule(-1)
    page.move_rule(-1)
    assert _keywords(page) == ["log in", "refund", "widget"]
    assert not page.up_button.isEnabled() and page.down_button.isEnabled()
    assert page.is_dirty() and changes

    page.try_edit.setText("Cannot LOG IN since the refund")
    assert page.try_result.text() == "→ User Management (rule 1, “log in”)"
    page.try_edit.setText("Hello there")
    assert page.try_result.text().startswith("No rule matches")

    page.apply()
    assert [(r.keyword, r.category_name) for r in list_rules(context.db)] == [
        ("log in", "User Management"),
        ("refund", "Billing"),
        ("widget", "Integration Issues"),
    ]
    assert not page.is_dirty()


def test_a_removed_rule_is_gone_after_apply(context, page) -> None:
    page.table.selectRow(0)
    page.remove_rule()
    assert _keywords(page) == ["widget"] and page.is_dirty()
    page.apply()
    assert [r.keyword for r in list_rules(context.db)] == ["widget"]


def test_a_problem_is_named_and_nothing_is_stored(context, page) -> None:
    page.table.selectRow(1)
    page.add_rule("Refund")
    page.table.selectRow(0)
    with pytest.raises(ValidationError) as refused:
        page.apply()
    assert refused.value.problems == {
        "2.keyword": "Rule 3 (“Refund”): rule 1 has the same keyword."
    }
    assert page.table.selectionModel().selectedRows()[0].row() == 2
    assert "rule 1 has the same keyword" in page.problem.text() and page.problem.isVisible()
    assert [r.keyword for r in list_rules(context.db)] == ["refund", "widget"]
    assert page.is_dirty()


def test_the_days_a_reply_reopens_a_ticket_are_set_here(qtbot, context, page) -> None:
    assert page.reopen_spin.value() == 14 and not page.is_dirty()
    page.reopen_spin.selectAll()
    qtbot.keyClicks(page.reopen_spin, "3")
    assert page.is_dirty()
    page.apply()
    assert context.settings.reopen_days == 3 and context.mail_intake().reopen_days == 3
    assert not page.is_dirty()
