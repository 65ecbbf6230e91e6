"""The quality metrics table of the Reports dashboard: its columns, model and header.

One row per group and the total last; each metric's figures in columns whose tooltips
carry the metric's written definition. The duration metrics (first response,
resolution) share a band drawn above their five columns by :class:`BandedHeaderView`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QHeaderView, QWidget

from aiva_desk.reports import exports
from aiva_desk.reports.metrics import METRICS, GroupMetrics, MetricsReport


@dataclass(frozen=True)
class Column:
    header: str
    metric: str | None  # key into METRICS for the definition
    text: Callable[[GroupMetrics], str]
    detail: Callable[[GroupMetrics], str] | None = None
    band: str = ""  # drawn once above the columns that share it ("First response")


def _count(n: int) -> str:
    return f"{n:,}"


def _rate(name: str) -> Callable[[GroupMetrics], str]:
    def text(group: GroupMetrics) -> str:
        stat = getattr(group, name)
        return f"{exports.percent(stat.rate)} of {stat.total:,}"

    return text


def _duration_columns(name: str, title: str) -> list[Column]:
    def stat(group: GroupMetrics) -> Any:
        return getattr(group, name)

    def detail(group: GroupMetrics) -> str:
        s = stat(group)
        parts = [f"{s.count:,} tickets averaged"]
        if s.missing and name == "first_response":
            parts.append(f"{s.missing:,} awaiting a first response")
        if s.impossible:
            parts.append(f"{s.impossible:,} with an impossible timestamp")
        return "; ".join(parts) + "."

    def skipped(group: GroupMetrics) -> str:
        s = stat(group)
        return _count(s.missing + s.impossible) if s.missing + s.impossible else "—"

    return [
        Column("average", name, lambda g: exports.human(stat(g).average), detail, title),
        Column("median", name, lambda g: exports.human(stat(g).median), detail, title),
        Column("p90", name, lambda g: exports.human(stat(g).p90), detail, title),
        Column("n", name, lambda g: _count(stat(g).count), detail, title),
        Column("not avg.", name, skipped, detail, title),
    ]


def _satisfaction(group: GroupMetrics) -> str:
    s = group.satisfaction
    return "—" if s.average is None else f"{s.average:.2f} (n {s.count:,})"


def _satisfaction_detail(group: GroupMetrics) -> str:
    s = group.satisfaction
    return (
        f"{s.count:,} scored, {s.satisfied:,} of them 4 or 5 "
        f"({exports.percent(s.satisfied_rate)}); {s.missing:,} closed without a score."
    )


def _rate_detail(name: str, what: str) -> Callable[[GroupMetrics], str]:
    def detail(group: GroupMetrics) -> str:
        stat = getattr(group, name)
        text = f"{stat.hits:,} {what} of {stat.total:,}."
        if name == "sla":
            text += f" {stat.excluded:,} resolved without an SLA deadline (not counted)."
        return text

    return detail


COLUMNS: tuple[Column, ...] = (
    Column("Group", None, lambda g: g.group),
    *_duration_columns("first_response", "First response"),
    *_duration_columns("resolution", "Resolution"),
    Column("SLA\ncompliance", "sla", _rate("sla"), _rate_detail("sla", "met")),
    Column("Satisfaction\n(1–5)", "satisfaction", _satisfaction, _satisfaction_detail),
    Column(
        "Escalation\nrate",
        "escalation",
        _rate("escalation"),
        _rate_detail("escalation", "escalated"),
    ),
    Column("Reopened\nrate", "reopened", _rate("reopened"), _rate_detail("reopened", "reopened")),
    Column(
        "Self-service\nrate",
        "self_service",
        _rate("self_service"),
        _rate_detail("self_service", "self-service"),
    ),
)
DEFINITIONS = {m.key: m for m in METRICS}


BAND_ROLE = Qt.ItemDataRole.UserRole + 2


class BandedHeaderView(QHeaderView):
    """A horizontal header whose sections may share a band drawn above them
    (the model's ``BAND_ROLE`` header data); the other sections use both lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), 2 * self.fontMetrics().height() + 10))

    def _band(self, section: int) -> str:
        model = self.model()
        if model is None:
            return ""
        return model.headerData(section, Qt.Orientation.Horizontal, BAND_ROLE) or ""

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        band = self._band(section)
        if not band:
            super().paintSection(painter, rect, section)
            return
        half = rect.height() // 2
        lower = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        super().paintSection(painter, lower, section)
        first = last = section
        while first > 0 and self._band(first - 1) == band:
            first -= 1
        while last < self.count() - 1 and self._band(last + 1) == band:
            last += 1
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        upper = QRect(rect.left(), rect.top(), rect.width(), half)
        painter.save()
        painter.setClipRect(upper)
        painter.fillRect(upper, self.palette().button())
        painter.setPen(self.palette().mid().color())
        painter.drawLine(upper.bottomLeft(), upper.bottomRight())
        if section == last:
            painter.drawLine(upper.topRight(), upper.bottomRight())
        painter.setPen(self.palette().buttonText().color())
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            QRect(left, rect.top(), right - left, half),
            int(Qt.AlignmentFlag.AlignCenter),
            band,
        )
        painter.restore()


class MetricsTableModel(QAbstractTableModel):
    """One row per group and the total last (bold); every metric's figures."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: MetricsReport | None = None
        self._rows: list[GroupMetrics] = []

    def set_report(self, report: MetricsReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = [] if report is None else [*report.groups, report.total]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        group, column = self._rows[index.row()], COLUMNS[index.column()]
        total = index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(group)
        if role == Qt.ItemDataRole.ToolTipRole and column.metric:
            metric = DEFINITIONS[column.metric]
            detail = column.detail(group) if column.detail else ""
            return f"<b>{metric.title}</b> — {group.group}<br>{detail}<br><br>{metric.definition}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignLeft if index.column() == 0 else Qt.AlignmentFlag.AlignRight
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(COLUMNS)):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == BAND_ROLE:
            return column.band
        if role == Qt.ItemDataRole.ToolTipRole and column.metric:
            metric = DEFINITIONS[column.metric]
            return f"<b>{metric.title}</b><br>{metric.definition}"
        return None

    def group_names(self) -> list[str]:
        return [g.group for g in self._rows]
