"""Non-modal messages across the top of the ticket editor.

A banner says something the agent should know without stopping them: a restored
draft, a ticket changed elsewhere, a merge that happened, a save that was refused.
Each banner has a key; showing a banner with the same key replaces the old one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

KINDS = ("info", "warning", "error")


def mark_problem(widget: QWidget, text: str) -> None:
    """Outline a field a save was refused for; the reason is its tooltip."""
    widget.setProperty("problem", True)
    widget.setToolTip(text)
    widget.style().polish(widget)


def clear_problem(widget: QWidget) -> None:
    if widget.property("problem"):
        widget.setProperty("problem", False)
        widget.setToolTip("")
        widget.style().polish(widget)


class Banner(QFrame):
    """One message with optional buttons and a close button.

    Signals:
        dismissed(): the banner was closed (by its button or in code).
    """

    dismissed = Signal()

    def __init__(self, key: str, kind: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"unknown banner kind {kind!r}")
        self.key = key
        self.setObjectName(f"{key}Banner")
        self.setProperty("banner", kind)
        self.setAccessibleName(text)
        self.label = QLabel(text, self)
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addWidget(self.label, 1)
        close = self.add_button("Dismiss", self.dismiss, name="dismissButton")
        close.setToolTip("Hide this message")

    @property
    def text(self) -> str:
        return self.label.text()

    def add_button(
        self, text: str, callback: Callable[[], object], *, name: str = ""
    ) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name or f"{text.lower().replace(' ', '')}Button")
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: callback())
        # Before the dismiss button, which always comes last.
        self._layout.insertWidget(max(self._layout.count() - 1, 1), button)
        return button

    def dismiss(self) -> None:
        if self.isHidden() and self.property("dismissed"):
            return
        self.setProperty("dismissed", True)
        self.hide()
        self.dismissed.emit()
        self.deleteLater()


class BannerArea:
    """The banners shown in one editor, by key."""

    def __init__(self, container: QWidget, layout: QVBoxLayout) -> None:
        self._container = container
        self._layout = layout
        self._banners: dict[str, Banner] = {}
        container.hide()

    def show(self, key: str, kind: str, text: str) -> Banner:
        """Show (or replace) the banner ``key``; add buttons to the returned banner."""
        self.remove(key)
        banner = Banner(key, kind, text, self._container)
        banner.dismissed.connect(lambda k=key, b=banner: self._forget(k, b))
        self._banners[key] = banner
        self._layout.addWidget(banner)
        self._container.show()
        return banner

    def get(self, key: str) -> Banner | None:
        return self._banners.get(key)

    def text(self, key: str) -> str:
        banner = self.get(key)
        return banner.text if banner is not None else ""

    def remove(self, key: str) -> None:
        banner = self._banners.get(key)
        if banner is not None:
            banner.dismiss()

    def clear(self) -> None:
        for key in list(self._banners):
            self.remove(key)

    def keys(self) -> list[str]:
        return list(self._banners)

    def __contains__(self, key: object) -> bool:
        return key in self._banners

    def _forget(self, key: str, banner: Banner) -> None:
        if self._banners.get(key) is banner:
            del self._banners[key]
        self._layout.removeWidget(banner)
        self._container.setVisible(bool(self._banners))
