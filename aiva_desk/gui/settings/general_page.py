"""Settings > General: who the agent works as, "Breaching soon", and the tray.

The values live in :class:`~aiva_desk.runtime.settings.UserSettings` (``settings.json`` in
the data folder): ``me_staff_id``, ``breaching_soon_minutes`` and ``close_to_tray``.

Signals:
    changed(): the agent edited something on the page.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QStyle,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import DataDirError, ValidationError
from aiva_desk.gui.common.forms import hint_label
from aiva_desk.gui.common.icons import icon

BREACHING_SOON_RANGE = (1, 1440)  # minutes: up to a day


class GeneralSettingsPage(QWidget):
    """The agent profile, the breaching-soon threshold and closing to the tray."""

    title = "General"
    icon_name = "person"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generalSettingsPage")
        self._context = context
        self._loaded: tuple[int | None, int, bool] | None = None

        self.me_combo = QComboBox(self)
        self.me_combo.setObjectName("meStaffCombo")
        self.me_combo.setAccessibleName("I work as")
        self.me_combo.setMinimumContentsLength(24)
        self.me_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.breaching_spin = QSpinBox(self)
        self.breaching_spin.setObjectName("breachingSoonSpin")
        self.breaching_spin.setAccessibleName("Breaching soon threshold in minutes")
        self.breaching_spin.setRange(*BREACHING_SOON_RANGE)
        self.breaching_spin.setSuffix(" minutes")
        self.breaching_spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.close_to_tray_check = QCheckBox(
            "Closing the window &keeps AIVA Desk in the tray", self
        )
        self.close_to_tray_check.setObjectName("closeToTrayCheck")

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._section(form, "Profile")
        form.addRow(self._label("I &work as:", self.me_combo), self.me_combo)
        form.addRow(
            "", hint_label("Whose tickets “My open” shows, and who “Me” is in filters.", self)
        )
        self._section(form, "SLA")
        form.addRow(self._label("&Breaching soon:", self.breaching_spin), self.breaching_spin)
        form.addRow(
            "",
            hint_label(
                "Tickets due within this time are listed under “Breaching soon” "
                "and marked in the queue.",
                self,
            ),
        )
        self._section(form, "Window")
        form.addRow(self.close_to_tray_check)
        tray_hint = hint_label(
            "SLA alerts keep coming while the window is closed; File > Quit (Ctrl+Q) "
            "ends AIVA Desk.",
            self,
        )
        style = self.style()
        indent = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + style.pixelMetric(
            QStyle.PixelMetric.PM_CheckBoxLabelSpacing
        )
        tray_hint.setContentsMargins(indent, 0, 0, 0)  # under the check box's text
        form.addRow(tray_hint)
        self.setTabOrder(self.me_combo, self.breaching_spin)
        self.setTabOrder(self.breaching_spin, self.close_to_tray_check)

        self.me_combo.currentIndexChanged.connect(self._emit_changed)
        self.breaching_spin.valueChanged.connect(self._emit_changed)
        self.breaching_spin.lineEdit().textEdited.connect(self._emit_changed)
        self.close_to_tray_check.toggled.connect(self._emit_changed)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _section(self, form: QFormLayout, title: str) -> None:
        label = QLabel(title, self)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        if form.rowCount():
            label.setContentsMargins(0, 10, 0, 0)
        form.addRow(label)

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    # -- the page protocol ---------------------------------------------------------

    def load(self) -> None:
        settings = self._context.settings
        combo = self.me_combo
        blocked = self.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("Nobody chosen", None)
            for member in self._context.tickets.staff():
                combo.addItem(icon("person"), member.name, member.id)
            combo.setCurrentIndex(max(combo.findData(settings.me_staff_id), 0))
            self.breaching_spin.setValue(settings.breaching_soon_minutes)
            self.close_to_tray_check.setChecked(settings.close_to_tray)
        finally:
            self.blockSignals(blocked)
        self._loaded = self._values()

    def is_dirty(self) -> bool:
        return self._loaded is not None and (
            self._values() != self._loaded or not self.breaching_spin.hasAcceptableInput()
        )

    def apply(self) -> None:
        """Check the values, then write them to ``settings.json``."""
        low, high = BREACHING_SOON_RANGE
        problems: dict[str, str] = {}
        if not self.breaching_spin.hasAcceptableInput():
            problems["breaching_soon_minutes"] = (
                f"“Breaching soon” must be a whole number of minutes from {low} to {high}."
            )
        me, minutes, close_to_tray = self._values()
        if me is not None and me not in {member.id for member in self._context.tickets.staff()}:
            name = self.me_combo.currentText()
            problems["me_staff_id"] = (
                f"{name} is no longer an active staff member: choose who you work as again."
            )
        if problems:
            raise ValidationError(problems)

        settings = self._context.settings
        before = (settings.me_staff_id, settings.breaching_soon_minutes, settings.close_to_tray)
        settings.me_staff_id, settings.breaching_soon_minutes = me, minutes
        settings.close_to_tray = close_to_tray
        try:
            self._context.save_settings()
        except OSError as exc:
            settings.me_staff_id, settings.breaching_soon_minutes = before[:2]
            settings.close_to_tray = before[2]
            raise DataDirError(f"The settings could not be saved: {exc}") from exc
        self._loaded = self._values()

    def _values(self) -> tuple[int | None, int, bool]:
        return (
            self.me_combo.currentData(),
            self.breaching_spin.value(),
            self.close_to_tray_check.isChecked(),
        )
