"""Attachments in the editor: the panel's API, dropped files, previews and refusals."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from aiva_desk.gui.editor.attachments import TEXT_PREVIEW_BYTES
from aiva_desk.gui.editor.editor import TicketEditor
from tests.helpers.editor_helpers import idle, make_ticket, open_in
from tests.helpers.file_drops import drop_files

pytestmark = pytest.mark.usefixtures("shown_errors")  # errors captured (conftest.py)


def preview_of(qtbot, editor: TicketEditor, filename: str) -> QWidget:
    """Select the attachment (a new one is selected already) and return its preview."""
    panel = editor.attachments
    items = [panel.list.item(i) for i in range(panel.list.count())]
    [item] = [item for item in items if item.text().startswith(filename)]
    if panel.list.currentItem() is not item:
        with qtbot.waitSignal(panel.preview_shown, timeout=10_000):
            panel.list.setCurrentItem(item)
    idle()
    assert panel.preview.isVisible()
    return panel.preview.currentWidget()


def test_attach_a_text_file_through_the_panel_and_preview_it(qtbot, context, tabs, tmp_path):
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    log_file = tmp_path / "console.log"
    log_file.write_text("TypeError: widget is undefined\n" + "x" * (TEXT_PREVIEW_BYTES + 10))
    with qtbot.waitSignal(tabs.tickets_changed, timeout=10_000) as changed:
        editor.attachments.attach_files([log_file])
    idle()
    assert changed.args == [[ticket_id]]
    [stored] = context.tickets.get(ticket_id).attachments
    assert stored.filename == "console.log"

    assert preview_of(qtbot, editor, "console.log") is editor.attachments.text
    preview = editor.attachments.text.toPlainText()
    assert preview.startswith("TypeError: widget is undefined")
    assert preview.endswith("… (the first 64 KB of 64 KB)")
    assert len(preview) < TEXT_PREVIEW_BYTES + 100


def test_drop_an_image_on_a_text_box_attaches_it_with_a_preview(qtbot, context, tabs, tmp_path):
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    png = tmp_path / "screenshot.png"
    assert image.save(str(png))
    description = editor.fields["description"].widget
    before = description.toPlainText()

    assert drop_files(description.viewport(), [png])
    idle()
    assert description.toPlainText() == before  # attached, not pasted as a path
    assert preview_of(qtbot, editor, "screenshot.png") is editor.attachments.image
    pixmap = editor.attachments.image.pixmap()
    assert not pixmap.isNull() and pixmap.width() > 0

    notes = tmp_path / "notes.txt"
    notes.write_text("dropped on the editor itself")
    assert drop_files(editor, [notes])
    idle()
    names = sorted(a.filename for a in context.tickets.get(ticket_id).attachments)
    assert names == ["notes.txt", "screenshot.png"]
    assert preview_of(qtbot, editor, "notes.txt") is editor.attachments.text
    assert preview_of(qtbot, editor, "screenshot.png") is editor.attachments.image


def test_a_file_over_the_size_limit_is_refused_with_a_message(
    qtbot, context, tabs, tmp_path, shown_errors
):
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    context.tickets.attachments.max_bytes = 1024
    big = tmp_path / "dump.bin"
    big.write_bytes(b"\0" * 4096)
    editor.attach_files([big])
    idle()
    assert [error.title for error in shown_errors] == ["Attachment not added"]
    assert "at most" in shown_errors[0].message
    assert context.tickets.get(ticket_id).attachments == []
