"""Settings > Backups: the backups with their dates and sizes, Back Up Now, Restore…,
and how many automatic backups are kept (``backup_keep_daily``/``backup_keep_weekly``).

Signals:
    changed(): the agent edited the retention.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.backups.actions import BackupActions, backup_actions_for, confirm_restore
from aiva_desk.gui.common.forms import hint_label
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.backups import BackupInfo, list_backups

KEEP_RANGE = (0, 365)
KINDS = {
    "manual": "Your backup",
    "daily": "Daily",
    "before-bulk": "Before a bulk change",
    "before-restore": "Before a restore",
}
COLUMNS = ("Taken (UTC)", "Kind", "Size")


def kind_text(label: str) -> str:
    if label.startswith("before-schema"):
        return "Before an upgrade"
    return KINDS.get(label, label.replace("-", " ").capitalize())


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""


class BackupsSettingsPage(QWidget):
    """The backups folder's contents, the two actions, and retention."""

    title = "Backups"
    icon_name = "save"
    changed = Signal()
    listed = Signal()  # the list was (re)read

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupsSettingsPage")
        self._context = context
        self._loaded: tuple[int, int] | None = None
        self._actions: BackupActions | None = None
        self.backups: list[BackupInfo] = []

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("backupsTable")
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.back_up_button = QPushButton("&Back Up Now", self)
        self.back_up_button.setObjectName("backUpNowButton")
        self.restore_button = QPushButton("&Restore…", self)
        self.restore_button.setObjectName("restoreBackupButton")
        self.restore_button.setEnabled(False)
        self.daily_spin = self._spin("keepDailySpin", "Daily backups kept", " days")
        self.weekly_spin = self._spin("keepWeeklySpin", "Weekly backups kept", " weeks")

        buttons = QHBoxLayout()
        buttons.addWidget(self.back_up_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Keep the newest backup of the last", self.daily_spin)
        form.addRow("… and of the last", self.weekly_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "A checked copy of the database (attachments alongside) is taken daily, "
                f"before every upgrade, bulk change and restore, into {context.paths.backups}. "
                "Your own backups are never removed.",
                self,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)

        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.back_up_button.clicked.connect(self._on_back_up_clicked)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        for spin in (self.daily_spin, self.weekly_spin):
            spin.valueChanged.connect(lambda _v: self.changed.emit())

    def _spin(self, name: str, accessible: str, suffix: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setRange(*KEEP_RANGE)
        spin.setSuffix(suffix)
        return spin

    @property
    def actions(self) -> BackupActions:
        if self._actions is None:
            self._actions = backup_actions_for(self, self._context)
            self._actions.backed_up.connect(lambda _p: self.refresh())
            self._actions.restored.connect(lambda _d: self.refresh())
        return self._actions

    # -- the page protocol ---------------------------------------------------------

    def load(self) -> None:
        settings = self._context.settings
        blocked = self.blockSignals(True)
        try:
            self.daily_spin.setValue(settings.backup_keep_daily)
            self.weekly_spin.setValue(settings.backup_keep_weekly)
        finally:
            self.blockSignals(blocked)
        self._loaded = self._values()
        self.refresh()

    def apply(self) -> None:
        settings = self._context.settings
        settings.backup_keep_daily, settings.backup_keep_weekly = self._values()
        self._context.save_settings()
        self._loaded = self._values()

    def is_dirty(self) -> bool:
        return self._loaded is not None and self._values() != self._loaded

    def _values(self) -> tuple[int, int]:
        return self.daily_spin.value(), self.weekly_spin.value()

    # -- the list and the actions --------------------------------------------------

    def refresh(self) -> None:
        """Read the backups folder again (off the GUI thread)."""
        folder = self._context.paths.backups
        BackgroundTask(
            lambda: list_backups(folder), parent=self, writes=False, label="list backups"
        ).success(self._show).run_in_background()

    def _show(self, backups: list[BackupInfo]) -> None:
        self.backups = backups
        self.table.setRowCount(len(backups))
        for row, info in enumerate(backups):
            cells = (f"{info.taken_at:%Y-%m-%d %H:%M}", kind_text(info.label), size_text(info.size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self._update_buttons()
        self.listed.emit()

    def _selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        busy = self._actions is not None and self._actions.busy
        self.back_up_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self._selected() is not None)

    def _on_back_up_clicked(self) -> None:
        self.actions.back_up_now()
        self._update_buttons()

    def _on_restore_clicked(self) -> None:
        chosen = self._selected()
        if chosen is not None and confirm_restore(self, chosen.path):
            self.actions.restore_from(chosen.path)
            self._update_buttons()
