"""Exporting one ticket's report from the app: the Ticket menu, the queue's context menu
and the ticket view's Export button all write a readable file and say so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QMenu

from aiva_desk.gui.queue.model import TICKET_ID_ROLE
from aiva_desk.gui.reports import ticket_export
from aiva_desk.gui.reports.ticket_export import path_and_format
from tests.helpers.editor_helpers import idle
from tests.helpers.queue_gui_helpers import click_row, make_tickets, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


class SaveAs:
    """Stands in for the save dialog: remembers the suggested name, answers ``name``."""

    def __init__(self, folder: Path, name: str | None = None) -> None:
        self.folder, self.name = folder, name
        self.suggested: list[str] = []

    def __call__(self, _parent, suggested: str):
        self.suggested.append(suggested)
        return path_and_format(str(self.folder / (self.name or suggested)), "")


def _saved(qtbot, window, path: Path, number: int) -> bytes:
    qtbot.waitUntil(lambda: path.exists() and "Saved" in window.statusBar().currentMessage())
    idle()
    assert window.statusBar().currentMessage() == f"Saved ticket #{number} report to {path}"
    return path.read_bytes()


def test_ticket_menu_exports_the_open_ticket_as_pdf(qtbot, window, context, tmp_path, monkeypatch):
    ref = make_tickets(context, 2)[1]
    save_as = SaveAs(tmp_path)
    monkeypatch.setattr(ticket_export, "ask_ticket_path", save_as)
    window.refresh()
    settle(qtbot, window)
    window.ticket_tabs.open_ticket(ref.id, new_tab=True)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_editor().ticket is not None)
    menu = window.findChild(QMenu, "ticketMenu")
    action = next(a for a in menu.actions() if a.objectName() == "exportTicketReportAction")
    action.trigger()
    path = tmp_path / f"ticket-{ref.number}.pdf"
    content = _saved(qtbot, window, path, ref.number)
    assert save_as.suggested == [f"ticket-{ref.number}.pdf"]
    assert content.startswith(b"%PDF")


def test_queue_context_menu_exports_the_clicked_ticket(
    qtbot, window, context, tmp_path, monkeypatch
):
    refs = make_tickets(context, 3)
    window.refresh()
    settle(qtbot, window)
    view = window.queue_view
    row = next(r for r in range(3) if view.model().index(r, 0).data(TICKET_ID_ROLE) == refs[1].id)
    monkeypatch.setattr(ticket_export, "ask_ticket_path", SaveAs(tmp_path, "report.md"))
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(row, 0)).center())
    menu = window.findChild(QMenu, "queueContextMenu")
    assert menu is not None
    action = next(a for a in menu.actions() if a.objectName() == "queueExportReportAction")
    menu.close()
    action.trigger()
    path = tmp_path / "report.md"
    content = _saved(qtbot, window, path, refs[1].number).decode("utf-8")
    subject = context.tickets.get(refs[1].id).subject
    assert content.startswith(f"# Support Ticket #{refs[1].number}\n") and subject in content
    assert "## Closure" in content and "Time Spent" in content


def test_the_ticket_view_button_exports_html_by_the_extension_typed(
    qtbot, window, context, tmp_path, monkeypatch
):
    ref = make_tickets(context, 1)[0]
    window.refresh()
    settle(qtbot, window)
    click_row(qtbot, window.queue_view, 0)
    editor = window.ticket_tabs.current_editor()
    qtbot.waitUntil(lambda: editor.ticket is not None and editor.ticket.id == ref.id)
    monkeypatch.setattr(ticket_export, "ask_ticket_path", SaveAs(tmp_path, "mine.HTML"))
    assert editor.export_button.isVisible()
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "mine.HTML"
    content = _saved(qtbot, window, path, ref.number).decode("utf-8")
    assert "<html" in content.lower() and f"Support Ticket #{ref.number}" in content


def test_the_format_comes_from_the_extension_else_the_filter() -> None:
    assert path_and_format("/x/ticket-7.md", "PDF (*.pdf)") == (Path("/x/ticket-7.md"), "md")
    assert path_and_format("/x/ticket-7", "HTML (*.html)") == (Path("/x/ticket-7.html"), "html")
    assert path_and_format("/x/ticket-7", "") == (Path("/x/ticket-7.pdf"), "pdf")


def test_the_save_dialog_opens_in_a_folder_that_exists(qtbot, tmp_path, monkeypatch) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(
        QStandardPaths, "writableLocation", lambda _where: str(tmp_path / "no-documents")
    )
    assert ticket_export.export_directory(settings) == Path.home()  # never the program's folder
    settings.setValue(ticket_export.DIRECTORY_KEY, str(tmp_path))
    assert ticket_export.export_directory(settings) == tmp_path  # the folder saved to last
    settings.setValue(ticket_export.DIRECTORY_KEY, str(tmp_path / "deleted"))
    assert ticket_export.export_directory(settings) == Path.home()
