"""Help > About (version, folders, the licences of the bundled libraries) and the Help
menu's "Copy Diagnostics" and "Open Log Folder".

:func:`add_help_actions` adds the two missing entries to the Help menu and points the
form's About action at :class:`AboutDialog`.
"""

from __future__ import annotations

import contextlib
import html
import warnings

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import APP_NAME, __version__
from aiva_desk.app_context import AppContext
from aiva_desk.diagnostics import bundled_licences, diagnostics_text
from aiva_desk.gui.common.icons import app_icon, icon


def gui_diagnostics(context: AppContext) -> str:
    """:func:`aiva_desk.diagnostics.diagnostics_text` with this Qt's versions."""
    return diagnostics_text(context, qt_version=qVersion(), pyside_version=PySide6.__version__)


def copy_diagnostics(context: AppContext) -> str:
    """Put the diagnostics on the clipboard; return them."""
    text = gui_diagnostics(context)
    QGuiApplication.clipboard().setText(text)
    return text


class AboutDialog(QDialog):
    """Version, data folder, and each bundled library with its version and licence."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self._context = context
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        heading = QLabel(
            f"<h2>{html.escape(APP_NAME)} {html.escape(__version__)}</h2>"
            "<p>A desktop help desk that follows the AIVA Support SOP.</p>"
            f"<p>Data folder: {html.escape(str(context.paths.root))}<br>"
            f"Database: {html.escape(context.db.display_name)}<br>"
            f"Qt {html.escape(qVersion())}, PySide6 {html.escape(PySide6.__version__)}</p>",
            self,
        )
        heading.setObjectName("aboutHeading")
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(logo, 0)
        top.addWidget(heading, 1)

        libraries = bundled_licences()
        self.licences = QTableWidget(len(libraries), 3, self)
        self.licences.setObjectName("licenceTable")
        self.licences.setAccessibleName("Bundled libraries and their licences")
        self.licences.setHorizontalHeaderLabels(["Library", "Version", "Licence"])
        self.licences.verticalHeader().hide()
        self.licences.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.licences.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, library in enumerate(libraries):
            for column, text in enumerate((library.name, library.version, library.licence)):
                self.licences.setItem(row, column, QTableWidgetItem(text))
        header = self.licences.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        copy = buttons.addButton("Copy &Diagnostics", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copyDiagnosticsButton")
        copy.setAutoDefault(False)
        copy.clicked.disconnect()  # an ActionRole button would otherwise close the box
        copy.clicked.connect(lambda: copy_diagnostics(self._context))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("Bundled libraries:", self))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        self.resize(560, 480)

    def library_names(self) -> list[str]:
        return [self.licences.item(row, 0).text() for row in range(self.licences.rowCount())]


class HelpActions:
    """The Help menu's Open Log Folder, Copy Diagnostics and About, for ``window``."""

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        self._window = window
        self._context = context
        self.copy_diagnostics_action = QAction(icon("about"), "Copy &Diagnostics", window)
        self.copy_diagnostics_action.setObjectName("copyDiagnosticsAction")
        self.copy_diagnostics_action.setStatusTip(
            "Copy version, platform, Qt and database details (no passwords) for a support request"
        )
        self.copy_diagnostics_action.triggered.connect(self._on_copy_diagnostics_triggered)

    def _on_copy_diagnostics_triggered(self) -> None:
        copy_diagnostics(self._context)
        self._window.statusBar().showMessage("Diagnostics copied to the clipboard.", 5000)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self._context, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_log_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._context.paths.logs)))


def add_help_actions(window: QMainWindow, context: AppContext) -> HelpActions:
    """Add Copy Diagnostics to the Help menu (after Open Log Folder); About opens AboutDialog.

    The form's ``openLogFolderAction`` (Help > Open Log Folder) already opens the log
    folder; About is re-pointed from the plain message box to :class:`AboutDialog`.
    """
    actions = HelpActions(window, context)
    menu = window.findChild(QMenu, "helpMenu")
    about = window.findChild(QAction, "aboutAction")
    log_folder = window.findChild(QAction, "openLogFolderAction")
    if menu is not None:
        entries = menu.actions()
        if log_folder in entries and entries.index(log_folder) + 1 < len(entries):
            menu.insertAction(
                entries[entries.index(log_folder) + 1], actions.copy_diagnostics_action
            )
        else:
            menu.addAction(actions.copy_diagnostics_action)
    if about is not None:
        with warnings.catch_warnings():  # nothing connected yet is fine too
            warnings.simplefilter("ignore", RuntimeWarning)
            with contextlib.suppress(RuntimeError, TypeError):
                about.triggered.disconnect()
        about.triggered.connect(actions.show_about)
    window.addAction(actions.copy_diagnostics_action)
    return actions
