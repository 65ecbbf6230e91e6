"""The troubleshooting form's documentation hint, typed into like an agent: an entry that
names its next step gets none, a placeholder gets the SOP's hint."""

from __future__ import annotations

import pytest

from tests.helpers.editor_helpers import make_ticket, new_tabs, open_in

pytestmark = pytest.mark.usefixtures("shown_errors")


@pytest.mark.parametrize(
    ("found", "action", "hinted"),
    [
        ("None yet; confirming with billing.", "Waiting for the customer's HAR file", ""),
        ("None yet; confirming with billing.", "tbd", "Action"),
        ("n/a", "Escalated to Tier 2", "Found"),
        ("checked", "looked into it", "Found, Action"),
    ],
)
def test_the_hint_flags_placeholders_not_named_next_steps(
    qtbot, context, found: str, action: str, hinted: str
) -> None:
    editor = open_in(qtbot, new_tabs(qtbot, context), make_ticket(context))
    form = editor.troubleshooting
    form.found.setFocus()
    qtbot.keyClicks(form.found, found)
    form.action.setFocus()
    qtbot.keyClicks(form.action, action)
    if hinted:
        assert form.hint.isVisibleTo(editor)
        assert form.hint.text().startswith(f"<b>{hinted}:</b> Be specific")
    else:
        assert not form.hint.isVisibleTo(editor) and form.hint.text() == ""
    assert form.add_button.isEnabled()  # a hint never refuses the entry
