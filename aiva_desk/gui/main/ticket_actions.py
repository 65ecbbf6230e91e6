"""The main window's ticket-wide extras that are not one editor's own: exporting the
ticket report from the Ticket menu and the queue's context menu, and telling the open
editors when "I am" changed, so role-dependent controls (Close anyway…) follow at once.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.main.menus import MainMenus
from aiva_desk.gui.queue.view_list import ViewListPanel
from aiva_desk.gui.reports.ticket_export import TicketReportExport


class _Window(Protocol):
    menus: MainMenus
    ticket_tabs: TicketTabs
    view_panel: ViewListPanel

    def selected_ticket_id(self) -> int | None: ...


class TicketActions(QObject):
    """``export_action`` (Ticket menu: the ticket open in front, else the one selected in
    the queue) and ``queue_export_action`` (the queue's context menu: the row clicked)."""

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        super().__init__(window)
        self._window: _Window = window  # type: ignore[assignment]
        self.exporter = TicketReportExport(context, window)
        self.export_action = QAction(icon("report"), "E&xport Ticket Report…", window)
        self.export_action.setObjectName("exportTicketReportAction")
        self.export_action.setStatusTip(
            "Save the ticket's report (SOP ticket template) as PDF, HTML or Markdown"
        )
        self.export_action.triggered.connect(lambda: self.exporter.export(self.front_ticket_id()))
        self.queue_export_action = QAction(icon("report"), "Export &Report…", window)
        self.queue_export_action.setObjectName("queueExportReportAction")
        self.queue_export_action.setStatusTip(self.export_action.statusTip())
        self.queue_export_action.triggered.connect(
            lambda: self.exporter.export(self._window.selected_ticket_id())
        )
        self._window.menus.add_to_ticket_menu(self.export_action)
        self._window.view_panel.me_changed.connect(self._on_me_changed)

    def front_ticket_id(self) -> int | None:
        editor = self._window.ticket_tabs.current_editor()
        if editor is not None and editor.ticket_id is not None:
            return editor.ticket_id
        return self._window.selected_ticket_id()

    def _on_me_changed(self, _me: object) -> None:
        for editor in self._window.ticket_tabs.editors():
            editor.support.follow_me()
