"""Export one ticket's report (the SOP's ticket template) as PDF, HTML or Markdown.

One action for every place that offers it — the Ticket menu, the queue's context menu
and the ticket view's Export button: ask where to save (``ticket-1042.pdf``; the format
comes from the extension, else from the chosen filter), then render and write off the
GUI thread, and say "Saved ticket #1042 report to …" in the status bar. The PDF is
the weekly review's (:func:`aiva_desk.gui.reports.pdf.html_to_pdf`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QToolButton,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.reports.pdf import html_to_pdf
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.reports.exports import write_rendered
from aiva_desk.reports.ticket_report import render_ticket_report

DIRECTORY_KEY = "reports/export_directory"  # the folder saved to last, for every export
TICKET_FILTERS = {"pdf": "PDF (*.pdf)", "html": "HTML (*.html)", "md": "Markdown (*.md)"}
_EXTENSIONS = {"pdf": "pdf", "html": "html", "htm": "html", "md": "md", "markdown": "md"}


def path_and_format(name: str, chosen_filter: str = "") -> tuple[Path, str]:
    """The file and format the agent chose: by the extension typed, else by the filter
    (whose extension is then added)."""
    path = Path(name)
    fmt = _EXTENSIONS.get(path.suffix.lower().lstrip("."))
    if fmt is not None:
        return path, fmt
    fmt = next((f for f, text in TICKET_FILTERS.items() if text == chosen_filter), "pdf")
    return path.with_name(f"{path.name}.{fmt}"), fmt


def export_directory(settings: QSettings) -> Path:
    """Where a save dialog opens: the folder saved to last, else Documents, else home —
    never the program's own folder (a dialog given a missing folder falls back to it)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    for candidate in (str(settings.value(DIRECTORY_KEY, "") or ""), documents):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path.home()


def ask_ticket_path(parent: QWidget, suggested: str) -> tuple[Path, str] | None:
    """The save dialog, in the folder reports were saved to last; None when cancelled."""
    settings = QSettings()
    directory = export_directory(settings)
    name, chosen = QFileDialog.getSaveFileName(
        parent,
        "Export Ticket Report",
        str(directory / suggested),
        ";;".join(TICKET_FILTERS.values()),
    )
    if not name:
        return None
    path, fmt = path_and_format(name, chosen)
    settings.setValue(DIRECTORY_KEY, str(path.parent))
    return path, fmt


class TicketReportExport(QObject):
    """Writes a ticket's report where the agent chooses, over ``parent``'s window.

    Signals:
        saved(str): the report was written (the status bar message).
    """

    saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._service = context.tickets
        self._widget = parent

    def export(self, ticket_id: int | None) -> None:
        """Ask where to save ticket ``ticket_id``'s report (its number read first)."""
        if ticket_id is None:
            self._status("Select or open a ticket to export its report.")
            return
        service = self._service
        BackgroundTask(
            lambda: service.get(ticket_id).number,
            parent=self,
            writes=False,
            label="ticket number",
        ).success(self._ask).failure(self._failed).run_in_background()

    def _ask(self, number: int) -> None:
        chosen = ask_ticket_path(self._widget, f"ticket-{number}.pdf")
        if chosen is None:
            return
        path, fmt = chosen
        service, context = self._service, self._context
        self._status(f"Writing {path.name}…")

        def write() -> None:
            context.output_path(path)  # never the database or a managed folder
            text = render_ticket_report(service, number, "html" if fmt == "pdf" else fmt)
            write_rendered(text, fmt, path, f"Support Ticket #{number}", html_to_pdf)

        BackgroundTask(write, parent=self, writes=False, label="ticket report").success(
            lambda _none: self._written(number, path)
        ).failure(self._failed).run_in_background()

    def _written(self, number: int, path: Path) -> None:
        message = f"Saved ticket #{number} report to {path}"
        self._status(message, 10000)
        self.saved.emit(message)

    def _failed(self, exc: Exception) -> None:
        self._status("")
        show_error(self._widget, exc)

    def _status(self, text: str, timeout: int = 0) -> None:
        window = self._widget.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)


def add_export_button(editor: QWidget, context: AppContext) -> QToolButton:
    """The ticket view's "Export…" button, left of Save (the editor's ``ticket_id``)."""
    row = child(editor, QHBoxLayout, "titleRow")
    save = child(editor, QPushButton, "saveButton")
    button = QToolButton(editor)
    button.setObjectName("exportReportButton")
    button.setText("Export…")
    button.setIcon(icon("report"))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAccessibleName("Export ticket report")
    button.setToolTip("Save this ticket's report (SOP ticket template) as PDF, HTML or Markdown")
    exporter = TicketReportExport(context, editor)
    button.clicked.connect(lambda _c=False: exporter.export(editor.ticket_id))  # type: ignore[attr-defined]
    row.insertWidget(row.indexOf(save), button)
    return button
