"""QtCharts for the dashboard's series (:mod:`aiva_desk.reports.series`).

:func:`build_chart` turns one series into a chart: bars for counts, a line for the
SLA compliance rate, horizontal bars for categories. :class:`SeriesChartView`
shows one and reports a click on a bar or point; :func:`chart_png` draws a
series to a PNG (always on a light background) for the HTML and PDF exports.
"""

from __future__ import annotations

import base64

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene, QWidget

from aiva_desk.gui.common import theme
from aiva_desk.reports.series import CATEGORY, SLA, Series

BAR_COLOR = QColor("#3f7fbf")
SELECTED_COLOR = QColor("#e08a1e")
LINE_COLOR = QColor("#2e8b57")
EXPORT_SIZE = QSize(960, 380)
ROTATE_LABELS_OVER = 8  # more categories than this on the x axis: labels stand upright


def _value_axis(series: Series, *, percent: bool, headroom: float = 1.0) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(series.axis)
    if percent:
        # from a round ten below the lowest rate: 95 % and 99 % should not look alike
        rates = [p.value * 100 for p in series.points if p.value is not None]
        low = min(rates, default=0.0)
        bottom = max(0, int((low - 5) // 10) * 10)
        axis.setRange(bottom, 100)
        axis.setLabelFormat("%d%%")
        axis.setTickCount((100 - bottom) // 10 + 1 if bottom >= 50 else 6)
    else:
        top = max((p.value or 0 for p in series.points), default=0)
        axis.setRange(0, max(top * headroom, 1))
        axis.applyNiceNumbers()
        if axis.max() <= 4:
            axis.setTickCount(int(axis.max()) + 1)  # whole numbers only
        axis.setLabelFormat("%d")
    return axis


def _category_axis(series: Series) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append([p.label for p in series.points] or [""])
    if len(series.points) > ROTATE_LABELS_OVER:
        axis.setLabelsAngle(-90)
    font = QFont(axis.labelsFont())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    axis.setLabelsFont(font)
    return axis


def build_chart(series: Series, *, dark: bool = False, titled: bool = True) -> QChart:
    """A chart of ``series``; the bar set or line is at ``chart.series()[0]``."""
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    if dark:
        chart.setBackgroundBrush(theme.palette().window())
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    empty = not series.points or all(not p.value for p in series.points)
    if titled or empty:
        chart.setTitle(f"{series.title} — none in this range" if empty else series.title)
    title_font = QFont(chart.titleFont())
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    if series.name == SLA:
        line = QLineSeries()
        line.setName(series.title)
        line.setPointsVisible(True)
        line.setColor(LINE_COLOR)
        pen = line.pen()
        pen.setWidthF(2.5)
        line.setPen(pen)
        line.setMarkerSize(9)
        for index, point in enumerate(series.points):
            if point.value is not None:
                line.append(QPointF(index, point.value * 100))
        chart.addSeries(line)
        x_axis, y_axis = _category_axis(series), _value_axis(series, percent=True)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
        return chart
    horizontal = series.name == CATEGORY
    bars: QAbstractBarSeries = QHorizontalBarSeries() if horizontal else QBarSeries()
    bar_set = QBarSet(series.axis)
    bar_set.setColor(BAR_COLOR)
    bar_set.setBorderColor(BAR_COLOR)
    bar_set.setSelectedColor(SELECTED_COLOR)
    # categories listed top to bottom by count: a horizontal axis starts at the bottom
    points = list(reversed(series.points)) if horizontal else list(series.points)
    bar_set.append([float(p.value or 0) for p in points])
    bars.append(bar_set)
    bars.setBarWidth(0.75)
    if len(points) <= 12:
        bars.setLabelsVisible(True)
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        bar_set.setLabelColor(QColor("#e6e6e6") if dark else QColor("#1d232a"))
        bars.setLabelsFormat("@value")
    chart.addSeries(bars)
    ordered = Series(series.name, series.title, series.axis, tuple(points))
    labelled = bars.isLabelsVisible()
    categories = _category_axis(ordered)
    values = _value_axis(series, percent=False, headroom=1.12 if labelled else 1.0)
    if horizontal:
        categories.setLabelsAngle(0)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(categories)
    bars.attachAxis(values)
    return chart


def point_index(series: Series, chart_index: int) -> int:
    """A bar's index in the chart → the index of its point in ``series.points``."""
    if series.name == CATEGORY:
        return len(series.points) - 1 - chart_index
    return chart_index


class SeriesChartView(QChartView):
    """One chart; a click on a bar (or an SLA point) reports that point.

    Signals:
        point_clicked(str, str): the series' name and the clicked point's key.
    """

    point_clicked = Signal(str, str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Chart")
        self.name = name
        self.series: Series | None = None
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 220)
        self.setToolTip("Click a bar to list its tickets.")

    def set_series(self, series: Series) -> None:
        self.series = series
        chart = build_chart(series, dark=theme.is_dark())
        data = chart.series()[0]
        if isinstance(data, QAbstractBarSeries):
            bar_set = data.barSets()[0]
            bar_set.clicked.connect(self._on_bar_clicked)
        elif isinstance(data, QLineSeries):
            data.clicked.connect(self._on_line_clicked)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.setAccessibleName(chart.title())

    def bar_set(self) -> QBarSet | None:
        data = self.chart().series()[0] if self.chart().series() else None
        return data.barSets()[0] if isinstance(data, QAbstractBarSeries) else None

    def position_of(self, index: int) -> QPointF:
        """Where point ``index`` (of ``series.points``) is drawn, in viewport coordinates."""
        assert self.series is not None
        chart = self.chart()
        data = chart.series()[0]
        point = self.series.points[index]
        if self.series.name == SLA:
            value = QPointF(index, (point.value or 0) * 100)
        elif self.series.name == CATEGORY:
            value = QPointF((point.value or 0) / 2, len(self.series.points) - 1 - index)
        else:
            value = QPointF(index, (point.value or 0) / 2)
        scene = chart.mapToScene(chart.mapToPosition(value, data))
        return QPointF(self.mapFromScene(scene))

    def select(self, index: int) -> None:
        bar_set = self.bar_set()
        if bar_set is not None and self.series is not None:
            bar_set.deselectAllBars()
            bar_set.selectBar(point_index(self.series, index))  # involution: same mapping both ways

    def _on_bar_clicked(self, chart_index: int) -> None:
        if self.series is None:
            return
        index = point_index(self.series, chart_index)
        self.select(index)
        self.point_clicked.emit(self.name, self.series.points[index].key)

    def _on_line_clicked(self, point: QPointF) -> None:
        if self.series is None or not self.series.points:
            return
        index = min(max(round(point.x()), 0), len(self.series.points) - 1)
        self.point_clicked.emit(self.name, self.series.points[index].key)


def chart_png(series: Series, size: QSize = EXPORT_SIZE, scale: float = 2.0) -> bytes:
    """``series`` drawn as a light chart, as PNG bytes (``scale`` × ``size`` pixels)."""
    chart = build_chart(series, dark=False, titled=False)  # the report heads each chart
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, size.width(), size.height()))
    image = QImage(
        round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(
        painter,
        QRectF(0, 0, image.width(), image.height()),
        QRectF(0, 0, size.width(), size.height()),
    )
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
